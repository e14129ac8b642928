"""guidebuild's Sphinx extension: register it in conf.py as ``guidebuild.sphinxext``.

It adds the publication settings as config values, numbered recommendations with
permanent IDs, the information box, the update-information page built from the change
log, and the page context our theme uses (edition, dates, draft mark, PDF link).
Everything works from plain ``sphinx-build`` as well as from ``guidebuild build``.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx

from guidebuild import __version__
from guidebuild.resources import Templates
from guidebuild.sphinxext.checklist import setup_checklist
from guidebuild.sphinxext.citations import setup_citations
from guidebuild.sphinxext.downloads import setup_downloads
from guidebuild.sphinxext.frontmatter import setup_frontmatter
from guidebuild.sphinxext.quality import setup_quality
from guidebuild.sphinxext.recommendations import setup_recommendations
from guidebuild.sphinxext.sandbox import setup_sandbox
from guidebuild.sphinxext.search import setup_search
from guidebuild.sphinxext.shown import setup_shown
from guidebuild.sphinxext.singlehtml import setup_singlehtml


def _code_version() -> int:
    """A number that changes whenever this extension's code does.

    Sphinx re-reads every document when ``env_version`` changes, so cached doctrees never
    outlive the code that made them (a plain version number would need bumping by hand).
    """
    digest = hashlib.sha256(__version__.encode())
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.read_bytes())
    return int.from_bytes(digest.digest()[:6], "big")


def _theme_overrides(app: Sphinx, config: Any) -> None:
    """Let the project's ``templates/<theme>/`` override the theme's files one by one.

    Its templates go first on ``templates_path``; its ``static/`` files are copied after the
    theme's, replacing those of the same name. Plain ``sphinx-build`` does the same.
    """
    own = Templates(Path(app.confdir)).theme_overrides(str(config.html_theme))
    if own is None:
        return
    config.templates_path = [str(own), *config.templates_path]
    if (own / "static").is_dir():
        config.html_static_path = [*config.html_static_path, str(own / "static")]


def setup(app: Sphinx) -> dict[str, Any]:
    # Values that change the text of pages rebuild the environment ("env"); the rest only
    # need the pages written again ("html").
    app.add_config_value("guidebuild_short_title", "", "html", str)
    app.add_config_value("guidebuild_edition", "", "env", str)
    app.add_config_value("guidebuild_published", "", "env", str)
    app.add_config_value("guidebuild_status", "draft", "env", str)
    app.add_config_value("guidebuild_organisation", "", "env", str)
    app.add_config_value("guidebuild_pdf_name", "guidance", "html", str)
    app.add_config_value("guidebuild_site_url", "", "html", str)
    # The PDF's /Keywords: the project's own words, never built into guidebuild.
    app.add_config_value("guidebuild_keywords", "", "html", str)
    # Set by `guidebuild build --draft/--final`; None means "follow guidebuild_status".
    app.add_config_value("guidebuild_draft", None, "env", (bool, type(None)))
    # Set by the pipeline when it builds a PDF: its path in the site, shown on every page.
    app.add_config_value("guidebuild_pdf_href", "", "html", str)
    # Our themes, by name (the sphinx.html_themes entry point does this once installed).
    from guidebuild.themes import setup as setup_themes

    setup_themes(app)
    app.connect("config-inited", _theme_overrides)
    setup_sandbox(app)
    setup_recommendations(app)
    setup_shown(app)
    setup_checklist(app)
    setup_frontmatter(app)
    setup_downloads(app)
    setup_singlehtml(app)
    setup_citations(app)
    setup_search(app)
    setup_quality(app)
    return {
        "version": __version__,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
        "env_version": _code_version(),
    }
