"""The machine-checkable failure conditions of the Matterhorn Protocol 1.1 (PDF/UA-1).

veraPDF cannot be installed here, so `guidebuild check` tests, with pypdf, the failure
conditions that apply to what guidebuild writes and that a program can decide. Each check
is named by its Matterhorn checkpoint and condition number; CHECKED lists them and
NOT_CHECKED says why the rest are left out (the README shows both). A problem message
starts with the condition it fails, e.g. "Matterhorn 11-006: ...".
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from guidebuild.errors import Problem

# PDF 1.7 (ISO 32000-1, 14.8.4) standard structure types; anything else needs a role map.
STANDARD_TYPES = frozenset(
    [
        "Document",
        "Part",
        "Art",
        "Sect",
        "Div",
        "BlockQuote",
        "Caption",
        "TOC",
        "TOCI",
        "Index",
        "NonStruct",
        "Private",
        "P",
        "H",
        "H1",
        "H2",
        "H3",
        "H4",
        "H5",
        "H6",
        "L",
        "LI",
        "Lbl",
        "LBody",
        "Table",
        "TR",
        "TH",
        "TD",
        "THead",
        "TBody",
        "TFoot",
        "Span",
        "Quote",
        "Note",
        "Reference",
        "BibEntry",
        "Code",
        "Link",
        "Annot",
        "Ruby",
        "RB",
        "RT",
        "RP",
        "Warichu",
        "WT",
        "WP",
        "Figure",
        "Formula",
        "Form",
    ]
)
TEXT_OPERATORS = frozenset({b"Tj", b"TJ", b"'", b'"'})

Check = Callable[[Any], Iterator[str]]


def _root(reader: Any) -> Any:
    return reader.trailer["/Root"]


_ELEMENTS: dict[int, tuple[Any, list[Any]]] = {}


def _elements(reader: Any) -> list[Any]:
    """The structure elements in document order, walked once per reader."""
    cached = _ELEMENTS.get(id(reader))
    if cached is not None and cached[0] is reader:
        return cached[1]
    tree = _root(reader).get("/StructTreeRoot")
    elements = structure_elements(tree) if tree is not None else []
    _ELEMENTS.clear()  # one reader at a time: no PDF is kept alive by the cache for long
    _ELEMENTS[id(reader)] = (reader, elements)
    return elements


def _true(value: Any) -> bool:
    """A PDF boolean (pypdf's BooleanObject is truthy whatever its value)."""
    return getattr(value, "value", value) is True


def _tag(element: Any) -> str:
    return str(element.get("/S", ""))[1:]


# --- 01 Real content tagged ----------------------------------------------------------------


def check_01_005(reader: Any) -> Iterator[str]:
    """Content is neither marked as Artifact nor tagged as real content (text shown)."""
    from pypdf.generic import ContentStream

    for number, page in enumerate(reader.pages, start=1):
        contents = page.get_contents()
        if contents is None:
            continue
        stack: list[bool] = []  # per open marked-content sequence: artifact or MCID
        untagged = 0
        for args, op in ContentStream(contents, reader).operations:
            if op == b"BDC":
                properties = args[1] if len(args) > 1 else None
                has_mcid = (
                    properties is not None
                    and hasattr(properties, "get")
                    and properties.get("/MCID") is not None
                )
                stack.append(args[0] == "/Artifact" or has_mcid)
            elif op == b"BMC":
                stack.append(args[0] == "/Artifact")
            elif op == b"EMC" and stack:
                stack.pop()
            elif op in TEXT_OPERATORS and not any(stack):
                untagged += 1
        if untagged:
            yield f"page {number}: {untagged} text operation(s) neither tagged nor artifacts"
            return


def check_01_007(reader: Any) -> Iterator[str]:
    """Suspects entry has a value of true."""
    if _true((_root(reader).get("/MarkInfo") or {}).get("/Suspects")):
        yield "/MarkInfo /Suspects is true"


def check_01_tagged(reader: Any) -> Iterator[str]:
    """(PDF/UA 7.1) The document is not marked as tagged, or has no structure tree."""
    root = _root(reader)
    if not (root.get("/MarkInfo") or {}).get("/Marked") or "/StructTreeRoot" not in root:
        yield "not tagged (no /MarkInfo /Marked true, or no structure tree)"


# --- 02 Role mapping -----------------------------------------------------------------------


def check_02_001(reader: Any) -> Iterator[str]:
    """A non-standard structure type is not mapped to a standard type."""
    tree = _root(reader).get("/StructTreeRoot")
    role_map = (tree.get("/RoleMap") if tree is not None else None) or {}
    for tag in sorted({_tag(e) for e in _elements(reader)} - STANDARD_TYPES):
        if f"/{tag}" not in role_map:
            yield f"structure type {tag!r} is not standard and has no role map entry"


# --- 06 Metadata ---------------------------------------------------------------------------


def _xmp(reader: Any) -> bytes | None:
    metadata = _root(reader).get("/Metadata")
    if metadata is None:
        return None
    try:
        data: bytes = metadata.get_object().get_data()
    except Exception:  # an unreadable stream is the finding
        return b""
    return data


def check_06_001(reader: Any) -> Iterator[str]:
    """Document does not contain an XMP metadata stream."""
    if _xmp(reader) is None:
        yield "no XMP metadata stream in the catalog"


def check_06_002(reader: Any) -> Iterator[str]:
    """The metadata stream does not contain the PDF/UA identifier."""
    data = _xmp(reader)
    if data is not None and not re.search(rb"pdfuaid:part\W+1", data):
        yield "the XMP metadata does not say pdfuaid:part 1"


def check_06_003(reader: Any) -> Iterator[str]:
    """Metadata stream does not contain dc:title."""
    data = _xmp(reader)
    if data is not None and b"dc:title" not in data:
        yield "the XMP metadata has no dc:title"


# --- 07 Dictionary -------------------------------------------------------------------------


def check_07_001(reader: Any) -> Iterator[str]:
    """ViewerPreferences dictionary does not contain a DisplayDocTitle entry."""
    if "/DisplayDocTitle" not in (_root(reader).get("/ViewerPreferences") or {}):
        yield "no DisplayDocTitle in /ViewerPreferences"


def check_07_002(reader: Any) -> Iterator[str]:
    """ViewerPreferences dictionary contains DisplayDocTitle with a value of false."""
    preferences = _root(reader).get("/ViewerPreferences") or {}
    if "/DisplayDocTitle" in preferences and not _true(preferences["/DisplayDocTitle"]):
        yield "DisplayDocTitle is not true: the window shows the file name, not the title"


# --- 11 Natural language -------------------------------------------------------------------


def check_11_006(reader: Any) -> Iterator[str]:
    """Natural language for document metadata cannot be determined (no /Lang)."""
    if not str(_root(reader).get("/Lang") or "").strip():
        yield "no document language (/Lang in the catalog)"


# --- 13 Graphics ---------------------------------------------------------------------------


def check_13_004(reader: Any) -> Iterator[str]:
    """Figure tag alternative or replacement text missing."""
    for element in _elements(reader):
        if _tag(element) == "Figure" and not (
            str(element.get("/Alt") or "").strip() or str(element.get("/ActualText") or "")
        ):
            yield "a Figure has no alternative text (/Alt)"
            return


# --- 14 Headings ---------------------------------------------------------------------------


def _headings(reader: Any) -> list[str]:
    return [t for t in map(_tag, _elements(reader)) if re.fullmatch(r"H[1-6]?", t)]


def check_14_002(reader: Any) -> Iterator[str]:
    """Does use numbered headings, but the first heading tag is not H1."""
    numbered = [t for t in _headings(reader) if t != "H"]
    if numbered and numbered[0] != "H1":
        yield f"the first heading is {numbered[0]}, not H1"


def check_14_003(reader: Any) -> Iterator[str]:
    """Numbered heading levels in descending sequence are skipped."""
    last = 0
    for tag in _headings(reader):
        if tag == "H":
            continue
        level = int(tag[1])
        if last and level > last + 1:
            yield f"heading levels skip from H{last} to H{level}"
            return
        last = level


def check_14_007(reader: Any) -> Iterator[str]:
    """Document uses both H and H# tags."""
    tags = set(_headings(reader))
    if "H" in tags and tags - {"H"}:
        yield "both H and numbered H1-H6 headings are used"


# --- 15 Tables -----------------------------------------------------------------------------


def _kids(element: Any) -> list[Any]:
    kids = element.get("/K")
    found = []
    for raw in kids if isinstance(kids, list) else [kids]:
        kid = raw.get_object() if raw is not None and hasattr(raw, "get_object") else raw
        if hasattr(kid, "get") and kid.get("/S"):
            found.append(kid)
    return found


def check_15_header_cells(reader: Any) -> Iterator[str]:
    """(PDF/UA 7.5) A data table has no header cells (TH)."""
    for element in _elements(reader):
        if _tag(element) != "Table":
            continue
        cells = list(map(_tag, _descendants(element)))
        # WeasyPrint 70 wraps a captioned table in a Table that holds only the Caption.
        if "TR" in cells and "TH" not in cells:
            yield "a table has no header cells (TH)"
            return


def _descendants(element: Any) -> Iterator[Any]:
    for kid in _kids(element):
        yield kid
        yield from _descendants(kid)


def check_15_003(reader: Any) -> Iterator[str]:
    """A TH cell of a table not organised with Headers and IDs has no Scope attribute."""
    elements = _elements(reader)
    uses_headers = any(_tag(e) == "TD" and "/Headers" in _attributes(e) for e in elements)
    if uses_headers:
        return
    for element in elements:
        if _tag(element) == "TH" and "/Scope" not in _attributes(element):
            yield "a header cell (TH) has no Scope, and the table has no Headers"
            return


def _attributes(element: Any) -> dict[str, Any]:
    attributes = element.get("/A")
    merged: dict[str, Any] = {}
    for raw in attributes if isinstance(attributes, list) else [attributes]:
        item = raw.get_object() if hasattr(raw, "get_object") else raw
        if hasattr(item, "items"):
            merged.update(item.items())
    return merged


# --- 09 Appropriate tags: tables and lists -------------------------------------------------

PARENTS = {
    "TR": {"Table", "THead", "TBody", "TFoot"},
    "TH": {"TR"},
    "TD": {"TR"},
    "THead": {"Table"},
    "TBody": {"Table"},
    "TFoot": {"Table"},
    "LI": {"L"},
    "Lbl": {"LI"},
    "LBody": {"LI"},
}


def _parent_check(tags: set[str], condition: str) -> Check:
    def check(reader: Any) -> Iterator[str]:
        for element in _elements(reader):
            tag = _tag(element)
            if tag not in tags:
                continue
            parent = element.get("/P")
            parent_tag = _tag(parent.get_object()) if parent is not None else ""
            if parent_tag not in PARENTS[tag]:
                yield f"a {tag} element is inside {parent_tag or 'nothing'}, not {condition}"
                return

    return check


check_09_004 = _parent_check({"TR", "TH", "TD", "THead", "TBody", "TFoot"}, "its table")
check_09_004.__doc__ = "A table-related structure element is used in a way that does not conform."
check_09_005 = _parent_check({"LI", "Lbl", "LBody"}, "its list")
check_09_005.__doc__ = "A list-related structure element is used in a way that does not conform."


# --- 19 Notes ------------------------------------------------------------------------------


def check_19_003(reader: Any) -> Iterator[str]:
    """ID entry of the Note tag is not present."""
    for element in _elements(reader):
        if _tag(element) == "Note" and not element.get("/ID"):
            yield "a Note has no /ID"
            return


# --- 26 Security ---------------------------------------------------------------------------


def check_26_001(reader: Any) -> Iterator[str]:
    """The file is encrypted but does not let assistive technology read the content."""
    encrypt = reader.trailer.get("/Encrypt")
    if encrypt is not None and not int(encrypt.get_object().get("/P", -1)) & (1 << 9):
        yield "encrypted without permission for assistive technology (bit 10 of /P)"


# --- 28 Annotations ------------------------------------------------------------------------


def _annotations(reader: Any) -> Iterator[tuple[int, Any]]:
    for number, page in enumerate(reader.pages, start=1):
        for ref in page.get("/Annots") or []:
            yield number, ref.get_object()


def _parent_of_annotation(reader: Any, annotation: Any) -> Any:
    key = annotation.get("/StructParent")
    tree = _root(reader).get("/StructTreeRoot")
    if key is None or tree is None:
        return None
    nums = tree["/ParentTree"].get_object().get("/Nums") or []
    for index in range(0, len(nums) - 1, 2):
        if nums[index] == key:
            value = nums[index + 1]
            return value.get_object() if hasattr(value, "get_object") else value
    return None


def check_28_004(reader: Any) -> Iterator[str]:
    """An annotation (not a Widget) has no Contents and no Alt on its structure element."""
    for number, annotation in _annotations(reader):
        if annotation.get("/Subtype") in ("/Widget", "/Popup"):
            continue
        parent = _parent_of_annotation(reader, annotation)
        alt = parent.get("/Alt") if hasattr(parent, "get") else None
        if not str(annotation.get("/Contents") or alt or "").strip():
            yield f"page {number}: a {annotation.get('/Subtype')} annotation has no /Contents"
            return


def check_28_011(reader: Any) -> Iterator[str]:
    """A link annotation is not nested within a Link tag."""
    for number, annotation in _annotations(reader):
        if annotation.get("/Subtype") != "/Link":
            continue
        parent = _parent_of_annotation(reader, annotation)
        if not hasattr(parent, "get") or _tag(parent) != "Link":
            yield f"page {number}: a link annotation is not inside a Link structure element"
            return


# --- 31 Fonts ------------------------------------------------------------------------------


def _fonts(reader: Any) -> Iterator[tuple[int, str, Any]]:
    seen: set[int] = set()
    for number, page in enumerate(reader.pages, start=1):
        resources = page.get("/Resources") or {}
        fonts = resources.get_object().get("/Font") if hasattr(resources, "get_object") else None
        for name, ref in (fonts or {}).items():
            font = ref.get_object()
            if id(font) in seen:
                continue
            seen.add(id(font))
            yield number, str(name), font


def check_31_009(reader: Any) -> Iterator[str]:
    """(31-001 to 31-009) A font program is not embedded."""
    for number, name, font in _fonts(reader):
        if font.get("/Subtype") == "/Type3":
            continue
        described = font
        if font.get("/Subtype") == "/Type0":
            described = font["/DescendantFonts"][0].get_object()
        descriptor = described.get("/FontDescriptor")
        descriptor = descriptor.get_object() if descriptor is not None else {}
        if not any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")):
            yield f"page {number}: font {font.get('/BaseFont', name)} is not embedded"
            return


def check_31_027(reader: Any) -> Iterator[str]:
    """The Unicode equivalent of a character cannot be determined (no ToUnicode map)."""
    for number, name, font in _fonts(reader):
        symbolic_standard = font.get("/Encoding") in ("/WinAnsiEncoding", "/MacRomanEncoding")
        if "/ToUnicode" not in font and not symbolic_standard:
            yield f"page {number}: font {font.get('/BaseFont', name)} has no /ToUnicode map"
            return


CHECKED: dict[str, Check] = {
    "01-005": check_01_005,
    "01-007": check_01_007,
    "01 (tagged)": check_01_tagged,
    "02-001": check_02_001,
    "06-001": check_06_001,
    "06-002": check_06_002,
    "06-003": check_06_003,
    "07-001": check_07_001,
    "07-002": check_07_002,
    "09-004": check_09_004,
    "09-005": check_09_005,
    "11-006": check_11_006,
    "13-004": check_13_004,
    "14-002": check_14_002,
    "14-003": check_14_003,
    "14-007": check_14_007,
    "15 (TH)": check_15_header_cells,
    "15-003": check_15_003,
    "19-003": check_19_003,
    "26-001": check_26_001,
    "28-004": check_28_004,
    "28-011": check_28_011,
    "31-009": check_31_009,
    "31-027": check_31_027,
}

NOT_CHECKED: dict[str, str] = {
    "01-001 to 01-004, 01-006": "whether content is real or decorative needs a person",
    "03 Flickering, 04 Color and contrast, 05 Sound": "need a person (and none are used)",
    "08 OCR": "needs a person; our PDFs are born digital",
    "09-001 to 09-003, 09-006 to 09-008": "whether a tag suits its content needs a person",
    "10 Character mappings": "covered by 31-027 for our fonts; full glyph checks need veraPDF",
    "11-001 to 11-005": "a change of language inside the text needs a person",
    "12 Stretchable characters, 17 Mathematical expressions": "not used",
    "13-001 to 13-003, 13-005 to 13-008": "whether alt text is right needs a person",
    "14-001, 14-004 to 14-006": "whether a heading is a heading needs a person",
    "15-001, 15-002, 15-004, 15-005": "whether header cells are right needs a person",
    "16 Lists": "whether a list is tagged as one needs a person (09-005 checks nesting)",
    "18 Page headers and footers": "checked as artifacts by `check` itself (furniture)",
    "19-001, 19-002, 19-004": "whether notes are tagged as notes needs a person",
    "20 Optional content, 21 Embedded files, 22 Article threads": "not used",
    "23 Digital signatures, 24 Non-interactive forms, 25 XFA": "not used in the guidance",
    "27 Navigation": "needs a person (the outline is checked against the contents)",
    "28-001 to 28-003, 28-005 to 28-010, 28-012 to 28-018": "not used, or need a person",
    "29 Actions, 30 XObjects": "not used beyond links",
    "31-010 to 31-026, 31-028 to 31-030": "font-program internals need veraPDF",
}


def check_matterhorn(path: Path, reader: Any) -> list[Problem]:
    """Every checked failure condition, each found problem named by its condition."""
    problems: list[Problem] = []
    for condition, check in CHECKED.items():
        problems.extend(
            Problem(path, f"Matterhorn {condition}: {message}") for message in check(reader)
        )
    return problems


def structure_elements(tree_root: Any) -> list[Any]:
    """The structure elements in document order (depth first)."""
    found: list[Any] = []

    def walk(node: Any) -> None:
        node = node.get_object()
        if not hasattr(node, "get"):
            return
        if node.get("/S"):
            found.append(node)
        kids = node.get("/K")
        for kid in kids if isinstance(kids, list) else [kids]:
            if kid is not None and hasattr(kid, "get_object"):
                walk(kid)

    walk(tree_root)
    return found
