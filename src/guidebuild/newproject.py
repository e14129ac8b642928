"""``guidebuild new DIR``: a project that builds, checks and assesses at once.

The starter files are package data (``starter/``), with ``$name`` placeholders filled
from the title and organisation. The project is written into a temporary folder beside
the target and moved into place only when it is complete, and never into a folder that
already holds anything.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import string
import tempfile
from pathlib import Path

from guidebuild.errors import InputError
from guidebuild.resources import package_dir

_RENAMED = {"conf.py.in": "conf.py", "gitignore": ".gitignore"}
"""Starter files stored under another name (a .py would be linted as our own code)."""


def slug(text: str) -> str:
    """``My Guidance (2nd)`` -> ``my-guidance-2nd``: a file name from a title."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "guidance"


def _values(title: str, organisation: str, today: dt.date) -> dict[str, str]:
    framework_title = f"Self-assessment against {title}"
    return {
        "title": title,
        "underline": "=" * len(title),
        "title_py": repr(title),
        "organisation_py": repr(organisation),
        "organisation_json": json.dumps(organisation, ensure_ascii=False),
        "framework_title_json": json.dumps(framework_title, ensure_ascii=False),
        "framework_description_json": json.dumps(
            f"Checks a service against the recommendations of {title}.", ensure_ascii=False
        ),
        "slug": slug(title),
        "date": today.isoformat(),
        "year": str(today.year),
    }


def new_project(
    target: Path, *, title: str, organisation: str, today: dt.date | None = None
) -> list[Path]:
    """Write a new project into ``target`` (missing or empty); return the files written."""
    for name, value in (("--title", title), ("--organisation", organisation)):
        if not value.strip() or any(ord(char) < 32 for char in value):
            raise InputError(f"{name} must be one line of text, not {value!r}")
    if target.exists() and not target.is_dir():
        raise InputError(f"{target} is a file: give a new or empty folder for the project")
    if target.is_dir() and any(target.iterdir()):
        raise InputError(
            f"{target} is not empty: `guidebuild new` writes only into a new or empty folder"
        )
    values = _values(title.strip(), organisation.strip(), today or dt.date.today())
    starter = package_dir("starter")
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=f".{target.name}.new-") as tmp:
        staging = Path(tmp) / "project"
        written = []
        for source in sorted(starter.rglob("*")):
            if not source.is_file():
                continue
            relative = source.relative_to(starter)
            relative = relative.with_name(_RENAMED.get(relative.name, relative.name))
            text = string.Template(source.read_text(encoding="utf-8")).substitute(values)
            path = staging / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            written.append(target / relative)
        if target.is_dir():
            for entry in sorted(staging.iterdir()):
                entry.rename(target / entry.name)
        else:
            staging.rename(target)
    shutil.rmtree(target / "__pycache__", ignore_errors=True)
    return written
