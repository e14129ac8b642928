"""Atomic publishing: a failed build leaves the last good output byte for byte."""

from __future__ import annotations

import os
from pathlib import Path

from guidebuild.build.publish import clear_leftovers, exchange, publish, replace_path, staging
from tests.conftest import run_cli, tree_digest


def test_failing_build_leaves_output_unchanged(make_project) -> None:  # type: ignore[no-untyped-def]
    project = make_project("tiny")
    assert run_cli(project, "build", "-q").exit_code == 0
    before = tree_digest(project / "_build")
    assert any(name.startswith("html/") for name in before)
    chapter = project / "guidance" / "first.rst"
    chapter.write_text(chapter.read_text() + "\n.. recommendation:: No ID\n\n   Text.\n")
    result = run_cli(project, "build", "-q")
    assert result.exit_code == 1
    assert "recommendation has no :id:" in result.output
    assert tree_digest(project / "_build") == before
    assert not list((project / "_build").glob(".staging-*"))


def test_exchange_swaps_two_folders(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    (a / "from-a").write_text("a")
    (b / "from-b").write_text("b")
    assert exchange(a, b)
    assert [p.name for p in a.iterdir()] == ["from-b"]
    assert [p.name for p in b.iterdir()] == ["from-a"]


def test_replace_path_publishes_a_folder_and_removes_the_old(tmp_path: Path) -> None:
    published = tmp_path / "html"
    published.mkdir()
    (published / "old.html").write_text("old")
    new = tmp_path / "new"
    new.mkdir()
    (new / "index.html").write_text("new")
    replace_path(new, published)
    assert [p.name for p in published.iterdir()] == ["index.html"]
    assert not new.exists()


def test_staging_is_removed_even_on_failure(tmp_path: Path) -> None:
    folder = None
    try:
        with staging(tmp_path) as folder:
            (folder / "half-written").write_text("x")
            raise RuntimeError("the build failed")
    except RuntimeError:
        pass
    assert folder is not None
    assert not folder.exists()


def test_what_a_killed_build_left_is_cleared(tmp_path: Path) -> None:
    stage = tmp_path / "stage"
    stage.mkdir()
    (stage / "pdf").mkdir()
    publish(stage, tmp_path)
    current = (tmp_path / ".current").readlink()
    # A killed build's staging folder, its half-made link, and a version it never published.
    leftovers = [tmp_path / ".staging-99999", tmp_path / ".versions" / "7"]
    for folder in leftovers:
        folder.mkdir()
    (tmp_path / ".current-99999").symlink_to(".versions/7")
    leftovers.append(tmp_path / ".current-99999")
    mine = tmp_path / f".staging-{os.getpid()}"  # a live build's: kept
    mine.mkdir()
    clear_leftovers(tmp_path)
    assert not [p for p in leftovers if p.exists() or p.is_symlink()]
    assert mine.is_dir()
    assert (tmp_path / ".current").readlink() == current
    assert (tmp_path / "pdf").is_dir()
