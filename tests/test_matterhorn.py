"""Each checked Matterhorn 1.1 failure condition is found in a PDF made to fail it.

A small page with every element the guidance uses is written the way the build writes the
guidance (PDF/UA-1 and our finisher) and passes every check; then one thing at a time is
broken with pypdf, and the check of that condition, and no other, must say so.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.generic import BooleanObject, NameObject, StreamObject

from guidebuild.check.matterhorn import CHECKED, check_matterhorn
from guidebuild.pdf import write_pdf

PAGE = """<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8">
<title>Matterhorn test</title></head><body>
<h1>Title</h1><h2>Chapter</h2>
<p>Text with <a href="#target">a link</a>.</p>
<ul><li>One</li><li>Two</li></ul>
<table><thead><tr><th>Head</th></tr></thead><tbody><tr><td>Cell</td></tr></tbody></table>
<img alt="A square" src="data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg'
 width='20' height='20'%3E%3Crect width='20' height='20'/%3E%3C/svg%3E">
<p id="target">Target.</p></body></html>"""


@pytest.fixture(scope="module")
def good_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("matterhorn")
    html = folder / "page.html"
    html.write_text(PAGE, encoding="utf-8")
    target = folder / "good.pdf"
    write_pdf(html, target, allowed_roots=(folder,), sources=(folder,), epoch=0)
    return target


def elements(writer: PdfWriter, tag: str) -> list[Any]:
    found = []
    pending = [writer.root_object["/StructTreeRoot"]]
    while pending:
        node = pending.pop().get_object()
        if not hasattr(node, "get"):
            continue
        if node.get("/S") == tag:
            found.append(node)
        kids = node.get("/K")
        pending.extend(k for k in (kids if isinstance(kids, list) else [kids]) if k is not None)
    return found


def retag(old: str, new: str) -> Callable[[PdfWriter], None]:
    def change(writer: PdfWriter) -> None:
        elements(writer, old)[0][NameObject("/S")] = NameObject(new)

    return change


def untagged_text(writer: PdfWriter) -> None:
    page = writer.pages[0]
    contents = page.get_contents()
    assert contents is not None
    contents.set_data(contents.get_data() + b"\nBT (loose) Tj ET\n")
    page.replace_contents(contents)


def set_metadata(xmp: bytes | None) -> Callable[[PdfWriter], None]:
    def change(writer: PdfWriter) -> None:
        if xmp is None:
            del writer.root_object["/Metadata"]
            return
        stream = StreamObject()
        stream.set_data(xmp)
        writer.root_object[NameObject("/Metadata")] = writer._add_object(stream)

    return change


def viewer(value: bool | None) -> Callable[[PdfWriter], None]:
    def change(writer: PdfWriter) -> None:
        preferences = writer.root_object["/ViewerPreferences"]
        if value is None:
            del preferences["/DisplayDocTitle"]
        else:
            preferences[NameObject("/DisplayDocTitle")] = BooleanObject(value)

    return change


def delete(get: Callable[[PdfWriter], Any], key: str) -> Callable[[PdfWriter], None]:
    def change(writer: PdfWriter) -> None:
        del get(writer)[key]

    return change


def first_link(writer: PdfWriter) -> Any:
    return next(
        a.get_object() for a in writer.pages[0]["/Annots"] if a.get_object()["/Subtype"] == "/Link"
    )


def first_font(writer: PdfWriter) -> Any:
    fonts = writer.pages[0]["/Resources"]["/Font"]
    return fonts[next(iter(fonts))].get_object()


def font_descriptor(writer: PdfWriter) -> Any:
    font = first_font(writer)
    return font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()


def mark_suspects(writer: PdfWriter) -> None:
    writer.root_object["/MarkInfo"][NameObject("/Suspects")] = BooleanObject(True)


def no_header_cells(writer: PdfWriter) -> None:
    for cell in elements(writer, "/TH"):
        cell[NameObject("/S")] = NameObject("/TD")


def no_scope_nor_headers(writer: PdfWriter) -> None:
    # WeasyPrint writes Headers on the data cells of a table with a head; our finisher adds
    # Scope to every header cell. Without both, no cell says which header labels it.
    del elements(writer, "/TH")[0]["/A"]["/Scope"]
    for cell in elements(writer, "/TD"):
        cell["/A"].pop("/Headers", None)


def encrypt_without_access(writer: PdfWriter) -> None:
    # Everything but bit 10 (extract for accessibility) allowed.
    writer.encrypt("", "owner", permissions_flag=-1 & ~(1 << 9), algorithm="AES-128")


BREAK: dict[str, Callable[[PdfWriter], None]] = {
    "01-005": untagged_text,
    "01-007": mark_suspects,
    "01 (tagged)": delete(lambda w: w.root_object, "/StructTreeRoot"),
    "02-001": retag("/P", "/Fancy"),
    "06-001": set_metadata(None),
    "06-002": set_metadata(b"<x:xmpmeta><dc:title>T</dc:title></x:xmpmeta>"),
    "06-003": set_metadata(b"<x:xmpmeta><pdfuaid:part>1</pdfuaid:part></x:xmpmeta>"),
    "07-001": viewer(None),
    "07-002": viewer(False),
    "09-004": retag("/TBody", "/Div"),
    "09-005": retag("/L", "/Div"),
    "11-006": delete(lambda w: w.root_object, "/Lang"),
    "13-004": delete(lambda w: elements(w, "/Figure")[0], "/Alt"),
    "14-002": retag("/H1", "/H3"),
    "14-003": retag("/H2", "/H3"),
    "14-007": retag("/H2", "/H"),
    "15 (TH)": no_header_cells,
    "15-003": no_scope_nor_headers,
    "19-003": retag("/P", "/Note"),
    "26-001": encrypt_without_access,
    "28-004": delete(first_link, "/Contents"),
    "28-011": retag("/Link", "/Span"),
    "31-009": delete(font_descriptor, "/FontFile2"),
    "31-027": delete(first_font, "/ToUnicode"),
}


def found(path: Path) -> list[str]:
    reader = PdfReader(path)
    return [p.message for p in check_matterhorn(path, reader)]


def test_the_good_pdf_passes_every_check(good_pdf: Path) -> None:
    assert found(good_pdf) == []


def test_every_checked_condition_has_a_failing_pdf() -> None:
    assert set(BREAK) == set(CHECKED)


@pytest.mark.parametrize("condition", sorted(BREAK))
def test_a_pdf_that_fails_the_condition_is_caught(
    condition: str, good_pdf: Path, tmp_path: Path
) -> None:
    writer = PdfWriter(clone_from=PdfReader(good_pdf))
    BREAK[condition](writer)
    broken = tmp_path / "broken.pdf"
    writer.write(broken)
    messages = found(broken)
    assert any(m.startswith(f"Matterhorn {condition}: ") for m in messages), messages
