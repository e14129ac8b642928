/* guidebuild theme: small progressive enhancements. The pages work without it.
 *
 * 1. Contents: open beside the text on wide screens, folded behind "Contents" on phones.
 * 2. Search page: announce the number of results to screen readers (a status message).
 * 3. Search works from file:// and in British English (see fixSphinxSearch).
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

  const ready = (callback) => {
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", callback);
    } else {
      callback();
    }
  };

  ready(() => {
    setUpContents();
    setUpSearchStatus();
  });
})();
