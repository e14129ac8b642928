"""The real guidance in guidance/: its chapters, recommendations and key facts.

Built once from a copy of the repository's own sources.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any

from pypdf import PdfReader

from tests.conftest import run_cli

CHAPTERS = [
    "Preface",
    "Key messages",
    "About this guidance",
    "What mentoring is",
    "Informal mentoring",
    "Deciding on a formal scheme",
    "Mentors",
    "Mentees",
    "Meeting",
    "How mentoring is done",
    "Evaluating a scheme",
    "Mentoring across career stages",
    "Glossary",
    "References",
    "Appendix: self-assessment checklist",
    "List of recommendations",
    "Update information",
]

# Facts of the brief that must survive any edit of the text.
FACTS = [
    "Doctors' Forum",
    "Improving Working Lives",
    "6 December 2004",
    "Jolyon Oxley",
    "National Counselling Service for Sick Doctors",
    "SCOPME",
    "at least 50",
    "February 2002",
    # The fidelity points of the editorial round (issue 13): the source's own hedges and
    # both of its reasons for allocating mentors, which are different reasons.
    "possibly other skills",
    "do not always ask for a mentor, even when one is on offer",
    "easier, quicker, simpler and tidier",
    "leaves the door wide open to different models of preparation",
]

# The checklist's versions the site offers: the newest only. 1.0 stays in checklists/ so
# that its results still assess and compare, but it is not offered to fill in.
VERSIONS = ("1.1",)
FORMATS = ("pdf", "xlsx", "html", "yaml")

# At most this many recommendations, so that each one counts (issue 13).
MAX_RECOMMENDATIONS = 32


def site_text(project: Path) -> str:
    """The words of every page: tags dropped, entities decoded, curly quotes straightened."""
    pages = (project / "_build" / "html").glob("*.html")
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", p.read_text())) for p in pages)
    return " ".join(text.replace("\u2019", "'").split())


def test_every_chapter_is_in_the_site_and_the_pdf(guidance: Path) -> None:
    titles = []
    for page in (guidance / "_build" / "html").glob("*.html"):
        match = re.search(r"<h1[^>]*>(.*?)</h1>", page.read_text(), flags=re.S)
        if match:
            heading = re.sub(r'<a class="headerlink".*?</a>', "", match[1], flags=re.S)
            text = re.sub(r"<[^>]+>|\s+", " ", heading).strip()
            titles.append(re.sub(r"^\d+\.\s*", "", text).strip())
    missing_site = [c for c in CHAPTERS if c not in titles]
    assert missing_site == [], titles

    reader = PdfReader(guidance / "_build" / "pdf" / "mentoring-for-doctors.pdf")
    bookmarks: list[str] = []

    def walk(items: list[Any]) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                bookmarks.append(re.sub(r"^\d+\.\s*", "", str(item.title)))

    walk(reader.outline)
    assert [c for c in CHAPTERS if c not in bookmarks] == []


def test_recommendations_have_permanent_unique_ids(guidance: Path) -> None:
    data = json.loads((guidance / "_build" / "recommendations.json").read_text())
    ids = [entry["id"] for entry in data]
    assert 25 <= len(ids) <= MAX_RECOMMENDATIONS
    assert len(set(ids)) == len(ids)
    titles = [entry["title"] for entry in data]
    assert len(set(titles)) == len(titles), "each recommendation is distinct"
    # A first edition tags nothing: every recommendation is new, so a tag would be noise.
    assert [entry["id"] for entry in data if entry["status"]] == []
    assert "[new 2004]" not in site_text(guidance)
    numbers = [tuple(map(int, entry["number"].split("."))) for entry in data]
    assert numbers == sorted(numbers), "the manifest is in document order"
    # Every anchor exists on the page the manifest names.
    for entry in data:
        page, anchor = entry["url"].split("#")
        assert f'id="{anchor}"' in (guidance / "_build" / "html" / page).read_text()


def test_key_facts_of_the_brief_are_present(guidance: Path) -> None:
    text = site_text(guidance)
    assert [fact for fact in FACTS if fact not in text] == []


def test_pdf_length_is_in_the_expected_range(guidance: Path) -> None:
    pages = len(PdfReader(guidance / "_build" / "pdf" / "mentoring-for-doctors.pdf").pages)
    # 30 recommendations, the front matter of 2004 (cover, imprint, two pages of contents,
    # the Reader Information box, preface) and the checklist appendix of framework 1.1 (32
    # items with four levels each) come to about 38 pages; a few either way is layout, while
    # a runaway layout (a break before every heading) goes far beyond.
    assert 30 <= pages <= 44, pages


def test_guidebuild_check_passes_on_the_guidance(guidance: Path) -> None:
    result = run_cli(guidance, "check", "-q")
    assert result.exit_code == 0, result.output


def test_checklists_are_built_and_published_in_the_site(guidance: Path) -> None:
    names = {f"mentoring-schemes-{v}-checklist.{ext}" for v in VERSIONS for ext in FORMATS}
    built = guidance / "_build" / "checklists"
    assert {p.name for p in built.iterdir()} == names
    downloads = guidance / "_build" / "html" / "downloads"
    for name in names:
        assert (downloads / name).read_bytes() == (built / name).read_bytes()
    assert (guidance / "checklists" / "mentoring-schemes@1.0.yaml").is_file()
    assert (
        "mentoring-schemes-1.0" not in (guidance / "_build" / "html" / "downloads.html").read_text()
    )


def test_every_local_link_in_the_site_resolves(guidance: Path) -> None:
    site = guidance / "_build" / "html"
    broken = []
    for page in sorted(site.rglob("*.html")):
        for href in re.findall(r'href="([^"#?]+)[^"]*"', page.read_text()):
            if re.match(r"^[a-z][a-z0-9+.-]*:", href):
                continue  # http:, mailto: and the like are checked elsewhere, not files
            if not (page.parent / href).resolve().exists():
                broken.append(f"{page.relative_to(site)} -> {href}")
    assert broken == []


def test_download_page_lists_every_file_with_its_size(guidance: Path) -> None:
    page = (guidance / "_build" / "html" / "downloads.html").read_text()
    table = re.search(r'<table class="gb-downloads.*?</table>', page, flags=re.S)
    assert table is not None
    rows = re.findall(r"<tr.*?</tr>", table[0], flags=re.S)[1:]
    links = [re.search(r'href="downloads/([^"]+)"', row)[1] for row in rows]  # type: ignore[index]
    assert links == [
        "mentoring-for-doctors.pdf",
        *(f"mentoring-schemes-{v}-checklist.{ext}" for v in VERSIONS for ext in FORMATS),
    ]
    for row, name in zip(rows, links, strict=True):
        size = (guidance / "_build" / "html" / "downloads" / name).stat().st_size
        assert f"{max(1, round(size / 1024))} KB" in row
    assert "GB_SIZE" not in page


def chapter_pages(project: Path) -> dict[str, str]:
    """The numbered chapters' pages, by file name, in the order of the contents."""
    index = (project / "_build" / "html" / "index.html").read_text()
    names = re.findall(r'<a class="reference internal" href="([a-z-]+\.html)">\d+\. ', index)
    return {name: (project / "_build" / "html" / name).read_text() for name in names}


def text_of(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def test_key_messages_come_first_and_the_words_of_obligation_are_defined(
    guidance: Path,
) -> None:
    pages = chapter_pages(guidance)
    assert list(pages)[:2] == ["key-messages.html", "about.html"]
    about = text_of(pages["about.html"])
    assert "This is best practice guidance." in about
    for word in ("must", "should", "may"):
        assert re.search(rf"\b{word} is used (only )?for ", about), word


def test_every_recommendation_says_what_it_rests_on(guidance: Path) -> None:
    references = (guidance / "_build" / "html" / "references.html").read_text()
    data = json.loads((guidance / "_build" / "recommendations.json").read_text())
    missing: list[str] = []
    unknown: list[str] = []
    for entry in data:
        page, anchor = entry["url"].split("#")
        text = (guidance / "_build" / "html" / page).read_text()
        start = text.index(f'id="{anchor}"')
        box = text[start : text.index("</div>\n</div>", start)]  # the body, then the box
        basis = re.search(r'<p class="gb-rec-basis">(.*?)</p>', box, flags=re.S)
        if basis is None:
            missing.append(entry["id"])
            continue
        cited = re.findall(r'href="references\.html#([a-z0-9-]+)"', basis[1])
        unknown += [f"{entry['id']} -> {ref}" for ref in cited if f'id="{ref}"' not in references]
        words = text_of(basis[1])
        if not (cited or "the project\u2019s findings" in words or "good practice" in words):
            missing.append(entry["id"])
        # The basis is not part of the recommendation's own wording.
        assert "Based on" not in entry["text"]
    assert missing == []
    assert unknown == []


def test_citations_are_by_author_and_year_and_resolve(guidance: Path) -> None:
    site = guidance / "_build" / "html"
    references = (site / "references.html").read_text()
    text = site_text(guidance)
    assert re.findall(r"\[[A-Z][A-Za-z]+\d{4}[^\]]*\]", text) == []  # no [SCOPME1998] keys
    links: set[tuple[str, str]] = set()
    for page in site.glob("*.html"):
        for anchor, label in re.findall(
            r'href="references\.html#(ref-[a-z0-9-]+)"[^>]*>(.*?)</a>', page.read_text()
        ):
            links.add((anchor, text_of(label)))
    assert links, "the guidance cites its sources"
    for anchor, label in links:
        assert f'id="{anchor}"' in references, anchor
        assert re.search(r"\b(19|20)\d\d[a-c]?$", label), label  # "SCOPME 1998", "2004b"
        assert int(re.findall(r"(?:19|20)\d\d", label)[-1]) <= 2004, label  # period-correct


def test_must_is_used_only_for_a_duty_it_cites(guidance: Path) -> None:
    uncited: list[str] = []
    for name, page in chapter_pages(guidance).items():
        for paragraph in re.findall(r"<(?:p|li)\b[^>]*>(.*?)</(?:p|li)>", page, flags=re.S):
            words = text_of(paragraph)
            if name == "about.html" and words.startswith("must is used only"):
                continue  # the definition itself
            if re.search(r"\bmust\b(?!-meet)", words) and "references.html#" not in paragraph:
                uncited.append(f"{name}: {words[:80]}")
    assert uncited == []
