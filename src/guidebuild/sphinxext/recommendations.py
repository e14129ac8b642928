"""Numbered recommendations with permanent IDs.

``.. recommendation:: Title`` with ``:id:`` (permanent, also the HTML anchor), an
optional ``:status:`` (``amended 2005``...; a first edition needs none) and an optional
``:based-on:`` (what the recommendation rests on: a finding, a cited source or good
practice; inline markup, shown as a "Based on:" line). Recommendations are numbered by
chapter (2.1, 2.2, 3.1 ...) from the section numbers of the numbered toctree, so HTML and
PDF always agree. ``:rec:`id``` renders "recommendation 2.1" as a link.
``.. recommendation-withdrawn:: old-id`` records an ID taken out of use, so that the
``--previous`` check knows it did not simply vanish. ``.. recommendation-list::`` lists them
all.

Numbers are assigned at write time (a post-transform), once every document has been read
and the toctree numbered; the data lives in a Sphinx domain so that incremental and
parallel reads merge it correctly.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.builders import Builder
from sphinx.domains import Domain
from sphinx.environment import BuildEnvironment
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective, SphinxRole
from sphinx.writers.html5 import HTML5Translator

from guidebuild.framework.loader import ID_PATTERN
from guidebuild.sphinxext.shown import changed_keys, last_shown
from guidebuild.sphinxext.tables import Cell, make_table
from guidebuild.sphinxext.typography import typographic

logger = logging.getLogger(__name__)

PLACEHOLDER = re.compile(r"\[\[([a-z0-9-]+)\]\]")
MANIFEST_NAME = "recommendations.json"


# --- nodes -------------------------------------------------------------------------------


class recommendation(nodes.General, nodes.Element):  # noqa: N801 (docutils node naming)
    """A recommendation; its number is filled in at write time."""


class recommendation_heading(nodes.Part, nodes.TextElement):  # noqa: N801
    """The line that carries number, title, status tag and permalink."""


class rec_reference(nodes.Inline, nodes.TextElement):  # noqa: N801
    """A ``:rec:`` reference waiting to be resolved to "recommendation N.M"."""


class recommendation_list(nodes.General, nodes.Element):  # noqa: N801
    """Placeholder replaced by a table of every recommendation."""


# --- the data ----------------------------------------------------------------------------


@dataclass(frozen=True)
class RecordedRec:
    """What the reader saw of one recommendation."""

    id: str
    docname: str
    lineno: int
    title: str
    text: str
    status: str
    sequence: int
    """Position within its document, from 1."""


@dataclass(frozen=True)
class Withdrawn:
    """An ID taken out of use on purpose."""

    id: str
    docname: str
    lineno: int
    replaced_by: str
    date: str
    reason: str


@dataclass(frozen=True)
class ManifestEntry:
    """One row of recommendations.json; the public contract of a published edition."""

    id: str
    number: str
    title: str
    text: str
    status: str
    chapter: str
    url: str


class RecommendationDomain(Domain):
    """Holds every recommendation and withdrawn ID across documents."""

    name = "gbrec"
    label = "Recommendations"
    initial_data: ClassVar[dict[str, Any]] = {"recs": {}, "withdrawn": {}, "shown_on": {}}

    @property
    def recs(self) -> dict[str, RecordedRec]:
        return self.data["recs"]  # type: ignore[no-any-return]

    @property
    def withdrawn(self) -> dict[str, Withdrawn]:
        return self.data["withdrawn"]  # type: ignore[no-any-return]

    @property
    def shown_on(self) -> dict[str, set[str]]:
        """Document -> the IDs of recommendations it shows by number or title (``ALL``
        for the list of them all): what it must be written again for."""
        return self.data["shown_on"]  # type: ignore[no-any-return]

    def note_shown(self, docname: str, rec_id: str) -> None:
        self.shown_on.setdefault(docname, set()).add(rec_id)

    def clear_doc(self, docname: str) -> None:
        for table in (self.recs, self.withdrawn):
            for key in [k for k, v in table.items() if v.docname == docname]:
                del table[key]
        self.shown_on.pop(docname, None)

    def merge_domaindata(self, docnames: Iterable[str], otherdata: dict[str, Any]) -> None:
        wanted = set(docnames)
        for key in ("recs", "withdrawn"):
            for rec in otherdata[key].values():
                if rec.docname in wanted:
                    self._add(key, rec)
        for docname, ids in otherdata["shown_on"].items():
            if docname in wanted:
                self.shown_on[docname] = set(ids)

    def add_rec(self, rec: RecordedRec) -> None:
        self._add("recs", rec)

    def add_withdrawn(self, item: Withdrawn) -> None:
        self._add("withdrawn", item)

    def _add(self, key: str, item: RecordedRec | Withdrawn) -> None:
        for other in (self.recs.get(item.id), self.withdrawn.get(item.id)):
            if other is not None and (other.docname, other.lineno) != (item.docname, item.lineno):
                where = f"{self.env.doc2path(other.docname)}:{other.lineno}"
                logger.error(
                    "duplicate recommendation ID %r (first used at %s)",
                    item.id,
                    where,
                    location=(item.docname, item.lineno),
                    type="guidebuild",
                    subtype="duplicate-id",
                )
                return
        self.data[key][item.id] = item

    def get_objects(self) -> Iterator[tuple[str, str, str, str, str, int]]:
        # Sphinx's search index keeps an object's anchor only when it differs from its full
        # name, and its search page then rebuilds a dropped anchor from the *display* name,
        # so a full name equal to the ID sent readers to "#<title>". The full name is the
        # number and title ("6.3 Publish the standards"), the anchor the ID.
        numbers = numbers_by_id(self.env)
        for rec in self.recs.values():
            name = f"{numbers.get(rec.id, '?')} {rec.title}"
            yield name, name, "recommendation", rec.docname, rec.id, 1

    def resolve_any_xref(self, *args: Any, **kwargs: Any) -> list[tuple[str, nodes.reference]]:
        return []


def get_domain(env: BuildEnvironment) -> RecommendationDomain:
    domain = env.get_domain(RecommendationDomain.name)
    assert isinstance(domain, RecommendationDomain)
    return domain


def chapter_number(env: BuildEnvironment, docname: str) -> str | None:
    """The section number of a document in the numbered toctree, e.g. '4'."""
    numbers = env.toc_secnumbers.get(docname, {})
    top = numbers.get("")
    if not top:
        # The document's first section anchor: Sphinx keys it by '#id' when not ''.
        top = next(iter(numbers.values()), None)
    return ".".join(map(str, top[:1])) if top else None


def numbers_by_id(env: BuildEnvironment) -> dict[str, str]:
    """Every recommendation's number ('4.2'); '?' for one outside the numbered toctree."""
    result = {}
    for rec in get_domain(env).recs.values():
        chapter = chapter_number(env, rec.docname)
        result[rec.id] = f"{chapter}.{rec.sequence}" if chapter else f"?.{rec.sequence}"
    return result


def ordered(env: BuildEnvironment) -> list[RecordedRec]:
    """Recommendations in document order: by their numbers, chapter then sequence."""
    numbers = numbers_by_id(env)

    def key(rec: RecordedRec) -> tuple[int, ...]:
        return tuple(int(p) if p.isdigit() else 10_000 for p in numbers[rec.id].split("."))

    return sorted(get_domain(env).recs.values(), key=key)


# --- directives and role ------------------------------------------------------------------


def _status(argument: str) -> str:
    value = str(directives.unchanged_required(argument)).strip()
    if value.startswith("[") and value.endswith("]"):
        value = value[1:-1].strip()
    if not re.fullmatch(r"(new|amended|withdrawn|updated)? ?\d{4}(, amended \d{4})?", value):
        raise ValueError(f"status must look like 'new 2004' or 'amended 2005', not {value!r}")
    return value


class RecommendationDirective(SphinxDirective):
    """``.. recommendation:: Title`` with ``:id:`` and ``:status:``; the body is the text."""

    has_content = True
    required_arguments = 1
    final_argument_whitespace = True
    option_spec: ClassVar[dict[str, Any]] = {
        "id": directives.unchanged_required,
        "status": _status,
        "based-on": directives.unchanged_required,
    }

    def run(self) -> list[nodes.Node]:
        rec_id = self.options.get("id", "").strip()
        if not rec_id:
            raise self.error("recommendation has no :id: (a permanent ID, e.g. write-down-aims)")
        if not re.match(ID_PATTERN, rec_id):
            raise self.error(
                f"recommendation ID {rec_id!r} must be lower-case words joined by hyphens"
            )
        if not self.content:
            raise self.error(f"recommendation {rec_id!r} has no text")
        title = typographic(self.arguments[0].strip())
        status = self.options.get("status", "")
        counter_key = "guidebuild_rec_sequence"
        sequence = int(self.env.temp_data.get(counter_key) or 0) + 1
        self.env.temp_data[counter_key] = sequence

        node = recommendation(ids=[rec_id], rec_id=rec_id, title=title, status=status)
        self.set_source_info(node)
        heading = recommendation_heading("", rec_id=rec_id, title=title, status=status)
        node += heading
        body = nodes.container(classes=["gb-rec-body"])
        self.state.nested_parse(self.content, self.content_offset, body)
        node += body
        text = " ".join(body.astext().split())
        # After the text is taken: the basis is not part of the recommendation's wording.
        basis = self.options.get("based-on", "").strip()
        if basis:
            inline, messages = self.parse_inline(" ".join(basis.split()))
            line = nodes.paragraph("", "Based on: ", *inline, classes=["gb-rec-basis"])
            body += line
            body += messages
        get_domain(self.env).add_rec(
            RecordedRec(
                id=rec_id,
                docname=self.env.docname,
                lineno=self.lineno,
                title=title,
                text=text,
                status=status,
                sequence=sequence,
            )
        )
        return [node]


class WithdrawnDirective(SphinxDirective):
    """``.. recommendation-withdrawn:: old-id`` with ``:replaced-by:``, ``:date:``."""

    has_content = True
    required_arguments = 1
    option_spec: ClassVar[dict[str, Any]] = {
        "replaced-by": directives.unchanged,
        "date": directives.unchanged_required,
    }

    def run(self) -> list[nodes.Node]:
        rec_id = self.arguments[0].strip()
        if not re.match(ID_PATTERN, rec_id):
            raise self.error(f"withdrawn ID {rec_id!r} is not a recommendation ID")
        item = Withdrawn(
            id=rec_id,
            docname=self.env.docname,
            lineno=self.lineno,
            replaced_by=self.options.get("replaced-by", "").strip(),
            date=self.options.get("date", "").strip(),
            reason=" ".join(self.content),
        )
        get_domain(self.env).add_withdrawn(item)
        text = f"Recommendation {rec_id} was withdrawn"
        if item.date:
            text += f" on {item.date}"
        para = nodes.paragraph(text=text + ". ", classes=["gb-withdrawn"])
        if item.replaced_by:
            para += nodes.Text("It is replaced by ")
            target = item.replaced_by
            ref = rec_reference("", f"recommendation [[{target}]]", rec_id=target)
            self.set_source_info(ref)
            para += ref
            para += nodes.Text(". ")
        if item.reason:
            para += nodes.Text(item.reason)
        return [para]


class RecRole(SphinxRole):
    """``:rec:`id``` becomes "recommendation N.M", linked."""

    def run(self) -> tuple[list[nodes.Node], list[nodes.system_message]]:
        rec_id = self.text.strip()
        # The placeholder text stands in until the number is known (manifest, post-transform).
        node = rec_reference(self.rawtext, f"recommendation [[{rec_id}]]", rec_id=rec_id)
        self.set_source_info(node)
        get_domain(self.env).note_shown(self.env.docname, rec_id)
        return [node], []


class RecommendationListDirective(SphinxDirective):
    """``.. recommendation-list::``: a table of every recommendation, filled at write time."""

    def run(self) -> list[nodes.Node]:
        get_domain(self.env).note_shown(self.env.docname, ALL)
        return [recommendation_list()]


# --- resolving at write time ---------------------------------------------------------------


def target_uri(builder: Builder, fromdoc: str, todoc: str, anchor: str) -> dict[str, str]:
    """Link attributes for ``anchor`` in ``todoc``: one page in singlehtml, else relative."""
    if builder.name == "singlehtml" or fromdoc == todoc:
        return {"refid": anchor} if fromdoc == todoc else {"refuri": f"#{anchor}"}
    return {"refuri": f"{builder.get_relative_uri(fromdoc, todoc)}#{anchor}"}


class ResolveRecommendations(SphinxPostTransform):
    """Fill in numbers, resolve ``:rec:`` references and build the list of recommendations."""

    default_priority = 5

    def run(self, **kwargs: Any) -> None:
        env = self.env
        # SphinxTransform.app is deprecated in Sphinx 9; Sphinx's own post-transforms
        # reach the builder the same way.
        self.builder: Builder = env._app.builder
        domain = get_domain(env)
        numbers = numbers_by_id(env)
        fromdoc = env.docname

        for heading in self.document.findall(recommendation_heading):
            heading["number"] = numbers.get(heading["rec_id"], "?")
        for node in self.document.findall(recommendation):
            node["number"] = numbers.get(node["rec_id"], "?")

        for ref in list(self.document.findall(rec_reference)):
            rec_id = ref["rec_id"]
            rec = domain.recs.get(rec_id)
            if rec is None:
                gone = domain.withdrawn.get(rec_id)
                reason = " (it was withdrawn)" if gone else ""
                logger.error(
                    "reference to unknown recommendation %r%s",
                    rec_id,
                    reason,
                    location=ref,
                    type="guidebuild",
                    subtype="unknown-rec",
                )
                ref.replace_self(nodes.Text(f"recommendation {rec_id}"))
                continue
            label = f"recommendation {numbers[rec_id]}"
            link = nodes.reference(
                "",
                label,
                internal=True,
                classes=["gb-rec-ref"],
                reftitle=rec.title,
                **target_uri(self.builder, fromdoc, rec.docname, rec_id),
            )
            ref.replace_self(link)

        for placeholder in list(self.document.findall(recommendation_list)):
            placeholder.replace_self(self._table(env, numbers, fromdoc))

    def _table(self, env: BuildEnvironment, numbers: dict[str, str], fromdoc: str) -> nodes.table:
        recs = ordered(env)
        # A first edition has no statuses: an empty column would only be noise.
        with_status = any(rec.status for rec in recs)
        rows: list[list[Cell]] = []
        for rec in recs:
            link = nodes.reference(
                "",
                rec.title,
                internal=True,
                **target_uri(self.builder, fromdoc, rec.docname, rec.id),
            )
            row: list[Cell] = [numbers[rec.id], link]
            if with_status:
                row.append(f"[{rec.status}]" if rec.status else "")
            rows.append(row)
        return make_table(
            rows,
            widths=(1, 6, 2) if with_status else (1, 8),
            classes=["gb-rec-list"],
            header=("Number", "Recommendation", "Status")[: 3 if with_status else 2],
        )


# --- HTML output ---------------------------------------------------------------------------


def visit_recommendation_html(self: HTML5Translator, node: recommendation) -> None:
    attributes: dict[str, Any] = {"aria-label": f"Recommendation {node['number']}"}
    self.body.append(
        self.starttag(node, "div", CLASS="gb-recommendation", role="group", **attributes)
    )


def depart_recommendation_html(self: HTML5Translator, node: recommendation) -> None:
    self.body.append("</div>\n")


def visit_heading_html(self: HTML5Translator, node: recommendation_heading) -> None:
    number, title, rec_id = node["number"], node["title"], node["rec_id"]
    encode = self.encode
    parts = [
        '<p class="gb-rec-heading">',
        f'<span class="gb-rec-number">{encode(number)}</span> ',
        f'<span class="gb-rec-title">{encode(title)}</span>',
    ]
    if node["status"]:
        parts.append(f' <span class="gb-rec-status">[{encode(node["status"])}]</span>')
    # The visible text (the ID) starts the accessible name (WCAG 2.5.3, label in name).
    parts.append(
        f' <a class="gb-permalink" href="#{encode(rec_id)}">'
        f'<span aria-hidden="true">#</span><span class="gb-rec-id">{encode(rec_id)}</span>'
        f'<span class="gb-visually-hidden"> (permanent link to recommendation '
        f"{encode(number)})</span></a>"
    )
    parts.append("</p>\n")
    self.body.append("".join(parts))
    raise nodes.SkipNode


def skip_node(self: Any, node: nodes.Element) -> None:
    """Builders other than HTML (text, LaTeX) have no use for the heading markup."""
    raise nodes.SkipNode


def pass_node(self: Any, node: nodes.Element) -> None:
    pass


# --- the manifest --------------------------------------------------------------------------


def manifest(app: Sphinx) -> list[ManifestEntry]:
    """Every recommendation in document order, with its URL relative to the site root."""
    env = app.env
    numbers = numbers_by_id(env)
    entries = []
    for rec in ordered(env):
        number = numbers[rec.id]
        entries.append(
            ManifestEntry(
                id=rec.id,
                number=number,
                title=rec.title,
                text=PLACEHOLDER.sub(lambda m: numbers.get(m[1], m[1]), rec.text),
                status=rec.status,
                chapter=number.split(".")[0],
                url=f"{app.builder.get_target_uri(rec.docname)}#{rec.id}",
            )
        )
    return entries


def write_manifest(app: Sphinx, exception: BaseException | None) -> None:
    """Write recommendations.json into the site (the pipeline also copies it to _build/)."""
    if exception is not None or app.builder.format != "html" or app.builder.name != "html":
        return
    data = [asdict(entry) for entry in manifest(app)]
    path = Path(app.outdir) / MANIFEST_NAME
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def withdrawn_ids(app: Sphinx) -> set[str]:
    return set(get_domain(app.env).withdrawn)


ALL = "*"
"""In :attr:`RecommendationDomain.shown_on`: the page lists every recommendation."""
SHOWN_RECORD = "guidebuild_recs_shown"
"""On the environment (saved with it): what the last build showed of each recommendation."""


def pages_to_rewrite(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """Pages to write again, not read again, because what they show of a recommendation
    of another page changed: its number, title, page or status.

    The numbers, titles and links are filled in at write time (ResolveRecommendations),
    so writing is enough. A page that changed nothing shown elsewhere (most edits) has
    only itself written; one that moves a recommendation has every page that names it.
    """
    domain = get_domain(env)
    numbers = numbers_by_id(env)
    shown: dict[str, object] = {
        rec.id: (numbers[rec.id], rec.title, rec.docname, rec.status)
        for rec in domain.recs.values()
    }
    changed = changed_keys(last_shown(env, SHOWN_RECORD, shown), shown)
    if not changed:
        return []
    pages = {domain.recs[i].docname for i in changed if i in domain.recs}  # its own numbers
    pages.update(
        docname
        for docname, ids in domain.shown_on.items()
        if ALL in ids or not ids.isdisjoint(changed)
    )
    return sorted(pages & env.all_docs.keys())


def setup_recommendations(app: Sphinx) -> None:
    app.add_domain(RecommendationDomain)
    app.add_node(
        recommendation,
        html=(visit_recommendation_html, depart_recommendation_html),
        text=(pass_node, pass_node),
        latex=(pass_node, pass_node),
    )
    app.add_node(
        recommendation_heading,
        html=(visit_heading_html, pass_node),
        text=(skip_node, pass_node),
        latex=(skip_node, pass_node),
    )
    app.add_directive("recommendation", RecommendationDirective)
    app.add_directive("recommendation-withdrawn", WithdrawnDirective)
    app.add_directive("recommendation-list", RecommendationListDirective)
    app.add_role("rec", RecRole())
    app.add_post_transform(ResolveRecommendations)
    app.connect("env-get-updated", pages_to_rewrite)
    app.connect("build-finished", write_manifest)
