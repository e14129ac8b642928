"""The build and release commands against careless input: messages, never tracebacks."""

from __future__ import annotations

import errno
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import run_cli


def test_conf_py_that_raises_is_located(make_project) -> None:  # type: ignore[no-untyped-def]
    project = make_project("tiny")
    conf = project / "conf.py"
    conf.write_text(conf.read_text() + "\nhtml_title = undefined_name + '!'\n")
    line = len(conf.read_text().splitlines())
    result = run_cli(project, "build", "-q")
    assert result.exit_code == 2
    assert result.output == (
        "Error: conf.py stops with an error\n"
        f"  {conf}:{line}: NameError: name 'undefined_name' is not defined\n"
    )
    assert not (project / "_build").exists()


@pytest.mark.parametrize(
    ("version", "message"),
    [
        (
            "1.0\n",
            "release version must start with a digit and hold only letters, digits, '.', '+' "
            "and '-' (e.g. 1.0 or 2004.1), not '1.0\\n'",
        ),
        (
            "1." + "0" * 298,
            "release version is 300 characters long; the limit is 64 (e.g. 1.0 or 2004.1)",
        ),
    ],
)
def test_release_versions_are_matched_whole_and_bounded(
    make_project, version: str, message: str
) -> None:  # type: ignore[no-untyped-def]
    project = make_project("tiny")
    result = run_cli(project, "release", version)
    assert result.exit_code == 2
    assert result.output == f"Error: {message}\n"
    assert not (project / "_build").exists()
    assert not (project / "releases").exists()


def test_an_unwritable_out_is_a_message(
    make_project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    """As a user without permission meets it (the tests may run as root, who has it)."""
    project = make_project("tiny")
    out = tmp_path / "locked" / "site"
    real_mkdir = Path.mkdir

    def mkdir(self: Path, *args: Any, **kwargs: Any) -> None:
        if self == out or out in self.parents:
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        real_mkdir(self, *args, **kwargs)

    monkeypatch.setattr(Path, "mkdir", mkdir)
    result = run_cli(project, "build", "-q", "--out", str(out))
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert result.output.startswith(f"Error: {out}")
    assert result.output.endswith(": Permission denied\n")


_FULL: dict[str, Path | None] = {"under": None}


def _disk_full(event: str, args: tuple[Any, ...]) -> None:
    """While ``_FULL['under']`` is set, every file written below it meets a full disk."""
    under = _FULL["under"]
    if under is None or event != "open" or not isinstance(args[0], str | Path):
        return
    mode, flags = (args[1] if len(args) > 1 else "") or "", args[2] if len(args) > 2 else 0
    writes = any(c in str(mode) for c in "wax+") or bool(flags & 0o3)
    name = str(args[0])
    if writes and Path(name).resolve().is_relative_to(under) and not _spared(name):
        raise OSError(errno.ENOSPC, "No space left on device", str(args[0]))


def _spared(name: str) -> bool:
    # The lock and Sphinx's cache are written first; the disk fills as the output is made.
    return ".cache" in name or name.endswith(".lock")


sys.addaudithook(_disk_full)


@pytest.fixture
def full_disk() -> Iterator[dict[str, Path | None]]:
    try:
        yield _FULL
    finally:
        _FULL["under"] = None


@pytest.mark.slow
def test_a_full_disk_is_a_message_and_the_last_output_stays(
    make_project, full_disk: dict[str, Path | None]
) -> None:  # type: ignore[no-untyped-def]
    project = make_project("tiny")
    assert run_cli(project, "build", "-q", "--no-pdf").exit_code == 0
    index = (project / "_build" / "html" / "index.html").read_bytes()
    (project / "guidance" / "first.rst").write_text(
        (project / "guidance" / "first.rst").read_text() + "\nA new paragraph.\n"
    )
    full_disk["under"] = (project / "_build").resolve()
    result = run_cli(project, "build", "-q", "--no-pdf")
    full_disk["under"] = None
    assert result.exit_code in (1, 2), result.output
    assert "Traceback" not in result.output
    assert "No space left on device" in result.output
    assert (project / "_build" / "html" / "index.html").read_bytes() == index
    assert list((project / "_build").glob(".staging*")) == []  # nothing half-written is left


def test_a_fifo_as_previous_manifest_is_refused_at_once(make_project) -> None:  # type: ignore[no-untyped-def]
    """In a process of its own: reading a FIFO would wait for a writer for ever."""
    import os
    import subprocess

    project = make_project("tiny")
    os.mkfifo(project / "old.json")
    result = subprocess.run(
        [sys.executable, "-m", "guidebuild", "build", "-q", "--previous", "old.json"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr == (
        "Error: old.json: 1 problem\n"
        "  old.json: is not a regular file (a FIFO, device or socket): give a saved file\n"
    )
