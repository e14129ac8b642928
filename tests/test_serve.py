"""`guidebuild serve`: serves the site, rebuilds on an edit, tells the browser to reload."""

from __future__ import annotations

import re
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest


def read_until(stream: object, pattern: str, limit: float) -> re.Match[str]:
    """Read lines from a process's output until one matches (bounded in time)."""
    deadline = time.monotonic() + limit
    seen = []
    while time.monotonic() < deadline:
        line = stream.readline()  # type: ignore[attr-defined]
        if not line:
            time.sleep(0.05)
            continue
        seen.append(line)
        match = re.search(pattern, line)
        if match:
            return match
    raise AssertionError(f"no line matched {pattern!r}; saw:\n{''.join(seen)}")


@pytest.mark.slow
def test_serve_rebuilds_and_reloads(make_project) -> None:  # type: ignore[no-untyped-def]
    project: Path = make_project("tiny")
    server = subprocess.Popen(
        [sys.executable, "-m", "guidebuild", "serve", "--port", "0", "--no-pdf"],
        cwd=project,
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
    )
    try:
        url = read_until(server.stderr, r"on (http://127\.0\.0\.1:\d+/)", 60)[1]
        with urllib.request.urlopen(url + "second.html") as response:  # noqa: S310 (loopback)
            page = response.read().decode()
        assert "EventSource('/__guidebuild/events')" in page
        assert "An edit while serving." not in page

        events: list[str] = []
        stream = urllib.request.urlopen(url + "__guidebuild/events", timeout=60)  # noqa: S310
        assert stream.readline() == b": connected\n"

        def listen() -> None:
            for raw in stream:
                if raw.startswith(b"data:"):
                    events.append(raw.decode().strip())
                    return

        listener = threading.Thread(target=listen, daemon=True)
        listener.start()
        chapter = project / "guidance" / "second.rst"
        chapter.write_text(chapter.read_text() + "\nAn edit while serving.\n")
        listener.join(timeout=60)
        assert events == ["data: reload"]
        with urllib.request.urlopen(url + "second.html") as response:  # noqa: S310
            assert "An edit while serving." in response.read().decode()

        # A change that does not build keeps the last good site up.
        chapter.write_text(chapter.read_text() + "\nSee :rec:`nowhere`.\n")
        read_until(server.stderr, r"reference to unknown recommendation 'nowhere'", 60)
        with urllib.request.urlopen(url + "second.html") as response:  # noqa: S310
            assert "An edit while serving." in response.read().decode()
        stream.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
        assert server.stderr is not None
        server.stderr.close()


def test_serve_refuses_an_impossible_port(make_project) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import run_cli

    result = run_cli(make_project("tiny"), "serve", "--port", "70000")
    assert result.exit_code == 2
    assert "Invalid value for '--port'" in result.output
