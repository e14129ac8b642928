"""Where guidebuild's own files are: templates and themes shipped in the package.

Every template, stylesheet and script is package data, found beside the package's own
modules, so the result never depends on the folder a command runs in.
A project overrides them file by file, as Sphinx's ``templates_path`` does: a file at
``templates/<folder>/<name>`` in the project is used instead of the package's file of the
same name, and every file it does not hold still comes from the package.

=================================  ==========================================
package folder                     the project's overrides
=================================  ==========================================
``templates/forms/html``           ``templates/forms/html``
``templates/forms/pdf``            ``templates/forms/pdf``
``templates/report``               ``templates/report``
``themes/guidebuild`` (site)       ``templates/guidebuild`` (theme name)
``themes/print`` (PDF)             ``templates/guidebuild-print`` (theme name)
=================================  ==========================================

This module is the one resolver: it takes the project root explicitly (or None, for a
command run outside any project) and never looks at the current folder.
"""

from __future__ import annotations

from pathlib import Path

from msgspec import Struct

import guidebuild
from guidebuild.errors import BuildError

OVERRIDES_DIR = "templates"
"""The project's folder of overrides."""

SITE_THEME = "guidebuild"
PRINT_THEME = "guidebuild-print"
THEMES = {SITE_THEME: "guidebuild", PRINT_THEME: "print"}
"""Each theme's name, and its folder under the package's ``themes/``."""


def package_dir(*parts: str) -> Path:
    """A folder of the installed package, as a real path (Jinja and WeasyPrint need one)."""
    # The package's own folder, as importlib.resources.files() would give it for an
    # installed wheel, without that module's import (a tenth of assess's start-up).
    folder = Path(guidebuild.__file__).parent.joinpath(*parts)
    # A wheel installs onto the file system; only a zipped install has no real folder.
    if not folder.is_dir():
        raise BuildError(
            f"guidebuild's own files ({'/'.join(parts)}) are not on the file system: "
            "install guidebuild as a normal (unzipped) package"
        )
    return folder


def theme_dir(name: str) -> Path:
    """The folder of one of our Sphinx themes, by theme name."""
    return package_dir("themes", THEMES[name])


class Templates(Struct, frozen=True):
    """The template search path of one project: its overrides first, then the package's."""

    root: Path | None
    """The project root, or None outside any project (only the package's files)."""

    def folders(self, kind: str) -> tuple[Path, ...]:
        """Where files of ``kind`` (e.g. ``"forms/html"``, ``""`` for all) are looked up."""
        package = package_dir("templates", *kind.split("/")) if kind else package_dir("templates")
        if self.root is None:
            return (package,)
        own = self.root / OVERRIDES_DIR / kind if kind else self.root / OVERRIDES_DIR
        return (own, package) if own.is_dir() else (package,)

    def find(self, kind: str, name: str) -> Path:
        """The file ``name`` of ``kind``: the project's if it has one, else the package's."""
        for folder in self.folders(kind):
            path = folder / name
            if path.is_file():
                return path
        raise BuildError(f"the template {kind}/{name} is missing from guidebuild's own files")

    def theme_overrides(self, theme: str) -> Path | None:
        """The project's folder of overrides of a Sphinx theme, if it has one."""
        if self.root is None:
            return None
        own = self.root / OVERRIDES_DIR / theme
        return own if own.is_dir() else None
