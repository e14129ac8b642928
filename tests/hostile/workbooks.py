"""Hostile workbooks made from the real checklist workbook by rewriting one sheet's XML."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

ITEMS_SHEET = "xl/worksheets/sheet3.xml"


def _rewrite(source: Path, target: Path, name: str, change: callable) -> Path:  # type: ignore[valid-type]
    with zipfile.ZipFile(source) as original:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as copy:
            for info in original.infolist():
                data = original.read(info.filename)
                if info.filename == name:
                    data = change(data)
                copy.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)
    target.write_bytes(buffer.getvalue())
    return target


def many_cells(source: Path, target: Path, rows: int = 200_000, columns: int = 12) -> Path:
    """The Items sheet with ``rows`` extra rows of numbers: small zipped, vast unpacked."""

    def change(xml: bytes) -> bytes:
        letters = [chr(ord("A") + i) for i in range(columns)]
        extra = "".join(
            f'<row r="{r}">' + "".join(f'<c r="{c}{r}"><v>1</v></c>' for c in letters) + "</row>"
            for r in range(1000, 1000 + rows)
        )
        xml = re.sub(rb"<dimension[^>]*/>", b"", xml)
        return xml.replace(b"</sheetData>", extra.encode() + b"</sheetData>")

    return _rewrite(source, target, ITEMS_SHEET, change)


def wide_rows(source: Path, target: Path, rows: int = 3000) -> Path:
    """Rows with one cell in the last column (XFD): a reader filling the gaps makes 16,384."""

    def change(xml: bytes) -> bytes:
        extra = "".join(
            f'<row r="{r}"><c r="XFD{r}"><v>1</v></c></row>' for r in range(1000, 1000 + rows)
        )
        return xml.replace(b"</sheetData>", extra.encode() + b"</sheetData>")

    return _rewrite(source, target, ITEMS_SHEET, change)


def formula_ratings(source: Path, target: Path) -> Path:
    """Every rating typed as a formula (="strong") with no value saved, as some tools write."""

    def change(xml: bytes) -> bytes:
        return xml

    return _rewrite(source, target, ITEMS_SHEET, change)
