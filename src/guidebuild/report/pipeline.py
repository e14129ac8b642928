"""``guidebuild assess`` as one function: files in, one report out, all or nothing.

Stages: find the inputs (files, or the checklists in a folder) -> read and score each one
(in worker processes for large batches) -> stop with every problem of every file if any
input is bad -> render the report -> write it atomically (or return it for stdout).

Only what the chosen format needs is imported: Jinja2 for html and md, csv for csv.
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from msgspec import Struct

from guidebuild.answers import SUFFIXES, read_answers
from guidebuild.errors import InputError, Problem
from guidebuild.framework.loader import Catalogue, Source, search_path
from guidebuild.framework.scoring import Assessment, assess
from guidebuild.report.data import SummaryRow, summary_row
from guidebuild.report.formats import BY_FORMAT, REPORT_FORMATS, ReportFormat
from guidebuild.resources import Templates

if TYPE_CHECKING:
    from guidebuild.framework.compare import Comparison

PARALLEL_FROM = 200
"""Batches of at least this many files are scored in worker processes."""
_CHUNK = 64


class Resources(Struct, frozen=True):
    """Where the frameworks and report templates are, and the project root if any."""

    sources: tuple[Source, ...]
    """Where frameworks are looked for, in order."""
    templates: Templates
    root: Path | None
    """The project root (for ``_build/recommendations.json``), if any."""


def locate_resources(frameworks: Path | None = None, root: Path | None = None) -> Resources:
    """The frameworks and templates for the project at ``root`` (None: outside any)."""
    return Resources(
        sources=search_path(frameworks, root),
        # Always guidebuild's own report templates: a template can run code (Jinja2 reaches
        # Python objects), and assess never runs code from the folder it is run in.
        templates=Templates(None),
        root=root,
    )


class AssessOptions(Struct, frozen=True):
    """Everything ``guidebuild assess`` was asked to do."""

    inputs: tuple[Path, ...]
    format: ReportFormat = ReportFormat.TEXT
    output: Path | None = None
    baseline: Path | None = None
    fail_under: float | None = None
    frameworks: Path | None = None
    """A folder of framework files instead of the project's ``checklists/``."""
    project: Path | None = None
    """The project root (its templates, checklists and build), if assessing in one."""
    guidance_url: str | None = None
    """Base URL of the published guidance, for links; else none (assess never runs conf.py)."""
    color: bool = False
    jobs: int | None = None
    """Worker processes for large batches (default: one per CPU)."""
    progress: Callable[[int, int], None] | None = None
    """Called with (done, total) as a batch goes on."""


class AssessOutcome(Struct, frozen=True):
    """What ``assess`` produced."""

    report: str
    """The rendered report (already written if ``written`` is set)."""
    written: Path | None
    results: tuple[SummaryRow, ...]
    below_threshold: tuple[SummaryRow, ...]
    """The schemes whose overall percent is below ``fail_under``."""


def expand_inputs(inputs: tuple[Path, ...]) -> list[Path]:
    """Files as given; a folder stands for the checklist files directly inside it."""
    files: list[Path] = []
    for path in inputs:
        if path.is_dir():
            found = sorted(
                p for p in path.iterdir() if p.suffix.lower() in SUFFIXES and p.is_file()
            )
            if not found:
                raise InputError(
                    f"{path}: no scheme files in this folder (looked for "
                    f"{', '.join('*' + s for s in SUFFIXES)})"
                )
            files.extend(found)
        else:
            files.append(path)
    return files


# -- scoring one file, in this process or a worker ------------------------------------------


class _Job(Struct, frozen=True):
    """What a worker needs to score and render files; picklable."""

    sources: tuple[Source, ...]
    format: ReportFormat
    templates: Templates
    root: Path | None
    guidance_url: str | None
    color: bool


class _Scorer:
    """Scores files and renders each one's piece of the report; one per process."""

    def __init__(self, job: _Job) -> None:
        self.job = job
        self.catalogue = Catalogue(job.sources)
        self._markup: Any = None
        self._links: Any = None

    def links(self) -> Any:
        """The recommendations' numbers, titles and links, read once."""
        if self._links is None:
            self._links = _recommendations(self.job)
        return self._links

    def markup(self) -> Any:
        if self._markup is None:
            from guidebuild.report.markup import MarkupRenderer

            self._markup = MarkupRenderer(self.job.templates, self.job.format.value, self.links())
        return self._markup

    def assess_file(self, path: Path) -> Assessment:
        answers, framework = read_answers(path, self.catalogue)
        return assess(framework, answers)

    def piece(
        self, assessment: Assessment, index: int, batch: bool, comparison: Comparison | None
    ) -> Any:
        """This file's part of the report, in the shape the format assembles."""
        fmt = self.job.format
        if fmt is ReportFormat.TEXT:
            from guidebuild.report.text import render_text

            return render_text(
                assessment, color=self.job.color, comparison=comparison, links=self.links()
            )
        if fmt is ReportFormat.CSV:
            return None  # the summary row is the whole of a CSV row
        from guidebuild.report.data import assessment_to_dict

        data = assessment_to_dict(assessment, comparison)
        if fmt is ReportFormat.JSON:
            return data
        return self.markup().section(data, index=index, batch=batch)

    def run(self, index: int, path: Path, batch: bool) -> _Outcome:
        """Score one file; its problems come back as data so a batch can report them all."""
        try:
            assessment = self.assess_file(path)
        except InputError as error:
            return index, False, error.problems or (Problem(str(path), error.message),)
        row = summary_row(assessment)
        return index, True, (row, self.piece(assessment, index + 1, batch, None))


_Outcome = tuple[int, bool, Any]
"""(index of the file, whether it was read, (summary row, piece) or its problems)."""


def _recommendations(job: _Job) -> Any:
    """Numbers, titles and links: the project's last build, else the shipped manifest."""
    from guidebuild.report.links import RECOMMENDATIONS_FILE, Recommendations, check_base_url

    # Data only: --guidance-url and the build's manifest. conf.py is code, never run here.
    base = job.guidance_url
    if job.root is not None and (job.root / RECOMMENDATIONS_FILE).is_file():
        return Recommendations.load(job.root, check_base_url(base) if base else None)
    manifest = Catalogue(job.sources).manifest()
    if manifest is not None:
        return Recommendations.from_file(manifest, check_base_url(base) if base else None)
    return Recommendations({}, check_base_url(base) if base else None)


_WORKER: _Scorer | None = None


def _init_worker(job: _Job) -> None:
    global _WORKER  # noqa: PLW0603 - one scorer per worker process, made once
    _WORKER = _Scorer(job)


def _work(task: tuple[int, Path]) -> _Outcome:
    assert _WORKER is not None
    return _WORKER.run(task[0], task[1], True)


def _score_all(
    scorer: _Scorer, files: list[Path], jobs: int, progress: Callable[[int, int], None] | None
) -> Iterator[_Outcome]:
    total = len(files)
    batch = total > 1
    if jobs > 1 and total >= PARALLEL_FROM:
        import multiprocessing

        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("fork" if "fork" in methods else None)
        with context.Pool(jobs, initializer=_init_worker, initargs=(scorer.job,)) as pool:
            tasks = list(enumerate(files))
            for done, result in enumerate(pool.imap_unordered(_work, tasks, _CHUNK), 1):
                if progress:
                    progress(done, total)
                yield result
        return
    for index, path in enumerate(files):
        yield scorer.run(index, path, batch)
        if progress and batch:
            progress(index + 1, total)


def run_assess(options: AssessOptions) -> AssessOutcome:
    """Assess every input and render one report; raise :class:`InputError` on bad input."""
    fmt = options.format
    if options.guidance_url is not None:
        from guidebuild.report.links import check_base_url

        check_base_url(options.guidance_url)
    files = expand_inputs(options.inputs)
    if options.output is not None:
        refuse_overwriting_inputs(options.output, [*files, *filter(None, [options.baseline])])
    if options.baseline is not None and len(files) > 1:
        raise InputError("--baseline compares one scheme file with an earlier one: give one file")
    if options.baseline is not None and not BY_FORMAT[fmt].baseline:
        names = [kind.name for kind in REPORT_FORMATS if kind.baseline]
        shown = ", ".join(names[:-1]) + " and " + names[-1]
        raise InputError(f"--baseline is shown in the {shown} reports, not {fmt.value}")
    resources = locate_resources(options.frameworks, options.project)
    job = _Job(
        sources=resources.sources,
        format=fmt,
        templates=resources.templates,
        root=resources.root,
        guidance_url=options.guidance_url,
        color=options.color,
    )
    scorer = _Scorer(job)
    if options.baseline is not None:
        return _finish(options, scorer, *_single_with_baseline(scorer, files[0], options.baseline))

    rows: list[SummaryRow | None] = [None] * len(files)
    pieces: list[Any] = [None] * len(files)
    failed: dict[int, tuple[Problem, ...]] = {}
    jobs = options.jobs or os.cpu_count() or 1
    for index, ok, payload in _score_all(scorer, files, jobs, options.progress):
        if ok:
            rows[index], pieces[index] = payload
        else:
            failed[index] = payload
    if failed:
        raise _problems_error(failed, len(files))
    done_rows = [row for row in rows if row is not None]
    return _finish(options, scorer, done_rows, pieces)


def _problems_error(failed: dict[int, tuple[Problem, ...]], total: int) -> InputError:
    """One error listing every problem of every bad file, in the order of the files."""
    # A broken framework file is reported by every scheme that uses it: list it once.
    problems = tuple(dict.fromkeys(p for index in sorted(failed) for p in failed[index]))
    plural = "s" if len(problems) != 1 else ""
    if len(failed) == 1:
        heading = f"{problems[0].path}: {len(problems)} problem{plural}"
    else:
        heading = f"{len(problems)} problem{plural} in {len(failed)} of {total} files"
    return InputError(heading, problems)


def _single_with_baseline(
    scorer: _Scorer, path: Path, baseline_path: Path
) -> tuple[list[SummaryRow], list[Any]]:
    failed: dict[int, tuple[Problem, ...]] = {}
    results: list[Assessment] = []
    for index, source in enumerate((baseline_path, path)):
        try:
            results.append(scorer.assess_file(source))
        except InputError as error:
            failed[index] = error.problems or (Problem(str(source), error.message),)
    if failed:
        raise _problems_error(failed, 2)
    from guidebuild.framework.compare import compare

    earlier, current = results
    comparison = compare(earlier, current)
    return [summary_row(current)], [scorer.piece(current, 1, False, comparison)]


def _finish(
    options: AssessOptions, scorer: _Scorer, rows: list[SummaryRow], pieces: list[Any]
) -> AssessOutcome:
    report = _assemble(options.format, scorer, rows, pieces)
    written = None
    if options.output is not None:
        write_atomically(options.output, report)
        written = options.output
    threshold = options.fail_under
    below = tuple(row for row in rows if threshold is not None and row.below(threshold))
    return AssessOutcome(report, written, tuple(rows), below)


def _assemble(fmt: ReportFormat, scorer: _Scorer, rows: list[SummaryRow], pieces: list[Any]) -> str:
    """The whole report, with no character a terminal would act on (see safetext)."""
    from guidebuild.safetext import json_safe, visible

    report = _render(fmt, scorer, rows, pieces)
    if fmt is ReportFormat.TEXT:
        return report  # the text renderer escapes user text itself, around its colours
    return json_safe(report) if fmt is ReportFormat.JSON else visible(report)


def _render(fmt: ReportFormat, scorer: _Scorer, rows: list[SummaryRow], pieces: list[Any]) -> str:
    from guidebuild.formats import load

    render: Callable[[_Scorer, list[SummaryRow], list[Any]], str] = load(BY_FORMAT[fmt].renderer)
    return render(scorer, rows, pieces)


def render_text_report(scorer: _Scorer, rows: list[SummaryRow], pieces: list[Any]) -> str:
    from guidebuild.report.text import render_summary_text

    text = "\n".join(pieces)
    if len(rows) > 1:
        text += "\n" + render_summary_text(rows, color=scorer.job.color)
    return text


def render_json_report(scorer: _Scorer, rows: list[SummaryRow], pieces: list[Any]) -> str:
    import json

    from guidebuild.report.data import summary_to_dict

    batch = len(rows) > 1
    document: Any = {"results": pieces, "summary": summary_to_dict(rows)} if batch else pieces[0]
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def render_csv_report(scorer: _Scorer, rows: list[SummaryRow], pieces: list[Any]) -> str:
    from guidebuild.report.csv_report import render_csv

    return render_csv(rows)


def render_markup_report(scorer: _Scorer, rows: list[SummaryRow], pieces: list[Any]) -> str:
    batch = len(rows) > 1
    return str(scorer.markup().page(pieces, rows if batch else None, rows[0].title_one))


def refuse_overwriting_inputs(output: Path, inputs: list[Path]) -> None:
    """``-o`` naming one of the files being assessed would replace the answers."""
    for source in inputs:
        same = output.resolve() == source.resolve()
        with contextlib.suppress(OSError):
            same = same or (output.exists() and output.samefile(source))
        if same:
            raise InputError(
                f"-o {output} is the input file {source}: writing the report there would "
                "replace the answers; choose another file name"
            )


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same folder.

    The new file gets the mode an ordinary ``open`` would give it (0666 less the umask),
    or the mode of the file it replaces, not the 0600 of a temporary file.
    """
    folder = path.parent
    if not folder.is_dir():
        raise InputError(f"cannot write {path}: the folder {folder} does not exist")
    if path.is_dir():
        raise InputError(f"cannot write {path}: it is a folder")
    if path.exists() and not path.is_file():
        # Renaming over a device or FIFO would replace it (as root, even /dev/null).
        raise InputError(f"cannot write {path}: it is not a regular file")
    import tempfile

    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        mode = 0o666 & ~current_umask()
    temporary: str | None = None
    try:
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            os.fchmod(stream.fileno(), mode)
            stream.write(text)
        Path(temporary).replace(path)
    except OSError as error:
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)
        raise InputError(f"cannot write {path}: {error.strerror or error}") from None
    except BaseException:
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)
        raise


def current_umask() -> int:
    """The process's umask (read by setting it, as POSIX offers no other way)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
