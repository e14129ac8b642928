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
    """PDF/UA (Matterhorn), a title; contents numbers true; every internal link lands."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(path)
        reader.trailer["/Root"]  # a PDF without a catalog is refused here
    except (PdfReadError, OSError, KeyError) as error:
        return [Problem(path, f"cannot be read as a PDF: {error}")]
    from guidebuild.check.matterhorn import check_matterhorn

    # Tags, language, metadata, DisplayDocTitle, headings, figures, tables, annotations and
    # fonts: the Matterhorn Protocol's machine-checkable conditions for PDF/UA-1.
    problems = check_matterhorn(path, reader)
    title = reader.metadata.get("/Title") if reader.metadata else None
    if not title:
        problems.append(Problem(path, "has no title in its metadata"))

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
    problems.extend(_furniture(path, reader))
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


def text_outside_artifacts(page: Any) -> str:
    """A page's text without what is marked as an artifact (headers, footers, watermarks).

    PDF/UA wants page furniture marked as artifacts so that screen readers skip it; this
    is the text a screen reader would read. pypdf calls the operator visitor for every
    operator in order, so the marked-content stack can be followed while extracting.
    """
    stack: list[bool] = []
    parts: list[str] = []

    def operator(op: bytes, args: Any, cm: Any, tm: Any) -> None:
        if op in (b"BDC", b"BMC"):
            stack.append(bool(args) and args[0] == "/Artifact")
        elif op == b"EMC" and stack:
            stack.pop()

    def text(value: str, cm: Any, tm: Any, font: Any, size: Any) -> None:
        if not any(stack):
            parts.append(value)

    page.extract_text(visitor_operand_before=operator, visitor_text=text)
    return "".join(parts)


_FURNITURE = re.compile(r"Page \d+ of \d+|DRAFT: not for publication")


def _furniture(path: Path, reader: Any) -> list[Problem]:
    """Page numbers and the draft label must be artifacts, which screen readers skip."""
    for number, page in enumerate(reader.pages, start=1):
        match = _FURNITURE.search(text_outside_artifacts(page))
        if match:
            return [
                Problem(path, f"page {number}: {match[0]!r} is page furniture but not an artifact")
            ]
    return []
