"""Data tables built by our directives, in one shape: header cells, widths, classes."""

from __future__ import annotations

from collections.abc import Sequence

from docutils import nodes

Cell = nodes.Node | str


def _paragraph(cell: Cell) -> nodes.Node:
    if isinstance(cell, str):
        return nodes.paragraph(text=cell)
    if isinstance(cell, nodes.paragraph):
        return cell
    return nodes.paragraph("", "", cell)


def make_table(
    rows: Sequence[Sequence[Cell]],
    *,
    widths: Sequence[int],
    classes: list[str],
    header: Sequence[str] = (),
    stub_columns: int = 0,
) -> nodes.table:
    """A table with an optional header row; the first ``stub_columns`` are header cells too.

    Header cells matter: screen readers announce them, and PDF/UA wants them (TH).
    """
    table = nodes.table(classes=classes)
    group = nodes.tgroup(cols=len(widths))
    table += group
    for index, width in enumerate(widths):
        group += nodes.colspec(colwidth=width, stub=int(index < stub_columns))
    if header:
        head = nodes.thead()
        head += nodes.row("", *(nodes.entry("", _paragraph(label)) for label in header))
        group += head
    body = nodes.tbody()
    for cells in rows:
        body += nodes.row("", *(nodes.entry("", _paragraph(cell)) for cell in cells))
    group += body
    return table
