"""Shared fixtures: tiny projects copied into tmp_path, and one shared build of them."""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from guidebuild.cli import main

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def searched(label: str = "--frameworks") -> str:
    """The end of the unknown-framework message for a run in this repository, whose
    checklists/ came from ``label`` (``--frameworks`` or ``project``)."""
    return (
        f"; searched {REPO / 'checklists'} ({label}); "
        f"{REPO / 'src' / 'guidebuild' / 'frameworks'} (bundled); "
        "name the folder that holds it with --frameworks DIR"
    )


SEARCHED = searched()


def copy_project(name: str, dest: Path) -> Path:
    """A fixture project under ``dest``: no templates/, so it uses the package's own."""
    project = dest / name
    shutil.copytree(FIXTURES / name, project)
    return project


def run_cli(project: Path, *args: str, env: dict[str, str] | None = None) -> Result:
    """Run guidebuild in ``project``; our own errors become exit codes, bugs raise."""
    with contextlib.chdir(project):
        return CliRunner().invoke(main, list(args), catch_exceptions=False, env=env)


@pytest.fixture
def make_project(tmp_path: Path) -> Callable[[str], Path]:
    return lambda name="tiny": copy_project(name, tmp_path)


@pytest.fixture(scope="session")
def built_tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny project, built once (site and PDF) for the tests that only read outputs."""
    project = copy_project("tiny", tmp_path_factory.mktemp("built"))
    result = run_cli(project, "build", "-q")
    assert result.exit_code == 0, result.output
    return project


def copy_repository_project(project: Path) -> Path:
    """This repository's own sources (guidance, templates, framework) in ``project``."""
    project.mkdir(parents=True)
    for name in ("conf.py", "guidance", "templates", "checklists"):
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, project / name)
        else:
            shutil.copy2(source, project / name)
    return project


@pytest.fixture(scope="session")
def guidance(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repository's own guidance, built once (site, PDF, checklists)."""
    project = copy_repository_project(tmp_path_factory.mktemp("guidance") / "project")
    result = run_cli(project, "build", "-q")
    assert result.exit_code == 0, result.output
    return project


def assert_refused(path: Path, problems: list[str], *, fmt: str, out: Path) -> None:
    """``assess`` refuses a bad filled checklist: every problem listed, exit 2, no report."""
    checklists = REPO / "checklists"
    result = CliRunner().invoke(
        main, ["assess", "--frameworks", str(checklists), str(path), "-f", fmt, "-o", str(out)]
    )
    count = f"{len(problems)} problem" + ("s" if len(problems) != 1 else "")
    assert result.stderr == "".join(
        [f"Error: {path}: {count}\n", *(f"  {path}: {problem}\n" for problem in problems)]
    )
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert not out.exists()


def tree_digest(folder: Path) -> dict[str, bytes]:
    """Every file below ``folder`` with its bytes: equal dicts mean identical trees.

    An output folder is seen as a reader sees it: through its published links (html/,
    pdf/, ...), not the version folders and cache behind them.
    """
    found = {}
    for top, dirs, names in os.walk(folder, followlinks=True):
        dirs[:] = [d for d in dirs if d not in {".cache", ".versions", ".current"}]
        for name in names:
            path = Path(top) / name
            if path.is_file():
                found[str(path.relative_to(folder))] = path.read_bytes()
    return dict(sorted(found.items()))
