/* guidebuild theme: small progressive enhancements. The pages work without it.
 *
 * 1. Contents: open beside the text on wide screens, folded behind "Contents" on phones.
 * 2. Search page: announce the number of results to screen readers (a status message).
 * 3. Search works from file:// and in British English (see fixSphinxSearch).
 * 4. Search results: each page once, a snippet under each hit (from gb-search-text.js, so
 *    it works from disk), labels in sentence case; on the page a hit leads to, only whole
 *    words are highlighted ("e-mail" marks "e-mail", never every letter "e").
 */
"use strict";

(() => {
  const WIDE = "(min-width: 50em)"; // keep in step with the layout breakpoint in guidebuild.css

  const setUpContents = () => {
    const details = document.querySelector(".gb-contents__details");
    if (!details || !window.matchMedia) return;
    const summary = details.querySelector("summary");
    const query = window.matchMedia(WIDE);
    const apply = () => {
      if (query.matches) {
        details.open = true;
        // Beside the text the list is always shown: "Contents" is then a label, not a control.
        summary.setAttribute("tabindex", "-1");
        details.classList.add("gb-contents__details--fixed");
      } else {
        details.open = false;
        summary.removeAttribute("tabindex");
        details.classList.remove("gb-contents__details--fixed");
      }
    };
    apply();
    query.addEventListener("change", apply);
    summary.addEventListener("click", (event) => {
      if (query.matches) event.preventDefault();
    });
  };

  const setUpSearchStatus = () => {
    const results = document.getElementById("search-results");
    const status = document.getElementById("gb-search-status");
    if (!results || !status || !window.MutationObserver) return;
    let last = "";
    new MutationObserver(() => {
      const summary = results.querySelector(".search-summary");
      const text = summary ? summary.textContent.trim() : "";
      if (text && text !== last) {
        last = text;
        status.textContent = text;
      }
    }).observe(results, { childList: true, subtree: true, characterData: true });
  };

  // Runs before searchtools.js starts searching (at DOMContentLoaded; this file is deferred).
  const fixSphinxSearch = () => {
    // Opened from file://, fetching a page for its summary is refused (no CORS for file:):
    // list the matching pages without summaries rather than throwing errors.
    if (window.location.protocol === "file:" && typeof DOCUMENTATION_OPTIONS !== "undefined") {
      DOCUMENTATION_OPTIONS.SHOW_SEARCH_SUMMARY = false;
    }
    // Sphinx's en_GB catalogue has plural_expr "(n != 1)", a boolean, used as an index
    // into the plural forms, so ngettext returns undefined and the search never reports
    // its result count. Use a number, and fall back to the English text when empty.
    if (typeof Documentation !== "undefined") {
      Documentation.ngettext = (singular, plural, n) => {
        const forms = Documentation.TRANSLATIONS[singular];
        const form = Array.isArray(forms) && Documentation.PLURAL_EXPR
          ? forms[Number(Documentation.PLURAL_EXPR(n))]
          : undefined;
        return form || (n === 1 ? singular : plural);
      };
    }
  };
  fixSphinxSearch();

  // --- whole-word search terms and highlighting -------------------------------------------
  const HIGHLIGHT_KEY = "sphinx_highlight_terms";
  // The words as typed: "e-mail" stays one word (Sphinx's own split makes "e" and "mail").
  const queryWords = (query) =>
    query.toLowerCase().split(/\s+/).map((w) => w.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, ""))
      .filter((w) => w && !w.startsWith("-"));
  const escapeRegExp = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const wholeWords = (words) => words.length
    ? new RegExp(`(?<![\\p{L}\\p{N}_-])(?:${words.map(escapeRegExp).join("|")})(?![\\p{L}\\p{N}_-])`, "giu")
    : null;

  // Wrap each whole-word match in the text nodes under `root` in <span class="highlighted">.
  const highlight = (root, pattern) => {
    if (!root || !pattern) return;
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT, {
      acceptNode: (node) => (node.parentElement.closest("script, style, .highlighted, .headerlink")
        ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT),
    });
    const nodes = [];
    while (walker.nextNode()) nodes.push(walker.currentNode);
    nodes.forEach((node) => {
      const text = node.nodeValue;
      pattern.lastIndex = 0;
      if (!pattern.test(text)) return;
      pattern.lastIndex = 0;
      const fragment = document.createDocumentFragment();
      let last = 0;
      for (const match of text.matchAll(pattern)) {
        fragment.append(text.slice(last, match.index));
        const mark = document.createElement("span");
        mark.className = "highlighted";
        mark.textContent = match[0];
        fragment.append(mark);
        last = match.index + match[0].length;
      }
      fragment.append(text.slice(last));
      node.replaceWith(fragment);
    });
  };

  if (typeof SphinxHighlight !== "undefined") {
    SphinxHighlight.highlightSearchWords = () => {
      const url = new URL(window.location);
      const stored = localStorage.getItem(HIGHLIGHT_KEY) || url.searchParams.get("highlight") || "";
      localStorage.removeItem(HIGHLIGHT_KEY);
      highlight(document.querySelector("main"), wholeWords(queryWords(stored)));
    };
  }

  // --- the search page --------------------------------------------------------------------
  const fixSearchPage = () => {
    if (typeof Search === "undefined") return;
    if (typeof Documentation !== "undefined") {
      Documentation.TRANSLATIONS["Search Results"] = "Search results";
      Documentation.TRANSLATIONS["Preparing search..."] = "Preparing search\u2026";
    }
    // Snippets come from gb-search-text.js, on disk and on a server alike.
    DOCUMENTATION_OPTIONS.SHOW_SEARCH_SUMMARY = false;
    let words = [];
    const parse = Search._parseQuery;
    Search._parseQuery = (query) => {
      const parsed = parse(query);
      words = queryWords(query);
      localStorage.setItem(HIGHLIGHT_KEY, words.join(" "));
      parsed[3] = new Set(words); // what Sphinx highlights in a hit's description
      return parsed;
    };
    // Each page once: a page found by its title, an index entry and its text is one hit.
    const perform = Search._performSearch;
    Search._performSearch = (...args) => {
      const results = perform(...args);
      const seen = new Set();
      const kept = [];
      for (let i = results.length - 1; i >= 0; i -= 1) { // best first
        const [docname, title] = results[i];
        const key = `${docname}\u0000${title}`;
        if (!seen.has(key)) {
          seen.add(key);
          kept.unshift(results[i]);
        }
      }
      return kept;
    };
    const results = document.getElementById("search-results");
    if (!results || !window.MutationObserver) return;
    new MutationObserver(() => {
      const texts = window.GB_SEARCH_TEXT || {};
      const pattern = wholeWords(words);
      results.querySelectorAll("ul.search > li:not([data-gb-snippet])").forEach((item) => {
        item.dataset.gbSnippet = "";
        const link = item.querySelector("a");
        if (!link) return;
        const [path, anchor = ""] = link.getAttribute("href").split("#");
        const docname = path.replace(/\.html$/, "");
        const page = texts[docname] || {};
        const text = page[anchor] || page[""] || "";
        if (!text) return;
        let start = 0;
        if (pattern) {
          pattern.lastIndex = 0;
          const match = pattern.exec(text);
          if (match) start = Math.max(0, match.index - 60);
        }
        const end = Math.min(text.length, start + 220);
        const snippet = document.createElement("p");
        snippet.className = "context gb-snippet";
        snippet.textContent = (start > 0 ? "\u2026" : "") + text.slice(start, end).trim()
          + (end < text.length ? "\u2026" : "");
        highlight(snippet, pattern);
        item.append(snippet);
      });
    }).observe(results, { childList: true, subtree: true });
  };
  fixSearchPage();

  const ready = (callback) => {
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", callback);
    } else {
      callback();
    }
  };

  // Tables with a header row: label each cell with its column's name, for the stacked
  // layout on phones (guidebuild.css), and say the table roles outright, since a table
  // shown as blocks is no longer announced as a table otherwise.
  const setUpStackedTables = () => {
    let captions = 0;
    document.querySelectorAll("main table").forEach((table) => {
      const head = table.tHead && table.tHead.rows[0];
      if (!head) return;
      const labels = Array.from(head.cells, (cell) => cell.textContent.trim());
      table.setAttribute("role", "table");
      // A role="table" may hold only rows and row groups: its caption moves out, just
      // above it, and names it.
      if (table.caption) {
        const label = document.createElement("p");
        label.className = "gb-table-caption";
        label.id = `${table.id || "gb-table"}-caption-${++captions}`;
        label.append(...table.caption.childNodes);
        table.caption.remove();
        table.before(label);
        table.setAttribute("aria-labelledby", label.id);
      }
      table.querySelectorAll("thead, tbody, tfoot").forEach((group) => group.setAttribute("role", "rowgroup"));
      Array.from(table.rows).forEach((row) => {
        row.setAttribute("role", "row");
        Array.from(row.cells).forEach((cell, index) => {
          if (cell.tagName === "TH") {
            cell.setAttribute("role", row.parentElement === table.tHead ? "columnheader" : "rowheader");
          } else {
            cell.setAttribute("role", "cell");
          }
          if (row.parentElement !== table.tHead && labels[index]) cell.dataset.label = labels[index];
        });
      });
      table.classList.add("gb-stacked");
    });
  };

  ready(() => {
    setUpContents();
    setUpSearchStatus();
    setUpStackedTables();
  });
})();
