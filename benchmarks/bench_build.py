"""Time `guidebuild build` against the hand-rolled pipeline, side by side in one run.

    .venv/bin/python benchmarks/bench_build.py [--runs 3] [--require-idle]

The two sides run alternately, run by run (benchmarks/common.py); each side's min, median
and max are printed, and the ratio of medians. The cold build runs on a fresh copy of
the project each time (no cache, no output). The alternative is what an editor would
otherwise type: `sphinx-build -b html`, `sphinx-build -b singlehtml` with the same print
theme, then the `weasyprint` command on the single page, one after another, making the
same tagged PDF/UA-1. Peak memory is the
largest resident set of any process of a full build.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import Figure, idle_check, interleaved, timed

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
COPY = ("conf.py", "guidance", "templates", "checklists", "src")


def fresh_project(work: Path) -> Path:
    project = Path(tempfile.mkdtemp(dir=work))
    for name in COPY:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, project / name, ignore=shutil.ignore_patterns("__pycache__"))
        elif source.exists():
            shutil.copy2(source, project / name)
    return project


def run(command: list[str], cwd: Path) -> None:
    subprocess.run(command, cwd=cwd, check=True, capture_output=True)


def cold(job: Callable[[Path], None], work: Path) -> Callable[[], float]:
    """One cold run of ``job`` on a fresh copy (the copying is not timed)."""

    def once() -> float:
        project = fresh_project(work)
        try:
            return timed(lambda: job(project))
        finally:
            shutil.rmtree(project, ignore_errors=True)

    return once


def guidebuild_build(project: Path) -> None:
    run([str(BIN / "guidebuild"), "build", "-q"], project)


def hand_rolled(project: Path) -> None:
    out = project / "_hand"
    sphinx = [str(BIN / "sphinx-build"), "-q", "-c", "."]
    run([*sphinx, "-b", "html", "guidance", str(out / "html")], project)
    run(
        [
            *sphinx,
            "-b",
            "singlehtml",
            "-D",
            "html_theme=guidebuild-print",  # registered by the extension in conf.py
            "-D",
            "html_permalinks=0",
            "guidance",
            str(out / "single"),
        ],
        project,
    )
    run(
        [
            str(BIN / "weasyprint"),
            "--pdf-variant",
            "pdf/ua-1",
            str(out / "single" / "index.html"),
            str(out / "guidance.pdf"),
        ],
        project,
    )


def sphinx_html(project: Path) -> None:
    run([str(BIN / "sphinx-build"), "-q", "-c", ".", "-b", "html", "guidance", "_hand"], project)


def after(before: Callable[[], None], job: Callable[[], None]) -> Callable[[], float]:
    def once() -> float:
        before()
        return timed(job)

    return once


def edit(project: Path, counter: list[int]) -> Callable[[], None]:
    """Append one new paragraph to a chapter (a different one each time)."""

    def apply() -> None:
        counter[0] += 1
        chapter = project / "guidance" / "meeting.rst"
        chapter.write_text(chapter.read_text() + f"\nA paragraph added by edit {counter[0]}.\n")

    return apply


def incremental(work: Path, runs: int) -> tuple[Figure, Figure]:
    """No-change rebuild and one-paragraph edit, ours and sphinx-build's, on warm caches."""
    ours, theirs = fresh_project(work), fresh_project(work)
    guidebuild_build(ours)
    sphinx_html(theirs)
    nochange = interleaved(
        "no-change rebuild",
        "<= 0.4",
        ("guidebuild build", lambda: timed(lambda: guidebuild_build(ours))),
        ("sphinx-build -b html (nothing changed)", lambda: timed(lambda: sphinx_html(theirs))),
        runs,
    )
    site_only = [str(BIN / "guidebuild"), "build", "-q", "--no-pdf"]
    run(site_only, ours)  # warm up in the mode measured (the PDF link is a page setting)
    # Until the HTML is updated: `build --no-pdf` against sphinx-build's own incremental.
    edited = interleaved(
        "one-paragraph edit",
        "<= 1.0",
        ("guidebuild build --no-pdf", after(edit(ours, [0]), lambda: run(site_only, ours))),
        (
            "sphinx-build -b html (incremental)",
            after(edit(theirs, [0]), lambda: sphinx_html(theirs)),
        ),
        runs,
    )
    return nochange, edited


def peak_memory_mb(project: Path) -> float:
    """Peak resident memory of a full build, in a child process of its own."""
    code = (
        "import resource, subprocess, sys\n"
        f"subprocess.run([{str(BIN / 'guidebuild')!r}, 'build', '-q'], check=True)\n"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=project, check=True, capture_output=True, text=True
    )
    return int(done.stdout.strip()) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--require-idle", action="store_true", help="refuse on a busy machine")
    args = parser.parse_args()
    idle_check(require=args.require_idle)
    work = Path(tempfile.mkdtemp(prefix="gb-bench-"))
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1102291200")
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}", flush=True)
    try:
        figure = interleaved(
            "cold build vs html + singlehtml + weasyprint (no checklists)",
            "<= 0.6",
            ("guidebuild build", cold(guidebuild_build, work)),
            ("sphinx-build html, singlehtml; weasyprint", cold(hand_rolled, work)),
            args.runs,
        )
        print(figure.report(), flush=True)
        for figure in incremental(work, args.runs):
            print(figure.report(), flush=True)
        memory = peak_memory_mb(fresh_project(work))
        print(f"peak memory of a full build: {memory:.0f} MB (target <= 400 MB)", flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    # The resource module is imported for RUSAGE_CHILDREN in the child; keep it used here
    # too so the script fails early on a platform without it.
    assert resource.RUSAGE_CHILDREN is not None


if __name__ == "__main__":
    main()
