"""The commands other than ``assess``, added to :data:`guidebuild.cli.main` when one is asked for.

``guidebuild assess`` is run once per scheme, often from scripts, so its start-up counts,
and building the options of these commands is work it never needs (about 1% of it).
:class:`guidebuild.cli._Group` imports this module only when a command other than
``assess`` is named or all are listed (``--help``).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from guidebuild.formats import NAMES as CHECKLIST_NAMES
from guidebuild.options import FRAMEWORKS, project_if_any, project_root
from guidebuild.safetext import visible

if TYPE_CHECKING:
    from guidebuild.framework.loader import Catalogue
    from guidebuild.framework.model import Framework


_PROJECT = click.argument(
    "project",
    required=False,
    type=click.Path(exists=True, file_okay=False, path_type=Path),
)
"""The optional PROJECT argument: the project's folder (default: the current one)."""


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


@click.command()
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

    root = project_root(project)
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


@click.command()
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


@click.command()
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
        project_root(project),
        version,
        Progress.for_stream(sys.stderr, quiet=quiet),
        out=out,
        previous=previous,
    )
    click.echo(f"{done.bundle} ({done.files} files, SHA-256 manifest inside)")


# --- serve ------------------------------------------------------------------------------


@click.command()
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
        project_root(project),
        port=port,
        open_browser=open_browser,
        pdf=pdf,
        progress=Progress.for_stream(sys.stderr),
    )


# --- check ------------------------------------------------------------------------------


@click.command()
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

    root = project_root(project)
    # Not failures: the values are the editor's to supply, and nobody may make them up.
    for missing in load_settings(root).missing_for_final():
        click.echo(f"warning: conf.py: a final edition should set {missing}", err=True)
    problems = check_project(root, Progress.for_stream(sys.stderr, quiet=quiet))
    if problems:
        raise CheckFailed(f"{len(problems)} problem(s) to fix before publishing", tuple(problems))
    if not quiet:
        click.echo("Ready to publish: every check passed.", err=True)


# --- checklist ---


@click.command()
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
@FRAMEWORKS
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

    root = project_if_any(project)
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


@click.command()
@_FRAMEWORK
@FRAMEWORKS
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

    return Catalogue(locate_resources(frameworks, project_if_any(project)).sources)


@click.command(name="frameworks")
@FRAMEWORKS
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


COMMANDS = (build, new, release, serve, check, checklist, schema, list_frameworks)
"""What :class:`guidebuild.cli._Group` adds to the group when one of them is asked for."""
