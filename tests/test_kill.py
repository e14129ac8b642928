"""A build killed with SIGKILL at any moment leaves the last published output intact."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import run_cli, tree_digest


def published(out: Path) -> tuple[dict[str, bytes], dict[str, bytes]]:
    return tree_digest(out / "html"), tree_digest(out / "pdf")


@pytest.mark.slow
def test_sigkill_in_the_middle_leaves_old_or_new_never_a_mix(make_project, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    project = make_project("tiny")
    out = project / "_build"
    assert run_cli(project, "build", "-q").exit_code == 0
    old_html, old_pdf = published(out)

    chapter = project / "guidance" / "second.rst"
    chapter.write_text(chapter.read_text() + "\nA paragraph added before the kill.\n")
    reference = tmp_path / "reference"
    assert run_cli(project, "build", "-q", "--out", str(reference)).exit_code == 0
    new_html, new_pdf = published(reference)
    assert new_html != old_html

    kills = 0
    for delay in (0.15, 0.4, 0.7, 1.0, 1.4):
        process = subprocess.Popen(
            [sys.executable, "-m", "guidebuild", "build", "-q", "-j", "1"],
            cwd=project,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(delay)
        if process.poll() is None:
            process.kill()
            kills += 1
        process.wait()
        html, pdf = published(out)
        assert html in (old_html, new_html), f"a torn site after a kill at {delay} s"
        assert pdf in (old_pdf, new_pdf), f"a torn PDF after a kill at {delay} s"
        if html == new_html and pdf == new_pdf:
            break  # the build finished before the kill; nothing more to learn
    assert kills >= 2, "the builds finished too fast to be killed in the middle"

    # After the kills, a normal build still publishes exactly the right output.
    assert run_cli(project, "build", "-q").exit_code == 0
    assert published(out) == (new_html, new_pdf)
    assert not list(out.glob(".staging-*"))


def test_a_torn_cache_is_rebuilt_not_trusted(make_project) -> None:  # type: ignore[no-untyped-def]
    project = make_project("tiny")
    assert run_cli(project, "build", "-q", "--no-pdf").exit_code == 0
    cache = project / "_build" / ".cache"
    page = cache / "html" / "second.html"
    good = page.read_text()
    # What a kill while Sphinx writes leaves: a half-written page and the mark.
    page.write_text(good[: len(good) // 2])
    (cache / "html.incomplete").touch()
    chapter = project / "guidance" / "first.rst"
    chapter.write_text(chapter.read_text() + "\nAnother paragraph.\n")  # so a build runs
    assert run_cli(project, "build", "-q", "--no-pdf").exit_code == 0
    assert (project / "_build" / "html" / "second.html").read_text() == good
    assert not (cache / "html.incomplete").exists()
