"""Warnings for what makes a page inaccessible, found where the author can fix it.

Docutils gives an image without ``:alt:`` its file name as alternative text, so the
built HTML cannot tell a missing description from a real one: we look at the source.
"""

from __future__ import annotations

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)


def check_alt_text(app: Sphinx, doctree: nodes.document) -> None:
    for image in doctree.findall(nodes.image):
        if not str(image.get("alt", "")).strip():
            logger.warning(
                "image %r has no alt text (add :alt: with what it shows)",
                image.get("uri", ""),
                location=image,
                type="guidebuild",
                subtype="alt-text",
            )


def setup_quality(app: Sphinx) -> None:
    app.connect("doctree-read", check_alt_text)
