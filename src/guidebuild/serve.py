"""``guidebuild serve``: the site on 127.0.0.1, rebuilt on every edit, reloaded in the browser.

The editing loop is kept warm:

- the Sphinx application and its environment stay in memory between edits, so an edit to
  a chapter re-reads that chapter (and what depends on it) only; an edit to conf.py, the
  templates or the framework starts a fresh application;
- only the files whose bytes changed are copied into the served folder, each by one
  rename, and the browser is told to reload only when something changed;
- the PDF is rendered by one long-lived worker process that has WeasyPrint imported and a
  warm Sphinx application of its own, started on each change beside the site's build;
  requests made while it renders are merged, so it is never more than one render
  behind, and the site never waits for it.

What is served and the PDF are byte for byte what ``guidebuild build --no-pdf`` and
``guidebuild build --no-html`` make of the same sources (tests/test_serve_warm.py).

The server listens on the loopback interface only, and answers only requests addressed
to it there (Host ``127.0.0.1``, ``localhost`` or ``[::1]`` with its port), so that a web
page elsewhere cannot read the drafts through DNS rebinding.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import json
import os
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from guidebuild.errors import BuildError, GuidebuildError
from guidebuild.progress import Progress
from guidebuild.project import Settings, Status, load_settings

EVENTS = "/__guidebuild/events"
RELOAD_SCRIPT = (
    "<script>new EventSource('" + EVENTS + "').onmessage = () => location.reload();</script>"
).encode()
WATCHED = ("guidance", "templates", "checklists", "conf.py")
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")
MAX_PATH = 1024
"""Longer request paths are refused (414): no page of a site is that deep."""
DEBOUNCE_MS = 1600
"""The longest a burst of changes is gathered for."""
STEP_MS = 10
"""The quiet time that ends a burst: an editor's save is a few events within a few ms. A
save that takes longer is built twice, the second time with all of it: never wrong."""
CATCH_UP_MS = 300
"""How soon after the watcher starts the files are looked at once for edits it missed."""


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


def allowed_host(host: str | None, port: int) -> bool:
    """True for a Host header naming this server on the loopback interface."""
    if not host:
        return False
    name, colon, given = host.strip().rpartition(":")
    if not colon or name.endswith(":"):  # no port, or a bare IPv6 address
        return False
    return name.lower() in LOOPBACK_NAMES and given == str(port)


class Handler(http.server.SimpleHTTPRequestHandler):
    """Static files from the site, a reload script in every page, and the event stream."""

    generation: Generation

    def __init__(self, *args: Any, generation: Generation, **kwargs: Any) -> None:
        self.generation = generation
        super().__init__(*args, **kwargs)

    def log_message(self, format: str, *args: Any) -> None:
        pass  # one line per request would drown the build messages

    def _refusal(self) -> tuple[int, str] | None:  # noqa: PLR0911 (one reason each)
        """Why this request is refused (status, reason), or None to serve it."""
        address: Any = self.server.server_address
        if not allowed_host(self.headers.get("Host"), int(address[1])):
            return 400, "Host must be 127.0.0.1, localhost or [::1] with this server's port"
        raw = urlsplit(self.path).path
        if len(raw) > MAX_PATH:
            return 414, "path too long"
        if "%2f" in raw.lower() or "%5c" in raw.lower() or "\\" in raw:
            return 400, "encoded slashes are not served"
        try:
            path = unquote(raw, errors="strict") if raw.isascii() else ""
        except UnicodeDecodeError:
            path = ""
        if not path.startswith("/"):
            return 400, "bad path"
        if any(ord(char) < 0x20 or ord(char) == 0x7F for char in path):
            return 400, "control characters in the path"
        if any(part in ("..", ".") for part in path.split("/")):
            return 400, "'..' is not served"
        if any(part.startswith(".") for part in path.split("/")):
            return 404, "not found"
        return None

    def _check(self) -> bool:
        refusal = self._refusal()
        if refusal is not None:
            self.send_error(*refusal)
            return False
        return True

    def do_HEAD(self) -> None:
        if self._check():
            super().do_HEAD()

    def do_GET(self) -> None:
        if not self._check():
            return
        if self.path == EVENTS:
            self._events()
            return
        try:
            path = Path(self.translate_path(self.path))
            if path.is_dir():
                path = path / "index.html"
            page = path.suffix == ".html" and path.is_file()
        except (OSError, ValueError):
            self.send_error(404, "not found")
            return
        if page:
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


# --- the site ---------------------------------------------------------------------------


def _draft(settings: Settings) -> bool:
    return settings.status != Status.FINAL


def _out_folder(settings: Settings, name: str, made: str) -> Path:
    """serve's own output folder in _build/, checked and claimed like --out."""
    from guidebuild.build.pipeline import source_paths
    from guidebuild.build.publish import check_out_folder, claim

    out = (settings.root / "_build" / name).resolve()
    check_out_folder(out, settings.root.resolve(), source_paths(settings))
    claim(out, [made])
    return out


class SiteBuilder:
    """The warm html build, and the served copy of its output."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.settings = load_settings(root)
        self.out = _out_folder(self.settings, "serve", "html")
        self.site = self.out / "html"
        if self.site.is_symlink():  # an output folder of an earlier serve
            self.site.unlink()
        self.site.mkdir(exist_ok=True)
        self.cache = self.out / ".cache"
        self.sphinx: Any = None
        self.checked: tuple[str, list[str]] = ("", [])
        """The last framework check: what it was made on, and its notes."""
        self.seen: dict[str, tuple[int, int]] = {}
        """Built files already compared with the served copy: (mtime_ns, size)."""

    def _warm(self) -> Any:
        from guidebuild.build.sphinx import WarmSphinx

        # The same settings as the html stage of `guidebuild build --no-pdf`.
        return WarmSphinx(
            srcdir=self.settings.source_dir,
            confdir=self.settings.root,
            outdir=self.cache / "html",
            doctreedir=self.cache / "doctrees" / "html",
            builder="html",
            overrides={"guidebuild_draft": _draft(self.settings), "guidebuild_pdf_href": ""},
        )

    def build(self, changed: Iterable[Path] = ()) -> tuple[int, list[str]]:
        """Build and publish what changed: (files published, warnings). BuildError if broken."""
        from guidebuild.build.pipeline import MANIFEST_NAME, check_encoding, check_frameworks

        fresh = self.sphinx is None or any(
            not path.resolve().is_relative_to(self.settings.source_dir.resolve())
            for path in changed
        )
        if fresh:
            self.settings = load_settings(self.root)
            if self.sphinx is not None:
                self.sphinx.close()
            self.sphinx = self._warm()
        check_encoding(self.settings.source_dir)
        run = self.sphinx.build(fresh=fresh)
        if run.errors:
            self.seen.clear()  # the cache was wiped: compare everything next time
            raise BuildError("the guidance does not build", tuple(run.errors))
        built = self.cache / "html"
        text = (built / MANIFEST_NAME).read_text(encoding="utf-8")
        # The framework check only again when the recommendations or a framework changed
        # (an edit outside guidance/, such as checklists/, always makes ``fresh``).
        # Its notes are said when they may have changed, not again after every edit.
        notes: list[str] = []
        if fresh or text != self.checked[0]:
            self.checked = (text, check_frameworks(self.settings, json.loads(text)))
            notes = self.checked[1]
        return self._publish(built), [str(w) for w in run.warnings] + notes

    def _publish(self, built: Path) -> int:
        """Copy into the served folder each file whose bytes changed; remove the gone."""
        from guidebuild.build.pipeline import DOWNLOADS, finish_page

        count = 0
        present: set[str] = set()
        for folder, dirs, names in os.walk(built):
            dirs[:] = [d for d in dirs if d != ".doctrees"]
            for name in names:
                if name == ".buildinfo":
                    continue
                source = Path(folder) / name
                relative = str(source.relative_to(built))
                present.add(relative)
                stat = source.stat()
                stamp = (stat.st_mtime_ns, stat.st_size)
                if self.seen.get(relative) == stamp:
                    continue
                self.seen[relative] = stamp
                data = source.read_bytes()
                if source.suffix == ".html":
                    data = finish_page(data, self.site / DOWNLOADS)
                target = self.site / relative
                with contextlib.suppress(OSError):
                    if target.read_bytes() == data:
                        continue
                target.parent.mkdir(parents=True, exist_ok=True)
                temp = target.with_name(f".{target.name}.tmp")
                temp.write_bytes(data)
                temp.replace(target)
                count += 1
        for folder, _dirs, names in os.walk(self.site, topdown=False):
            for name in names:
                path = Path(folder) / name
                if str(path.relative_to(self.site)) not in present:
                    path.unlink()
                    count += 1
            if Path(folder) != self.site and not any(Path(folder).iterdir()):
                Path(folder).rmdir()
        for gone in set(self.seen) - present:
            del self.seen[gone]
        return count

    def close(self) -> None:
        if self.sphinx is not None:
            self.sphinx.close()


# --- the PDF ----------------------------------------------------------------------------


def pdf_worker(root: str, connection: Any) -> None:
    """The PDF worker process: WeasyPrint imported once, a warm singlehtml build."""
    import weasyprint  # noqa: F401 (imported now, not at the first edit)

    from guidebuild.build.pipeline import epoch_of, pdf_overrides, referring_sources
    from guidebuild.build.sphinx import WarmSphinx
    from guidebuild.pdf import write_pdf

    settings = load_settings(Path(root))
    out = _out_folder(settings, "serve-pdf", "pdf")
    cache = out / ".cache"
    sphinx: WarmSphinx | None = None
    while True:
        try:
            fresh = connection.recv()
        except EOFError:
            return
        # Requests that came in while rendering: one render of the newest sources.
        merged = 1
        while fresh is not None and connection.poll():
            more = connection.recv()
            merged += 1
            fresh = None if more is None else (more or fresh)
        if fresh is None:
            return
        try:
            if fresh or sphinx is None:
                settings = load_settings(Path(root))
                if sphinx is not None:
                    sphinx.close()
                sphinx = WarmSphinx(
                    srcdir=settings.source_dir,
                    confdir=settings.root,
                    outdir=cache / "singlehtml",
                    doctreedir=cache / "doctrees" / "singlehtml",
                    builder="singlehtml",
                    overrides=pdf_overrides({"guidebuild_draft": _draft(settings)}),
                )
            run = sphinx.build(fresh=bool(fresh))
            if run.errors:
                raise BuildError("the guidance does not build", tuple(run.errors))
            target = out / "pdf" / settings.pdf_filename
            target.parent.mkdir(exist_ok=True)
            temp = out / ".cache" / settings.pdf_filename
            result = write_pdf(
                cache / "singlehtml" / "index.html",
                temp,
                allowed_roots=(settings.root, out),
                sources=referring_sources(settings),
                epoch=epoch_of(settings),
            )
            temp.replace(target)
            answer = ("ok", str(target), result.pages, merged)
        except GuidebuildError as error:
            answer = ("error", str(error), 0, merged)
        try:
            connection.send(answer)
        except OSError:  # serve has gone
            return


class PdfWorker:
    """The serve side of the PDF worker: send requests, report what it made."""

    def __init__(self, root: Path, progress: Progress) -> None:
        import multiprocessing

        self.progress = progress
        # spawn: a clean interpreter, not a fork of one running server threads.
        context = multiprocessing.get_context("spawn")
        self.connection, child = context.Pipe()
        self.process = context.Process(
            target=pdf_worker, args=(str(root), child), daemon=True, name="guidebuild-pdf"
        )
        self.process.start()
        child.close()
        self.done = threading.Condition()
        self.renders = 0
        """Renders finished (or failed)."""
        self.sent = self.answered = 0
        """Requests sent, and those a finished render has answered."""
        threading.Thread(target=self._listen, daemon=True).start()

    def request(self, *, fresh: bool = False) -> None:
        with self.done:
            self.sent += 1
        with contextlib.suppress(OSError):
            self.connection.send(fresh)

    def _listen(self) -> None:
        while True:
            try:
                status, text, pages, merged = self.connection.recv()
            except (EOFError, OSError):
                return
            if status == "ok":
                self.progress.say(f"PDF updated: {text} ({pages} pages)")
            else:
                self.progress.say(f"PDF not updated: {text}")
            with self.done:
                self.renders += 1
                self.answered += merged
                self.done.notify_all()

    def stop(self) -> None:
        with contextlib.suppress(OSError):
            self.connection.send(None)
        self.process.join(timeout=5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()


# --- the loop ---------------------------------------------------------------------------


def rebuild(
    builder: SiteBuilder, progress: Progress, generation: Generation, changed: Iterable[Path] = ()
) -> bool:
    """Build the HTML; on success publish what changed and tell the browsers."""
    try:
        count, warnings = builder.build(changed)
    except GuidebuildError as error:
        # Keep serving the last good site; the editor sees what to fix.
        progress.say(f"Error: {error}")
        return False
    for warning in warnings:
        progress.say(f"warning: {warning}")
    if count:
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


def contents(paths: Iterable[Path]) -> dict[Path, bytes]:
    """Each file below ``paths``, and the digest of its bytes.

    Only regular files are read, through the reader that never opens a FIFO or device
    (also one swapped in after the look). A link is known by where it points, never
    followed: one out of the project is not read here (the build refuses it).
    """
    import hashlib
    import stat

    from guidebuild.yamlsafe import read_if_regular

    found = {}
    for path in paths:
        for file in (path, *path.rglob("*")) if path.is_dir() else (path,):
            with contextlib.suppress(OSError):
                if stat.S_ISLNK(file.lstat().st_mode):
                    found[file] = b"link:" + os.fsencode(file.readlink())
                elif (data := read_if_regular(str(file), max_bytes=-1)) is not None:
                    found[file] = hashlib.sha256(data).digest()
    return found


def changed_files(paths: Iterable[Path], before: dict[Path, bytes]) -> list[Path]:
    """The files below ``paths`` added, edited or removed since ``before`` (:func:`contents`).

    By their bytes, not their times: a time may lag a save by a clock tick, and a project
    copied or checked out just before serve starts is all new by its times but unchanged.
    """
    now = contents(paths)
    return sorted(path for path in now.keys() | before.keys() if now.get(path) != before.get(path))


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

    builder = SiteBuilder(root)  # bad settings or a refused folder stop here
    pdfs = PdfWorker(root, progress) if pdf else None
    generation = Generation()
    try:
        if pdfs:
            pdfs.request(fresh=True)
        watched = [root / name for name in WATCHED if (root / name).exists()]
        # What the first build will read: the watcher, which starts after it, is shown
        # any edit made since then by comparing with this.
        before_first_build = contents(watched)
        rebuild(builder, progress, generation)
        with serving(builder.site, port, generation) as server:
            url = f"http://127.0.0.1:{server.server_address[1]}/"
            progress.say(f"Serving {root.name} on {url} (Ctrl+C to stop)")
            if open_browser:
                import webbrowser

                webbrowser.open(url)
            caught_up = False
            for changes in watchfiles.watch(
                *watched,
                stop_event=stop,
                debounce=DEBOUNCE_MS,
                step=STEP_MS,
                rust_timeout=CATCH_UP_MS,
                yield_on_timeout=True,
                raise_interrupt=False,
            ):
                paths = sorted({Path(path) for _, path in changes})
                if not paths and not caught_up:
                    # The watcher sees only what happens after it starts: an edit saved
                    # during the first build, or just as the address was printed, would
                    # otherwise wait for the next one.
                    caught_up = True
                    paths = changed_files(watched, before_first_build)
                if not paths:
                    continue
                progress.say(f"Changed: {', '.join(sorted({p.name for p in paths}))}")
                if pdfs:
                    # At once, not after the site: the worker is a process of its own, on
                    # a core of its own, and reports a change that does not build itself.
                    fresh = any(
                        not p.resolve().is_relative_to(builder.settings.source_dir.resolve())
                        for p in paths
                    )
                    pdfs.request(fresh=fresh)
                rebuild(builder, progress, generation, paths)
    finally:
        if pdfs:
            pdfs.stop()
        builder.close()
