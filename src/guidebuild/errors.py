"""Our error types. The core raises these; only ``cli.py`` turns them into exit codes.

No Click import here: the core must be usable as a library.
"""

from __future__ import annotations

from pathlib import Path

from msgspec import Struct


class Problem(Struct, frozen=True):
    """One thing wrong with one input, located as precisely as we can."""

    path: Path | str
    message: str
    line: int | None = None
    """1-based line, when known."""
    column: int | None = None
    """1-based column, when known."""

    def __str__(self) -> str:
        where = str(self.path)
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return f"{where}: {self.message}"


class GuidebuildError(Exception):
    """Base of every error we expect and report without a traceback."""

    exit_code = 2

    def __init__(self, message: str, problems: tuple[Problem, ...] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.problems = problems

    def __str__(self) -> str:
        lines = [self.message, *(f"  {p}" for p in self.problems)]
        return "\n".join(lines)

    def __reduce__(self) -> tuple[type[GuidebuildError], tuple[str, tuple[Problem, ...]]]:
        # Errors cross process boundaries (the PDF is built in a process of its own).
        return (type(self), (self.message, self.problems))


class InputError(GuidebuildError):
    """An input file (YAML, PDF, workbook, conf.py value, option) is wrong: exit 2."""

    exit_code = 2


class BuildError(GuidebuildError):
    """The sources do not build (Sphinx errors, refused resources, broken references): exit 1."""

    exit_code = 1


class CheckFailed(GuidebuildError):  # noqa: N818 (reads as the outcome it reports)
    """A check or threshold the user asked for did not pass: exit 1.

    ``--fail-under``, ``guidebuild check``.
    """

    exit_code = 1
