"""What the commands share: the --frameworks option, and how they find the project.

Apart from :mod:`guidebuild.cli` (the group and ``assess``) and :mod:`guidebuild.commands`
(the rest) so that neither imports the other back.
"""

from __future__ import annotations

from pathlib import Path

import click

from guidebuild.errors import GuidebuildError


def project_root(start: Path | None = None) -> Path:
    """The project at or above ``start``; the current folder is read here and nowhere else."""
    from guidebuild.project import find_root

    return find_root(start or Path.cwd())


def project_if_any(start: Path | None = None) -> Path | None:
    """The project at or above ``start`` (default: here), or None outside any project.

    ``checklist``, ``schema``, ``frameworks`` and ``assess`` work anywhere; a project
    named explicitly must be one.
    """
    if start is not None:
        return project_root(start)
    try:
        return project_root()
    except GuidebuildError:
        return None


FRAMEWORKS = click.option(
    "--frameworks",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    metavar="DIR",
    help="Folder of framework files, searched first (see `guidebuild frameworks`).",
)
"""The --frameworks option of every command that looks frameworks up."""
