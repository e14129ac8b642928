"""The build's one choke point: every file it opens, every folder it lists, no network.

Sphinx, docutils and WeasyPrint open files by many routes (directives, roles, image
globs, templates, theme files, ``<`` ``>`` includes joined onto docutils' own folder,
``:download:``, SVG and CSS references...). Guarding each route would leave the next one
open, so the build runs under a Python audit hook instead (:pep:`578`): the interpreter
calls it on every ``open``, directory listing and socket operation, whoever asks.

While a build is *armed* (:func:`armed`, for the context that armed it only, so other
threads such as ``serve``'s HTTP server are untouched), a path is allowed only if, with
every symbolic link resolved, it lies inside an allowed root (the project, the build
folder, the Python installation, guidebuild's own package) and is a regular file or a
folder: never a device, FIFO or socket. No connection is made and no name is looked up.
A refusal raises :class:`SandboxRefusal` (a ``PermissionError``, so the code that asked
handles it as it would any unreadable file) and is recorded with the source file and
line that asked for it; the build then fails listing every refusal, whatever the code
that asked did with the error.

An audit hook cannot be removed, so it is installed once and does nothing unless armed.
``conf.py`` is code, as it is for Sphinx, and could disarm it: the hook protects against
hostile *sources*, not a hostile configuration (see the README).
"""

from __future__ import annotations

import contextlib
import contextvars
import os
import re
import shutil
import stat
import sys
import sysconfig
import tempfile
import threading
import types
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from guidebuild.errors import BuildError, Problem

_NETWORK_EVENTS = frozenset(
    {
        "socket.connect",
        "socket.getaddrinfo",
        "socket.gethostbyname",
        "socket.gethostbyaddr",
        "socket.sendto",
        "socket.sendmsg",
        "urllib.Request",
        "http.client.connect",
        "ftplib.connect",
        "smtplib.connect",
    }
)
_PROGRAM_EVENTS = frozenset(
    {"subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.fork"}
)
_LIST_EVENTS = frozenset({"os.listdir", "os.scandir", "glob.glob"})
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC


class SandboxRefusal(PermissionError):  # noqa: N818 (reads as what it is: a refusal)
    """A path or connection the build may not use."""


@dataclass
class _Policy:
    roots: tuple[str, ...]
    """The project and build folders, resolved, each with a trailing separator."""
    python: tuple[str, ...]
    """The Python installation's folders, the same way."""
    refusals: list[Problem] = field(default_factory=list)
    busy: bool = False
    """True while the hook itself runs: what it does is not checked again."""
    done: bool = False
    """Set when the build that armed it ends (a thread it started may live on)."""


_ACTIVE: contextvars.ContextVar[_Policy | None] = contextvars.ContextVar(
    "guidebuild_sandbox", default=None
)
_INSTALLED = False
_THREAD_POLICY = "_guidebuild_sandbox"
"""The attribute that carries the policy to a thread started while armed."""


def python_roots() -> tuple[Path, ...]:
    """Where Python and the installed packages live: the build may read (import) these."""
    import site

    found: list[str] = [sys.prefix, sys.exec_prefix]
    paths = sysconfig.get_paths()
    found += [paths[k] for k in ("stdlib", "platstdlib", "purelib", "platlib") if k in paths]
    found += site.getsitepackages()
    with contextlib.suppress(AttributeError):
        found.append(site.getusersitepackages())
    # Folders on the import path (an editable install's src/, Debian's dist-packages).
    found += [entry for entry in sys.path if entry and Path(entry).is_absolute()]
    found.append(str(Path(__file__).resolve().parent))  # guidebuild's own resources
    roots = {Path(p).resolve() for p in found if Path(p).is_dir()}
    # Never the whole file system, nor a whole home folder that happens to be on sys.path.
    return tuple(sorted(r for r in roots if len(r.parts) > 2))


def _as_text(path: Any) -> str | None:
    if isinstance(path, int):
        return None  # an already open descriptor: it was checked when it was opened
    try:
        text = os.fsdecode(os.fspath(path))
    except TypeError:
        return None
    return text


def _is_inside(resolved: str, roots: tuple[str, ...]) -> bool:
    candidate = resolved + os.sep
    return any(candidate.startswith(root) for root in roots)


def check_path(
    path: str, roots: tuple[str, ...], python: tuple[str, ...] = (), *, write: bool = False
) -> str | None:
    """Why ``path`` may not be used, or None if it may."""
    resolved = os.path.realpath(path)
    installed = _is_inside(resolved, python)
    inside = installed or _is_inside(resolved, roots)
    try:
        # os, not pathlib, in the hook: it runs on every file the build opens.
        info = os.stat(resolved)  # noqa: PTH116
    except OSError:
        # Nothing there to read (Python probes many such paths while importing); but
        # nothing may be created outside either.
        return "outside the project" if write and not inside else None
    if not inside:
        return "outside the project"
    if not (stat.S_ISREG(info.st_mode) or stat.S_ISDIR(info.st_mode)):
        return "not a regular file (a device, FIFO or socket)"
    if not installed and stat.S_ISREG(info.st_mode) and info.st_nlink > 1:
        # A hard link: the same file has another name, perhaps outside the project.
        return "a hard link (the file has other names, perhaps outside the project)"
    return None


def _hook(event: str, args: tuple[Any, ...]) -> None:
    policy = _ACTIVE.get()
    if policy is None:
        # A thread started by the build (intersphinx fetches in a pool) is confined too.
        policy = getattr(threading.current_thread(), _THREAD_POLICY, None)
    if policy is None or policy.busy or policy.done:
        return
    policy.busy = True
    try:
        _check_event(policy, event, args)
    finally:
        policy.busy = False


def _check_event(policy: _Policy, event: str, args: tuple[Any, ...]) -> None:
    if event == "open":
        path = _as_text(args[0])
        if path is not None:
            _check_file(policy, path, write=_writes(args))
    elif event in _LIST_EVENTS:
        raw = args[0] if args and args[0] is not None else "."
        path = _as_text(raw)
        if path is not None and event == "glob.glob":
            # The pattern's fixed part; each folder it lists is checked as it is listed.
            path = os.path.dirname(path.split("*")[0].split("?")[0].split("[")[0]) or "."  # noqa: PTH120
        if path is not None:
            _check_file(policy, path, write=False)
    elif event in _NETWORK_EVENTS:
        what = _network_target(event, args)
        if not (event == "urllib.Request" and what.lower().startswith(("file:", "data:"))):
            _refuse(policy, what, "the build never uses the network", verb="connect to")
        # else: no network; the file it names is checked when it is opened
    elif event in _PROGRAM_EVENTS:
        _refuse(policy, f"{args[0]!r}", "the build never runs programs", verb="run")


def _check_file(policy: _Policy, path: str, *, write: bool) -> None:
    reason = check_path(path, policy.roots, policy.python, write=write)
    if reason is not None:
        resolved = os.path.realpath(path)
        what = path if resolved == os.path.normpath(path) else f"{path} (that is, {resolved})"
        _refuse(policy, what, reason)


def _writes(args: tuple[Any, ...]) -> bool:
    mode = args[1] if len(args) > 1 else None
    flags = args[2] if len(args) > 2 else 0
    if isinstance(mode, str) and any(c in mode for c in "wax+"):
        return True
    return isinstance(flags, int) and bool(flags & _WRITE_FLAGS)


def _network_target(event: str, args: tuple[Any, ...]) -> str:
    if event == "urllib.Request" and args:
        return str(args[0])
    if event in {"socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyaddr"} and args:
        port = f" port {args[1]}" if len(args) > 1 and args[1] is not None else ""
        return f"{args[0]!s}{port} (looking up its address)"
    if event.startswith("socket.") and len(args) > 1:
        return f"the network address {args[1]!r}"
    return f"the network ({event})"


def _refuse(policy: _Policy, what: str, reason: str, *, verb: str = "read") -> None:
    message = f"guidebuild refuses to {verb} {what}: {reason}"
    problem = locate(message)
    if problem not in policy.refusals:
        policy.refusals.append(problem)
    raise SandboxRefusal(message)


def locate(message: str) -> Problem:
    """A problem at the source and line that is being worked on, found on the call stack.

    docutils directives and roles know their line (``self.lineno``, ``lineno``), and
    Sphinx's collectors and writers hold the node they are working on; the innermost
    of these names the place. Failing those, the document being read or written.
    """
    frame: types.FrameType | None = sys._getframe(1)
    docname: str | None = None
    while frame is not None:
        local = frame.f_locals
        found = _frame_place(local)
        if found is not None:
            source, line = found
            return Problem(source, message, line)
        name = local.get("docname")
        if docname is None and isinstance(name, str):
            docname = name
        frame = frame.f_back
    return Problem(f"document {docname}" if docname else "the build", message)


def _frame_place(local: dict[str, Any]) -> tuple[str, int | None] | None:
    owner: Any = local.get("self")
    with contextlib.suppress(Exception):
        if hasattr(owner, "get_source_info"):  # Sphinx's directives and roles
            source, line = owner.get_source_info()
            if source:
                return str(source), line
        machine = getattr(owner, "state_machine", None)
        if machine is not None:  # docutils' directives
            source, line = machine.get_source_and_line(owner.lineno)
            if source:
                return str(source), line
        inliner: Any = local.get("inliner")
        if inliner is not None and isinstance(local.get("lineno"), int):  # docutils' roles
            source, line = inliner.reporter.get_source_and_line(local["lineno"])
            if source:
                return str(source), line
    for key in ("node", "image", "imgnode"):
        node = local.get(key)
        source = getattr(node, "source", None)
        line = getattr(node, "line", None)
        if isinstance(source, str) and source and hasattr(node, "children"):
            return source, line if isinstance(line, int) else None
    return None


def install() -> None:
    """Add the audit hook, once per process (a hook cannot be removed)."""
    global _INSTALLED  # noqa: PLW0603 - one hook per interpreter, by design
    if not _INSTALLED:
        sys.addaudithook(_hook)
        # Python 3.11 raises no audit event when a thread starts: a thread started while
        # armed (intersphinx fetches in a pool) is given the policy here instead.
        start = threading.Thread.start

        def start_confined(thread: threading.Thread) -> None:
            policy = _ACTIVE.get() or getattr(threading.current_thread(), _THREAD_POLICY, None)
            if policy is not None:
                setattr(thread, _THREAD_POLICY, policy)
            start(thread)

        threading.Thread.start = start_confined  # type: ignore[method-assign,assignment]
        _INSTALLED = True


def _warm_up() -> None:
    """Read, before arming, the system files libraries read once and keep."""
    import gc
    import mimetypes

    mimetypes.init()
    # A WeasyPrint FontConfiguration left over from an earlier render (the checklist form's
    # fonts) deletes its folder in /tmp when it is collected: collected inside the sandbox,
    # that deletion was refused and failed a build at random. Collect it before arming;
    # with no WeasyPrint loaded there is none, and a full collection of Sphinx's heap
    # would cost an editing loop tens of milliseconds on every build.
    if "weasyprint.text.fonts" in sys.modules:
        gc.collect()


@contextlib.contextmanager
def armed(*roots: Path, what: str = "the build") -> Iterator[list[Problem]]:
    """Confine the current context to ``roots`` and the Python installation.

    Yields the list of refusals; on leaving, any refusal fails the build with a
    :class:`BuildError` listing them, whatever became of the error inside.
    """
    install()
    _warm_up()
    # Libraries write scratch files of their own (WeasyPrint puts @font-face fonts in a
    # mkdtemp folder, then fontconfig reads them back). They go to a private folder made
    # here, fresh and 0700, so nothing placed in the shared temp folder can be read.
    scratch = tempfile.mkdtemp(prefix="guidebuild-")
    previous_tempdir = tempfile.tempdir
    tempfile.tempdir = scratch
    policy = _Policy(_prefixes((*roots, Path(scratch))), _prefixes(python_roots()))
    outer = _ACTIVE.get()
    token = _ACTIVE.set(policy)
    try:
        yield policy.refusals
    except BaseException:
        if policy.refusals:
            raise _refused(policy.refusals, what) from None
        raise
    finally:
        policy.done = True
        _ACTIVE.reset(token)
        tempfile.tempdir = previous_tempdir
        shutil.rmtree(scratch, ignore_errors=True)
        if outer is not None:
            outer.refusals.extend(p for p in policy.refusals if p not in outer.refusals)
    if policy.refusals:
        raise _refused(policy.refusals, what)


def _prefixes(roots: tuple[Path, ...]) -> tuple[str, ...]:
    resolved = {os.path.realpath(root) for root in roots}
    return tuple(sorted(root.rstrip(os.sep) + os.sep for root in resolved))


def _refused(refusals: list[Problem], what: str) -> BuildError:
    return BuildError(
        f"{what} asks for files outside the project or on the network, which guidebuild "
        "never reads",
        tuple(refusals),
    )


def is_armed() -> bool:
    return _ACTIVE.get() is not None


# -- before and after the build ------------------------------------------------------------


def check_sources(root: Path, source_dir: Path) -> None:
    """Refuse sources that are links out of the project, or not regular files at all."""
    base = Path(os.path.realpath(root))
    problems: list[Problem] = []
    for folder, dirs, files in os.walk(source_dir, followlinks=False):
        for name in sorted(dirs + files):
            path = Path(folder) / name
            problem = _source_problem(path, base)
            if problem:
                problems.append(Problem(path, problem))
        # Do not descend into linked folders: what they point at was checked above.
        dirs[:] = [d for d in dirs if not (Path(folder) / d).is_symlink()]
    if problems:
        raise BuildError(
            "the guidance holds files guidebuild will not read", tuple(sorted(problems, key=str))
        )


def _source_problem(path: Path, base: Path) -> str | None:
    try:
        mode = path.lstat().st_mode
    except OSError as error:
        return f"cannot be read: {error.strerror or error}"
    if stat.S_ISLNK(mode):
        target = Path(os.path.realpath(path))
        if not target.is_relative_to(base):
            return f"is a symbolic link to {target}, outside the project"
        try:
            mode = target.stat().st_mode
        except OSError:
            return "is a symbolic link to nothing"
    if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
        return "is not a regular file (a device, FIFO or socket)"
    if stat.S_ISREG(mode) and path.stat().st_nlink > 1:
        return "is a hard link (the file has other names, perhaps outside the project): copy it"
    return None


def check_output(folder: Path) -> None:
    """Refuse a staged output holding anything the build did not write itself.

    Everything guidebuild writes is a fresh regular file or folder; a symbolic link, a
    hard link (a file with more than one name) or a special file can only have come from
    elsewhere and might expose it.
    """
    problems: list[Problem] = []
    for current, dirs, files in os.walk(folder, followlinks=False):
        for name in dirs + files:
            path = Path(current) / name
            info = path.lstat()
            if stat.S_ISLNK(info.st_mode):
                problems.append(Problem(path, f"is a symbolic link to {path.readlink()}"))
            elif stat.S_ISREG(info.st_mode):
                if info.st_nlink > 1:
                    problems.append(Problem(path, "is a hard link to a file elsewhere"))
            elif not stat.S_ISDIR(info.st_mode):
                problems.append(Problem(path, "is not a regular file"))
    if problems:
        raise BuildError(
            "the output holds files that did not come from inside the project; nothing "
            "was published",
            tuple(sorted(problems, key=str)),
        )


# -- what a published site asks a reader's browser to fetch --------------------------------

_RESOURCE_ATTRS = {
    "img": ("src", "srcset"),
    "script": ("src",),
    "iframe": ("src",),
    "frame": ("src",),
    "embed": ("src",),
    "object": ("data",),
    "audio": ("src",),
    "video": ("src", "poster"),
    "source": ("src", "srcset"),
    "track": ("src",),
    "input": ("src",),
    "image": ("href", "xlink:href"),
    "use": ("href", "xlink:href"),
    "feimage": ("href", "xlink:href"),
}
_LINK_RESOURCES = {"stylesheet", "icon", "preload", "prefetch", "modulepreload", "manifest"}
_CSS_URL = re.compile(r"""(?:url\(\s*['"]?|@import\s+['"])([^'")\s]+)""", re.IGNORECASE)


def _remote(url: str) -> bool:
    url = url.strip()
    if url.startswith("//"):
        return True
    scheme = re.match(r"^([a-zA-Z][a-zA-Z0-9+.-]*):", url)
    return scheme is not None and scheme[1].lower() != "data"


class _ResourceFinder(HTMLParser):
    """The URLs of resources (not links) a page makes the browser fetch, with lines."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, str]] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line = self.getpos()[0]
        values = {name: value or "" for name, value in attrs}
        names = _RESOURCE_ATTRS.get(tag, ())
        if tag == "link" and _LINK_RESOURCES & set(values.get("rel", "").lower().split()):
            names = ("href",)
        for name in names:
            value = values.get(name, "")
            urls = [part.split()[0] for part in value.split(",") if part.strip()]
            if "srcset" not in name:
                urls = [value]
            self.found.extend((line, url) for url in urls if _remote(url))
        if "style" in values:
            self._css(values["style"], line)
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self._css(data, self.getpos()[0])

    def _css(self, text: str, line: int) -> None:
        for match in _CSS_URL.finditer(text):
            if _remote(match[1]):
                self.found.append((line + text.count("\n", 0, match.start()), match[1]))


def remote_resources(
    site: Path, known_clean: Callable[[Path], bool] | None = None
) -> list[tuple[Path, int, str]]:
    """Every resource a page or stylesheet of ``site`` would fetch from elsewhere.

    ``known_clean``: files already found to ask for nothing (the build's record of
    unchanged pages), which are not read again.
    """
    found: list[tuple[Path, int, str]] = []
    for path in sorted(site.rglob("*")):
        if path.suffix not in {".html", ".css", ".svg"} or not path.is_file():
            continue
        if known_clean is not None and known_clean(path):
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        if path.suffix == ".css":
            finder = _ResourceFinder()
            finder._css(text, 1)
        else:
            finder = _ResourceFinder()
            finder.feed(text)
            finder.close()
        found.extend((path, line, url) for line, url in finder.found)
    return found
