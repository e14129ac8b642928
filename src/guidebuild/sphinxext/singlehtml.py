"""Repair links in Sphinx's single-page HTML, which the PDF is made from.

Sphinx 9's singlehtml builder no longer rewrites cross-document links: they come out as
``#document-about#section`` (two fragments), which no browser or PDF engine resolves, so
contents entries and cross-references in the PDF would lead nowhere. Only the last
fragment is the real target.
"""

from __future__ import annotations

import re
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform

DOUBLE_FRAGMENT = re.compile(r'href="#[^"#]*#([^"#]*)"')


def last_fragment(uri: str) -> str:
    """'#document-x#y' -> '#y'; anything else unchanged."""
    if uri.startswith("#") and uri.count("#") > 1:
        return "#" + uri.rsplit("#", 1)[1]
    return uri


class FixSingleHtmlLinks(SphinxPostTransform):
    """Give every internal reference on the single page a single fragment."""

    default_priority = 900  # after every reference has been resolved
    builders = ("singlehtml",)

    def run(self, **kwargs: Any) -> None:
        for ref in self.document.findall(nodes.reference):
            if "refuri" in ref:
                ref["refuri"] = last_fragment(ref["refuri"])


def fix_toc(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    if app.builder.name != "singlehtml":
        return
    for key in ("toc", "body"):
        if isinstance(context.get(key), str):
            context[key] = DOUBLE_FRAGMENT.sub(r'href="#\1"', context[key])


def setup_singlehtml(app: Sphinx) -> None:
    app.add_post_transform(FixSingleHtmlLinks)
    app.connect("html-page-context", fix_toc)
