"""The printed guidance has no layout faults, and the layout checks do find faults.

Every page is rendered (pdftoppm, as a reader would see it) and checked from its text boxes:
no text over other text, no page of one or two lines in mid-chapter, no heading left at the
foot of a page, no text under 9 pt. The same checks run on small PDFs made bad on purpose,
so that a check which could never fail would show.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.pdf_layout import layout_faults

pytestmark = pytest.mark.slow

CSS = """
@page { size: A4; margin: 20mm; }
body { font-family: "Liberation Sans", sans-serif; font-size: 12pt; }
h2 { font-size: 20pt; font-weight: bold; }
h3 { font-size: 15pt; font-weight: bold; }
"""
PARAGRAPH = "<p>" + "Mentoring is a conversation between two doctors. " * 12 + "</p>"


def render(tmp_path: Path, body: str, css: str = "") -> Path:
    from weasyprint import HTML

    html = f"<html lang=en><head><style>{CSS}{css}</style></head><body>{body}</body></html>"
    target = tmp_path / "bad.pdf"
    HTML(string=html).write_pdf(target)
    return target


def test_every_page_renders_and_has_no_layout_fault(guidance: Path, tmp_path: Path) -> None:
    pdf = guidance / "_build" / "pdf" / "mentoring-for-doctors.pdf"
    if shutil.which("pdftoppm"):
        subprocess.run(
            ["pdftoppm", "-r", "50", "-png", str(pdf), str(tmp_path / "page")], check=True
        )
        pages = sorted(tmp_path.glob("page-*.png"))
        from pypdf import PdfReader

        assert len(pages) == len(PdfReader(pdf).pages)
        assert all(page.stat().st_size > 1000 for page in pages)
    assert layout_faults(pdf) == []


def test_overlapping_text_is_found(tmp_path: Path) -> None:
    # The fault of the recommendation IDs: a float laid over the text of a line.
    pdf = render(
        tmp_path,
        '<h2>A chapter</h2><p style="position: relative">Some text that runs on'
        '<span style="position: absolute; left: 10mm; top: 0">over it</span></p>' + PARAGRAPH * 3,
    )
    faults = layout_faults(pdf)
    assert any("overlap at" in fault for fault in faults), faults


def test_a_short_page_in_mid_chapter_is_found(tmp_path: Path) -> None:
    pdf = render(
        tmp_path,
        "<h2>A chapter</h2>" + PARAGRAPH * 2 + '<p style="break-after: page">One line.</p>'
        "<p>A lone line.</p>"
        '<p style="break-before: page">' + "Then more. " * 60 + "</p>" + PARAGRAPH * 3,
    )
    faults = layout_faults(pdf)
    assert "page 2: only 1 line(s) of text, and the chapter goes on" in faults, faults


def test_a_short_last_page_of_a_chapter_is_allowed(tmp_path: Path) -> None:
    pdf = render(
        tmp_path,
        "<h2>A chapter</h2>" + PARAGRAPH + '<p style="break-before: page">The end.</p>'
        '<h2 style="break-before: page">The next chapter</h2>' + PARAGRAPH * 3,
    )
    assert layout_faults(pdf) == []


def test_a_heading_at_the_foot_of_a_page_is_found(tmp_path: Path) -> None:
    pdf = render(
        tmp_path,
        "<h2>A chapter</h2>" + PARAGRAPH * 2 + "<h3>Stranded heading</h3>" + PARAGRAPH * 3,
        css="h3 { break-after: page; }",
    )
    faults = layout_faults(pdf)
    assert "page 1: the heading 'Stranded heading' ends the page" in faults, faults


def test_small_text_is_found(tmp_path: Path) -> None:
    pdf = render(tmp_path, '<h2>A chapter</h2><p style="font-size: 8pt">Small print.</p>')
    faults = layout_faults(pdf)
    assert "page 1: text at [8.0] pt, below 9 pt" in faults, faults


def test_the_theme_before_this_round_would_fail(tmp_path: Path) -> None:
    """The old float of the recommendation ID at 8 pt: both faults are found."""
    pdf = render(
        tmp_path,
        '<div style="background: #eee"><p><b>3.2 Never make a private conversation depend on a'
        ' scheme of any kind whatever</b> <a style="float: right; font-size: 8pt">'
        "no-scheme-needed-to-talk</a></p>" + PARAGRAPH + "</div>",
    )
    faults = layout_faults(pdf)
    assert any("below 9 pt" in fault for fault in faults), faults
