"""The command line. Commands only parse options and call one core function.

Heavy libraries (Sphinx, WeasyPrint, openpyxl) are imported inside the command that needs
them, so ``guidebuild --help`` and ``guidebuild assess`` start fast. Our own errors become
a message and an exit code here and nowhere else; anything else is a bug and keeps its
traceback.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from guidebuild import __version__
from guidebuild.errors import GuidebuildError


class _Group(click.Group):
    """A group that reports our errors without a traceback, in one place."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except GuidebuildError as error:
            click.echo(f"Error: {error}", err=True)
            ctx.exit(error.exit_code)


@click.group(
    name="guidebuild", cls=_Group, context_settings={"help_option_names": ["-h", "--help"]}
)
@click.version_option(__version__, prog_name="guidebuild")
def main() -> None:
    """Publish professional guidance and the self-assessment that goes with it.

    \b
    Examples:
      guidebuild build                 build the site and PDF into _build/
      guidebuild assess scheme.yaml    score a mentoring scheme
    """


def _project_root(start: Path | None = None) -> Path:
    from guidebuild.project import find_root

    return find_root(start or Path.cwd())


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
@click.option("-q", "--quiet", is_flag=True, help="Print only errors.")
@click.option("-v", "--verbose", is_flag=True, help="Print Sphinx's own output too.")
def build(
    out: Path | None,
    html: bool,
    pdf: bool,
    draft: bool | None,
    previous: Path | None,
    quiet: bool,
    verbose: bool,
) -> None:
    """Build the guidance as an HTML site and a tagged PDF.

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

    root = _project_root()
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
        ),
        progress,
    )
    if not quiet:
        for warning in result.warnings:
            click.echo(f"warning: {warning}", err=True)
    if result.html_dir:
        progress.say(f"Site: {result.html_dir / 'index.html'}")
    if result.pdf_path:
        progress.say(f"PDF:  {result.pdf_path} ({result.pdf_pages} pages)")
    if result.warnings and not quiet:
        count = len(result.warnings)
        progress.say(f"{count} warning(s); `guidebuild check` treats them as errors.")
