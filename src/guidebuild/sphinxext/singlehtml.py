"""Repair links in Sphinx's single-page HTML, which the PDF is made from.

Sphinx 9's singlehtml builder no longer rewrites cross-document links: they come out as
``#document-about#section`` (two fragments), which no browser or PDF engine resolves, so
contents entries and cross-references in the PDF would lead nowhere. Only the last
fragment is the real target.

Links to a whole document point at ``#document-about``, an empty span placed before the
chapter's section. Where a page break falls between the two, the contents list would give
the page before the chapter, so those links are pointed at the chapter's own section.
"""

from __future__ import annotations

import re
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform

DOUBLE_FRAGMENT = re.compile(r'href="#[^"#]*#([^"#]*)"')
DOCUMENT_LINK = re.compile(r'href="#document-([^"#]*)"')
FRAGMENT_LINK = re.compile(r'href="#([^"#]+)"')
HEADING_SUFFIX = "-h"
# docutils numbers the ids it makes up (footnotes, unnamed targets) per document: id1, id2.
AUTO_ID = re.compile(r"^id\d+$")


def last_fragment(uri: str) -> str:
    """'#document-x#y' -> '#y'; anything else unchanged."""
    if uri.startswith("#") and uri.count("#") > 1:
        return "#" + uri.rsplit("#", 1)[1]
    return uri


class FixSingleHtmlLinks(SphinxPostTransform):
    """Give every internal reference on the single page a single fragment.

    Also give each section's heading an id of its own (``X-h`` for section ``X``) that
    links are then pointed at (see :func:`fix_toc`): a heading that may not end a page is
    pushed to the next one while its section's box still starts on the previous page, so
    page numbers of links to the section itself would be one too low.
    """

    default_priority = 900  # after every reference has been resolved
    builders = ("singlehtml",)

    def run(self, **kwargs: Any) -> None:
        self._scope_automatic_ids()
        for ref in self.document.findall(nodes.reference):
            if "refuri" in ref:
                ref["refuri"] = last_fragment(ref["refuri"])
        for section in self.document.findall(nodes.section):
            title = section.next_node(nodes.title)
            if title is not None and title.parent is section and section["ids"]:
                title["ids"] = [*title["ids"], *(f"{i}{HEADING_SUFFIX}" for i in section["ids"])]

    def _scope_automatic_ids(self) -> None:
        """Make docutils' per-document ids (id1, id2...) unique on the single page.

        Each document's part of the page sits in a ``start_of_file`` node; its made-up
        ids, and every reference to them, get the document's name in front, so footnote 1
        of one chapter no longer answers the links of another's. (Sphinx moves the
        children into that node without resetting their ``parent``, so we walk down.)
        Section ids stay: Sphinx looks up section numbers by them.
        """

        def walk(node: nodes.Element, docname: str) -> None:
            for child in node.children:
                if not isinstance(child, nodes.Element):
                    continue
                if isinstance(child, addnodes.start_of_file):
                    walk(child, child["docname"])
                    continue
                if not isinstance(child, nodes.section):
                    for key in ("ids", "backrefs"):
                        if child.get(key):
                            child[key] = [_scoped(value, docname) for value in child[key]]
                    if child.get("refid"):
                        child["refid"] = _scoped(child["refid"], docname)
                walk(child, docname)

        walk(self.document, self.config.root_doc)


def _scoped(value: str, docname: str) -> str:
    return f"{docname.replace('/', '-')}-{value}" if AUTO_ID.match(value) else value


def first_section_ids(app: Sphinx) -> dict[str, str]:
    """Each document's first section id: where its chapter really starts."""
    ids = {}
    for docname in app.env.found_docs:
        section = next(app.env.get_doctree(docname).findall(nodes.section), None)
        if section is not None and section["ids"]:
            ids[docname] = section["ids"][0]
    return ids


def fix_toc(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    if app.builder.name != "singlehtml":
        return
    sections = first_section_ids(app)

    def to_section(match: re.Match[str]) -> str:
        return f'href="#{sections.get(match[1], "document-" + match[1])}"'

    body = context.get("body")
    headings = set(re.findall(r'id="([^"]+)"', body)) if isinstance(body, str) else set()

    def to_heading(match: re.Match[str]) -> str:
        target = match[1] + HEADING_SUFFIX
        return f'href="#{target}"' if target in headings else match[0]

    for key in ("toc", "body"):
        if isinstance(context.get(key), str):
            text = DOUBLE_FRAGMENT.sub(r'href="#\1"', context[key])
            text = DOCUMENT_LINK.sub(to_section, text)
            context[key] = FRAGMENT_LINK.sub(to_heading, text)


def setup_singlehtml(app: Sphinx) -> None:
    app.add_post_transform(FixSingleHtmlLinks)
    app.connect("html-page-context", fix_toc)
