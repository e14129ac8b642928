"""``guidebuild build``: the stages, top to bottom.

1. read the settings in conf.py;
2. build the site with Sphinx (html builder) into a cache folder, incrementally;
3. build the single page the PDF is made from (singlehtml, print theme);
4. write the PDF with WeasyPrint in a sandbox;
5. assemble site, PDF and manifest in a staging folder; check them;
6. publish every output in one atomic step (build/publish.py).

Nothing is published unless every stage succeeded, so a failed or interrupted build
leaves the last good output as it was.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
import shutil
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from guidebuild.build.fingerprint import RECORD_NAME, Record, digest_files, tool_versions
from guidebuild.build.publish import (
    check_out_folder,
    claim,
    clear_leftovers,
    current_version,
    locked,
    publish,
    staging,
)
from guidebuild.errors import BuildError, InputError, Problem
from guidebuild.pdf import refuse_remote_resources, settled_heap
from guidebuild.progress import Progress
from guidebuild.project import Settings, Status, load_settings
from guidebuild.resources import PRINT_THEME, SITE_THEME, Templates
from guidebuild.sandbox import check_output, check_sources

PDF_SIZE_MARKER = "@@GB_PDF_SIZE@@"
SIZE_MARKER = re.compile(r"%%GB_SIZE:([^%/]+)%%")
MANIFEST_NAME = "recommendations.json"
DOWNLOADS = "downloads"
CHECKLISTS = "checklists"


@dataclass(frozen=True)
class BuildOptions:
    """What the user asked of one build."""

    out: Path | None = None
    html: bool = True
    pdf: bool = True
    draft: bool | None = None
    """None: follow the status in conf.py."""
    previous: Path | None = None
    """An earlier recommendations.json whose IDs must still be accounted for."""
    verbose: bool = False
    force: bool = False
    """Build every requested output even if its inputs have not changed."""
    jobs: int = 0
    """Processes to use: 0 for one per core (at most 2: site and PDF), 1 for no others."""


@dataclass
class BuildResult:
    """What was published, for the caller to report."""

    out: Path
    html_dir: Path | None = None
    pdf_path: Path | None = None
    pdf_pages: int = 0
    pdf_size: int = 0
    recommendations: list[dict[str, Any]] = field(default_factory=list)
    withdrawn: set[str] = field(default_factory=set)
    """IDs the sources mark as withdrawn or replaced."""
    checklists: list[Path] = field(default_factory=list)
    """The fillable checklists published with this build."""
    notes: list[str] = field(default_factory=list)
    """Things worth knowing that are not problems (recommendations no checklist checks)."""
    warnings: list[Problem] = field(default_factory=list)


def epoch_of(settings: Settings) -> int:
    """SOURCE_DATE_EPOCH for this edition: midnight UTC of its publication date."""
    midnight = dt.datetime.combine(settings.published, dt.time(), tzinfo=dt.UTC)
    return int(midnight.timestamp())


def build_project(root: Path, options: BuildOptions, progress: Progress) -> BuildResult:
    """Build and publish the guidance of the project at ``root``."""
    with progress.stage("Reading settings"):
        settings = load_settings(root)
        if options.previous is not None:
            load_manifest_ids(options.previous)  # bad input fails before any work
        check_sources(root, settings.source_dir)
        check_encoding(settings.source_dir)
    out = (options.out or root / "_build").resolve()
    check_out_folder(out, settings.root.resolve(), source_paths(settings))
    with locked(out, lambda: progress.say(f"Waiting for another build into {out}...")):
        claim(out)
        clear_leftovers(out)
        return _build_locked(settings, out, options, progress)


def source_paths(settings: Settings) -> list[Path]:
    """What an output folder must never hold or be inside."""
    return [
        settings.root / "conf.py",
        settings.source_dir,
        settings.checklists_dir,
        settings.templates_dir,
    ]


def _build_locked(
    settings: Settings, out: Path, options: BuildOptions, progress: Progress
) -> BuildResult:
    cache = out / ".cache"
    draft = options.draft if options.draft is not None else settings.status != Status.FINAL
    result = BuildResult(out=out)
    status_stream: TextIO | None = sys.stderr if options.verbose else None

    # -- what has changed since the last build ------------------------------------------
    # The record travels inside the published version: a build killed after publishing
    # but before a separate save would leave a record of the sources before, and the next
    # build would then call the new output unchanged.
    record = Record.load(current_version(out))
    html_print, pdf_print, do_html, do_pdf = _what_changed(settings, out, options, draft, record)
    if options.previous is not None and not options.html:
        do_html = True  # the check needs this build's manifest; it is not published
    if not (do_html or do_pdf):
        progress.say("Nothing has changed since the last build: the published output is current.")
        return _unchanged(out, settings, options, record, result)

    common = {"guidebuild_draft": draft}
    # The PDF's process is ended (ExitStack) before the staging folder it writes into goes.
    with staging(out) as stage_dir, contextlib.ExitStack() as running:
        pdf_job = None
        if do_pdf:
            pdf_args = (settings, cache, stage_dir, out, common)
            # The PDF (single page + WeasyPrint) is the long branch: on a machine with more
            # than one core it runs in a process of its own while the site and the checklists
            # are built here.
            cores = options.jobs or os.cpu_count() or 1
            # Imported once, before the fork, for both the PDF and the checklists' PDF form:
            # imported in each, it cost a cold build ~0.7 s of CPU twice, on a machine
            # whose two cores slow each other down when both are busy.
            import weasyprint  # noqa: F401

            pdf_job = running.enter_context(_pdf_started(pdf_args, parallel=cores > 1))

        manifest: list[dict[str, Any]] = []
        withdrawn = result.withdrawn = set(record.withdrawn)
        if do_html:
            with progress.stage("Building the HTML site"):
                manifest, withdrawn = _html_stage(
                    settings, cache, stage_dir, common, options, status_stream, result
                )

        if options.previous is not None:
            with progress.stage("Checking recommendation IDs against the previous edition"):
                check_previous(options.previous, manifest, withdrawn)

        checklists_print = _checklists_fingerprint(settings) if do_pdf else record.checklists
        if do_pdf and (
            options.force
            or checklists_print != record.checklists
            or not (out / CHECKLISTS).is_dir()
        ):
            # Here, beside the PDF's process rather than in it: its path is the long one.
            with progress.stage("Writing the fillable checklists"), settled_heap():
                write_checklist_files(settings, stage_dir / CHECKLISTS)

        if pdf_job is not None:
            with progress.stage("Writing the PDF"):
                pages, size, warnings = pdf_job()
                result.pdf_pages, result.pdf_size = pages, size
                seen = {str(w) for w in result.warnings}
                result.warnings.extend(w for w in warnings if str(w) not in seen)
        elif options.pdf:
            result.pdf_pages, result.pdf_size = record.pdf_pages, record.pdf_size

        site = do_html and options.html
        with progress.stage("Publishing"):
            record.html = html_print if site else record.html
            if do_pdf:
                record.pdf, record.pdf_pages = pdf_print, result.pdf_pages
                record.pdf_size = result.pdf_size
                record.checklists = checklists_print
            record.withdrawn = sorted(withdrawn)
            _publish_stage(stage_dir, out, settings, result, record, site=site, with_pdf=do_pdf)
    return _describe(result, out, settings, options)


def _publish_stage(
    stage_dir: Path,
    out: Path,
    settings: Settings,
    result: BuildResult,
    record: Record,
    *,
    site: bool,
    with_pdf: bool,
) -> None:
    """Check what is staged, finish the site, and publish every output in one step.

    ``record`` (what each output was built from) is published in the same step.
    """
    # Nothing that came from outside the project (a link, a device) is published,
    # and no page makes its reader's browser fetch anything from elsewhere.
    check_output(stage_dir)
    if (stage_dir / "html").is_dir():
        refuse_remote_resources(
            stage_dir / "html", referring_sources(settings), out / ".cache" / "site-clean.json"
        )
    if site:
        # The checklists of this build, or (not written again) the published ones.
        checklists = stage_dir / CHECKLISTS
        if not checklists.is_dir():
            checklists = out / CHECKLISTS
        built = stage_dir if with_pdf else out
        _finish_site(stage_dir / "html", built, checklists, settings, result)
    else:
        # Built only for --previous's check, or not at all: the published site stays.
        shutil.rmtree(stage_dir / "html", ignore_errors=True)
        (stage_dir / MANIFEST_NAME).unlink(missing_ok=True)
    record.save(stage_dir)
    publish(stage_dir, out, bookkeeping=(RECORD_NAME,))


def _describe(
    result: BuildResult, out: Path, settings: Settings, options: BuildOptions
) -> BuildResult:
    """Fill in where the requested outputs are published."""
    if options.html:
        result.html_dir = out / "html"
    if options.pdf:
        result.pdf_path = out / "pdf" / settings.pdf_filename
        if (out / CHECKLISTS).is_dir():
            result.checklists = sorted((out / CHECKLISTS).iterdir())
    return result


def _what_changed(
    settings: Settings, out: Path, options: BuildOptions, draft: bool, record: Record
) -> tuple[str, str, bool, bool]:
    """Fingerprints of the requested outputs, and which of them must be built again."""
    pdf_print = _fingerprint(settings, draft, "pdf") if options.pdf else ""
    html_print = _fingerprint(settings, draft, "html", pdf_print) if options.html else ""
    do_pdf = options.pdf and (
        options.force
        or pdf_print != record.pdf
        or not (out / "pdf" / settings.pdf_filename).is_file()
    )
    do_html = options.html and (
        options.force or html_print != record.html or not (out / "html" / "index.html").is_file()
    )
    return html_print, pdf_print, do_html, do_pdf


def _fingerprint(settings: Settings, draft: bool, output: str, *more: str) -> str:
    # The appendix of both is rendered from the framework; the PDF branch also writes the
    # fillable checklists from templates/forms. (The package's own templates and themes
    # count in tool_versions, with its code.)
    templates = [SITE_THEME] if output == "html" else [PRINT_THEME, "forms"]
    return digest_files(
        [
            settings.root / "conf.py",
            settings.source_dir,
            settings.checklists_dir,
            *(settings.templates_dir / name for name in templates),
        ],
        settings.root,
        {
            "output": output,
            "draft": draft,
            "epoch": os.environ.get("SOURCE_DATE_EPOCH"),
            "tools": tool_versions(),
            "more": more,
        },
    )


def _checklists_fingerprint(settings: Settings) -> str:
    """What the fillable checklists depend on: the frameworks, their templates, conf.py."""
    return digest_files(
        [settings.root / "conf.py", settings.checklists_dir, settings.templates_dir / "forms"],
        settings.root,
        {
            "output": "checklists",
            "epoch": os.environ.get("SOURCE_DATE_EPOCH"),
            "tools": tool_versions(),
        },
    )


def _unchanged(
    out: Path, settings: Settings, options: BuildOptions, record: Record, result: BuildResult
) -> BuildResult:
    """Report the published output of an unchanged project, checking --previous still."""
    result.withdrawn = set(record.withdrawn)
    if options.previous is not None:
        manifest = json.loads((out / MANIFEST_NAME).read_text(encoding="utf-8"))
        check_previous(options.previous, manifest, set(record.withdrawn))
    if options.html:
        result.recommendations = json.loads((out / MANIFEST_NAME).read_text(encoding="utf-8"))
    result.pdf_pages, result.pdf_size = record.pdf_pages, record.pdf_size
    return _describe(result, out, settings, options)


def _html_stage(
    settings: Settings,
    cache: Path,
    stage_dir: Path,
    common: dict[str, Any],
    options: BuildOptions,
    status: TextIO | None,
    result: BuildResult,
) -> tuple[list[dict[str, Any]], set[str]]:
    """Build the site incrementally in the cache, copy it to staging; give its manifest."""
    pdf_href = f"{DOWNLOADS}/{settings.pdf_filename}" if options.pdf else ""
    run = _sphinx(
        settings,
        builder="html",
        outdir=cache / "html",
        doctrees=cache / "doctrees" / "html",
        overrides={**common, "guidebuild_pdf_href": pdf_href},
        status=status,
        result=result,
    )
    manifest: list[dict[str, Any]] = json.loads((cache / "html" / MANIFEST_NAME).read_text("utf-8"))
    result.recommendations = manifest
    # Imported after the build: run_sphinx must be the first to import Sphinx.
    from guidebuild.sphinxext.recommendations import withdrawn_ids

    result.withdrawn = withdrawn_ids(run.app)
    # The checklists point at recommendations by ID: they must exist in this build.
    result.notes.extend(check_frameworks(settings, manifest))
    shutil.copytree(cache / "html", stage_dir / "html", ignore=_ignore_build_info)
    shutil.copy2(cache / "html" / MANIFEST_NAME, stage_dir / MANIFEST_NAME)
    return manifest, result.withdrawn


PdfOutcome = tuple[int, int, list[Problem]]


@contextlib.contextmanager
def _pdf_started(args: tuple[Any, ...], *, parallel: bool) -> Iterator[Callable[[], PdfOutcome]]:
    """Start the PDF branch; the function given waits for it and gives its outcome.

    On a way out without waiting (the site failed, or was interrupted), the PDF's process
    is killed and reaped, so nothing writes into the build's folders after it returns.
    """
    if not parallel:
        yield lambda: _pdf_branch(*args)
        return
    import multiprocessing

    # fork: the child starts with our modules already imported, and Sphinx's global
    # docutils state is the child's own.
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    process = context.Process(target=_pdf_child, args=(send, args), daemon=True)
    process.start()
    send.close()

    def wait() -> PdfOutcome:
        try:
            kind, value = receive.recv()
        except EOFError:
            raise BuildError(
                f"the PDF's process ended without a result (exit code {process.exitcode})", ()
            ) from None
        if kind == "error":
            raise value
        return value  # type: ignore[no-any-return]

    try:
        yield wait
    finally:
        if process.is_alive():
            process.kill()
        process.join()
        receive.close()


def _pdf_child(send: Any, args: tuple[Any, ...]) -> None:
    """The PDF branch in its own process: its outcome, or its error, goes back by ``send``."""
    from guidebuild.build.publish import forked_child

    forked_child()
    try:
        outcome: tuple[str, Any] = ("ok", _pdf_branch(*args))
    except Exception as error:  # every error is the parent's to report
        outcome = ("error", error)
    try:
        send.send(outcome)
    except Exception as error:  # an error that cannot be pickled
        send.send(("error", BuildError(f"the PDF could not be made: {error}", ())))
    finally:
        send.close()


def _pdf_branch(
    settings: Settings,
    cache: Path,
    stage_dir: Path,
    out: Path,
    common: dict[str, Any],
) -> PdfOutcome:
    """The single page for the PDF, then the PDF itself, into the staging folder."""
    from guidebuild.pdf import write_pdf

    partial = BuildResult(out=out)
    _sphinx(
        settings,
        builder="singlehtml",
        outdir=cache / "singlehtml",
        doctrees=cache / "doctrees" / "singlehtml",
        overrides=pdf_overrides(common),
        status=None,
        result=partial,
    )
    pdf_dir = stage_dir / "pdf"
    pdf_dir.mkdir()
    pdf = write_pdf(
        cache / "singlehtml" / "index.html",
        pdf_dir / settings.pdf_filename,
        allowed_roots=(settings.root, out),
        sources=referring_sources(settings),
        epoch=epoch_of(settings),
    )
    return pdf.pages, pdf.size, partial.warnings


def pdf_overrides(common: dict[str, Any]) -> dict[str, Any]:
    """The settings of the single page the PDF is made from."""
    return {**common, "html_theme": PRINT_THEME, "html_permalinks": False}


def referring_sources(settings: Settings) -> tuple[Path, ...]:
    """Where a refused URL may be written, to name the line that asked for it."""
    return (settings.source_dir, settings.templates_dir, settings.root / "conf.py")


def write_checklist_files(settings: Settings, folder: Path) -> list[Path]:
    """The fillable checklists (PDF, workbook, HTML form, YAML) of each framework's newest
    version."""
    if not settings.checklists_dir.is_dir():
        return []
    from guidebuild.forms import write_checklists
    from guidebuild.framework.loader import Catalogue

    written = []
    for framework in Catalogue(settings.checklists_dir).current():
        written.extend(
            write_checklists(
                framework,
                folder,
                epoch=epoch_of(settings),
                templates=Templates(settings.root),
                contact=settings.contact or None,
            )
        )
    return written


def _ignore_build_info(folder: str, names: list[str]) -> list[str]:
    # .buildinfo records config hashes for Sphinx's incremental builds: not for readers.
    return [name for name in names if name in {".buildinfo", ".doctrees"}]


def _sphinx(
    settings: Settings,
    *,
    builder: str,
    outdir: Path,
    doctrees: Path,
    overrides: dict[str, Any],
    status: TextIO | None,
    result: BuildResult,
) -> Any:
    from guidebuild.build.sphinx import run_sphinx

    # Sphinx records documents as done before it writes their pages: a build killed while
    # writing would leave half-written pages that the next build trusts. The mark says
    # "this cache may be torn"; a build that finds it starts this builder afresh.
    torn = outdir.with_name(f"{outdir.name}.incomplete")
    if torn.exists():
        shutil.rmtree(outdir, ignore_errors=True)
        shutil.rmtree(doctrees, ignore_errors=True)
    outdir.parent.mkdir(parents=True, exist_ok=True)
    torn.touch()
    run = run_sphinx(
        srcdir=settings.source_dir,
        confdir=settings.root,
        outdir=outdir,
        doctreedir=doctrees,
        builder=builder,
        overrides=overrides,
        status=status,
    )
    torn.unlink()
    # The same warning comes from both builders: report it once.
    seen = {str(w) for w in result.warnings}
    result.warnings.extend(w for w in run.warnings if str(w) not in seen)
    failures = run.errors
    if failures:
        # Sphinx has already written pages; make the next build start clean so that no
        # broken page survives as "up to date".
        shutil.rmtree(doctrees, ignore_errors=True)
        raise BuildError("the guidance does not build", tuple(failures))
    return run


def _finish_site(
    site: Path, built: Path, checklists: Path, settings: Settings, result: BuildResult
) -> None:
    """Put the PDF and checklists in the site; write the PDF's size into every page."""
    from guidebuild.pdf import human_size

    size_text = ""
    downloads = site / DOWNLOADS
    pdf = built / "pdf" / settings.pdf_filename
    if pdf.is_file() and result.pdf_size:
        downloads.mkdir(exist_ok=True)
        shutil.copy2(pdf, downloads / settings.pdf_filename)
        size_text = f"{human_size(result.pdf_size)}, {result.pdf_pages} pages"
    if checklists.is_dir():
        downloads.mkdir(exist_ok=True)
        for form in sorted(checklists.iterdir()):
            shutil.copy2(form, downloads / form.name)

    for page in site.rglob("*.html"):
        data = page.read_bytes()
        done = finish_page(data, downloads, size_text)
        if done != data:
            page.write_bytes(done)


def finish_page(data: bytes, downloads: Path, pdf_size: str = "") -> bytes:
    """A page with the sizes of the PDF and of each download written in."""
    if PDF_SIZE_MARKER.encode() not in data and b"%%GB_SIZE:" not in data:
        return data

    def size_of(match: re.Match[str]) -> str:
        path = downloads / match[1]
        return human_size(path.stat().st_size) if path.is_file() else "not built yet"

    from guidebuild.pdf import human_size

    text = data.decode("utf-8").replace(PDF_SIZE_MARKER, pdf_size)
    return SIZE_MARKER.sub(size_of, text).encode("utf-8")


def check_frameworks(settings: Settings, manifest: list[dict[str, Any]]) -> list[str]:
    """Every checklist item must check recommendations that exist; say which none checks."""
    from guidebuild.framework.crosscheck import coverage
    from guidebuild.framework.loader import Catalogue

    if not settings.checklists_dir.is_dir():
        return []
    known = [entry["id"] for entry in manifest]
    problems: list[Problem] = []
    notes: list[str] = []
    for framework in Catalogue(settings.checklists_dir).all():
        found, said = coverage(framework, known)
        problems.extend(found)
        notes.extend(said)
    if problems:
        raise BuildError("the checklists and the guidance are out of step", tuple(problems))
    return notes


TEXT_SOURCES = {".rst", ".txt", ".yaml", ".yml", ".csv", ".inc"}


def check_encoding(source_dir: Path) -> None:
    """Every text source must be UTF-8; list each one that is not, with line and column."""
    problems = []
    for path in sorted(source_dir.rglob("*")):
        if path.suffix not in TEXT_SOURCES or not path.is_file():
            continue
        data = path.read_bytes()
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as error:
            before = data[: error.start]
            line = before.count(b"\n") + 1
            column = error.start - (before.rfind(b"\n") + 1) + 1
            message = f"not UTF-8 text (byte 0x{data[error.start]:02x}); save it as UTF-8"
            problems.append(Problem(path, message, line, column))
    if problems:
        raise BuildError("the guidance does not build", tuple(problems))


def load_manifest_ids(previous: Path) -> list[str]:
    """The IDs of an earlier recommendations.json; a clear error if it is not one."""
    from guidebuild.report.links import MAX_MANIFEST_BYTES
    from guidebuild.yamlsafe import read_bytes

    # A regular file of bounded size only: a FIFO given here would hang the build.
    data = read_bytes(previous, max_bytes=MAX_MANIFEST_BYTES)
    try:
        old = json.loads(data.decode("utf-8"))
        return [str(entry["id"]) for entry in old]
    except (OSError, UnicodeDecodeError, ValueError, TypeError, KeyError) as error:
        raise InputError(
            f"{previous}: not a recommendations.json manifest (a list of objects with 'id'): "
            f"{error}"
        ) from None


def check_previous(previous: Path, manifest: list[dict[str, Any]], withdrawn: set[str]) -> None:
    """Fail if an ID of the previous edition has gone without being withdrawn or replaced."""
    old_ids = load_manifest_ids(previous)
    current = {entry["id"] for entry in manifest} | withdrawn
    gone = [rec_id for rec_id in old_ids if rec_id not in current]
    if gone:
        raise BuildError(
            f"{len(gone)} recommendation ID(s) of {previous.name} have gone without being "
            "marked withdrawn or replaced (use `.. recommendation-withdrawn:: ID`)",
            tuple(Problem(previous, f"{rec_id} is gone") for rec_id in gone),
        )
