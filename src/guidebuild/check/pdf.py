"""Structure checks on the built PDF with pypdf: tags, metadata, contents, links."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from guidebuild.errors import Problem

_CONTENTS_LINE = re.compile(r"^(?P<title>.*?)\s*\.{3,}\s*(?P<page>\d+)$")


def outline_pages(reader: Any) -> dict[str, int]:
    """Every bookmark's title and the 1-based page it opens."""
    from pypdf.generic import Destination

    pages: dict[str, int] = {}

    def walk(items: list[Any]) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item)
            elif isinstance(item, Destination):
                number = reader.get_destination_page_number(item)
                if number is not None:
                    pages.setdefault(str(item.title), number + 1)

    walk(reader.outline)
    return pages


def contents_entries(reader: Any, first_pages: int = 6) -> dict[str, int]:
    """What the printed contents list says: entry title -> page number."""
    entries: dict[str, int] = {}
    in_contents = False
    for page in reader.pages[:first_pages]:
        text = page.extract_text() or ""
        in_contents = in_contents or "Contents" in text
        if not in_contents:
            continue
        found = False
        for line in text.splitlines():
            match = _CONTENTS_LINE.match(line.strip())
            if match:
                found = True
                entries.setdefault(match["title"].strip(), int(match["page"]))
        if in_contents and not found and entries:
            break
    return entries


def _named_destinations(reader: Any) -> set[str]:
    try:
        return set(reader.named_destinations)
    except Exception:  # a broken name tree is itself the finding
        return set()


def check_pdf(path: Path) -> list[Problem]:
    """Tagged, titled, in a language; contents numbers true; every internal link lands."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(path)
        root: Any = reader.trailer["/Root"]
    except (PdfReadError, OSError, KeyError) as error:
        return [Problem(path, f"cannot be read as a PDF: {error}")]
    problems = []
    if not (root.get("/MarkInfo") or {}).get("/Marked") or "/StructTreeRoot" not in root:
        problems.append(Problem(path, "is not tagged (no /MarkInfo /Marked or structure tree)"))
    if not root.get("/Lang"):
        problems.append(Problem(path, "has no document language (/Lang)"))
    title = reader.metadata.get("/Title") if reader.metadata else None
    if not title:
        problems.append(Problem(path, "has no title in its metadata"))
    if not (root.get("/ViewerPreferences") or {}).get("/DisplayDocTitle"):
        problems.append(Problem(path, "does not show its title in the window (DisplayDocTitle)"))

    real = outline_pages(reader)
    printed = contents_entries(reader)
    if not printed:
        problems.append(Problem(path, "has no contents list with page numbers"))
    for entry, page in printed.items():
        if entry in real and real[entry] != page:
            problems.append(
                Problem(
                    path,
                    f"contents gives page {page} for {entry!r}, which is on page {real[entry]}",
                )
            )

    problems.extend(_dangling_links(path, reader))
    return problems


def _dangling_links(path: Path, reader: Any) -> list[Problem]:
    """Internal links (named destinations) whose target the PDF does not define."""
    names = _named_destinations(reader)
    problems = []
    for number, page in enumerate(reader.pages, start=1):
        for ref in page.get("/Annots") or []:
            annotation = ref.get_object()
            if annotation.get("/Subtype") != "/Link":
                continue
            target = annotation.get("/Dest")
            action = annotation.get("/A")
            if target is None and action is not None and action.get("/S") == "/GoTo":
                target = action.get("/D")
            if isinstance(target, str) and target not in names:
                problems.append(
                    Problem(path, f"page {number}: internal link to {target!r} has no target")
                )
    return problems
