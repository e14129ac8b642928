"""A first line for Sphinx's file-reading directives; the choke point is elsewhere.

Under ``guidebuild build`` every file the build opens goes through one check, the audit
hook of :mod:`guidebuild.sandbox`, whichever directive, role, template or stylesheet asks.
These guards come first, for two reasons: they refuse at parse time with the directive's
own file and line, and they keep plain ``sphinx-build`` (which runs no audit hook) from
the most common routes. ``include``, ``literalinclude``, ``csv-table :file:``, ``raw
:file:``, ``image`` and ``figure`` are checked before they run: a path outside the project
folder (the folder of conf.py), by either reading of an absolute path, or any URL is an
error at the directive's line, and nothing is read; so is a ``:download:`` outside.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from docutils import nodes
from docutils.parsers.rst.directives.images import Image
from docutils.parsers.rst.directives.misc import Raw
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.directives.code import LiteralInclude
from sphinx.directives.other import Include
from sphinx.directives.patches import CSVTable, Figure
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

logger = logging.getLogger(__name__)

_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


class _Guard(SphinxDirective):
    """Mixed in before a directive class: refuse paths outside the project and URLs."""

    def _refuse(self, what: str) -> None:
        raise self.error(f"guidebuild refuses to read {what}: outside the project")

    def _check_path(self, value: str, *, sphinx_rules: bool = True) -> None:
        if sphinx_rules:
            _, absolute = self.env.relfn2path(value)
            path = Path(absolute)
        else:
            # docutils' own rule: relative to the document's folder.
            path = self.env.doc2path(self.env.docname).parent / value
        root = Path(self.config.guidebuild_root).resolve()
        # Sphinx reads "/x" as relative to the source folder, docutils (csv-table, raw)
        # as an absolute path: neither reading may leave the project.
        readings = [path, Path(value)] if Path(value).is_absolute() else [path]
        if not all(reading.resolve().is_relative_to(root) for reading in readings):
            self._refuse(value)

    def _check_uri(self, uri: str) -> None:
        if uri.startswith("data:"):
            return
        if _SCHEME.match(uri):
            self._refuse(uri)
        self._check_path(uri)


class SafeInclude(_Guard, Include):
    def run(self) -> Any:
        target = self.arguments[0]
        # <isonum.txt> and the like are docutils' own substitution sets, not our files;
        # but "<../../x>" climbs out of docutils' folder.
        if target.startswith("<") and target.endswith(">"):
            import docutils.parsers.rst

            standard = (Path(docutils.parsers.rst.__file__).parent / "include").resolve()
            if not (standard / target[1:-1]).resolve().is_relative_to(standard):
                self._refuse(target)
        else:
            self._check_path(target)
        return super().run()


class SafeLiteralInclude(_Guard, LiteralInclude):
    def run(self) -> Any:
        self._check_path(self.arguments[0])
        return super().run()


class SafeCSVTable(_Guard, CSVTable):
    def run(self) -> Any:
        if "url" in self.options:
            self._refuse(self.options["url"])
        if "file" in self.options:
            self._check_path(self.options["file"])
        return super().run()


class SafeRaw(_Guard, Raw):
    def run(self) -> Any:
        if "url" in self.options:
            self._refuse(self.options["url"])
        if "file" in self.options:
            self._check_path(self.options["file"], sphinx_rules=False)
        return super().run()


class SafeImage(_Guard, Image):
    def run(self) -> Any:
        self._check_uri(self.arguments[0])
        return super().run()


class SafeFigure(_Guard, Figure):
    def run(self) -> Any:
        self._check_uri(self.arguments[0])
        return super().run()


def refuse_outside_downloads(app: Sphinx, doctree: nodes.document) -> None:
    """A ``:download:`` of a file outside the project: an error at its line, no copy.

    Runs before Sphinx's own collector, which would only copy the file at write time,
    where no line is known any more; the sandbox would refuse that copy too.
    """
    root = Path(app.confdir).resolve()
    for node in list(doctree.findall(addnodes.download_reference)):
        target = str(node.get("reftarget", ""))
        if _SCHEME.match(target):
            continue  # a link to a download elsewhere: nothing is read
        _, absolute = app.env.relfn2path(target, app.env.docname)
        if not Path(absolute).resolve().is_relative_to(root):
            logger.error(
                "guidebuild refuses to read %s: outside the project", target, location=node
            )
            node.replace_self(nodes.Text(node.astext()))


def remember_root(app: Sphinx, config: Config) -> None:
    config.guidebuild_root = str(app.confdir)


def setup_sandbox(app: Sphinx) -> None:
    app.add_config_value("guidebuild_root", "", "", str)
    app.connect("config-inited", remember_root)
    # Before Sphinx's download collector (priority 500).
    app.connect("doctree-read", refuse_outside_downloads, priority=400)
    for name, directive in (
        ("include", SafeInclude),
        ("literalinclude", SafeLiteralInclude),
        ("csv-table", SafeCSVTable),
        ("raw", SafeRaw),
        ("image", SafeImage),
        ("figure", SafeFigure),
    ):
        app.add_directive(name, directive, override=True)
