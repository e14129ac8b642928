"""Drive Sphinx as a library: the one place where a Sphinx application is made.

Modelled on ``sphinx.cmd.build.build_main``. Warnings are collected rather than printed
raw, so the caller can report them with file and line and decide what fails the build.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from guidebuild.errors import BuildError, Problem

if TYPE_CHECKING:
    from sphinx.application import Sphinx

# "path:line: WARNING: message [type.subtype]" or "path: ERROR: message"
_LOG_LINE = re.compile(
    r"^(?:(?P<path>.*?):(?:(?P<line>\d+):)? )?(?P<level>WARNING|ERROR|CRITICAL|SEVERE): "
    r"(?P<message>.*)$"
)


_SGR = re.compile(r"\x1b\[[0-9;]*m")


@dataclass
class SphinxRun:
    """What one Sphinx build said."""

    app: Sphinx
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)


def _parse_log(text: str) -> tuple[list[Problem], list[Problem]]:
    errors: list[Problem] = []
    warnings: list[Problem] = []
    current: Problem | None = None
    # Sphinx colours its warnings (SGR codes); the problems are reported in our words.
    for raw in _SGR.sub("", text).splitlines():
        match = _LOG_LINE.match(raw)
        if match is None:
            # Continuation lines (docutils quotes the offending source) belong to the last.
            if current is not None and raw.strip():
                target = errors if errors and errors[-1] is current else warnings
                target[-1] = current = Problem(
                    current.path, f"{current.message}\n    {raw.strip()}", current.line
                )
            continue
        line = int(match["line"]) if match["line"] else None
        current = Problem(match["path"] or "sphinx", match["message"], line)
        (warnings if match["level"] == "WARNING" else errors).append(current)
    return errors, warnings


_STEMS: dict[str, dict[str, str]] = {}
"""Stems of words by search language, for the life of the process."""


def _clean_index_builder() -> type:
    """Sphinx's search indexer, made to give after edits what a clean build gives.

    Sphinx 9 updates searchindex.js incrementally, and in doing so keeps every word that
    has gone from the edited pages (with no pages) and loses the index entries of the
    pages it did not rebuild. Its own output then differs from a clean build's, and the
    search shows words that are no longer there.
    """
    from sphinx.search import IndexBuilder

    if getattr(IndexBuilder, "guidebuild_clean", False):
        return IndexBuilder

    class CleanIndexBuilder(IndexBuilder):
        guidebuild_clean = True

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            # Stemming is most of indexing, and Sphinx remembers stems for one page only:
            # remembered for the process, a warm edit and the pages of one build share them.
            stem, key = self.lang.stem, f"{type(self.lang).__qualname__}:{self.lang.lang}"
            stems = _STEMS.setdefault(key, {})

            def cached(word: str) -> str:
                found = stems.get(word)
                if found is None:
                    found = stems[word] = stem(word)
                return found

            self.lang.stem = cached  # type: ignore[method-assign]

        def load(self, stream: Any, format: Any) -> None:
            if isinstance(format, str):
                format = self.formats[format]
            data = stream.read()
            super().load(io.StringIO(data) if isinstance(data, str) else io.BytesIO(data), format)
            frozen = format.loads(data)
            names = frozen["docnames"]
            entries: dict[str, list[tuple[str, str, str]]] = {}
            for entry, places in frozen.get("indexentries", {}).items():
                for doc, target, main in places:
                    entries.setdefault(names[doc], []).append(
                        (entry, target, "main" if main else "")
                    )
            self._index_entries = {name: sorted(found) for name, found in entries.items()}

        def prune(self, docnames: Any) -> None:
            keep = set(docnames)
            super().prune(keep)
            for mapping in (self._mapping, self._title_mapping):
                for word in [word for word, pages in mapping.items() if not pages]:
                    del mapping[word]
            self._index_entries = {
                name: found for name, found in self._index_entries.items() if name in keep
            }

        def freeze(self) -> dict[str, Any]:
            self._index_entries = dict(sorted(self._index_entries.items()))
            return super().freeze()

    return CleanIndexBuilder


ASSETS_RECORD = "guidebuild-assets.sha256"
"""In the doctree folder: a digest of the theme, templates and static files last built with."""


def _assets_digest(app: Sphinx) -> str:
    from guidebuild.build.fingerprint import digest_files

    folders = (
        [Path(path) for path in app.builder.theme.get_theme_dirs()]
        if hasattr(app.builder, "theme")
        else []
    )
    for name in ("html_static_path", "templates_path", "html_extra_path"):
        folders.extend(Path(app.confdir, path) for path in getattr(app.config, name, ()) or ())
    return digest_files(folders, Path("/"), {})


def build_app(app: Sphinx, doctreedir: Path, *, static_copied: str = "") -> str:
    """``app.build()``, writing every page again when the theme or templates changed.

    Sphinx rewrites only the pages whose sources changed, but every page links its
    stylesheets with a checksum (``?v=``) and is made from the templates: after a theme
    edit the untouched pages would keep the old ones, unlike a clean build's.

    Gives the digest of the assets built with. ``static_copied``: the digest with which
    this same application last copied the static files; Sphinx copies (and renders) them
    on every build, which an application kept warm, whose settings cannot change, need
    not do while the assets are the same.
    """
    from sphinx.builders.html import _assets

    # Sphinx caches each asset's checksum for the life of the process, by path: a process
    # that builds more than once (serve, tests) would link an edited stylesheet with the
    # checksum of its first version.
    checksum = getattr(_assets, "_file_checksum_inner", None)
    if checksum is not None and hasattr(checksum, "cache_clear"):
        checksum.cache_clear()
    # Sphinx also keeps every doctree it has loaded, by name, for the life of its
    # environment, and does not forget one it reads again: an application kept warm would
    # assemble the single page (and our search texts and citation labels) from the
    # doctrees before the edit. Emptied, as sphinx.testing does between builds.
    getattr(app.env, "_pickled_doctree_cache", {}).clear()
    record = doctreedir / ASSETS_RECORD
    digest = _assets_digest(app)
    try:
        changed = record.read_text(encoding="ascii") != digest
    except OSError:
        changed = True
    again = changed or static_copied != digest
    if not again:
        setattr(app.builder, "copy_static_files", _nothing)  # noqa: B010 (shadows a method)
    try:
        app.build(force_all=changed)
    finally:
        if not again:
            delattr(app.builder, "copy_static_files")
    record.parent.mkdir(parents=True, exist_ok=True)
    record.write_text(digest, encoding="ascii")
    return digest


def _nothing() -> None:
    pass


def _digest(path: Path, *, text: bool = False) -> str:
    import hashlib

    try:
        data = path.read_bytes()
        if text:  # as Sphinx reads a source: decoded, universal newlines
            data = data.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n").encode()
        return hashlib.sha256(data).hexdigest()
    except (OSError, UnicodeDecodeError):
        return ""


def watch_contents(app: Sphinx) -> None:
    """Re-read a document whenever its text or a file it depends on has changed.

    Sphinx decides by time: a document is re-read if its file is newer than the moment
    Sphinx finished reading it. File times are coarse (a few milliseconds) and a save can
    land while Sphinx reads, so an edit made during a build could be missed for good,
    leaving a page that no clean build would make. We keep the digest of what was read
    and compare it with what is on disk.
    """
    from docutils import nodes

    def read(app: Sphinx, docname: str, content: list[str]) -> None:
        import hashlib

        store = app.env.__dict__.setdefault("guidebuild_read", {})
        store[docname] = {"": hashlib.sha256(content[0].encode("utf-8")).hexdigest()}

    def parsed(app: Sphinx, doctree: nodes.document) -> None:
        docname = app.env.docname
        store = app.env.__dict__.setdefault("guidebuild_read", {}).setdefault(docname, {})
        for dependency in sorted(app.env.dependencies.get(docname, ())):
            path = Path(app.env.srcdir, dependency)
            store[str(path)] = _digest(path)

    def outdated(
        app: Sphinx, env: Any, added: set[str], changed: set[str], removed: set[str]
    ) -> list[str]:
        store = env.__dict__.get("guidebuild_read", {})
        again = []
        for docname in sorted(env.found_docs - added - changed - removed):
            seen = store.get(docname)
            if seen is None:
                continue
            text = seen.get("")
            source = env.doc2path(docname)
            if (text is not None and _digest(Path(source), text=True) != text) or any(
                _digest(Path(path)) != value for path, value in seen.items() if path
            ):
                again.append(docname)
        return again

    # First, before any extension changes the text it was given.
    app.connect("source-read", read, priority=0)
    app.connect("doctree-read", parsed)
    app.connect("env-get-outdated", outdated)


UNUSED_BUILDERS = frozenset(
    {
        "sphinx.builders.changes",
        "sphinx.builders.dirhtml",
        "sphinx.builders.dummy",
        "sphinx.builders.epub3",
        "sphinx.builders.latex",
        "sphinx.builders.linkcheck",
        "sphinx.builders.manpage",
        "sphinx.builders.texinfo",
        "sphinx.builders.text",
        "sphinx.builders.xml",
        "sphinxcontrib.applehelp",
        "sphinxcontrib.devhelp",
        "sphinxcontrib.htmlhelp",
        "sphinxcontrib.qthelp",
        "sphinxcontrib.serializinghtml",
    }
)
"""Sphinx's own builders that a guidebuild build never runs (it runs html and singlehtml).

Sphinx sets up every built-in builder in every application: importing them (linkcheck
brings requests, epub and the help formats theirs) is a tenth of an edit's rebuild. The
gettext builder stays: Sphinx's core reads its settings. Domains, directives and roles
all stay, so the sources mean what they mean to ``sphinx-build``.
"""


DEFERRED_MODULES = ("sphinx.util.requests", "sphinx.ext.doctest")
"""Modules Sphinx imports on every start for what a guidance build rarely does: requests
(half the import time of the html builder's modules) for remote images, which the
sandbox refuses anyway, and doctest for two patterns used only on Python console blocks.
They load when first used, if this runs before anything imports Sphinx."""


def defer_imports(names: tuple[str, ...]) -> None:
    """Make each module in ``names`` load on its first use rather than at its import."""
    import importlib.util
    import sys

    for name in names:
        if name in sys.modules:
            continue
        spec = importlib.util.find_spec(name)
        if spec is None or spec.loader is None:
            continue
        spec.loader = importlib.util.LazyLoader(spec.loader)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
        # ``from package import name`` then finds it on the package without going through
        # the import system, which would look at ``__spec__`` and so load it at once.
        parent, _, child = name.rpartition(".")
        setattr(sys.modules[parent], child, module)


def new_application(
    *,
    srcdir: Path,
    confdir: Path,
    outdir: Path,
    doctreedir: Path,
    builder: str,
    overrides: dict[str, Any],
    status: TextIO | None,
    warning: TextIO,
) -> Sphinx:
    """The one way a Sphinx application is made here: incremental, every problem reported."""
    import sphinx.application

    everything = sphinx.application.builtin_extensions
    sphinx.application.builtin_extensions = tuple(
        name for name in everything if name not in UNUSED_BUILDERS
    )
    try:
        return sphinx.application.Sphinx(
            srcdir=srcdir,
            confdir=confdir,
            outdir=outdir,
            doctreedir=doctreedir,
            buildername=builder,
            confoverrides=overrides,
            status=status,
            warning=warning,
            freshenv=False,
            keep_going=True,
        )
    finally:
        sphinx.application.builtin_extensions = everything


def run_sphinx(
    *,
    srcdir: Path,
    confdir: Path,
    outdir: Path,
    doctreedir: Path,
    builder: str,
    overrides: dict[str, Any],
    status: TextIO | None = None,
    on_app: Callable[[Sphinx], None] | None = None,
) -> SphinxRun:
    """Build ``srcdir`` with ``builder``; raise BuildError if Sphinx itself fails."""
    defer_imports(DEFERRED_MODULES)
    import sphinx.search
    from sphinx.errors import SphinxError
    from sphinx.util.docutils import docutils_namespace, patch_docutils

    from guidebuild.sandbox import armed

    warning_stream = io.StringIO()
    # The html builder looks the class up here each time it makes its indexer.
    sphinx.search.IndexBuilder = _clean_index_builder()  # type: ignore[misc,assignment]
    try:
        # Every file Sphinx and docutils open, from conf.py on, goes through the sandbox.
        with (
            armed(confdir, srcdir, outdir, doctreedir),
            patch_docutils(confdir),
            docutils_namespace(),
        ):
            app = new_application(
                srcdir=srcdir,
                confdir=confdir,
                outdir=outdir,
                doctreedir=doctreedir,
                builder=builder,
                overrides=overrides,
                status=status,
                warning=warning_stream,
            )
            watch_contents(app)
            if on_app is not None:
                on_app(app)
            build_app(app, doctreedir)
    except SphinxError as error:
        errors, _ = _parse_log(warning_stream.getvalue())
        raise BuildError(
            f"Sphinx could not build the {builder} output: {error}", tuple(errors)
        ) from None
    errors, warnings = _parse_log(warning_stream.getvalue())
    return SphinxRun(app=app, errors=errors, warnings=warnings)


class WarmSphinx:
    """A Sphinx application kept between builds, for ``serve``.

    The first build reads every document; after an edit, Sphinx's environment is still in
    memory, so only the changed documents (and those that depend on them) are read and
    written again. After a build that failed, the application is dropped and its cache
    wiped: the next build starts clean, so nothing of the broken state survives.
    """

    def __init__(
        self,
        *,
        srcdir: Path,
        confdir: Path,
        outdir: Path,
        doctreedir: Path,
        builder: str,
        overrides: dict[str, Any],
    ) -> None:
        self.srcdir, self.confdir = srcdir, confdir
        self.outdir, self.doctreedir = outdir, doctreedir
        self.builder, self.overrides = builder, overrides
        self._app: Sphinx | None = None
        self._stack: Any = None
        self._static = ""
        """The assets digest the application last copied the static files with."""
        self._warnings = io.StringIO()

    def build(self, *, fresh: bool = False) -> SphinxRun:
        """Build; ``fresh`` for a new application (conf.py, templates or framework edited)."""
        from sphinx.errors import SphinxError

        if fresh:
            self.close()
        self._warnings.seek(0)
        self._warnings.truncate()
        import importlib

        from guidebuild.sandbox import armed

        # Imported before arming, as in run_sphinx: some modules read system files when
        # first imported (babel.dates, through Sphinx, reads the time zone).
        defer_imports(DEFERRED_MODULES)
        importlib.import_module("sphinx.application")

        try:
            # As in run_sphinx: every file Sphinx opens goes through the sandbox.
            with armed(self.confdir, self.srcdir, self.outdir, self.doctreedir):
                if self._app is None:
                    self._app = self._start()
                self._static = build_app(self._app, self.doctreedir, static_copied=self._static)
        except BuildError:
            self.close(wipe=True)
            raise
        except SphinxError as error:
            errors, _ = _parse_log(self._warnings.getvalue())
            self.close(wipe=True)
            raise BuildError(
                f"Sphinx could not build the {self.builder} output: {error}", tuple(errors)
            ) from None
        errors, warnings = _parse_log(self._warnings.getvalue())
        run = SphinxRun(app=self._app, errors=errors, warnings=warnings)
        if errors:
            self.close(wipe=True)
        return run

    def _start(self) -> Sphinx:
        import contextlib

        import sphinx.search
        from sphinx.util.docutils import docutils_namespace, patch_docutils

        sphinx.search.IndexBuilder = _clean_index_builder()  # type: ignore[misc,assignment]
        # Our directives stay registered with docutils for the application's life.
        self._stack = contextlib.ExitStack()
        self._stack.enter_context(patch_docutils(self.confdir))
        self._stack.enter_context(docutils_namespace())
        try:
            app = new_application(
                srcdir=self.srcdir,
                confdir=self.confdir,
                outdir=self.outdir,
                doctreedir=self.doctreedir,
                builder=self.builder,
                overrides=self.overrides,
                status=None,
                warning=self._warnings,
            )
        except BaseException:
            self.close()
            raise
        watch_contents(app)
        return app

    def close(self, *, wipe: bool = False) -> None:
        """Drop the application (and with ``wipe`` its cache on disk)."""
        import shutil

        self._app = None
        self._static = ""
        if self._stack is not None:
            self._stack.close()
            self._stack = None
        if wipe:
            shutil.rmtree(self.doctreedir, ignore_errors=True)
            shutil.rmtree(self.outdir, ignore_errors=True)
