"""The guidebuild HTML theme: the page structure and styles it promises.

Builds a small project (written here, with a chapter in a subfolder so that relative
links are exercised) with plain Sphinx and our theme, once as a final edition with no PDF
and once as a draft with a PDF link, and reads the pages with html.parser. The stylesheet
is read with a small brace parser. One test drives headless Chromium, when there is one.
"""

from __future__ import annotations

import io
import itertools
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from guidebuild.resources import theme_dir

REPO = Path(__file__).resolve().parent.parent
THEME = theme_dir("guidebuild")
PDF_HREF = "downloads/guide.pdf"
MARKER = "@@GB_PDF_SIZE@@"

# --- the project --------------------------------------------------------------------------

CONF = """
project = "Theme test guidance"
author = "Theme Tester"
language = "en_GB"
guidebuild_short_title = "Theme test"
guidebuild_edition = "First edition"
guidebuild_published = "2004-12-06"
guidebuild_status = "final"
guidebuild_organisation = "Department of Testing"
extensions = ["guidebuild.sphinxext"]
root_doc = "index"
html_theme = "guidebuild"
html_last_updated_fmt = None
html_copy_source = False
html_show_sourcelink = False
html_show_sphinx = False
html_permalinks_icon = "#"
"""

SOURCES = {
    "index.rst": """
        Theme test guidance
        ===================

        What this small guide is for.

        .. information-box::
           :purpose: To test the theme.
           :audience: The theme's tests.

        .. toctree::
           :numbered: 1
           :caption: Contents

           first
           part/second

        .. toctree::
           :caption: Reference

           glossary
           updates
        """,
    "first.rst": """
        First chapter
        =============

        Zebra crossings are used here as a word to search for.

        Background
        ----------

        A :term:`mentor` listens\\ [#note]_, as [REF2004]_ shows. See the
        `example site <https://www.example.org/guide>`_.

        .. [#note] A footnote.

        .. [REF2004] Cited Authors (2004). A cited report.

        .. note:: An admonition.

        Detail
        ~~~~~~

        .. table:: A table with a caption

           =========  ==========
           Activity   Purpose
           =========  ==========
           Appraisal  Review
           =========  ==========

        .. recommendation:: Choose a mentor
           :id: choose-a-mentor
           :status: new 2004

           Doctors should choose their own mentor.
        """,
    "part/second.rst": """
        Second chapter
        ==============

        This chapter builds on :rec:`choose-a-mentor`.

        .. recommendation:: Meet regularly
           :id: meet-regularly

           Pairs should meet regularly.
        """,
    "glossary.rst": """
        Glossary
        ========

        .. glossary::

           mentor
              A person who helps another to learn.
        """,
    "updates.rst": """
        Update information
        ==================

        .. update-information::
        """,
    "changelog.yaml": """
        - date: 2005-03-01
          edition: First edition
          changes:
            - Corrected a typing error.
        """,
}

# Documents in reading order, as the toctrees give them.
DOCS = ["index", "first", "part/second", "glossary", "updates"]
TITLES = {
    "index": "Theme test guidance",
    "first": "1. First chapter",
    "part/second": "2. Second chapter",
    "glossary": "Glossary",
    "updates": "Update information",
}


@dataclass(frozen=True)
class Site:
    out: Path
    warnings: str

    def page(self, docname: str) -> Element:
        return parse((self.out / f"{docname}.html").read_text(encoding="utf-8"))

    def pages(self) -> Iterator[tuple[str, Element]]:
        for path in sorted(self.out.rglob("*.html")):
            yield (
                path.relative_to(self.out).with_suffix("").as_posix(),
                parse(path.read_text(encoding="utf-8")),
            )


def build(root: Path, **overrides: Any) -> Site:
    from sphinx.application import Sphinx
    from sphinx.util.docutils import docutils_namespace, patch_docutils

    src = root / "src"
    for name, text in SOURCES.items():
        path = src / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    (src / "conf.py").write_text(CONF, encoding="utf-8")
    warnings = io.StringIO()
    with patch_docutils(src), docutils_namespace():
        app = Sphinx(
            srcdir=src,
            confdir=src,
            outdir=root / "html",
            doctreedir=root / "doctrees",
            buildername="html",
            confoverrides=overrides,
            status=None,
            warning=warnings,
            freshenv=True,
        )
        app.build()
    return Site(root / "html", warnings.getvalue())


@pytest.fixture(scope="module")
def final(tmp_path_factory: pytest.TempPathFactory) -> Site:
    return build(tmp_path_factory.mktemp("final"))


@pytest.fixture(scope="module")
def draft(tmp_path_factory: pytest.TempPathFactory) -> Site:
    return build(
        tmp_path_factory.mktemp("draft"), guidebuild_draft=True, guidebuild_pdf_href=PDF_HREF
    )


# --- a small DOM ------------------------------------------------------------------------------

VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}


@dataclass(eq=False)
class Element:
    tag: str
    attrs: dict[str, str]
    parent: Element | None = None
    children: list[Element | str] = field(default_factory=list)

    def iter(self) -> Iterator[Element]:
        yield self
        for child in self.children:
            if isinstance(child, Element):
                yield from child.iter()

    def find_all(self, tag: str | None = None, **attrs: str) -> list[Element]:
        """Elements below (and including) this one; ``class_`` matches one class."""
        wanted_class = attrs.pop("class_", None)
        return [
            el
            for el in self.iter()
            if (tag is None or el.tag == tag)
            and (wanted_class is None or wanted_class in el.classes)
            and all(el.attrs.get(key.replace("_", "-")) == value for key, value in attrs.items())
        ]

    def find(self, tag: str | None = None, **attrs: str) -> Element:
        found = self.find_all(tag, **attrs)
        assert found, f"no <{tag}> with {attrs}"
        return found[0]

    @property
    def classes(self) -> list[str]:
        return self.attrs.get("class", "").split()

    def text(self) -> str:
        parts: list[str] = []
        for child in self.children:
            parts.append(child if isinstance(child, str) else child.text())
        return "".join(parts)

    def words(self) -> str:
        return " ".join(self.text().split())

    def ancestors(self) -> Iterator[Element]:
        node = self.parent
        while node is not None:
            yield node
            node = node.parent

    def within(self, tag: str) -> bool:
        return any(a.tag == tag for a in self.ancestors())


class TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {})
        self.stack = [self.root]
        self.unclosed: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {k: v or "" for k, v in attrs}, self.stack[-1])
        self.stack[-1].children.append(element)
        if tag not in VOID:
            self.stack.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {k: v or "" for k, v in attrs}, self.stack[-1])
        self.stack[-1].children.append(element)

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        assert self.stack[-1].tag == tag, f"</{tag}> closes <{self.stack[-1].tag}>"
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse(html: str) -> Element:
    builder = TreeBuilder()
    builder.feed(html)
    builder.close()
    assert builder.stack == [builder.root], "unclosed elements at the end of the page"
    return builder.root


def focusable(root: Element) -> list[Element]:
    """What Tab reaches, in document order (no CSS: hidden things count too)."""
    result = []
    for el in root.find_all():
        if el.attrs.get("tabindex", "0").lstrip("-") != el.attrs.get("tabindex", "0"):
            continue  # tabindex="-1": reachable by script only
        if (
            (el.tag == "a" and "href" in el.attrs)
            or el.tag in {"button", "select", "textarea", "summary"}
            or (el.tag == "input" and el.attrs.get("type") != "hidden")
            or "tabindex" in el.attrs
        ):
            result.append(el)
    return result


def body_of(page: Element) -> Element:
    return page.find("body")


# --- the build ----------------------------------------------------------------------------


def test_builds_without_warnings(final: Site, draft: Site) -> None:
    assert final.warnings == ""
    assert draft.warnings == ""


def test_every_page_declares_its_language(final: Site) -> None:
    for name, page in final.pages():
        assert page.find("html").attrs.get("lang") == "en-GB", name


def test_title_names_page_and_publication(final: Site) -> None:
    assert final.page("index").find("title").text() == "Theme test guidance"
    assert final.page("first").find("title").text() == "1. First chapter \u2013 Theme test"


# --- landmarks, skip link, headings ------------------------------------------------------


def test_skip_link_is_the_first_focusable_element_and_reaches_main(final: Site) -> None:
    for name, page in final.pages():
        first = focusable(body_of(page))[0]
        assert first.words() == "Skip to main content", name
        assert first.attrs["href"] == "#main-content", name
        (main,) = page.find_all("main")
        assert main.attrs["id"] == "main-content", name


def test_landmarks(final: Site) -> None:
    for name, page in final.pages():
        body = body_of(page)
        assert len(body.find_all("main")) == 1, name
        assert body.find("main").attrs.get("role") == "main", name  # searchtools.js needs it
        (header,) = body.find_all("header")
        assert header.parent is body, name
        (footer,) = body.find_all("footer")
        assert footer.parent is body and footer.attrs.get("role") == "contentinfo", name
        navs = body.find_all("nav")
        labels = [nav.attrs.get("aria-label") for nav in navs]
        assert all(labels) and len(set(labels)) == len(labels), (name, labels)
        assert "Contents" in labels, name
        for landmark in [header, footer, *navs]:
            assert not landmark.within("main"), name


def test_headings_in_order_and_one_h1_that_is_the_page_title(final: Site) -> None:
    for name, page in final.pages():
        body = body_of(page)
        h1s = body.find_all("h1")
        assert len(h1s) == 1 and h1s[0].within("main"), name
        levels = []
        for el in body.iter():
            if el.tag in {"h1", "h2", "h3", "h4", "h5", "h6"}:
                levels.append(int(el.tag[1]))
            elif el.attrs.get("role") == "heading":
                assert el.attrs.get("aria-level", "").isdigit(), (name, el.attrs)
                levels.append(int(el.attrs["aria-level"]))
        assert levels[0] == 1, (name, levels)
        for before, after in itertools.pairwise(levels):
            assert after <= before + 1, (name, levels)
    # The site name in the header is a link, not a heading.
    header = final.page("first").find("header")
    assert header.find("a", class_=None, href="index.html").words() == "Theme test guidance"
    assert not [el for el in header.iter() if el.tag.startswith("h") and el.tag[1:].isdigit()]


def test_heading_permalinks_keep_a_name(final: Site) -> None:
    links = final.page("first").find_all("a", class_="headerlink")
    assert links
    for link in links:
        assert link.words() or link.attrs.get("aria-label") or link.attrs.get("title")


def test_docutils_roles_are_repaired(final: Site) -> None:
    html = (final.out / "first.html").read_text(encoding="utf-8")
    assert 'role="doc-biblioentry"' not in html
    citation = final.page("first").find("div", class_="citation")
    assert citation.attrs["role"] == "listitem"
    assert citation.parent is not None and citation.parent.attrs["role"] == "list"


# --- navigation ---------------------------------------------------------------------------


def contents_nav(page: Element) -> Element:
    return page.find("nav", aria_label="Contents")


def test_contents_lists_every_document_and_marks_the_current_one(final: Site) -> None:
    for doc in DOCS:
        page = final.page(doc)
        nav = contents_nav(page)
        texts = {a.words() for a in nav.find_all("a")}
        assert {TITLES[d] for d in DOCS[1:]} <= texts, doc
        current = nav.find_all("a", aria_current="page")
        assert len(current) == 1, doc
        assert len(page.find_all("a", aria_current="page")) == 1, doc
        href = current[0].attrs["href"]
        assert href in {"#", Path(doc).name + ".html"}, (doc, href)
        assert current[0].words() in {TITLES[doc], "Theme test"}, doc
    # Sections of the current page are listed under it; other pages stay folded.
    nav = contents_nav(final.page("first"))
    assert "Background" in {a.words() for a in nav.find_all("a")}
    assert "Background" not in {a.words() for a in contents_nav(final.page("glossary")).iter()}


def test_contents_links_are_relative_from_a_subfolder(final: Site) -> None:
    nav = contents_nav(final.page("part/second"))
    hrefs = {a.words(): a.attrs["href"] for a in nav.find_all("a")}
    assert hrefs["1. First chapter"] == "../first.html"
    assert hrefs["Glossary"] == "../glossary.html"


def test_previous_and_next_links_name_the_pages(final: Site) -> None:
    def pager(doc: str) -> dict[str, tuple[str, str]]:
        nav = final.page(doc).find("nav", aria_label="Previous and next pages")
        return {
            a.attrs["rel"]: (a.attrs["href"], a.find("span", class_="gb-pagination__title").words())
            for a in nav.find_all("a")
        }

    assert pager("first") == {
        "prev": ("index.html", "Theme test guidance"),
        "next": ("part/second.html", "2. Second chapter"),
    }
    assert pager("part/second")["prev"] == ("../first.html", "1. First chapter")
    assert "prev" not in pager("index")
    assert "next" not in pager("updates")
    # link rel in the head too
    head = final.page("first").find("head")
    assert head.find("link", rel="next").attrs["href"] == "part/second.html"


# --- search -------------------------------------------------------------------------------


def test_search_box_on_every_page(final: Site) -> None:
    for name, page in final.pages():
        forms = page.find_all("form", role="search")
        assert len(forms) == 1, name
        form = forms[0]
        field_ = form.find("input", name="q")
        label = form.find("label")
        assert label.attrs["for"] == field_.attrs["id"], name
        if name != "search":
            assert form.attrs["action"] in {"search.html", "../search.html"}, name


def test_search_page_has_results_area_and_status(final: Site) -> None:
    page = final.page("search")
    main = page.find("main")
    assert main.find("div", id="search-results")
    assert main.find("span", id="search-progress")
    assert main.find(id="gb-search-status").attrs["role"] == "status"
    scripts = [s.attrs.get("src", "") for s in page.find_all("script")]
    assert any(s.startswith("searchindex.js") for s in scripts)
    assert any(s.startswith("_static/searchtools.js") for s in scripts)


def test_single_key_search_shortcut_is_off(final: Site) -> None:
    options = (final.out / "_static" / "documentation_options.js").read_text(encoding="utf-8")
    assert "ENABLE_SEARCH_SHORTCUTS: false" in options
    assert "NAVIGATION_WITH_KEYS: false" in options


# --- footer, PDF link, draft ------------------------------------------------------------------


def test_footer_gives_edition_dates_and_organisation(final: Site) -> None:
    for name, page in final.pages():
        footer = page.find("footer")
        dates = footer.find("p", class_="gb-footer__dates")
        assert dates.words().startswith(
            "First edition. Published 6 December 2004. Last updated 1 March 2005."
        ), name
        times = {t.attrs["datetime"]: t.words() for t in dates.find_all("time")}
        assert times == {"2004-12-06": "6 December 2004", "2005-03-01": "1 March 2005"}, name
        assert "Department of Testing" in footer.words(), name


def test_no_pdf_link_without_a_pdf(final: Site) -> None:
    for name, page in final.pages():
        assert not page.find_all(class_="gb-pdf-size"), name
        assert "Download the PDF" not in page.words(), name
        assert MARKER not in (final.out / f"{name}.html").read_text(encoding="utf-8"), name


def test_pdf_link_on_every_page_with_one_size_marker(draft: Site) -> None:
    for name, page in draft.pages():
        html = (draft.out / f"{name}.html").read_text(encoding="utf-8")
        assert html.count(MARKER) == 1, name
        (size,) = page.find_all(class_="gb-pdf-size")
        assert size.words() == f"(PDF, {MARKER})", name
        link = next(a for a in size.ancestors() if a.tag == "a")
        assert link.words() == f"Download the PDF (PDF, {MARKER})", name
        depth = name.count("/")
        assert link.attrs["href"] == "../" * depth + PDF_HREF, name


def test_draft_banner_only_in_a_draft(final: Site, draft: Site) -> None:
    for name, page in draft.pages():
        header = page.find("header")
        (banner,) = header.find_all(class_="gb-draft-banner")
        assert banner.attrs.get("role") == "note", name
        assert banner.words() == "Draft: not for publication", name
        # first thing in the banner landmark, before the site name
        assert header.find_all()[1] is banner, name
    for name, page in final.pages():
        assert not page.find_all(class_="gb-draft-banner"), name
        assert "not for publication" not in page.words(), name


# --- nothing from the network -------------------------------------------------------------


def is_remote(url: str) -> bool:
    return url.startswith(("http:", "https:", "//", "ftp:"))


def test_pages_load_nothing_from_the_network(final: Site, draft: Site) -> None:
    for site in (final, draft):
        for name, page in site.pages():
            for el in page.find_all():
                for attr in ("src", "srcset", "data", "poster"):
                    assert not is_remote(el.attrs.get(attr, "")), (name, el.tag, attr)
                if el.tag == "link":
                    assert not is_remote(el.attrs.get("href", "")), (name, el.attrs)
                assert "@import" not in (el.text() if el.tag == "style" else ""), name


def test_theme_files_name_no_remote_resource() -> None:
    for path in THEME.rglob("*"):
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            assert "http://" not in text and "https://" not in text, path
            if path.suffix == ".css":
                code = strip_comments(text)
                assert "url(" not in code and "@import" not in code, path


def test_the_site_css_is_ours_alone(final: Site) -> None:
    links = [el.attrs["href"] for el in final.page("first").find_all("link", rel="stylesheet")]
    assert any(href.startswith("_static/guidebuild.css") for href in links)
    assert not any("basic.css" in href for href in links)


# --- the stylesheet -------------------------------------------------------------------------


@dataclass
class Rule:
    prelude: str
    body: str
    children: list[Rule] = field(default_factory=list)

    def declarations(self) -> dict[str, str]:
        result = {}
        for part in self.body.split(";"):
            name, sep, value = part.partition(":")
            if sep:
                result[name.strip()] = value.strip()
        return result

    @property
    def selectors(self) -> list[str]:
        return [" ".join(s.split()) for s in self.prelude.split(",")]


def strip_comments(css: str) -> str:
    out, rest = [], css
    while "/*" in rest:
        before, _, after = rest.partition("/*")
        out.append(before)
        rest = after.partition("*/")[2]
    out.append(rest)
    return "".join(out)


def parse_css(css: str) -> list[Rule]:
    """Top-level rules; at-rule blocks hold their rules as children. Strings are not
    looked into, which is enough for our own stylesheet."""

    def block(text: str, start: int) -> tuple[str, int]:
        depth, i = 1, start
        while depth:
            depth += {"{": 1, "}": -1}.get(text[i], 0)
            i += 1
        return text[start : i - 1], i

    rules, i = [], 0
    text = strip_comments(css)
    while True:
        brace = text.find("{", i)
        if brace < 0:
            break
        prelude = text[i:brace].strip()
        prelude = prelude.rpartition(";")[2].strip()  # drop any stray @charset-like lines
        body, i = block(text, brace + 1)
        if prelude.startswith("@media") or prelude.startswith("@supports"):
            rules.append(Rule(prelude, "", parse_css(body)))
        else:
            rules.append(Rule(prelude, body))
    return rules


@pytest.fixture(scope="module")
def css() -> list[Rule]:
    return parse_css((THEME / "static" / "guidebuild.css").read_text(encoding="utf-8"))


def all_rules(rules: list[Rule]) -> Iterator[Rule]:
    for rule in rules:
        yield rule
        yield from all_rules(rule.children)


def rules_for(rules: list[Rule], selector: str) -> list[Rule]:
    return [r for r in rules if selector in r.selectors]


def root_tokens(rules: list[Rule]) -> dict[str, str]:
    (root,) = rules_for(rules, ":root")
    return root.declarations()


def test_text_style(css: list[Rule]) -> None:
    tokens = root_tokens(css)
    fonts = [f.strip().strip('"') for f in tokens["--gb-font"].split(",")]
    assert fonts[-1] == "sans-serif" and "Arial" in fonts and "Liberation Sans" in fonts
    assert "serif" not in fonts
    assert tokens["--gb-measure"] == "70ch"
    body_sizes = [
        decl["font-size"]
        for rule in all_rules(css)
        if "body" in rule.selectors and "font-size" in (decl := rule.declarations())
    ]
    assert body_sizes
    for size in body_sizes:
        if size.endswith("rem"):
            assert float(size.removesuffix("rem").split()[0]) >= 1, size
        else:
            assert size.endswith("pt") and float(size.removesuffix("pt")) >= 12, size
    for rule in all_rules(css):
        decl = rule.declarations()
        assert decl.get("text-align", "left") in {"left", "center", "start"}, rule.prelude
        # no sticky or fixed furniture that could hide the focused element
        assert decl.get("position") not in {"sticky", "fixed"}, rule.prelude


def test_focus_is_thick_and_yellow(css: list[Rule]) -> None:
    (focus,) = rules_for(css, "a:focus-visible")
    decl = focus.declarations()
    assert decl["background-color"] == "var(--gb-focus)"
    assert decl["outline"].startswith("3px solid")
    assert "0 4px var(--gb-focus-text)" in decl["box-shadow"]
    button = rules_for(css, ".gb-button:focus-visible")[0].declarations()
    assert button["background-color"] == "var(--gb-focus)"
    field_ = rules_for(css, ".gb-search__input:focus")[0].declarations()
    assert field_["outline"] == "3px solid var(--gb-focus)"


def test_body_links_are_underlined(css: list[Rule]) -> None:
    (link,) = rules_for(css, "a")
    assert link.declarations()["text-decoration"] == "underline"


def test_layout_has_contents_beside_text_only_on_wide_screens(css: list[Rule]) -> None:
    wide = [r for r in css if r.prelude == "@media (min-width: 50em)"]
    grid = [c for r in wide for c in rules_for(r.children, ".gb-layout")]
    assert grid and grid[0].declarations()["display"] == "grid"
    assert all(r.declarations().get("display") != "grid" for r in rules_for(css, ".gb-layout"))
    js = (THEME / "static" / "guidebuild.js").read_text(encoding="utf-8")
    assert '"(min-width: 50em)"' in js  # the script folds the contents at the same width


def test_print_stylesheet(css: list[Rule]) -> None:
    (printing,) = [r for r in css if r.prelude == "@media print"]
    hidden = {
        sel
        for rule in printing.children
        if rule.declarations().get("display", "").startswith("none")
        for sel in rule.selectors
    }
    for selector in (".gb-skip-link", ".gb-contents", ".gb-search", ".gb-pagination"):
        assert selector in hidden, selector
    after = [r for r in printing.children if any("::after" in s for s in r.selectors)]
    urls = [r for r in after if "attr(href)" in r.declarations().get("content", "")]
    assert urls
    for rule in urls:
        for selector in rule.selectors:
            # only links that leave the site: internal links have relative hrefs
            assert '[href^="http' in selector or '[href^="mailto:' in selector, selector


# --- colour contrast (WCAG 2.2 AA) ------------------------------------------------------------


def luminance(colour: str) -> float:
    hex_ = colour.lstrip("#")
    if len(hex_) == 3:
        hex_ = "".join(c * 2 for c in hex_)
    channels = [int(hex_[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_luminance_arithmetic() -> None:
    assert contrast("#000", "#fff") == pytest.approx(21)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


TEXT_PAIRS = [  # (foreground, background): text, 4.5:1
    ("--gb-text", "#ffffff"),
    ("--gb-secondary-text", "#ffffff"),
    ("--gb-secondary-text", "--gb-panel"),
    ("--gb-secondary-text", "--gb-rec-panel"),
    ("--gb-link", "#ffffff"),
    ("--gb-link", "--gb-panel"),
    ("--gb-link", "--gb-rec-panel"),
    ("--gb-link-visited", "#ffffff"),
    ("--gb-link-visited", "--gb-rec-panel"),
    ("--gb-link-hover", "#ffffff"),
    ("--gb-text", "--gb-panel"),
    ("--gb-text", "--gb-highlight"),
    ("#ffffff", "--gb-brand-dark"),
    ("#ffffff", "--gb-draft"),
    ("#ffffff", "--gb-button"),
    ("#ffffff", "--gb-button-hover"),
    ("--gb-focus-text", "--gb-focus"),
]
NON_TEXT_PAIRS = [  # bars, borders of controls and focus indicators: 3:1
    ("--gb-brand", "#ffffff"),
    ("--gb-input-border", "#ffffff"),
    ("--gb-focus", "--gb-brand-dark"),
    ("--gb-focus-text", "--gb-focus"),
]


def test_colours_meet_wcag_aa(css: list[Rule]) -> None:
    tokens = root_tokens(css)

    def colour(name: str) -> str:
        return name if name.startswith("#") else tokens[name]

    for fg, bg in TEXT_PAIRS:
        assert contrast(colour(fg), colour(bg)) >= 4.5, (fg, bg)
    for fg, bg in NON_TEXT_PAIRS:
        assert contrast(colour(fg), colour(bg)) >= 3, (fg, bg)


# --- in a browser ---------------------------------------------------------------------------------


@pytest.mark.browser
def test_in_chromium_from_file_urls(final: Site) -> None:
    """Narrow phones do not scroll sideways; contents fold on phones; the skip link works;
    search finds a page opened from file:// and says how many it found."""
    from playwright import sync_api

    from tests.browser import CHROMIUM_ARGS, chromium_path

    # No skip: CI installs Playwright (a dev dependency) and Debian's chromium.
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 320, "height": 640})
            page.route(
                "**/*",
                lambda route: route.abort() if is_remote(route.request.url) else route.continue_(),
            )
            for name, _ in final.pages():
                page.goto((final.out / f"{name}.html").as_uri())
                width = page.evaluate("document.documentElement.scrollWidth")
                assert width <= 320, (name, width)
                assert page.evaluate("document.querySelector('.gb-contents details').open") is False

            page.set_viewport_size({"width": 1280, "height": 800})
            page.goto((final.out / "first.html").as_uri())
            assert page.evaluate("document.querySelector('.gb-contents details').open") is True
            page.keyboard.press("Tab")
            assert page.evaluate("document.activeElement.textContent") == "Skip to main content"
            page.keyboard.press("Enter")
            assert page.evaluate("document.activeElement.id") == "main-content"

            page.goto((final.out / "search.html").as_uri() + "?q=zebra")
            page.wait_for_function(
                "document.getElementById('gb-search-status').textContent.includes('found')"
            )
            titles = page.eval_on_selector_all("ul.search a", "els => els.map(e => e.textContent)")
            assert titles == ["First chapter"]
        finally:
            browser.close()
