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
    "Take-home messages",
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
]


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
    assert len(ids) >= 25
    assert len(set(ids)) == len(ids)
    assert all(entry["status"] for entry in data)
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
    assert 15 <= pages <= 32, pages


def test_guidebuild_check_passes_on_the_guidance(guidance: Path) -> None:
    result = run_cli(guidance, "check", "-q")
    assert result.exit_code == 0, result.output


def test_checklists_are_built_and_published_in_the_site(guidance: Path) -> None:
    names = {f"mentoring-schemes-1.0-checklist.{ext}" for ext in ("pdf", "xlsx", "html", "yaml")}
    built = guidance / "_build" / "checklists"
    assert {p.name for p in built.iterdir()} == names
    downloads = guidance / "_build" / "html" / "downloads"
    for name in names:
        assert (downloads / name).read_bytes() == (built / name).read_bytes()


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
        *(f"mentoring-schemes-1.0-checklist.{ext}" for ext in ("pdf", "xlsx", "html", "yaml")),
    ]
    for row, name in zip(rows, links, strict=True):
        size = (guidance / "_build" / "html" / "downloads" / name).stat().st_size
        assert f"{max(1, round(size / 1024))} KB" in row
    assert "GB_SIZE" not in page
