"""``guidebuild build``: the stages, top to bottom.

1. read the settings in conf.py;
2. build the site with Sphinx (html builder) into a cache folder, incrementally;
3. build the single page the PDF is made from (singlehtml, print theme);
4. write the PDF with WeasyPrint in a sandbox;
5. assemble site, PDF and manifest in a staging folder; check them;
6. publish each output atomically.

Nothing is published unless every stage succeeded, so a failed or interrupted build
leaves the last good output as it was.
"""

from __future__ import annotations

import calendar
import json
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from guidebuild.build.publish import replace_path, staging
from guidebuild.errors import BuildError, InputError, Problem
from guidebuild.progress import Progress
from guidebuild.project import Settings, Status, load_settings

PDF_SIZE_MARKER = "@@GB_PDF_SIZE@@"
MANIFEST_NAME = "recommendations.json"
DOWNLOADS = "downloads"


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
    strict: bool = False
    """Treat every Sphinx warning as an error (``guidebuild check``)."""


@dataclass
class BuildResult:
    """What was published, for the caller to report."""

    out: Path
    html_dir: Path | None = None
    pdf_path: Path | None = None
    pdf_pages: int = 0
    pdf_size: int = 0
    recommendations: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)


def epoch_of(settings: Settings) -> int:
    """SOURCE_DATE_EPOCH for this edition: midnight UTC of its publication date."""
    return calendar.timegm(settings.published.timetuple())


def build_project(root: Path, options: BuildOptions, progress: Progress) -> BuildResult:
    """Build and publish the guidance of the project at ``root``."""
    with progress.stage("Reading settings"):
        settings = load_settings(root)
    out = (options.out or root / "_build").resolve()
    cache = out / ".cache"
    draft = options.draft if options.draft is not None else settings.status != Status.FINAL
    result = BuildResult(out=out)
    status_stream: TextIO | None = sys.stderr if options.verbose else None

    common = {"guidebuild_draft": draft}
    with staging(out) as stage_dir:
        manifest: list[dict[str, Any]] = []
        withdrawn: set[str] = set()
        if options.html or options.previous:
            with progress.stage("Building the HTML site"):
                pdf_href = f"{DOWNLOADS}/{settings.pdf_filename}" if options.pdf else ""
                run = _sphinx(
                    settings,
                    builder="html",
                    outdir=cache / "html",
                    doctrees=cache / "doctrees" / "html",
                    overrides={**common, "guidebuild_pdf_href": pdf_href},
                    status=status_stream,
                    strict=options.strict,
                    result=result,
                )
                from guidebuild.sphinxext.recommendations import withdrawn_ids

                withdrawn = withdrawn_ids(run.app)
                manifest = json.loads((cache / "html" / MANIFEST_NAME).read_text("utf-8"))
                result.recommendations = manifest
                shutil.copytree(cache / "html", stage_dir / "html", ignore=_ignore_build_info)
                shutil.copy2(cache / "html" / MANIFEST_NAME, stage_dir / MANIFEST_NAME)

        if options.previous is not None:
            with progress.stage("Checking recommendation IDs against the previous edition"):
                check_previous(options.previous, manifest, withdrawn)

        if options.pdf:
            with progress.stage("Building the single page for the PDF"):
                _sphinx(
                    settings,
                    builder="singlehtml",
                    outdir=cache / "singlehtml",
                    doctrees=cache / "doctrees" / "singlehtml",
                    overrides={
                        **common,
                        "html_theme": "pdf",
                        "html_theme_path": [str(settings.templates_dir)],
                        "html_permalinks": False,
                    },
                    status=status_stream,
                    strict=options.strict,
                    result=result,
                )
            with progress.stage("Writing the PDF"):
                from guidebuild.build.pdf import write_pdf

                pdf_dir = stage_dir / "pdf"
                pdf_dir.mkdir()
                pdf = write_pdf(
                    cache / "singlehtml" / "index.html",
                    pdf_dir / settings.pdf_filename,
                    allowed_roots=(root, out),
                    sources=(settings.source_dir, settings.templates_dir, root / "conf.py"),
                    epoch=epoch_of(settings),
                )
                result.pdf_pages, result.pdf_size = pdf.pages, pdf.size

        with progress.stage("Publishing"):
            if options.html:
                _finish_site(stage_dir / "html", stage_dir / "pdf", settings, result)
                replace_path(stage_dir / "html", out / "html")
                replace_path(stage_dir / MANIFEST_NAME, out / MANIFEST_NAME)
                result.html_dir = out / "html"
            if options.pdf:
                replace_path(stage_dir / "pdf", out / "pdf")
                result.pdf_path = out / "pdf" / settings.pdf_filename
    return result


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
    strict: bool,
    result: BuildResult,
) -> Any:
    from guidebuild.build.sphinx import run_sphinx

    run = run_sphinx(
        srcdir=settings.source_dir,
        confdir=settings.root,
        outdir=outdir,
        doctreedir=doctrees,
        builder=builder,
        overrides=overrides,
        status=status,
    )
    # The same warning comes from both builders: report it once.
    seen = {str(w) for w in result.warnings}
    result.warnings.extend(w for w in run.warnings if str(w) not in seen)
    failures = run.errors + (run.warnings if strict else [])
    if failures:
        # Sphinx has already written pages; make the next build start clean so that no
        # broken page survives as "up to date".
        shutil.rmtree(doctrees, ignore_errors=True)
        raise BuildError("the guidance does not build", tuple(failures))
    return run


def _finish_site(site: Path, pdf_dir: Path, settings: Settings, result: BuildResult) -> None:
    """Put the PDF in the site and write its real size into every page's download link."""
    from guidebuild.build.pdf import human_size

    size_text = ""
    pdf = pdf_dir / settings.pdf_filename
    if pdf.is_file():
        downloads = site / DOWNLOADS
        downloads.mkdir(exist_ok=True)
        shutil.copy2(pdf, downloads / settings.pdf_filename)
        size_text = f"{human_size(result.pdf_size)}, {result.pdf_pages} pages"
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        if PDF_SIZE_MARKER in text:
            page.write_text(text.replace(PDF_SIZE_MARKER, size_text), encoding="utf-8")


def check_previous(previous: Path, manifest: list[dict[str, Any]], withdrawn: set[str]) -> None:
    """Fail if an ID of the previous edition has gone without being withdrawn or replaced."""
    try:
        old = json.loads(previous.read_text(encoding="utf-8"))
        old_ids = [entry["id"] for entry in old]
    except (OSError, UnicodeDecodeError, ValueError, TypeError, KeyError) as error:
        raise InputError(
            f"{previous}: not a recommendations.json manifest (a list of objects with 'id'): "
            f"{error}"
        ) from None
    current = {entry["id"] for entry in manifest} | withdrawn
    gone = [rec_id for rec_id in old_ids if rec_id not in current]
    if gone:
        raise BuildError(
            f"{len(gone)} recommendation ID(s) of {previous.name} have gone without being "
            "marked withdrawn or replaced (use `.. recommendation-withdrawn:: ID`)",
            tuple(Problem(previous, f"{rec_id} is gone") for rec_id in gone),
        )
