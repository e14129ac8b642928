"""Layout faults a reader sees on the printed page, found from the PDF's text boxes.

Used by tests/test_pdf_layout.py on the real guidance and on PDFs made bad on purpose.
pdfplumber gives each line of text with its box and font size; page furniture (the running
header and footer in the page margins) is left out, as a reader's eye leaves it out.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pdfplumber

MM = 72 / 25.4
# The print theme's page margins (top and bottom 20 mm): furniture lives there.
FURNITURE_MM = 17
HEADING_PT = 13  # h4 and up; body text is 12 pt
# A chapter title (h2) is set at 20 pt; the contents title (22 pt) and the front page's
# title (24 pt) start no chapter, so a page of one line before them is a fault.
CHAPTER_PT = (19.5, 20.5)
MIN_LINES = 3
MIN_SIZE_PT = 9
OVERLAP_PT = 0.5  # boxes may touch; more than this is ink on ink


@dataclass(frozen=True)
class Line:
    text: str
    top: float
    bottom: float
    size: float
    """The smallest font size on the line."""
    bold: bool
    """Every letter of the line is bold, as the theme sets headings."""

    @property
    def is_heading(self) -> bool:
        return self.bold and self.size >= HEADING_PT

    @property
    def is_chapter(self) -> bool:
        return self.bold and CHAPTER_PT[0] <= self.size <= CHAPTER_PT[1]


def page_lines(page: Any) -> list[Line]:
    """The lines of body text on a page, top to bottom (margins left out)."""
    limit_top = FURNITURE_MM * MM
    limit_bottom = page.height - FURNITURE_MM * MM
    lines = []
    for raw in page.extract_text_lines(return_chars=True):
        if raw["bottom"] < limit_top or raw["top"] > limit_bottom:
            continue
        chars = [c for c in raw["chars"] if c["text"].strip()]
        if not chars:
            continue
        lines.append(
            Line(
                raw["text"],
                raw["top"],
                raw["bottom"],
                min(round(c["size"], 1) for c in chars),
                all("Bold" in c["fontname"] for c in chars),
            )
        )
    return sorted(lines, key=lambda line: line.top)


def overlaps(page: Any) -> list[str]:
    """Letters whose boxes cover each other (a float cutting into a line, say).

    Letters, not words: pdfplumber joins interleaved letters into one "word". Each letter is
    put in the cells of a coarse grid it covers and compared with the letters already there.
    """
    cell = 6.0
    grid: dict[tuple[int, int], list[dict[str, Any]]] = {}
    found: list[str] = []
    for index, raw in enumerate(page.chars):
        if not raw["text"].strip():
            continue
        char = {**raw, "index": index}
        cells = [
            (x, y)
            for x in range(int(char["x0"] // cell), int(char["x1"] // cell) + 1)
            for y in range(int(char["top"] // cell), int(char["bottom"] // cell) + 1)
        ]
        seen: set[int] = set()
        for key in cells:
            for other in grid.get(key, ()):
                # Kerning may tuck a letter under the one before it ("F."): only letters
                # that are not neighbours in the text count.
                if id(other) in seen or index - other["index"] == 1:
                    continue
                seen.add(id(other))
                across = min(char["x1"], other["x1"]) - max(char["x0"], other["x0"])
                down = min(char["bottom"], other["bottom"]) - max(char["top"], other["top"])
                narrow = min(char["x1"] - char["x0"], other["x1"] - other["x0"])
                low = min(char["bottom"] - char["top"], other["bottom"] - other["top"])
                if across > max(OVERLAP_PT, narrow / 3) and down > low / 3:
                    found.append(
                        f"{other['text']!r} and {char['text']!r} overlap at "
                        f"x={char['x0']:.0f} pt, y={char['top']:.0f} pt"
                    )
        for key in cells:
            grid.setdefault(key, []).append(char)
    return found[:5]  # the first few say where; a page of them says nothing more


def layout_faults(path: Path) -> list[str]:
    """Every layout fault in the PDF, one line each, naming the page."""
    faults: list[str] = []
    with pdfplumber.open(path) as pdf:
        pages = [page_lines(page) for page in pdf.pages]
        for number, page in enumerate(pdf.pages, start=1):
            faults.extend(f"page {number}: {fault}" for fault in overlaps(page))
            small = {round(c["size"], 1) for c in page.chars if c["size"] < MIN_SIZE_PT - 0.05}
            if small:
                faults.append(f"page {number}: text at {sorted(small)} pt, below {MIN_SIZE_PT} pt")
    for index, lines in enumerate(pages):
        number = index + 1
        following = pages[index + 1] if index + 1 < len(pages) else None
        ends_chapter = following is None or (bool(following) and following[0].is_chapter)
        if len(lines) < MIN_LINES and not ends_chapter:
            faults.append(
                f"page {number}: only {len(lines)} line(s) of text, and the chapter goes on"
            )
        if lines and lines[-1].is_heading and following is not None:
            faults.append(f"page {number}: the heading {lines[-1].text!r} ends the page")
    return faults
