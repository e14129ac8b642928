"""Text for the search page's snippets, which must work from disk as well as on a server.

Sphinx's search page fetches each hit's page to cut a snippet from it; opened from disk
(file://) the browser refuses those fetches, so results had no snippets. We write the text
of every page, and of every recommendation and glossary term by its anchor, into
``_static/gb-search-text.js``, which the search page loads like the search index itself.
"""

from __future__ import annotations

import json
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx

from guidebuild.sphinxext.recommendations import get_domain

SEARCH_TEXT = "gb-search-text.js"


TEXTS_KEPT = "guidebuild_page_texts"
"""On the environment: each page's texts, with the time it was read that they come from."""


def _texts_of(doctree: nodes.document) -> dict[str, str]:
    entry = {"": " ".join(doctree.astext().split())}
    for item in doctree.findall(nodes.definition_list_item):
        term = item.next_node(nodes.term)
        if term is not None and term["ids"]:
            entry[term["ids"][0]] = " ".join(item.astext().split())
    return entry


def page_texts(app: Sphinx) -> dict[str, dict[str, str]]:
    """docname -> {"": the page's text, anchor: the text under that anchor}."""
    env = app.env
    # A page's text changes only when it is read again, which changes its time in
    # all_docs: kept by that time, an edit in serve loads one doctree, not all of them.
    kept: dict[str, tuple[object, dict[str, str]]] = env.__dict__.setdefault(TEXTS_KEPT, {})
    texts: dict[str, dict[str, str]] = {}
    for docname in sorted(env.found_docs):
        read_at = env.all_docs.get(docname)
        found = kept.get(docname)
        if found is None or found[0] != read_at:
            found = kept[docname] = (read_at, _texts_of(env.get_doctree(docname)))
        texts[docname] = dict(found[1])
    for gone in kept.keys() - env.found_docs:
        del kept[gone]
    for rec in get_domain(env).recs.values():
        texts.setdefault(rec.docname, {"": ""})[rec.id] = f"{rec.title}. {rec.text}"
    return texts


def write_search_text(app: Sphinx, exception: BaseException | None) -> None:
    if exception is not None or app.builder.name != "html":
        return
    data = json.dumps(page_texts(app), ensure_ascii=False, sort_keys=True)
    # "</" never ends the script early; the file is a script so that file:// can load it.
    data = data.replace("</", "<\\/")
    target = Path(app.outdir) / "_static" / SEARCH_TEXT
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(f"window.GB_SEARCH_TEXT = {data};\n", encoding="utf-8")


def setup_search(app: Sphinx) -> None:
    app.connect("build-finished", write_search_text)
