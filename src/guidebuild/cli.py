"""The command line. Commands only parse options and call one core function.

Heavy libraries (Sphinx, WeasyPrint, openpyxl) are imported inside the command that needs
them, so ``guidebuild --help`` and ``guidebuild assess`` start fast; the commands other
than ``assess`` are defined in :mod:`guidebuild.commands`, loaded only when one is asked
for. Our own errors become a message and an exit code here and nowhere else; anything
else is a bug and keeps its traceback.
"""

from __future__ import annotations

import errno
import sys
from pathlib import Path
from typing import Any

import click

from guidebuild import __version__
from guidebuild.errors import GuidebuildError
from guidebuild.options import FRAMEWORKS, project_if_any
from guidebuild.report.formats import REPORT_FORMATS
from guidebuild.safetext import visible

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
    """A group that reports our errors without a traceback, in one place.

    It defines the commands other than ``assess`` only when one of them is named, or all
    are listed: see :mod:`guidebuild.commands`.
    """

    def _define_all(self) -> None:
        from guidebuild.commands import COMMANDS

        for command in COMMANDS:
            if command.name not in self.commands:
                self.add_command(command)

    def list_commands(self, ctx: click.Context) -> list[str]:
        self._define_all()
        return super().list_commands(ctx)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands:
            self._define_all()
        return super().get_command(ctx, cmd_name)

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
@FRAMEWORKS
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
            project=project_if_any(),
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


# --- end assess ---
