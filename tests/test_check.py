"""`guidebuild check`: passes a clean project, and finds each kind of problem."""

from __future__ import annotations

from pathlib import Path

from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

from guidebuild.check.html import check_page
from guidebuild.check.pdf import check_pdf
from guidebuild.errors import Problem
from tests.conftest import run_cli


def test_clean_project_passes(make_project) -> None:  # type: ignore[no-untyped-def]
    result = run_cli(make_project("tiny"), "check")
    assert result.exit_code == 0, result.output
    assert result.output.endswith("Ready to publish: every check passed.\n")


def test_every_problem_is_reported_at_once(make_project) -> None:  # type: ignore[no-untyped-def]
    project = make_project("tiny")
    chapter = project / "guidance" / "second.rst"
    text = chapter.read_text() + (
        "\n.. image:: diagram.svg\n"  # no :alt:
        "\nSee :ref:`no-such-label`.\n"  # unresolved reference (a Sphinx warning)
        '\n.. raw:: html\n\n   <h5>Deep</h5><a href="#top"></a>\n'
    )
    chapter.write_text(text)
    result = run_cli(project, "check", "-q")
    assert result.exit_code == 1
    # The tiny project's missing Gateway reference and contact are warnings, not problems.
    lines = [line for line in result.output.splitlines() if not line.startswith("warning:")]
    assert lines[0] == "Error: 4 problem(s) to fix before publishing"
    assert any(f"{chapter}:" in line and "has no alt text" in line for line in lines)
    assert any(f"{chapter}:" in line and "no-such-label" in line for line in lines)
    assert any("second.html:" in line and "skips from h3 to h5" in line for line in lines)
    assert any("second.html:" in line and "link to '#top' has no text" in line for line in lines)


def test_page_checker_locates_problems(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(
        "<h1>T</h1>\n<img src='a.png'>\n<h3>Skip</h3>\n"
        "<a href='x'><img src='b.png' alt='Named by its image'></a>\n<a href='y'> </a>\n"
    )
    page.write_text(page.read_text() + "<p id='twice'>a</p>\n<p id='twice'>b</p>\n")
    found = [str(p) for p in check_page(page)]
    assert found == [
        f"{page}:2:1: image 'a.png' has no alt text",
        f"{page}:3:1: heading level skips from h1 to h3",
        f"{page}:5:1: link to 'y' has no text a reader could follow",
        f"{page}:7:1: id 'twice' is used twice: links to it may land on either",
    ]


def render(tmp_path: Path, html: str, *, tagged: bool = True) -> Path:
    from weasyprint import HTML

    target = tmp_path / "made.pdf"
    HTML(string=html).write_pdf(target, pdf_tags=tagged)
    return target


WRONG_CONTENTS = """<html lang="en-GB"><head><title>Made</title></head><body>
<h1>Contents</h1><p>First chapter ........ 7</p>
<h2 style="break-before: page">First chapter</h2><p>Text.</p></body></html>"""


def not_matterhorn(problems: list[Problem]) -> list[str]:
    """The problems other than PDF/UA conditions (a plain WeasyPrint PDF fails some)."""
    return [p.message for p in problems if not p.message.startswith("Matterhorn ")]


def test_pdf_contents_page_numbers_are_compared_with_the_real_pages(tmp_path: Path) -> None:
    found = not_matterhorn(check_pdf(render(tmp_path, WRONG_CONTENTS)))
    assert found == ["contents gives page 7 for 'First chapter', which is on page 2"]


def test_untagged_pdf_without_language(tmp_path: Path) -> None:
    html = WRONG_CONTENTS.replace(' lang="en-GB"', "").replace("........ 7", "........ 2")
    found = [p.message for p in check_pdf(render(tmp_path, html, tagged=False))]
    assert (
        "Matterhorn 01 (tagged): not tagged (no /MarkInfo /Marked true, or no structure tree)"
        in found
    )
    assert "Matterhorn 11-006: no document language (/Lang in the catalog)" in found


def test_internal_link_without_target(tmp_path: Path) -> None:
    source = render(tmp_path, WRONG_CONTENTS.replace("........ 7", "........ 2"))
    writer = PdfWriter(clone_from=PdfReader(source))
    link = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Link"),
            NameObject("/Rect"): ArrayObject([]),
            NameObject("/Dest"): TextStringObject("nowhere"),
        }
    )
    writer.pages[0][NameObject("/Annots")] = ArrayObject([writer._add_object(link)])
    broken = tmp_path / "broken.pdf"
    writer.write(broken)
    found = not_matterhorn(check_pdf(broken))
    assert found == ["page 1: internal link to 'nowhere' has no target"]


FURNISHED = """<html lang="en-GB"><head><title>Made</title><style>
@page { @bottom-right { content: "Page " counter(page) " of " counter(pages); } }
</style></head><body><h1>Contents</h1><p>Text.</p></body></html>"""


def test_furniture_that_is_not_an_artifact_is_found(tmp_path: Path) -> None:
    # WeasyPrint alone tags margin boxes as content; only our finisher makes them artifacts.
    found = [p.message for p in check_pdf(render(tmp_path, FURNISHED))]
    assert "page 1: 'Page 1 of 1' is page furniture but not an artifact" in found


def test_structure_problems_are_found(tmp_path: Path) -> None:
    html = (
        '<html lang="en-GB"><head><title>T</title></head><body>'
        "<h1>A</h1><h3>Skipped</h3><img src='data:image/svg+xml,"
        '<svg xmlns="http://www.w3.org/2000/svg" width="9" height="9"/>\'>'
        "<table><tr><td>no header</td></tr></table></body></html>"
    )
    found = [p.message for p in check_pdf(render(tmp_path, html))]
    assert "Matterhorn 14-003: heading levels skip from H1 to H3" in found
    assert "Matterhorn 13-004: a Figure has no alternative text (/Alt)" in found
    assert "Matterhorn 15 (TH): a table has no header cells (TH)" in found


def test_final_edition_without_gateway_or_contact_is_warned_about(make_project) -> None:  # type: ignore[no-untyped-def]
    project = make_project("tiny")
    result = run_cli(project, "check")
    assert result.exit_code == 0, result.output
    assert (
        "warning: conf.py: a final edition should set guidebuild_gateway_ref "
        "(the Gateway reference)" in result.output
    )
    assert "should set guidebuild_contact_telephone (contact details)" in result.output
    conf = project / "conf.py"
    conf.write_text(
        conf.read_text()
        + 'guidebuild_gateway_ref = "4321"\nguidebuild_contact_name = "A Person"\n'
        + 'guidebuild_contact_telephone = "020 7210 3000"\n'
        + 'guidebuild_contact_email = "a.person@example.org"\n'
    )
    result = run_cli(project, "check")
    assert result.exit_code == 0, result.output
    assert "warning:" not in result.output
