"""The command line. Commands only parse options and call one core function.

Heavy libraries (Sphinx, WeasyPrint, openpyxl) are imported inside the command that needs
them, so ``guidebuild --help`` and ``guidebuild assess`` start fast. Our own errors become
a message and an exit code here and nowhere else; anything else is a bug and keeps its
traceback.
"""

from __future__ import annotations

import errno
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from guidebuild import __version__
from guidebuild.errors import GuidebuildError
from guidebuild.formats import NAMES as CHECKLIST_NAMES
from guidebuild.report.formats import REPORT_FORMATS
from guidebuild.safetext import visible

if TYPE_CHECKING:
    from guidebuild.framework.loader import Catalogue
    from guidebuild.framework.model import Framework

_ENVIRONMENT_ERRORS = frozenset(
    {
        errno.EACCES,
        errno.EPERM,
        errno.ENOSPC,
        errno.EDQUOT,
        errno.EROFS,
        errno.EFBIG,
        errno.ENAMETOOLONG,
    }
)
"""Errors of the machine, not of guidebuild, that any command may meet while writing."""


def _environment_message(error: OSError) -> str | None:
    """What to say of an error of the machine (see above); None for any other error."""
    import shutil

    if isinstance(error, shutil.Error) and error.args and isinstance(error.args[0], list):
        # copytree gathers each file's error as (source, target, "[Errno 28] ...").
        failures = [entry for entry in error.args[0] if len(entry) == 3]
        if failures and all(_errno_text(str(entry[2])) for entry in failures):
            _source, target, reason = failures[0]
            more = f" (and {len(failures) - 1} more files)" if len(failures) > 1 else ""
            return f"{target}: {_errno_text(str(reason))}{more}"
        return None
    if error.errno not in _ENVIRONMENT_ERRORS:
        return None
    where = f"{error.filename}: " if error.filename else ""
    return f"{where}{error.strerror}"


def _errno_text(reason: str) -> str | None:
    """``No space left on device`` from ``[Errno 28] No space left on device: 'x'``."""
    for number in _ENVIRONMENT_ERRORS:
        prefix = f"[Errno {number}] "
        if reason.startswith(prefix):
            return reason.removeprefix(prefix).split(": '")[0]
    return None


class _Group(click.Group):
    """A group that reports our errors without a traceback, in one place."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except GuidebuildError as error:
            # Messages quote user input (file names, values): no control character of it
            # may reach the terminal.
            click.echo(f"Error: {visible(str(error))}", err=True)
            ctx.exit(error.exit_code)
        except OSError as error:
            # A full disk, a folder we may not write, a name too long: the machine's
            # state, not a bug of ours, so a message rather than a traceback.
            message = _environment_message(error)
            if message is None:
                raise
            click.echo(f"Error: {visible(message)}", err=True)
            ctx.exit(2)


@click.group(
    name="guidebuild", cls=_Group, context_settings={"help_option_names": ["-h", "--help"]}
)
@click.version_option(__version__, prog_name="guidebuild")
def main() -> None:
    """Publish professional guidance and the self-assessment that goes with it.

    \b
    Examples:
      guidebuild build                 build the site and PDF into _build/
      guidebuild assess scheme.yaml    score a filled checklist
    """


def _project_root(start: Path | None = None) -> Path:
    """The project at or above ``start``; the current folder is read here and nowhere else."""
    from guidebuild.project import find_root

    return find_root(start or Path.cwd())


def _project_if_any(start: Path | None = None) -> Path | None:
    """The project at or above ``start`` (default: here), or None outside any project.

    ``checklist``, ``schema``, ``frameworks`` and ``assess`` work anywhere; a project
    named explicitly must be one.
    """
    if start is not None:
        return _project_root(start)
    try:
        return _project_root()
    except GuidebuildError:
        return None


_PROJECT = click.argument(
    "project",
    required=False,
    type=click.Path(exists=True, file_okay=False, path_type=Path),
)
"""The optional PROJECT argument: the project's folder (default: the current one)."""

_FRAMEWORKS = click.option(
    "--frameworks",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    metavar="DIR",
    help="Folder of framework files, searched first (see `guidebuild frameworks`).",
)
"""The --frameworks option of every command that looks frameworks up."""


class _FrameworkKey(click.ParamType[tuple[str, str]]):
    """``id@version`` of a framework."""

    name = "ID@VERSION"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> tuple[str, str]:
        framework_id, at, version = str(value).partition("@")
        if not (framework_id and at and version):
            self.fail(f"write it as id@version, e.g. my-checklist@1.0, not {value!r}")
        return framework_id, version


_FRAMEWORK = click.option(
    "--framework",
    "key",
    type=_FrameworkKey(),
    default=None,
    help="The framework, as id@version (default: the newest in checklists/).",
)
"""The --framework option: one framework version, by id@version."""


# --- build ------------------------------------------------------------------------------


@main.command()
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Output folder (default: _build/ in the project).",
)
@click.option("--html/--no-html", default=True, show_default=True, help="Build the HTML site.")
@click.option("--pdf/--no-pdf", default=True, show_default=True, help="Build the PDF.")
@click.option(
    "--draft/--final",
    default=None,
    help="Mark every page as a draft, or not. Default: the status in conf.py.",
)
@click.option(
    "--previous",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="An earlier recommendations.json: fail if one of its IDs has gone.",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=0),
    default=0,
    help="Processes to use (0: one per core; 1: build the PDF after the site).",
)
@click.option("-q", "--quiet", is_flag=True, help="Print only errors.")
@click.option("-v", "--verbose", is_flag=True, help="Print Sphinx's own output too.")
@_PROJECT
def build(
    project: Path | None,
    out: Path | None,
    html: bool,
    pdf: bool,
    draft: bool | None,
    previous: Path | None,
    jobs: int,
    quiet: bool,
    verbose: bool,
) -> None:
    """Build the guidance of PROJECT (default: here) as an HTML site and a tagged PDF.

    Everything is built in a temporary folder and published only when every stage
    succeeded, so a failed build leaves the last good output as it was.

    \b
    Examples:
      guidebuild build                  site in _build/html, PDF in _build/pdf
      guidebuild build --draft --no-pdf quick draft of the site only
      guidebuild build --previous old/recommendations.json
    """
    from guidebuild.build.pipeline import BuildOptions, build_project
    from guidebuild.progress import Progress

    root = _project_root(project)
    progress = Progress.for_stream(sys.stderr, quiet=quiet)
    result = build_project(
        root,
        BuildOptions(
            out=out,
            html=html,
            pdf=pdf,
            draft=draft,
            previous=previous,
            verbose=verbose,
            jobs=jobs,
        ),
        progress,
    )
    if not quiet:
        for warning in result.warnings:
            click.echo(f"warning: {visible(str(warning))}", err=True)
        for note in result.notes:
            click.echo(f"note: {visible(note)}", err=True)
    if result.html_dir:
        progress.say(f"Site: {result.html_dir / 'index.html'}")
    if result.pdf_path:
        progress.say(f"PDF:  {result.pdf_path} ({result.pdf_pages} pages)")
    if result.checklists:
        progress.say(f"Checklists: {result.checklists[0].parent}/ ({len(result.checklists)} files)")
    if result.warnings and not quiet:
        count = len(result.warnings)
        progress.say(f"{count} warning(s); `guidebuild check` treats them as errors.")


# --- new --------------------------------------------------------------------------------


@main.command()
@click.argument("folder", type=click.Path(path_type=Path))
@click.option("--title", default="Our guidance", show_default=True, help="The guidance's title.")
@click.option(
    "--organisation",
    default="Our organisation",
    show_default=True,
    help="Who publishes it.",
)
def new(folder: Path, title: str, organisation: str) -> None:
    """Start a new guidance project in FOLDER (new, or empty).

    It builds, checks and assesses at once: conf.py, guidance/ (an index, two chapters
    with recommendations, the list of recommendations, a checklist appendix, downloads,
    update information and its change log), checklists/ with a framework that checks
    those recommendations and an example of a filled checklist, templates/ and a README.

    \b
    Examples:
      guidebuild new our-guidance --title "Safe discharge" --organisation "Fell Trust"
      cd our-guidance && guidebuild build && guidebuild check
    """
    from guidebuild.newproject import new_project

    written = new_project(folder, title=title, organisation=organisation)
    click.echo(f"Wrote {len(written)} files into {folder}/. Next:")
    click.echo(f"  cd {folder} && guidebuild build && guidebuild serve")


# --- release ----------------------------------------------------------------------------


@main.command()
@click.argument("version")
@_PROJECT
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where the bundle goes (default: _build/release/).",
)
@click.option(
    "--previous",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="The previous release's recommendations.json (default: the latest in releases/).",
)
@click.option("-q", "--quiet", is_flag=True, help="Print only errors.")
def release(
    version: str, project: Path | None, out: Path | None, previous: Path | None, quiet: bool
) -> None:
    """Build release VERSION of PROJECT (default: here): a final, reproducible bundle.

    A final build dated by the edition (SOURCE_DATE_EPOCH = publication date), an
    archival PDF/A copy of the guidance, and one zip of site, PDFs and checklists with a
    SHA-256 manifest inside. No recommendation of the previous release may vanish. The
    release's manifest is recorded in releases/VERSION/ for the next one; commit it.

    \b
    Examples:
      guidebuild release 1.0
      guidebuild release 1.1 --previous old/recommendations.json
    """
    from guidebuild.build.release import release_project
    from guidebuild.progress import Progress

    done = release_project(
        _project_root(project),
        version,
        Progress.for_stream(sys.stderr, quiet=quiet),
        out=out,
        previous=previous,
    )
    click.echo(f"{done.bundle} ({done.files} files, SHA-256 manifest inside)")


# --- serve ------------------------------------------------------------------------------


@main.command()
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="Port on 127.0.0.1 (0: any free port).",
)
@click.option("--open", "open_browser", is_flag=True, help="Open the site in a browser.")
@click.option(
    "--pdf/--no-pdf",
    default=True,
    show_default=True,
    help="Rebuild the PDF in the background after each change.",
)
@_PROJECT
def serve(project: Path | None, port: int, open_browser: bool, pdf: bool) -> None:
    """Serve PROJECT's site on 127.0.0.1, rebuild it on every edit and reload the browser.

    Watches guidance/, templates/, checklists/ and conf.py. Only what an edit touches is
    rebuilt; the PDF follows in the background and never holds up the site. A change
    that does not build is reported and the last good site stays up.

    \b
    Examples:
      guidebuild serve
      guidebuild serve --port 8080 --open --no-pdf
    """
    from guidebuild.progress import Progress
    from guidebuild.serve import serve as run_server

    run_server(
        _project_root(project),
        port=port,
        open_browser=open_browser,
        pdf=pdf,
        progress=Progress.for_stream(sys.stderr),
    )


# --- check ------------------------------------------------------------------------------


@main.command()
@click.option("-q", "--quiet", is_flag=True, help="Print only the problems.")
@_PROJECT
def check(project: Path | None, quiet: bool) -> None:
    """Check that PROJECT's guidance is ready to publish; list every problem at once.

    A fresh, strict build (every Sphinx warning counts), then: framework items pointing at
    recommendations that do not exist, images without alt text, skipped heading levels,
    links with no text, contents page numbers that differ from the real pages, internal
    PDF links without a target, an untagged PDF or one without title and language.
    Exit 0 only when everything passes.

    \b
    Example:
      guidebuild check
    """
    from guidebuild.check.runner import check_project
    from guidebuild.errors import CheckFailed
    from guidebuild.progress import Progress
    from guidebuild.project import load_settings

    root = _project_root(project)
    # Not failures: the values are the editor's to supply, and nobody may make them up.
    for missing in load_settings(root).missing_for_final():
        click.echo(f"warning: conf.py: a final edition should set {missing}", err=True)
    problems = check_project(root, Progress.for_stream(sys.stderr, quiet=quiet))
    if problems:
        raise CheckFailed(f"{len(problems)} problem(s) to fix before publishing", tuple(problems))
    if not quiet:
        click.echo("Ready to publish: every check passed.", err=True)


# --- checklist ---


@main.command()
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Output folder (default: _build/checklists/ in the project).",
)
@click.option(
    "--format",
    "formats",
    type=click.Choice(CHECKLIST_NAMES),
    multiple=True,
    help="A format to write; repeat it for several (default: all four).",
)
@_FRAMEWORK
@_FRAMEWORKS
@click.option("-q", "--quiet", is_flag=True, help="Do not list the files written.")
@_PROJECT
def checklist(
    project: Path | None,
    out: Path | None,
    formats: tuple[str, ...],
    key: tuple[str, str] | None,
    frameworks: Path | None,
    quiet: bool,
) -> None:
    """Write the fillable self-assessment checklists from the framework.

    All come from the one framework in checklists/: a PDF form, an Excel workbook, an
    HTML form and a commented YAML file. `guidebuild assess` reads any of them back once
    filled in. Files are named <framework>-<version>-checklist.<format> and each is
    written whole or not at all.

    \b
    Examples:
      guidebuild checklist                         all four into _build/checklists/
      guidebuild checklist --format pdf --format xlsx --out dist/
      guidebuild checklist --framework my-checklist@1.0        an earlier version's forms
    """
    from guidebuild.forms import FORMATS, write_checklists
    from guidebuild.framework.loader import Catalogue
    from guidebuild.pdf import human_size
    from guidebuild.report.pipeline import locate_resources

    root = _project_if_any(project)
    resources = locate_resources(frameworks, root)
    framework = _chosen(Catalogue(resources.sources), key)
    out_dir = out or (root or Path.cwd()) / "_build" / "checklists"
    contact = None
    if root is not None and (root / "conf.py").is_file():
        from guidebuild.project import load_settings

        # The forms tell organisers whom to send the finished form to. (checklist builds
        # from the project, as build does; only assess never runs conf.py.)
        contact = load_settings(root).contact or None
    if out is None:
        from guidebuild.build.publish import adopt

        adopt(out_dir.parent, ["checklists"])  # so that `build` knows them for its own
    written = write_checklists(
        framework, out_dir, formats or FORMATS, templates=resources.templates, contact=contact
    )
    for path in written:
        if not quiet:
            click.echo(f"{path} ({human_size(path.stat().st_size)})")


# --- end checklist ---


# --- assess (framework, scoring, reports) ---


class _GuidanceUrl(click.ParamType[str]):
    """A base URL for links into the published guidance: http(s) or file only."""

    name = "URL"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        from guidebuild.report.links import check_base_url

        try:
            return check_base_url(str(value))
        except GuidebuildError as error:
            self.fail(error.message, param, ctx)


def _use_color(output: Path | None, stream: Any, env: Any) -> bool:
    """Colour only for a report shown on a terminal, and never when NO_COLOR is set."""
    return output is None and stream.isatty() and not env.get("NO_COLOR")


def _progress_printer(quiet: bool) -> Any:
    """A (done, total) callback that redraws one line on a terminal's stderr."""
    stream = sys.stderr
    if quiet or not stream.isatty():
        return None
    step = {"next": 0}

    def show(done: int, total: int) -> None:
        if total < 20:
            return
        if done >= step["next"] or done == total:
            step["next"] = done + max(1, total // 100)
            end = "\n" if done == total else ""
            stream.write(f"\rAssessed {done:,} of {total:,} files{end}")
            stream.flush()

    return show


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice([kind.name for kind in REPORT_FORMATS]),
    default="text",
    show_default=True,
    help="Report format.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the report to this file (atomically) instead of standard output.",
)
@click.option(
    "--fail-under",
    type=click.FloatRange(0, 100),
    default=None,
    metavar="PCT",
    help="Exit with 1 when a scheme's overall percent is below PCT.",
)
@click.option(
    "--baseline",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    metavar="OLD.yaml",
    help="An earlier scheme file: show what changed since then.",
)
@click.option(
    "--guidance-url",
    type=_GuidanceUrl(),
    default=None,
    help="Base URL of the published guidance for links (default: no links).",
)
@_FRAMEWORKS
@click.option(
    "-j", "--jobs", type=click.IntRange(1), default=None, help="Worker processes for batches."
)
@click.option("-q", "--quiet", is_flag=True, help="No progress line for large batches.")
def assess(
    files: tuple[Path, ...],
    fmt: str,
    output: Path | None,
    fail_under: float | None,
    baseline: Path | None,
    guidance_url: str | None,
    frameworks: Path | None,
    jobs: int | None,
    quiet: bool,
) -> None:
    """Score filled checklists against their framework and give an action plan.

    FILES are filled checklists (scheme YAML, PDF form or workbook, recognised by their
    content), or folders of them: one result each, and a summary
    when there are several. Bad input is reported with file:line:column and exit code 2,
    and then no report is written.

    \b
    Examples:
      guidebuild assess scheme.yaml
      guidebuild assess scheme.yaml -f html -o report.html
      guidebuild assess schemes/ -f csv -o all.csv
      guidebuild assess scheme.yaml --baseline last-year.yaml
      guidebuild assess scheme.yaml --fail-under 50
    """
    import os

    from guidebuild.errors import CheckFailed
    from guidebuild.report.formats import ReportFormat
    from guidebuild.report.pipeline import AssessOptions, run_assess

    color = _use_color(output, sys.stdout, os.environ)
    outcome = run_assess(
        AssessOptions(
            inputs=files,
            format=ReportFormat(fmt),
            output=output,
            baseline=baseline,
            fail_under=fail_under,
            frameworks=frameworks,
            project=_project_if_any(),
            guidance_url=guidance_url,
            color=color,
            jobs=jobs,
            progress=_progress_printer(quiet),
        )
    )
    if outcome.written is None:
        click.echo(outcome.report, nl=False, color=color)
    elif not quiet:
        click.echo(f"Report written to {visible(str(outcome.written))}", err=True)
    if outcome.below_threshold:
        below = outcome.below_threshold
        listed = ", ".join(f"{visible(row.source)} ({row.percent:.1f}%)" for row in below[:10])
        more = f" and {len(below) - 10} more" if len(below) > 10 else ""
        count = "" if len(outcome.results) == 1 else f"{len(below)} of {len(outcome.results)} "
        raise CheckFailed(f"{count}below --fail-under {fail_under:g}%: {listed}{more}")


@main.command()
@_FRAMEWORK
@_FRAMEWORKS
@_PROJECT
def schema(key: tuple[str, str] | None, frameworks: Path | None, project: Path | None) -> None:
    """Print the JSON Schema of a scheme file, for completion and checking in editors.

    \b
    Examples:
      guidebuild schema > scheme.schema.json
      guidebuild schema --framework my-checklist@1.0
    """
    import json

    from guidebuild.framework.schema import scheme_schema

    framework = _chosen(_catalogue(frameworks, project), key)
    click.echo(json.dumps(scheme_schema(framework), indent=2, ensure_ascii=False))


def _chosen(catalogue: Catalogue, key: tuple[str, str] | None) -> Framework:
    """The framework ``--framework`` names, or the catalogue's default without one."""
    if key is None:
        return catalogue.default()
    found = catalogue.get(*key)
    if found is None:
        from guidebuild.errors import InputError

        raise InputError(catalogue.unknown(*key))
    return found


def _catalogue(frameworks: Path | None, project: Path | None) -> Catalogue:
    """The frameworks a command outside any build sees: --frameworks, the project, the rest."""
    from guidebuild.framework.loader import Catalogue
    from guidebuild.report.pipeline import locate_resources

    return Catalogue(locate_resources(frameworks, _project_if_any(project)).sources)


@main.command(name="frameworks")
@_FRAMEWORKS
@_PROJECT
def list_frameworks(frameworks: Path | None, project: Path | None) -> None:
    """List every framework guidebuild can see: id, version, title, where it came from.

    Frameworks are looked for in this order, and the first of an id and version wins:
    --frameworks DIR, the project's checklists/, installed packages (entry point group
    guidebuild.frameworks), then the ones bundled with guidebuild.

    \b
    Examples:
      guidebuild frameworks
      guidebuild frameworks --frameworks ~/our-frameworks
    """
    catalogue = _catalogue(frameworks, project)
    rows = [
        (
            f.id,
            f.version,
            f.title,
            f"{source.label}: {source.folder}" + (" (not used: found earlier)" * hidden),
        )
        for f, source, hidden in catalogue.listing()
    ]
    if not rows:
        from guidebuild.errors import InputError

        raise InputError("no frameworks found; give a folder of them with --frameworks DIR")
    widths = [max(len(row[i]) for row in (("id", "version", "title", ""), *rows)) for i in (0, 1)]
    click.echo(f"{'id':<{widths[0]}}  {'version':<{widths[1]}}  title / from")
    for framework_id, version, title, where in rows:
        click.echo(f"{framework_id:<{widths[0]}}  {version:<{widths[1]}}  {title}")
        click.echo(f"{'':<{widths[0]}}  {'':<{widths[1]}}  from {where}")


# --- end assess ---
