"""A build killed with SIGKILL at any moment leaves every output old or every output new.

The outputs (site, PDF, checklists, recommendations.json) are published by one rename of
one link (build/publish.py); these tests kill the build in the window between outputs,
at the publisher's own steps and at random instants, and look at all of them together.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import time
from pathlib import Path

import pytest

from guidebuild.build.publish import PAUSE_ENV
from tests.conftest import copy_repository_project, tree_digest

Published = dict[str, bytes]


def published(out: Path) -> Published:
    """Everything a reader of ``out`` sees: every output, none of our bookkeeping."""
    return {name: data for name, data in tree_digest(out).items() if not name.startswith(".")}


def build(project: Path, *args: str) -> None:
    """A build in a process of its own, as from the command line."""
    done = subprocess.run(
        [sys.executable, "-m", "guidebuild", "build", "-q", *args],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr


def start_build(project: Path, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "guidebuild", "build", "-q"],
        cwd=project,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, **(env or {})},
    )


def kill_at(project: Path, step: str, flag: Path) -> None:
    """Start a build, let it reach the publisher's ``step``, and SIGKILL it there."""
    process = start_build(project, {PAUSE_ENV: f"{step}:{flag}"})
    deadline = time.monotonic() + 300
    while not flag.exists():
        assert process.poll() is None, "the build ended without reaching the publisher"
        assert time.monotonic() < deadline, "the build never reached the publisher"
        time.sleep(0.05)
    process.kill()
    process.wait()


def edit(project: Path, text: str) -> None:
    chapter = project / "guidance" / "index.rst"
    chapter.write_text(chapter.read_text() + f"\n{text}\n")


@pytest.mark.slow
@pytest.mark.parametrize("step", ["before-swap", "after-swap"])
def test_a_kill_at_the_publishers_steps_leaves_all_old_or_all_new(
    tmp_path: Path, step: str
) -> None:
    project = copy_repository_project(tmp_path / "project")
    out = project / "_build"
    build(project)
    old = published(out)
    assert {name.split("/")[0] for name in old} >= {
        "html",
        "pdf",
        "checklists",
        "recommendations.json",
    }
    edit(project, "A paragraph added before the kill.")
    reference = tmp_path / "reference"
    build(project, "--out", str(reference))
    new = published(reference)
    assert new != old

    kill_at(project, step, tmp_path / "paused")
    assert published(out) == (old if step == "before-swap" else new)

    # The next build cleans up after the killed one and publishes exactly the new output.
    build(project)
    assert published(out) == new
    assert not list(out.glob(".staging-*"))
    assert len(list((out / ".versions").iterdir())) == 1


@pytest.mark.slow
def test_sigkill_at_random_instants_never_leaves_a_mix(make_project, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    project = make_project("tiny")
    out = project / "_build"
    chapter = project / "guidance" / "second.rst"
    sources = {"a": chapter.read_text(), "b": chapter.read_text() + "\nA paragraph.\n"}
    outputs: dict[str, Published] = {}
    for name, text in sources.items():
        chapter.write_text(text)
        build(project, "--out", str(tmp_path / name))
        outputs[name] = published(tmp_path / name)
    chapter.write_text(sources["b"])
    build(project)
    # The builds killed below are incremental, much quicker than this first cold one: time
    # one of them, so that the kills land inside a build on a fast machine as on a slow one.
    chapter.write_text(sources["a"])
    started = time.monotonic()
    build(project)
    took = time.monotonic() - started
    assert published(out) == outputs["a"]

    shown = "a"
    kills = 0
    chance = random.Random(14)  # noqa: S311 (delays, not secrets)
    for _ in range(10):
        # Edit towards the other version, then kill somewhere in the build, mostly late,
        # where the outputs are written and published.
        target = "b" if shown == "a" else "a"
        chapter.write_text(sources[target])
        process = start_build(project)
        time.sleep(took * chance.uniform(0.3, 1.1))
        if process.poll() is None:
            process.kill()
            kills += 1
        process.wait()
        now = published(out)
        assert now in (outputs["a"], outputs["b"]), "a mix of old and new outputs"
        shown = "a" if now == outputs["a"] else "b"
    assert kills >= 3, "the builds finished too fast to be killed in the middle"
    # Whatever the kills left in the caches, the next build makes what a clean one does.
    build(project)
    assert published(out) == outputs[target]


@pytest.mark.slow
def test_a_kill_just_after_publishing_leaves_no_stale_record(tmp_path: Path) -> None:
    """Killed after the swap, the build has published new output: its record must say so.

    Otherwise, with the sources edited back, the next build would find them equal to the
    record of the old output and keep the new output as "unchanged".
    """
    project = copy_repository_project(tmp_path / "project")
    out = project / "_build"
    chapter = project / "guidance" / "index.rst"
    before = chapter.read_text()
    build(project)
    old = published(out)
    edit(project, "A paragraph added before the kill.")
    kill_at(project, "after-swap", tmp_path / "paused")
    assert published(out) != old
    chapter.write_text(before)
    build(project)
    assert published(out) == old


def test_a_torn_cache_is_rebuilt_not_trusted(make_project) -> None:  # type: ignore[no-untyped-def]
    project = make_project("tiny")
    build(project, "--no-pdf")
    cache = project / "_build" / ".cache"
    page = cache / "html" / "second.html"
    good = page.read_text()
    # What a kill while Sphinx writes leaves: a half-written page and the mark.
    page.write_text(good[: len(good) // 2])
    (cache / "html.incomplete").touch()
    chapter = project / "guidance" / "first.rst"
    chapter.write_text(chapter.read_text() + "\nAnother paragraph.\n")  # so a build runs
    build(project, "--no-pdf")
    assert (project / "_build" / "html" / "second.html").read_text() == good
    assert not (cache / "html.incomplete").exists()
