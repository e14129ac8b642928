"""`guidebuild build` on the tiny fixture project: outputs, PDF structure, draft marks."""

from __future__ import annotations

import itertools
import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from guidebuild.check.pdf import contents_entries, outline_pages
from tests.conftest import REPO, copy_repository_project, run_cli, tree_digest

PDF = Path("_build/pdf/tiny-guidance.pdf")


def test_outputs_are_published(built_tiny: Path) -> None:
    out = built_tiny / "_build"
    assert (out / "html" / "index.html").is_file()
    assert (out / "html" / "first.html").is_file()
    assert (out / PDF.relative_to("_build")).is_file()
    # The site carries its own copy of the PDF, so it works when published on its own.
    assert (out / "html" / "downloads" / "tiny-guidance.pdf").read_bytes() == (
        out / PDF.relative_to("_build")
    ).read_bytes()
    assert not list(out.glob(".staging-*")), "staging folders must not survive a build"


def test_pdf_size_marker_is_replaced_on_every_page(built_tiny: Path) -> None:
    for page in (built_tiny / "_build" / "html").rglob("*.html"):
        assert "@@GB_PDF_SIZE@@" not in page.read_text(encoding="utf-8"), page


def test_pdf_metadata_and_tags(built_tiny: Path) -> None:
    reader = PdfReader(built_tiny / PDF)
    meta = reader.metadata
    assert meta is not None
    assert meta.title == "Tiny guidance"
    assert meta.author == "Test Authors"
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en-GB"
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])


def test_pdf_fonts_are_embedded_subsets(built_tiny: Path) -> None:
    reader = PdfReader(built_tiny / PDF)
    fonts = set()
    for page in reader.pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            fonts.add(str(font["/BaseFont"]))
            descendant = font.get("/DescendantFonts")
            descriptor = (
                descendant[0].get_object()["/FontDescriptor"]
                if descendant
                else font["/FontDescriptor"]
            )
            assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
    assert fonts
    # A subset font's name carries a six-letter tag: ABCDEF+Name.
    assert all(re.match(r"^/[A-Z]{6}\+", name) for name in fonts), fonts
    assert any("Liberation" in name or "DejaVu" in name for name in fonts)


def test_body_text_is_at_least_12pt(built_tiny: Path) -> None:
    reader = PdfReader(built_tiny / PDF)
    sizes: Counter[float] = Counter()

    def visit(text: str, cm: Any, tm: Any, font: Any, size: float) -> None:
        if text.strip():
            scale = (tm[0] ** 2 + tm[1] ** 2) ** 0.5 * (cm[0] ** 2 + cm[1] ** 2) ** 0.5
            sizes[round(size * scale, 1)] += len(text)

    for page in reader.pages[3:]:
        page.extract_text(visitor_text=visit)
    body_size, _ = sizes.most_common(1)[0]
    assert body_size >= 12, sizes.most_common(5)


def test_bookmarks_for_chapters_and_sections(built_tiny: Path) -> None:
    reader = PdfReader(built_tiny / PDF)
    titles = list(outline_pages(reader))
    assert titles[:3] == ["Cover", "Contents", "Tiny guidance"]
    assert "1. First chapter" in titles
    assert "Lists and tables" in titles
    assert "2. Second chapter" in titles
    assert titles.index("1. First chapter") < titles.index("2. Second chapter")


def test_contents_page_numbers_match_the_real_pages(built_tiny: Path) -> None:
    reader = PdfReader(built_tiny / PDF)
    printed = contents_entries(reader)
    real = outline_pages(reader)
    assert len(printed) >= 5, printed
    for title, page in printed.items():
        assert real[title] == page, f"contents says {title!r} is on page {page}"


def header_text(page: Any) -> str:
    """The text in a page's top margin (the running header)."""
    top = float(page.mediabox.top)
    parts: list[str] = []

    def visit(text: str, cm: Any, tm: Any, font: Any, size: float) -> None:
        if text.strip() and tm[5] * cm[3] + cm[5] > top - 20 * 72 / 25.4:
            parts.append(text.strip())

    page.extract_text(visitor_text=visit)
    return " ".join(parts)


def test_running_header_and_page_x_of_y(built_tiny: Path) -> None:
    reader = PdfReader(built_tiny / PDF)
    total = len(reader.pages)
    for number in range(2, total + 1):
        assert f"Page {number} of {total}" in reader.pages[number - 1].extract_text()
    assert "Page 1 of" not in reader.pages[0].extract_text(), "the cover has no furniture"
    chapters = [
        (title, page)
        for title, page in outline_pages(reader).items()
        if re.match(r"^\d+\. ", title) or title in {"All recommendations", "Update information"}
    ]
    first_chapter_page = chapters[0][1]
    checked = 0
    for number in range(first_chapter_page, total + 1):
        # The chapter in force at the top of the page, or one that opens the page.
        before = [title for title, page in chapters if page < number]
        opening = [title for title, page in chapters if page == number]
        allowed = set(before[-1:] or [""]) | set(opening[:1])
        assert header_text(reader.pages[number - 1]) in allowed, number
        checked += 1
    assert checked >= 2


def test_cover_page(built_tiny: Path) -> None:
    cover = PdfReader(built_tiny / PDF).pages[0].extract_text()
    for expected in ("Tiny guidance", "Second edition", "1 March 2005", "Test Organisation"):
        assert expected in cover
    assert "Status: Final" in cover


def test_rec_reference_in_pdf_gives_the_page(built_tiny: Path) -> None:
    reader = PdfReader(built_tiny / PDF)
    text = "\n".join(page.extract_text() for page in reader.pages)
    page = outline_pages(reader)["1. First chapter"]
    assert re.search(rf"recommendation 1\.1 \(page {page}\)", text), text


def test_final_build_has_no_draft_mark(built_tiny: Path) -> None:
    reader = PdfReader(built_tiny / PDF)
    assert not any("DRAFT" in page.extract_text() for page in reader.pages)


def test_draft_build_marks_every_page(make_project) -> None:  # type: ignore[no-untyped-def]
    project = make_project("tiny")
    result = run_cli(project, "build", "-q", "--draft")
    assert result.exit_code == 0, result.output
    reader = PdfReader(project / PDF)
    assert all("DRAFT" in page.extract_text() for page in reader.pages)
    for page in (project / "_build" / "html").glob("*.html"):
        if page.name in {"search.html", "genindex.html"}:
            continue
        assert "not for publication" in page.read_text(encoding="utf-8"), page


def test_status_in_conf_decides_without_option(make_project) -> None:  # type: ignore[no-untyped-def]
    project = make_project("tiny")
    conf = project / "conf.py"
    conf.write_text(conf.read_text().replace('"final"', '"consultation"'))
    assert run_cli(project, "build", "-q", "--no-html").exit_code == 0
    assert "DRAFT" in PdfReader(project / PDF).pages[2].extract_text()
    assert run_cli(project, "build", "-q", "--no-html", "--final").exit_code == 0
    assert "DRAFT" not in PdfReader(project / PDF).pages[2].extract_text()


def test_out_option_and_no_pdf(make_project, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    project = make_project("tiny")
    out = tmp_path / "elsewhere"
    result = run_cli(project, "build", "-q", "--no-pdf", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert (out / "html" / "index.html").is_file()
    assert not (out / "pdf").exists()
    assert not (project / "_build" / "html").exists()


def test_manifest(built_tiny: Path) -> None:
    data = json.loads((built_tiny / "_build" / "recommendations.json").read_text())
    assert [entry["id"] for entry in data] == ["first-thing", "second-thing", "third-thing"]
    assert [entry["number"] for entry in data] == ["1.1", "1.2", "2.1"]
    second = data[1]
    assert second == {
        "id": "second-thing",
        "number": "1.2",
        "title": "Do the second thing",
        "text": "Then do the second thing. See also recommendation 2.1.",
        "status": "new 2005",
        "chapter": "1",
        "url": "first.html#second-thing",
    }


def test_previous_manifest_with_a_vanished_id_fails(make_project, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    project = make_project("tiny")
    old = tmp_path / "old.json"
    old.write_text(json.dumps([{"id": "first-thing"}, {"id": "old-idea"}, {"id": "older-idea"}]))
    result = run_cli(project, "build", "-q", "--no-pdf", "--previous", str(old))
    assert result.exit_code == 1
    assert result.output == (
        "Error: 2 recommendation ID(s) of old.json have gone without being marked "
        "withdrawn or replaced (use `.. recommendation-withdrawn:: ID`)\n"
        f"  {old}: old-idea is gone\n"
        f"  {old}: older-idea is gone\n"
    )
    updates = project / "guidance" / "updates.rst"
    updates.write_text(
        updates.read_text()
        + "\n.. recommendation-withdrawn:: old-idea\n   :replaced-by: first-thing\n"
        "   :date: 2005-03-01\n"
        "\n.. recommendation-withdrawn:: older-idea\n   :date: 2005-03-01\n\n   No longer needed.\n"
    )
    result = run_cli(project, "build", "-q", "--no-pdf", "--previous", str(old))
    assert result.exit_code == 0, result.output
    page = (project / "_build" / "html" / "updates.html").read_text()
    assert "Recommendation old-idea was withdrawn on 2005-03-01" in page
    assert 'href="first.html#first-thing"' in page


def test_previous_that_is_not_a_manifest(make_project, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    result = run_cli(make_project("tiny"), "build", "-q", "--no-pdf", "--previous", str(bad))
    assert result.exit_code == 2
    assert result.output.startswith(f"Error: {bad}: not a recommendations.json manifest")


def test_plain_sphinx_build_works(tmp_path: Path, make_project) -> None:  # type: ignore[no-untyped-def]
    project = make_project("tiny")
    out = tmp_path / "plain"
    done = subprocess.run(
        [sys.executable, "-m", "sphinx", "-q", "-c", ".", "guidance", str(out)],
        cwd=project,
        check=False,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    data = json.loads((out / "recommendations.json").read_text())
    assert len(data) == 3


@pytest.mark.slow
def test_reproducible_with_source_date_epoch(make_project, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    project = make_project("tiny")
    env = {"SOURCE_DATE_EPOCH": "1109635200"}
    first, second = tmp_path / "one", tmp_path / "two"
    assert run_cli(project, "build", "-q", "--out", str(first), env=env).exit_code == 0
    assert run_cli(project, "build", "-q", "--out", str(second), env=env).exit_code == 0
    one, two = tree_digest(first), tree_digest(second)
    assert one.keys() == two.keys()
    differing = [name for name in one if one[name] != two[name]]
    assert differing == []


def test_single_page_ids_are_unique(built_tiny: Path) -> None:
    """Both chapters have a footnote; docutils calls both id1 unless we scope them."""
    page = (built_tiny / "_build" / ".cache" / "singlehtml" / "index.html").read_text()
    ids = re.findall(r'id="([^"]+)"', page)
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})
    # On the page the PDF is made from, each chapter's footnote sits where it is called
    # (the print theme floats it to the foot of that page), so no link can misroute.
    assert page.count('class="gb-footnote"') == 2
    assert 'class="footnote-reference' not in page


def test_pdf_structure_for_assistive_technology(make_project) -> None:  # type: ignore[no-untyped-def]
    from guidebuild.check.matterhorn import structure_elements
    from guidebuild.check.pdf import text_outside_artifacts

    project = make_project("tiny")
    assert run_cli(project, "build", "-q", "--draft", "--no-html").exit_code == 0
    reader = PdfReader(project / PDF)
    elements = structure_elements(reader.trailer["/Root"]["/StructTreeRoot"])
    headings = [int(str(e["/S"])[2]) for e in elements if re.fullmatch(r"/H\d", str(e["/S"]))]
    # The cover title is the H1; then the imprint, contents, chapters and sections, in order.
    assert headings[0] == 1 and 3 in headings
    assert all(b <= a + 1 for a, b in itertools.pairwise(headings))
    figures = [e for e in elements if e["/S"] == "/Figure"]
    assert [str(f["/Alt"]) for f in figures] == ["A blue square standing for a mentor."]
    assert sum(1 for e in elements if e["/S"] == "/TH") >= 2
    total = len(reader.pages)
    for number, page in enumerate(reader.pages, start=1):
        everything = page.extract_text()
        read_aloud = text_outside_artifacts(page)
        assert "DRAFT: not for publication" in everything
        assert "DRAFT" not in read_aloud
        if number > 1:
            assert f"Page {number} of {total}" in everything
            assert "Page " not in read_aloud.split("\n")[-1]
            assert f"Page {number} of" not in read_aloud
    # The running header is furniture too.
    chapter_page = outline_pages(reader)["2. Second chapter"] + 0
    assert "2. Second chapter" in text_outside_artifacts(reader.pages[chapter_page - 1])


def test_checklist_pointing_at_an_unknown_recommendation_fails_the_build(make_project) -> None:  # type: ignore[no-untyped-def]
    project = make_project("tiny")
    framework = REPO / "checklists" / "mentoring-schemes.yaml"
    (project / "checklists").mkdir()
    (project / "checklists" / framework.name).write_text(framework.read_text())
    result = run_cli(project, "build", "-q", "--no-pdf")
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0] == "Error: the checklists and the guidance are out of step"
    # The tiny guidance defines none of the framework's recommendations.
    assert all(f"{project / 'checklists' / framework.name}:" in line for line in lines[1:])
    assert any("item A1 checks recommendation 'write-down-aims'" in line for line in lines)


def test_recommendations_no_checklist_checks_are_noted(tmp_path: Path) -> None:
    project = copy_repository_project(tmp_path / "real")
    result = run_cli(project, "build", "--no-pdf")
    assert result.exit_code == 0, result.output
    assert (
        "note: 4 recommendation(s) are checked by no item of mentoring-schemes@1.0: "
        "use-informal-opportunities, build-a-mentoring-culture, ask-for-mentoring, "
        "challenge-supportively\n"
    ) in result.output


def test_a_failed_site_stops_the_pdf_process_before_the_build_returns(make_project) -> None:  # type: ignore[no-untyped-def]
    import multiprocessing

    project = make_project("tiny")
    chapter = project / "guidance" / "first.rst"
    chapter.write_text(chapter.read_text() + "\nSee :rec:`nowhere`.\n")
    result = run_cli(project, "build", "-q", "-j", "2")
    assert result.exit_code == 1, result.output
    # Nothing of the build runs on, writing into the project after the command returned.
    assert multiprocessing.active_children() == []
    assert not list((project / "_build").glob(".staging-*"))
