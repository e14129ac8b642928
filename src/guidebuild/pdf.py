"""Write the PDF with WeasyPrint, reading nothing outside the project.

WeasyPrint will fetch any URL a page names: a stylesheet on the network, an image from a
local server, or (through ``<a rel="attachment">``) any file on the machine, which it
then embeds in the PDF. The sandbox fetcher below refuses all of these, and the build
fails naming the refused URL and the source that asked for it, rather than dropping the
resource silently as WeasyPrint would.
"""

from __future__ import annotations

import contextlib
import gc
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from guidebuild.errors import BuildError, Problem

# PDF/UA-1: tagged, with /Lang and DisplayDocTitle (publishing.md).
PDF_VARIANT = "pdf/ua-1"


@dataclass(frozen=True)
class PdfResult:
    path: Path
    pages: int
    size: int


def make_fetcher(allowed_roots: tuple[Path, ...], refused: list[str]) -> Any:
    """A WeasyPrint URL fetcher that serves only data: URLs and files below allowed roots."""
    from weasyprint.urls import URLFetcher

    roots = tuple(root.resolve() for root in allowed_roots)

    class SandboxFetcher(URLFetcher):  # type: ignore[misc]
        def fetch(self, url: str, headers: Any = None) -> Any:
            parts = urlsplit(url)
            if parts.scheme == "data":
                return super().fetch(url, headers)
            if parts.scheme == "file" and parts.netloc in ("", "localhost"):
                path = Path(unquote(parts.path)).resolve()
                if any(path.is_relative_to(root) for root in roots):
                    return super().fetch(url, headers)
            refused.append(url)
            # WeasyPrint logs and carries on; the pipeline fails the build afterwards.
            raise ValueError(f"guidebuild refuses to read {url}: outside the project")

    return SandboxFetcher()


@contextlib.contextmanager
def source_date_epoch(epoch: int | None) -> Iterator[None]:
    """Fix the dates fontTools writes into subset fonts, for byte-identical PDFs."""
    if epoch is None or "SOURCE_DATE_EPOCH" in os.environ:
        yield
        return
    os.environ["SOURCE_DATE_EPOCH"] = str(epoch)
    try:
        yield
    finally:
        del os.environ["SOURCE_DATE_EPOCH"]


def _number(reference: Any) -> int | None:
    """The object number of a pydyf reference (b'12 0 R'), else None."""
    if isinstance(reference, bytes) and reference.endswith(b" R"):
        return int(reference.split()[0])
    return None


def mark_furniture_as_artifacts(document: Any, pdf: Any) -> None:
    """A WeasyPrint finisher: page furniture becomes /Artifact marked content (PDF/UA-1).

    WeasyPrint 70 tags the text of page margin boxes (running header, page numbers, the
    DRAFT label) as /Span with an MCID whose structure element it leaves out of the tree.
    PDF/UA-1 wants such content marked as an artifact, so that assistive technology skips
    it: every MCID whose structure element the tree cannot reach is rewritten as
    ``/Artifact BMC``.
    """
    objects = pdf.objects
    catalog_root = pdf.catalog.get("StructTreeRoot")
    root_number = _number(catalog_root)
    if root_number is None:
        return
    reachable: set[int] = set()
    pending = [root_number]
    while pending:
        number = pending.pop()
        if number in reachable:
            continue
        reachable.add(number)
        kids = objects[number].get("K")
        for kid in kids if isinstance(kids, list) else [kids]:
            child = _number(kid)
            if child is not None:
                pending.append(child)

    parent_tree = objects[_number(objects[root_number]["ParentTree"]) or 0]
    nums = parent_tree["Nums"]
    orphans: dict[int, set[int]] = {}
    for key, value in zip(nums[::2], nums[1::2], strict=True):
        if isinstance(value, list):  # a page: its structure elements, by MCID
            orphans[key] = {mcid for mcid, ref in enumerate(value) if _number(ref) not in reachable}
    kids = pdf.pages["Kids"]
    pages = [objects[kids[i]] for i in range(0, len(kids), 3)]
    for index, page in enumerate(pages):
        lost = orphans.get(index)
        if not lost:
            continue
        stream = objects[_number(page["Contents"]) or 0]
        operations = stream.stream
        for position in range(len(operations) - 2):
            _tag, properties, operator = operations[position : position + 3]
            if (
                operator == b"BDC"
                and isinstance(properties, dict)
                and properties.get("MCID") in lost
            ):
                # Same length, so positions of later operations do not move.
                operations[position : position + 3] = ["/Artifact", b"", b"BMC"]


_REFERRING = {".rst", ".css", ".html", ".txt", ".py", ".svg"}
"""Sources that can name a resource: pages, stylesheets, templates, drawings."""


# How many dots in a row make a leader rather than punctuation ("..." stays text).
LEADER_RUN = 4
SINGLE_GLYPH = re.compile(rb"\[<[0-9a-f]{2,4}>-?[0-9.]*\] TJ")


def _single_glyph(window: list[Any]) -> tuple[bytes, bytes] | None:
    """(glyph, line) if ``window`` is one tagged text sequence showing a single glyph."""
    if len(window) < 9:
        return None
    tag, properties, bdc, bt, tm, _tf, tj, et, emc = window
    if not (
        tag == "/Span"
        and bdc == b"BDC"
        and isinstance(properties, dict)
        and "MCID" in properties
        and (bt, et, emc) == (b"BT", b"ET", b"EMC")
        and isinstance(tm, bytes)
        and isinstance(tj, bytes)
        and SINGLE_GLYPH.fullmatch(tj)
    ):
        return None
    return tj, tm.split()[-2]  # the glyph, and the line (y of the text matrix)


def _leader_runs(operations: list[Any]) -> list[tuple[int, int]]:
    """(position, MCID) of each dot of the contents' dot leaders in a page's operations.

    WeasyPrint 70 draws ``leader(".")`` as one marked-content sequence per dot, tagged as
    text: ``/Span <</MCID n>> BDC BT <Tm> <Tf> [<glyph>0] TJ ET EMC``, one after another.
    A run of such sequences showing the same glyph on the same line is a leader; a lone
    full stop after a link is not.
    """
    found: list[tuple[int, int]] = []
    position = 0
    while position < len(operations):
        key = _single_glyph(operations[position : position + 9])
        if key is None:
            position += 1
            continue
        run = [position]
        while _single_glyph(operations[run[-1] + 9 : run[-1] + 18]) == key:
            run.append(run[-1] + 9)
        if len(run) >= LEADER_RUN:
            found.extend((at, operations[at + 1]["MCID"]) for at in run)
        position = run[-1] + 9
    return found


def mark_leaders_as_artifacts(pdf: Any) -> int:
    """The contents' dot leaders become artifacts, so screen readers do not read the dots.

    Each dot's marked content becomes ``/Artifact BMC``, and its MCID leaves the structure
    element that held it and the page's entry in the parent tree. Returns the dots marked.
    """
    objects = pdf.objects
    root_number = _number(pdf.catalog.get("StructTreeRoot"))
    if root_number is None:
        return 0
    parent_tree = objects[_number(objects[root_number]["ParentTree"]) or 0]
    nums = parent_tree["Nums"]
    by_page = dict(zip(nums[::2], nums[1::2], strict=True))
    kids = pdf.pages["Kids"]
    marked = 0
    for index in range(len(kids) // 3):
        page = objects[kids[index * 3]]
        stream = objects[_number(page["Contents"]) or 0]
        operations = stream.stream
        parents = by_page.get(index)
        for position, mcid in _leader_runs(operations):
            operations[position : position + 3] = ["/Artifact", b"", b"BMC"]
            marked += 1
            if not isinstance(parents, list) or mcid >= len(parents):
                continue
            element_number = _number(parents[mcid])
            if element_number is not None:
                element = objects[element_number]
                k = element.get("K")
                if isinstance(k, list) and mcid in k:
                    k.remove(mcid)
            parents[mcid] = "null"  # pydyf writes a str as it is
    return marked


def links_own_their_annotations(pdf: Any) -> int:
    """Every link annotation belongs to its Link structure element (Matterhorn 28-011).

    WeasyPrint 70 can give a link's annotation to a Span inside the link (the text of a
    citation, say) as its parent; the annotation and its object reference move up to the
    Link. Returns how many were moved.
    """
    objects = pdf.objects
    root_number = _number(pdf.catalog.get("StructTreeRoot"))
    if root_number is None:
        return 0
    nums = objects[_number(objects[root_number]["ParentTree"]) or 0]["Nums"]
    moved = 0
    for index in range(1, len(nums), 2):
        number = _number(nums[index])
        if number is None or objects[number].get("S") == "/Link":
            continue
        element = objects[number]
        link = element
        while link is not None and link.get("S") not in ("/Link", "/Document"):
            parent = _number(link.get("P"))
            link = objects[parent] if parent is not None else None
        if link is None or link.get("S") != "/Link":
            continue
        kids = element.get("K")
        references = [
            k
            for k in kids
            if _number(k) is not None and objects[_number(k) or 0].get("Type") == "/OBJR"
        ]
        if not references:
            continue
        for reference in references:
            kids.remove(reference)
            link_kids = link.get("K")
            if isinstance(link_kids, list):
                link_kids.append(reference)
        nums[index] = link.reference
        moved += 1
    return moved


def scope_header_cells(pdf: Any) -> None:
    """Give each header cell a Scope (Matterhorn 15-003): Column in a head, else Row.

    WeasyPrint 70 writes TH without Scope and data cells without Headers, so a screen
    reader cannot tell which cells a header labels.
    """
    objects = pdf.objects
    for element in objects:
        if not isinstance(element, dict) or element.get("S") != "/TH":
            continue
        row = objects[_number(element.get("P")) or 0]
        group = objects[_number(row.get("P")) or 0] if isinstance(row, dict) else None
        head = isinstance(group, dict) and group.get("S") == "/THead"
        attributes = element.get("A")
        if isinstance(attributes, dict):
            attributes["Scope"] = "/Column" if head else "/Row"


def open_with_outlines(pdf: Any) -> None:
    """Open with the bookmarks shown and the title in the window bar (PDF/UA, Matterhorn 07)."""
    import pydyf

    pdf.catalog["PageMode"] = "/UseOutlines"
    preferences = pdf.catalog.get("ViewerPreferences")
    if not isinstance(preferences, dict):
        preferences = pydyf.Dictionary()
        pdf.catalog["ViewerPreferences"] = preferences
    preferences["DisplayDocTitle"] = "true"


def finish_pdf(document: Any, pdf: Any) -> None:
    """The WeasyPrint finisher: artifacts for furniture and leaders, how the PDF opens."""
    mark_furniture_as_artifacts(document, pdf)
    mark_leaders_as_artifacts(pdf)
    links_own_their_annotations(pdf)
    scope_header_cells(pdf)
    open_with_outlines(pdf)


def find_referrers(
    url: str, search: tuple[Path, ...], copies: tuple[Path, ...] = ()
) -> list[Problem]:
    """Where the sources name ``url`` (or its file path), so the error can point at them.

    ``copies`` are folders of the single page that hold copies of sources (``_images``):
    WeasyPrint reads a drawing's copy, so a relative reference in it is relative to the
    copy; a hit there is reported at the source file of the same name.
    """
    parts = urlsplit(url)
    target = unquote(parts.path)
    found = []
    originals = {p.name: p for folder in search if folder.is_dir() for p in folder.rglob("*")}
    for folder in (*search, *copies):
        files = [folder] if folder.is_file() else sorted(folder.rglob("*"))
        for path in files:
            if path.suffix not in _REFERRING or not path.is_file():
                continue
            try:
                lines = path.read_text(encoding="utf-8").splitlines()
            except (UnicodeDecodeError, OSError):
                continue
            needles = {url, target} - {""}
            if parts.scheme in ("", "file") and target.startswith("/"):
                needles.add(os.path.relpath(target, path.parent))
            where = originals.get(path.name, path) if folder in copies else path
            for number, line in enumerate(lines, start=1):
                if any(needle in line for needle in needles):
                    found.append(Problem(where, f"names {url}", number))
    return list(dict.fromkeys(found))


@contextlib.contextmanager
def settled_heap() -> Iterator[None]:
    """Keep the garbage collector off what Sphinx built, while WeasyPrint renders.

    WeasyPrint allocates millions of short-lived objects, and every collection of the oldest
    generation would walk the ~100,000 objects of Sphinx's environment again: a fifth of
    the checklists' time after the site was built. Frozen, they are left alone; unfrozen
    afterwards, so a long-lived process (the tests) can still collect them.
    """
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def write_pdf(
    html_path: Path,
    target: Path,
    *,
    allowed_roots: tuple[Path, ...],
    sources: tuple[Path, ...],
    epoch: int | None,
    variant: str | None = PDF_VARIANT,
) -> PdfResult:
    """Render ``html_path`` to ``target``; fail on any refused resource."""
    import logging

    from weasyprint import HTML

    from guidebuild.sandbox import armed

    refused: list[str] = []
    fetcher = make_fetcher(allowed_roots, refused)
    # WeasyPrint reports a refused fetch at ERROR on its logger; we report it ourselves.
    weasy_logger = logging.getLogger("weasyprint")
    previous_level = weasy_logger.level
    weasy_logger.setLevel(logging.CRITICAL)
    try:
        # The fetcher is the first line; the sandbox sees every file WeasyPrint opens by
        # any other route (fonts it reads itself, a fetcher bypassed).
        with armed(*allowed_roots, target.parent, what="the PDF"), settled_heap():
            document = HTML(filename=str(html_path), url_fetcher=fetcher).render(
                pdf_variant=variant, pdf_tags=True
            )
            # Attachments are fetched while writing, so refusals are checked after it;
            # the target is in the staging folder, never published when this fails.
            with source_date_epoch(epoch):
                document.write_pdf(
                    target,
                    pdf_variant=variant,
                    pdf_tags=True,
                    finisher=finish_pdf,
                )
        if refused:
            problems: list[Problem] = []
            for url in dict.fromkeys(refused):
                referrers = find_referrers(url, sources, (html_path.parent / "_images",))
                problems.extend(referrers or [Problem(html_path, f"names {url}")])
            raise BuildError(
                "the PDF asks for files outside the project or on the network, "
                "which guidebuild never reads",
                tuple(problems),
            )
    finally:
        weasy_logger.setLevel(previous_level)
    return PdfResult(path=target, pages=len(document.pages), size=target.stat().st_size)


def human_size(size: int) -> str:
    """'312 KB', '1.4 MB': as GOV.UK shows attachment sizes."""
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def refuse_remote_resources(
    site: Path, sources: tuple[Path, ...], record: Path | None = None
) -> None:
    """Fail if a page of the site would fetch a resource from elsewhere when read.

    The PDF's fetcher refuses such resources; a site built without the PDF must refuse
    them as well, or ``--no-pdf`` would publish what the full build does not.
    ``record``: a file keeping which pages were clean (by size, time and digest), so that
    an edit reads only the pages it changed.
    """
    import hashlib
    import json

    from guidebuild.sandbox import remote_resources

    clean: dict[str, str] = {}
    if record is not None:
        try:
            clean = json.loads(record.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            clean = {}

    def stamp(path: Path) -> str:
        info = path.stat()
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        return f"{info.st_size}:{digest}"

    def known_clean(path: Path) -> bool:
        return clean.get(str(path.relative_to(site))) == stamp(path)

    problems: list[Problem] = []
    for page, line, url in remote_resources(site, known_clean if clean else None):
        problems.extend(find_referrers(url, sources) or [Problem(page, f"names {url}", line)])
    if problems:
        raise BuildError(
            "the site asks for files outside the project or on the network, "
            "which guidebuild never reads",
            tuple(dict.fromkeys(problems)),
        )
    if record is not None:
        pages = (p for p in site.rglob("*") if p.suffix in {".html", ".css", ".svg"})
        now = {str(p.relative_to(site)): stamp(p) for p in pages if p.is_file()}
        temp = record.with_name(f".{record.name}.tmp")
        temp.write_text(json.dumps(now), encoding="utf-8")
        temp.replace(record)
