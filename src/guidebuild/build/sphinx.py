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
    from sphinx.application import Sphinx
    from sphinx.errors import SphinxError
    from sphinx.util.docutils import docutils_namespace, patch_docutils

    from guidebuild.sandbox import armed

    warning_stream = io.StringIO()
    try:
        # Every file Sphinx and docutils open, from conf.py on, goes through the sandbox.
        with (
            armed(confdir, srcdir, outdir, doctreedir),
            patch_docutils(confdir),
            docutils_namespace(),
        ):
            app = Sphinx(
                srcdir=srcdir,
                confdir=confdir,
                outdir=outdir,
                doctreedir=doctreedir,
                buildername=builder,
                confoverrides=overrides,
                status=status,
                warning=warning_stream,
                freshenv=False,
                keep_going=True,
            )
            if on_app is not None:
                on_app(app)
            app.build()
    except SphinxError as error:
        errors, _ = _parse_log(warning_stream.getvalue())
        raise BuildError(
            f"Sphinx could not build the {builder} output: {error}", tuple(errors)
        ) from None
    errors, warnings = _parse_log(warning_stream.getvalue())
    return SphinxRun(app=app, errors=errors, warnings=warnings)
