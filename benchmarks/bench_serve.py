"""Time what an editor waits for in `guidebuild serve`, side by side in one run.

    .venv/bin/python benchmarks/bench_serve.py [--runs 5] [--require-idle]

1. Edit to served page: a paragraph is appended to a chapter, and the clock stops when the
   page, fetched over HTTP, shows it. `guidebuild serve --no-pdf` against
   `sphinx-autobuild` on another copy of the same project (target: at most 0.25x).
2. Edit to updated PDF: the same edit, until `guidebuild serve` says the PDF is updated,
   against a one-off `guidebuild build --no-html` after the same edit on a built copy
   (target: at most 0.5x).

Each side has its own copy of the project, so one watcher never sees the other's edits;
runs alternate between the sides (benchmarks/common.py).
"""

from __future__ import annotations

import argparse
import http.client
import os
import queue
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_build import BIN, fresh_project, run
from common import Figure, idle_check, interleaved, timed

CHAPTER = "meeting"
LIMIT = 300.0
"""Seconds before a side is declared stuck."""


class Process:
    """A server process whose stderr lines are collected as they come."""

    def __init__(self, command: list[str], cwd: Path) -> None:
        self.popen = subprocess.Popen(
            command,
            cwd=cwd,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.popen.stderr is not None
        for line in self.popen.stderr:
            self.lines.put(line)

    def wait_for(self, pattern: str) -> re.Match[str]:
        deadline = time.monotonic() + LIMIT
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=1)
            except queue.Empty:
                if self.popen.poll() is not None:
                    break
                continue
            if match := re.search(pattern, line):
                return match
        raise SystemExit(f"{self.popen.args[0]} never printed {pattern!r}")

    def drain(self) -> None:
        while not self.lines.empty():
            self.lines.get_nowait()

    def stop(self) -> None:
        self.popen.terminate()
        try:
            self.popen.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.popen.kill()
            self.popen.wait()


@contextmanager
def running(command: list[str], cwd: Path) -> Iterator[Process]:
    process = Process(command, cwd)
    try:
        yield process
    finally:
        process.stop()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (loopback)
            return str(response.read().decode("utf-8", "replace"))
    except (OSError, http.client.HTTPException):
        # sphinx-autobuild serves the page while Sphinx rewrites it in place: a torn read
        # (IncompleteRead) is a page not yet there, like a refused connection.
        return ""


def wait_for_page(url: str, text: str) -> None:
    deadline = time.monotonic() + LIMIT
    while text not in fetch(url):
        if time.monotonic() > deadline:
            raise SystemExit(f"{url} never showed {text!r}")
        time.sleep(0.005)


def editor(project: Path) -> Callable[[], str]:
    """Append a new paragraph to the chapter; give its text."""
    count = [0]

    def apply() -> str:
        count[0] += 1
        text = f"Paragraph {count[0]} added by the benchmark at {time.time_ns()}."
        chapter = project / "guidance" / f"{CHAPTER}.rst"
        chapter.write_text(chapter.read_text(encoding="utf-8") + f"\n{text}\n", encoding="utf-8")
        return text

    return apply


def until_page(project: Path, url: str) -> Callable[[], float]:
    edit = editor(project)

    def once() -> float:
        time.sleep(0.5)  # let the watcher settle after the last run
        start = time.perf_counter()
        text = edit()
        wait_for_page(url, text)
        return time.perf_counter() - start

    return once


def serve_figure(work: Path, runs: int) -> Figure:
    ours, theirs = fresh_project(work), fresh_project(work)
    port = free_port()
    serve = [str(BIN / "guidebuild"), "serve", "--no-pdf", "--port", "0"]
    autobuild = [str(BIN / "sphinx-autobuild"), "-q", "-c", ".", "guidance", "_autobuild"]
    autobuild += ["--host", "127.0.0.1", "--port", str(port)]
    with running(serve, ours) as server, running(autobuild, theirs):
        url = server.wait_for(r"on (http://127\.0\.0\.1:\d+/)")[1]
        theirs_url = f"http://127.0.0.1:{port}/"
        wait_for_page(url + f"{CHAPTER}.html", "</html>")
        wait_for_page(theirs_url + f"{CHAPTER}.html", "</html>")
        return interleaved(
            "edit until the served page shows it",
            "<= 0.25",
            ("guidebuild serve --no-pdf", until_page(ours, url + f"{CHAPTER}.html")),
            ("sphinx-autobuild", until_page(theirs, theirs_url + f"{CHAPTER}.html")),
            runs,
        )


def pdf_figure(work: Path, runs: int) -> Figure:
    ours, theirs = fresh_project(work), fresh_project(work)
    run([str(BIN / "guidebuild"), "build", "-q"], theirs)
    one_off = [str(BIN / "guidebuild"), "build", "-q", "--no-html"]
    edit_ours, edit_theirs = editor(ours), editor(theirs)
    with running([str(BIN / "guidebuild"), "serve", "--port", "0"], ours) as server:
        server.wait_for(r"PDF updated")

        def ours_once() -> float:
            time.sleep(0.5)
            server.drain()
            start = time.perf_counter()
            edit_ours()
            server.wait_for(r"PDF updated")
            return time.perf_counter() - start

        def theirs_once() -> float:
            edit_theirs()
            return timed(lambda: run(one_off, theirs))

        return interleaved(
            "edit until the PDF is updated",
            "<= 0.5",
            ("guidebuild serve (warm PDF worker)", ours_once),
            ("guidebuild build --no-html after the edit", theirs_once),
            runs,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--require-idle", action="store_true", help="refuse on a busy machine")
    args = parser.parse_args()
    idle_check(require=args.require_idle)
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1102291200")
    work = Path(tempfile.mkdtemp(prefix="gb-bench-serve-"))
    try:
        print(serve_figure(work, args.runs).report(), flush=True)
        print(pdf_figure(work, args.runs).report(), flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
