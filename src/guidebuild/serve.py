"""``guidebuild serve``: the site on 127.0.0.1, rebuilt on every edit, reloaded in the browser.

Watching is watchfiles' (the watcher sphinx-autobuild uses); building is our own
incremental pipeline, so an edit redoes only what depends on it. The HTML is rebuilt in
this process and the browser told to reload as soon as it is published; the PDF is
rebuilt afterwards in a process of its own, into a folder of its own, so it never holds
up the HTML. The server listens on the loopback interface only.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from guidebuild.build.pipeline import BuildOptions, build_project
from guidebuild.errors import GuidebuildError
from guidebuild.progress import Progress
from guidebuild.project import load_settings

EVENTS = "/__guidebuild/events"
RELOAD_SCRIPT = (
    "<script>new EventSource('" + EVENTS + "').onmessage = () => location.reload();</script>"
).encode()
WATCHED = ("guidance", "templates", "checklists", "conf.py")


@dataclass
class Generation:
    """How many times the site has been published; the browser reloads when it grows."""

    number: int = 0
    changed: threading.Condition = field(default_factory=threading.Condition)

    def bump(self) -> None:
        with self.changed:
            self.number += 1
            self.changed.notify_all()

    def wait_past(self, seen: int, timeout: float) -> int:
        with self.changed:
            self.changed.wait_for(lambda: self.number > seen, timeout=timeout)
            return self.number


class Handler(http.server.SimpleHTTPRequestHandler):
    """Static files from the site, a reload script in every page, and the event stream."""

    generation: Generation

    def __init__(self, *args: Any, generation: Generation, **kwargs: Any) -> None:
        self.generation = generation
        super().__init__(*args, **kwargs)

    def log_message(self, format: str, *args: Any) -> None:
        pass  # one line per request would drown the build messages

    def do_GET(self) -> None:
        if self.path == EVENTS:
            self._events()
            return
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if path.suffix == ".html" and path.is_file():
            body = path.read_bytes().replace(b"</body>", RELOAD_SCRIPT + b"</body>", 1)
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)
            return
        super().do_GET()

    def _events(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        seen = self.generation.number
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.wfile.write(b": connected\n\n")
            self.wfile.flush()
            while True:
                now = self.generation.wait_past(seen, timeout=15)
                # A comment line keeps idle connections alive; data means "reload".
                self.wfile.write(b"data: reload\n\n" if now > seen else b": idle\n\n")
                self.wfile.flush()
                seen = now


class PdfRebuilder:
    """Rebuild the PDF in a separate process after the HTML; one at a time, the latest."""

    def __init__(self, root: Path, out: Path, progress: Progress) -> None:
        self.root, self.out, self.progress = root, out, progress
        self.process: subprocess.Popen[bytes] | None = None
        self.again = False
        self.lock = threading.Lock()

    def request(self) -> None:
        with self.lock:
            if self.process is not None and self.process.poll() is None:
                self.again = True  # build once more when this one ends
                return
            self._start()

    def _start(self) -> None:
        command = [sys.executable, "-m", "guidebuild", "build", "-q", "--no-html"]
        self.process = subprocess.Popen([*command, "--out", str(self.out)], cwd=self.root)
        threading.Thread(target=self._wait, args=(self.process,), daemon=True).start()

    def _wait(self, process: subprocess.Popen[bytes]) -> None:
        code = process.wait()
        pdf = next((self.out / "pdf").glob("*.pdf"), None)
        if code == 0 and pdf is not None:
            self.progress.say(f"PDF updated: {pdf}")
        with self.lock:
            if self.again:
                self.again = False
                self._start()

    def stop(self) -> None:
        with self.lock:
            self.again = False
            if self.process is not None and self.process.poll() is None:
                self.process.terminate()


def rebuild(root: Path, out: Path, progress: Progress, generation: Generation) -> bool:
    """Build the HTML; on success publish it and tell the browsers. False on failure."""
    try:
        result = build_project(root, BuildOptions(out=out, pdf=False, jobs=1), progress)
    except GuidebuildError as error:
        # Keep serving the last good site; the editor sees what to fix.
        progress.say(f"Error: {error}")
        return False
    for warning in result.warnings:
        progress.say(f"warning: {warning}")
    generation.bump()
    return True


@contextlib.contextmanager
def serving(site: Path, port: int, generation: Generation) -> Iterator[http.server.HTTPServer]:
    handler = functools.partial(Handler, directory=str(site), generation=generation)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def serve(
    root: Path,
    *,
    port: int,
    open_browser: bool,
    pdf: bool,
    progress: Progress,
    stop: threading.Event | None = None,
) -> None:
    """Build, serve and rebuild on changes until interrupted (or ``stop`` is set)."""
    import watchfiles

    load_settings(root)  # bad settings stop here, before anything is served
    out = root / "_build" / "serve"
    generation = Generation()
    pdfs = PdfRebuilder(root, root / "_build" / "serve-pdf", progress) if pdf else None
    rebuild(root, out, progress, generation)
    if pdfs:
        pdfs.request()
    (out / "html").mkdir(parents=True, exist_ok=True)
    with serving(out / "html", port, generation) as server:
        url = f"http://127.0.0.1:{server.server_address[1]}/"
        progress.say(f"Serving {root.name} on {url} (Ctrl+C to stop)")
        if open_browser:
            import webbrowser

            webbrowser.open(url)
        watched = [root / name for name in WATCHED if (root / name).exists()]
        try:
            for changes in watchfiles.watch(
                *watched, stop_event=stop, debounce=200, raise_interrupt=False
            ):
                names = sorted({Path(path).name for _, path in changes})
                progress.say(f"Changed: {', '.join(names)}")
                if rebuild(root, out, progress, generation) and pdfs:
                    pdfs.request()
        finally:
            if pdfs:
                pdfs.stop()
