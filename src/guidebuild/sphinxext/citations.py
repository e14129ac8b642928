"""How references read in running text, the same in the site and the PDF.

Two post-transforms:

* a citation (``[ABC1998]_``) is shown as author and year, "(ABC 1998)", taken from
  the start of the cited entry ("ABC (1998). *A report...*"), never as its
  key; an entry that does not start "Author (year)" keeps its key, with a warning;
* a run of recommendation references ("recommendation 6.3, recommendation 4.2 and
  recommendation 5.1") is put in number order and read as one list: "recommendations 4.2,
  5.1 and 6.3".

and, in the single page the PDF is made from, footnotes become real footnotes: the note's
text moves to where it is called, and the print stylesheet floats it to the foot of that
page (``float: footnote``), rather than sitting after the paragraph as on the web.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging

from guidebuild.sphinxext.shown import changed_keys, last_shown

if TYPE_CHECKING:
    from sphinx.environment import BuildEnvironment

logger = logging.getLogger(__name__)

# "Some Department (2004a)." or "ABC: A Body of Clinicians ... (1998)."
AUTHOR_YEAR = re.compile(r"^(?P<author>[^(]+?)(?::[^(]*)?\s*\((?P<year>\d{4}[a-z]?)\)")
YEAR = re.compile(r"\b((?:19|20)\d\d[a-z]?)\b")
ABBREVIATION = re.compile(r"\(([A-Z][A-Za-z&]+)\)\s*$")
SEPARATORS = (", ", " and ", ", and ")
REC_CLASS = "gb-rec-ref"


def author_year(text: str) -> str | None:
    """The author and year an entry starts with, as the running text shows them.

    'ABC: A Body of Clinicians (1998). Title' -> 'ABC 1998'. An entry in the
    "Author. Title. Place: Publisher, year." style gives its author (or the abbreviation in
    brackets after it) and the last year it names.
    """
    text = " ".join(text.split())
    match = AUTHOR_YEAR.match(text)
    if match:
        return f"{match['author'].strip()} {match['year']}"
    author, _, rest = text.partition(". ")
    years = YEAR.findall(rest)
    if not rest or not years:
        return None
    short = ABBREVIATION.search(author)
    return f"{short[1] if short else author.strip()} {years[-1]}"


class AuthorYearCitations(SphinxPostTransform):
    """Show each citation reference as "(Author year)" rather than its key."""

    default_priority = 5  # before Sphinx resolves the references (10)

    def run(self, **kwargs: Any) -> None:
        from sphinx import addnodes

        domain: Any = self.env.get_domain("citation")
        for xref in self.document.findall(addnodes.pending_xref):
            if xref.get("refdomain") != "citation":
                continue
            key = xref["reftarget"]
            found = domain.citations.get(key)
            if found is None:
                continue  # Sphinx reports the unknown citation itself
            docname, labelid, _line = found
            label = self._label(docname, labelid)
            if label is None:
                logger.warning(
                    "citation %r: its entry does not start 'Author (year)', so the text "
                    "shows its key",
                    key,
                    location=xref,
                    type="guidebuild",
                    subtype="citation",
                )
                continue
            xref.children = [nodes.inline("", f"({label})", classes=["gb-cite"])]

    def _label(self, docname: str, labelid: str) -> str | None:
        return entry_label(self.env, docname, labelid)


def entry_label(env: BuildEnvironment, docname: str, labelid: str) -> str | None:
    """The "Author year" that the entry ``labelid`` of ``docname`` starts with."""
    doctree = env.get_doctree(docname)
    for citation in doctree.findall(nodes.citation):
        if labelid in citation["ids"]:
            body = [c for c in citation.children if not isinstance(c, nodes.label)]
            return author_year(" ".join(c.astext() for c in body))
    return None


READING = "guidebuild_reading"
"""On the environment: the documents this build reads."""
CITED_RECORD = "guidebuild_citations_shown"
"""On the environment (saved with it): the page and label of each citation last built."""


def note_reading(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    env.__dict__[READING] = set(docnames)


def pages_citing_changed_entries(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """Pages to write again because an entry they cite now reads differently: its author
    and year are shown where it is cited (AuthorYearCitations), filled in at write time."""
    domain: Any = env.get_domain("citation")
    reading = env.__dict__.get(READING, set())
    before: dict[str, object] = env.__dict__.get(CITED_RECORD) or {}
    now: dict[str, object] = {}
    for key, (docname, labelid, _line) in domain.citations.items():
        old = before.get(key)
        fresh = docname in reading or not isinstance(old, tuple) or old[0] != docname
        now[key] = (docname, entry_label(env, docname, labelid)) if fresh else old
    changed = changed_keys(last_shown(env, CITED_RECORD, now), now)
    pages = {page for key in changed for page in domain.citation_refs.get(key, ())}
    return sorted(pages & env.all_docs.keys())


def _number(ref: nodes.Node) -> tuple[int, ...]:
    digits = re.findall(r"\d+", ref.astext())
    return tuple(int(d) for d in digits) or (10**6,)


class OrderRecommendationLists(SphinxPostTransform):
    """Put runs of recommendation references in number order, as one list."""

    default_priority = 6  # after ResolveRecommendations (5) gives them their numbers

    def run(self, **kwargs: Any) -> None:
        for parent in list(self.document.findall(nodes.TextElement)):
            self._order(parent)

    def _order(self, parent: nodes.Element) -> None:
        children = parent.children
        index = 0
        while index < len(children):
            run = self._run_at(children, index)
            if len(run) < 2:
                index += 1
                continue
            refs = [
                c
                for c in sorted((children[i] for i in run), key=_number)
                if isinstance(c, nodes.Element)
            ]
            count = len(refs)
            for position, ref in enumerate(refs):
                number = ref.astext().removeprefix("recommendation ")
                ref.children = [
                    nodes.Text(f"recommendations {number}" if position == 0 else number)
                ]
            for position, slot in enumerate(run):
                children[slot] = refs[position]
                refs[position].parent = parent
                if position:  # the separator before this reference
                    last = position == count - 1
                    children[slot - 1] = nodes.Text(" and " if last else ", ")
            index = run[-1] + 1

    @staticmethod
    def _run_at(children: list[nodes.Node], start: int) -> list[int]:
        """Positions of a run of recommendation links joined by ', ' or ' and '."""

        def is_ref(node: nodes.Node) -> bool:
            return isinstance(node, nodes.reference) and REC_CLASS in node.get("classes", [])

        if not is_ref(children[start]):
            return []
        run = [start]
        position = start
        while (
            position + 2 < len(children)
            and isinstance(children[position + 1], nodes.Text)
            and str(children[position + 1]) in SEPARATORS
            and is_ref(children[position + 2])
        ):
            position += 2
            run.append(position)
        return run


class FootnotesInPlace(SphinxPostTransform):
    """Single page only: each footnote's text moves to its reference, for ``float: footnote``."""

    default_priority = 950  # after FixSingleHtmlLinks (900) has made the ids unique
    builders = ("singlehtml",)

    def run(self, **kwargs: Any) -> None:
        notes = {i: note for note in self.document.findall(nodes.footnote) for i in note["ids"]}
        used: set[int] = set()
        for ref in list(self.document.findall(nodes.footnote_reference)):
            note = notes.get(ref.get("refid", ""))
            if note is None:
                continue
            text = nodes.inline("", "", classes=["gb-footnote"])
            for child in note.children:
                if isinstance(child, nodes.label):
                    continue
                if isinstance(child, nodes.paragraph):
                    if len(text):
                        text += nodes.Text(" ")
                    text.extend(c.deepcopy() for c in child.children)
                else:
                    text += nodes.Text(child.astext())
            ref.replace_self(text)
            used.add(id(note))
        for note in list(notes.values()):
            if id(note) in used and note.parent is not None:
                note.parent.remove(note)


def setup_citations(app: Sphinx) -> None:
    app.add_post_transform(AuthorYearCitations)
    app.connect("env-before-read-docs", note_reading)
    app.connect("env-get-updated", pages_citing_changed_entries)
    app.add_post_transform(OrderRecommendationLists)
    app.add_post_transform(FootnotesInPlace)
