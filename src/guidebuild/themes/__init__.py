"""guidebuild's two Sphinx themes: ``guidebuild`` (the site) and ``guidebuild-print`` (the PDF).

Registered under the ``sphinx.html_themes`` entry point, so a plain Sphinx project needs
only ``html_theme = "guidebuild"`` once guidebuild is installed; :mod:`guidebuild.sphinxext`
registers them too, so that a checkout run without installing finds them as well.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from guidebuild.resources import THEMES, theme_dir

if TYPE_CHECKING:
    from sphinx.application import Sphinx


def setup(app: Sphinx) -> dict[str, Any]:
    for name in THEMES:
        app.add_html_theme(name, str(theme_dir(name)))
    return {"parallel_read_safe": True, "parallel_write_safe": True}
