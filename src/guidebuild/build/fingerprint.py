"""Fingerprints of a build's inputs, so that an unchanged project costs almost nothing.

Each output (site, PDF) has a digest of everything it depends on: its sources, its
templates, conf.py, the options and environment that change it, and our own code and the
versions of Sphinx, docutils and WeasyPrint. When every requested output's digest equals
the one recorded at its last publication, the build does no Sphinx or WeasyPrint work.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import sys
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import guidebuild

RECORD_NAME = "fingerprints.json"
_SKIP_DIRS = {"__pycache__", ".mypy_cache", ".ruff_cache"}


def _files(paths: Iterable[Path]) -> list[Path]:
    found: list[Path] = []
    for path in paths:
        if path.is_file():
            found.append(path)
        elif path.is_dir():
            for folder, dirs, names in os.walk(path):
                dirs[:] = sorted(d for d in dirs if d not in _SKIP_DIRS)
                found.extend(Path(folder) / name for name in sorted(names))
    return found


def digest_files(paths: Iterable[Path], root: Path, extra: dict[str, Any]) -> str:
    """SHA-256 over file names and contents below ``paths``, and ``extra`` settings."""
    digest = hashlib.sha256(json.dumps(extra, sort_keys=True, default=str).encode())
    for path in _files(paths):
        name = str(path.relative_to(root)) if path.is_relative_to(root) else str(path)
        digest.update(name.encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def tool_versions() -> dict[str, str]:
    """Our code (its source, so an edited checkout counts) and the engines' versions."""
    return dict(_tool_versions())


@functools.cache
def _tool_versions() -> tuple[tuple[str, str], ...]:
    # Once per process: every fingerprint of a build includes it.
    return tuple(_read_tool_versions().items())


def _read_tool_versions() -> dict[str, str]:
    package = Path(guidebuild.__file__).parent
    code = digest_files([package], package, {})
    versions = {"guidebuild-code": code}
    for name in ("sphinx", "docutils", "weasyprint", "pydyf"):
        versions[name] = installed_version(name)
    return versions


def installed_version(name: str) -> str:
    """A distribution's version from its .dist-info folder name.

    importlib.metadata would take longer to import than a no-change build takes in all.
    """
    for folder in sys.path:
        for info in sorted(Path(folder or ".").glob(f"{name}-*.dist-info")):
            return info.name.removeprefix(f"{name}-").removesuffix(".dist-info")
    return "missing"


@dataclass
class Record:
    """What the last successful build published, kept in its version folder."""

    html: str = ""
    pdf: str = ""
    pdf_pages: int = 0
    pdf_size: int = 0
    withdrawn: list[str] = field(default_factory=list)
    checklists: str = ""
    """The fillable checklists' own fingerprint: an edit of the guidance keeps them."""

    @classmethod
    def load(cls, folder: Path | None) -> Record:
        """The record in ``folder``; an empty one (everything to build) if there is none."""
        if folder is None:
            return cls()
        try:
            data = json.loads((folder / RECORD_NAME).read_text(encoding="utf-8"))
            return cls(**data)
        except (OSError, ValueError, TypeError):
            return cls()

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        temp = folder / f".{RECORD_NAME}.tmp"
        temp.write_text(json.dumps(asdict(self), indent=1), encoding="utf-8")
        temp.replace(folder / RECORD_NAME)
