"""The self-assessment checklist in the guidance, rendered from the framework file.

``.. checklist::`` renders every item of the framework, grouped by domain: a section per
domain (its title; whether it is core, in the table's first header) holding a table with a
row per item: its ID (the row is the anchor ``checklist-<ID>``), must-meet marked, the
question and links to the recommendations it checks; then what weak, adequate and strong
look like. The scoring rules, weights included, are the document's own prose.
``:framework:`` names the framework: a file (relative to the document, or to the source
folder with a leading ``/``) or an ``id`` / ``id@version`` in ``checklists/`` beside the
source folder; by default the only framework there.

``.. checklist-downloads::`` is a sentence linking the checklist files the build publishes
in the site (``downloads/<id>-<version>-checklist.<ext>``).

At write time (a post-transform, like ``:rec:``) each recommendation link gets its number,
and every ``recommendation`` anywhere in the guidance gets a line "Checked by checklist
item A1" linking back to the checklist. An item that checks an unknown recommendation is
an error located in the framework file.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.builders import Builder
from sphinx.domains import Domain
from sphinx.environment import BuildEnvironment
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from guidebuild.errors import InputError
from guidebuild.formats import CHECKLIST_FORMATS
from guidebuild.sphinxext.recommendations import (
    get_domain,
    numbers_by_id,
    recommendation,
    target_uri,
)
from guidebuild.sphinxext.shown import changed_keys, last_shown
from guidebuild.yamlsafe import did_you_mean

if TYPE_CHECKING:
    from guidebuild.framework.model import Domain as FrameworkDomain
    from guidebuild.framework.model import Framework, Item

logger = logging.getLogger(__name__)

ANCHOR_PREFIX = "checklist-"
DOWNLOADS = "downloads"
_OPTIONAL_LABELS = {"n/a": "n/a", "not-yet-due": "not yet due"}


def item_anchor(item_id: str) -> str:
    """The HTML anchor of an item in the checklist, e.g. ``checklist-A1``."""
    return f"{ANCHOR_PREFIX}{item_id}"


def domain_anchor(domain_id: str) -> str:
    return f"{ANCHOR_PREFIX}domain-{domain_id}"


def download_name(framework_id: str, version: str, fmt: str) -> str:
    """``<id>-<version>-checklist.<ext>``, as the build names the published files."""
    return f"{framework_id}-{version}-checklist.{fmt}"


# --- nodes and data -----------------------------------------------------------------------


class checklist_rec_ref(nodes.Inline, nodes.TextElement):  # noqa: N801 (docutils naming)
    """A recommendation an item checks, resolved to "recommendation N.M" at write time.

    Its ``source`` and ``line`` are the framework file's, for error messages."""


class checklist_download(nodes.General, nodes.Element):  # noqa: N801
    """Placeholder for the list of downloads; links depend on the builder."""


@dataclass(frozen=True)
class RecordedChecklist:
    """What the reader saw of one checklist: where it is and what each item checks."""

    docname: str
    framework: str
    """``id@version``."""
    items: tuple[tuple[str, tuple[str, ...]], ...]
    """(item ID, IDs of the recommendations it checks), in framework order."""


class ChecklistDomain(Domain):
    """The checklists in the guidance, so that recommendations can link back to them."""

    name = "gbchecklist"
    label = "Checklists"
    initial_data: ClassVar[dict[str, Any]] = {"checklists": {}}

    @property
    def checklists(self) -> dict[str, list[RecordedChecklist]]:
        return self.data["checklists"]  # type: ignore[no-any-return]

    def clear_doc(self, docname: str) -> None:
        self.checklists.pop(docname, None)

    def merge_domaindata(self, docnames: Iterable[str], otherdata: dict[str, Any]) -> None:
        wanted = set(docnames)
        for docname, records in otherdata["checklists"].items():
            if docname in wanted:
                self.checklists[docname] = list(records)

    def add(self, record: RecordedChecklist) -> None:
        self.checklists.setdefault(record.docname, []).append(record)

    def checked_by(self) -> dict[str, list[tuple[str, str]]]:
        """Recommendation ID -> [(document, item ID)] of every item that checks it."""
        found: dict[str, list[tuple[str, str]]] = {}
        for docname in sorted(self.checklists):
            for record in self.checklists[docname]:
                for item_id, recs in record.items:
                    for rec_id in recs:
                        found.setdefault(rec_id, []).append((docname, item_id))
        return found

    def resolve_any_xref(self, *args: Any, **kwargs: Any) -> list[tuple[str, nodes.reference]]:
        return []


def get_checklist_domain(env: BuildEnvironment) -> ChecklistDomain:
    domain = env.get_domain(ChecklistDomain.name)
    assert isinstance(domain, ChecklistDomain)
    return domain


# --- finding the framework -------------------------------------------------------------------


def _default_folder(env: BuildEnvironment) -> Path:
    return Path(env.srcdir).parent / "checklists"


def find_framework(env: BuildEnvironment, docname: str, value: str) -> Framework:
    """The framework an option names (file, id or id@version), or the default one.

    Raises :class:`InputError` when it cannot be found or has problems.
    """
    from guidebuild.framework.loader import Catalogue, load_framework

    value = value.strip()
    if value.endswith((".yaml", ".yml")) or "/" in value:
        _, absolute = env.relfn2path(value, docname)
        path = Path(absolute)
        if not path.is_file():
            raise InputError(f"framework file {value!r} not found (looked for {path})")
        return load_framework(path)
    catalogue = Catalogue(_default_folder(env))
    if not value:
        return catalogue.default()
    framework_id, _, version = value.partition("@")
    if version:
        found = catalogue.get(framework_id, version)
    else:
        found = next((f for f in catalogue.current() if f.id == framework_id), None)
    if found is None:
        raise InputError(catalogue.unknown(framework_id, version or "(any version)"))
    return found


# --- directives ---------------------------------------------------------------------------------


class _FrameworkDirective(SphinxDirective):
    option_spec: ClassVar[dict[str, Any]] = {"framework": directives.unchanged}

    def framework(self) -> Framework:
        try:
            framework = find_framework(
                self.env, self.env.docname, self.options.get("framework", "")
            )
        except InputError as error:
            raise self.error(str(error)) from None
        if framework.source is not None:
            # Editing the framework rebuilds the page (and, through env-get-outdated, the
            # pages whose recommendations link back to it).
            self.env.note_dependency(str(framework.source.resolve()))
        return framework


class ChecklistDirective(_FrameworkDirective):
    """``.. checklist::``: every domain and item of the framework, with links."""

    def run(self) -> list[nodes.Node]:
        framework = self.framework()
        source = str(framework.source.resolve()) if framework.source else framework.key
        result: list[nodes.Node] = self._rules(framework)
        for domain in framework.domains:
            result.append(self._domain(domain, source))
        get_checklist_domain(self.env).add(
            RecordedChecklist(
                docname=self.env.docname,
                framework=framework.key,
                items=tuple((item.id, item.recommendations) for item in framework.items.values()),
            )
        )
        return result

    def _rules(self, framework: Framework) -> list[nodes.Node]:
        """The tie-break and the red flags, before the items (framework 1.1 on)."""
        out: list[nodes.Node] = []
        if framework.rules.tie_break:
            out.append(
                nodes.paragraph(
                    "",
                    "",
                    nodes.strong(text="When two levels seem to fit: "),
                    nodes.Text(framework.rules.tie_break.strip()),
                    classes=["gb-checklist-tie-break"],
                )
            )
        if framework.red_flags:
            out.append(
                nodes.paragraph(
                    "",
                    "",
                    nodes.strong(text="Red flags. "),
                    nodes.Text(
                        "Each of these counts the items it contradicts as absent, and the "
                        f"result then says: {framework.red_flag_warning.strip()}"
                    ),
                )
            )
            flags = nodes.bullet_list(classes=["gb-checklist-red-flags"])
            for flag in framework.red_flags:
                flags += nodes.list_item(
                    "",
                    nodes.paragraph(
                        text=f"{flag.text} (counts {', '.join(flag.forces)} as absent)"
                    ),
                )
            out.append(flags)
        return out

    def _domain(self, domain: FrameworkDomain, source: str) -> nodes.section:
        section = nodes.section(ids=[domain_anchor(domain.id)], classes=["gb-checklist-domain"])
        self.state.document.set_id(section)
        section += nodes.title(text=domain.title)
        section += self._table(domain, source)
        return section

    def _table(self, domain: FrameworkDomain, source: str) -> nodes.table:
        # Four columns rather than five: the ID heads the question's cell, which saves a
        # narrow column that would make every row taller on paper.
        table = nodes.table(classes=["gb-checklist", "colwidths-given"])
        group = nodes.tgroup(cols=4)
        table += group
        for width in (34, 22, 22, 22):
            group += nodes.colspec(colwidth=width)
        head = nodes.thead()
        group += head
        row = nodes.row()
        # Whether the domain is core goes in the first header: a paragraph of its own
        # under each heading would add most of a page to the PDF.
        first = "Item (core domain: counts twice)" if domain.core else "Item"
        for label in (first, "Weak", "Adequate", "Strong"):
            row += nodes.entry("", nodes.paragraph(text=label))
        head += row
        body = nodes.tbody()
        group += body
        for item in domain.items:
            body += self._row(item, source)
        return table

    def _row(self, item: Item, source: str) -> nodes.row:
        row = nodes.row(ids=[item_anchor(item.id)])
        self.state.document.set_id(row)
        # The ID starts the question's paragraph: a line of its own would make every row
        # taller on paper.
        question = nodes.paragraph("", "", nodes.strong(text=item.id), nodes.Text(" "))
        if item.must_meet:
            question += nodes.emphasis(text="(must meet)")
            question += nodes.Text(" ")
        question += nodes.Text(item.question)
        cell = nodes.entry("", question)
        checks = nodes.paragraph("", "Checks ", classes=["gb-checklist-checks"])
        refs: list[nodes.Node] = []
        for index, rec_id in enumerate(item.recommendations):
            ref = checklist_rec_ref("", f"recommendation {rec_id}", rec_id=rec_id, item=item.id)
            get_domain(self.env).note_shown(self.env.docname, rec_id)
            ref.source = source
            if index < len(item.recommendation_positions):
                ref.line = item.recommendation_positions[index][0]
            refs.append(ref)
        for part in _joined(refs):
            checks += part
        checks += nodes.Text(".")
        allowed = [_OPTIONAL_LABELS.get(r.value, r.value) for r in item.ratings if not r.applies]
        if allowed:
            checks += nodes.Text(f" May be rated {' or '.join(allowed)}.")
        cell += checks
        if item.descriptors.absent:
            # Absent goes under the question: a fifth column would not fit the page.
            cell += nodes.paragraph(
                "", "", nodes.emphasis(text="Absent: "), nodes.Text(item.descriptors.absent)
            )
        row += cell
        for text in (item.descriptors.weak, item.descriptors.adequate, item.descriptors.strong):
            # The essential conditions are on the forms; on paper they would add pages.
            row += nodes.entry("", nodes.paragraph(text=text))
        return row


class ChecklistDownloadsDirective(_FrameworkDirective):
    """``.. checklist-downloads::``: "Download it as a PDF form, ..." with links."""

    def run(self) -> list[nodes.Node]:
        framework = self.framework()
        return [checklist_download(framework_id=framework.id, version=framework.version)]


def _joined(parts: list[nodes.Node], last: str = " and ") -> list[nodes.Node]:
    """``a``, ``a and b``, ``a, b and c`` with the separators as text nodes."""
    out: list[nodes.Node] = []
    for index, part in enumerate(parts):
        if index and index == len(parts) - 1:
            out.append(nodes.Text(last))
        elif index:
            out.append(nodes.Text(", "))
        out.append(part)
    return out


# --- resolving at write time ----------------------------------------------------------------


class ResolveChecklist(SphinxPostTransform):
    """Number the checklist's recommendation links and link recommendations back to it."""

    default_priority = 6  # beside ResolveRecommendations (5); both before singlehtml's fixes

    def run(self, **kwargs: Any) -> None:
        # SphinxTransform.app is deprecated in Sphinx 9 (as in recommendations.py).
        builder: Builder = self.env._app.builder
        fromdoc = self.env.docname
        recs = get_domain(self.env).recs
        numbers = numbers_by_id(self.env)
        for ref in list(self.document.findall(checklist_rec_ref)):
            rec_id = ref["rec_id"]
            rec = recs.get(rec_id)
            if rec is None:
                logger.error(
                    "checklist item %s checks recommendation %r, which the guidance does not "
                    "define%s",
                    ref["item"],
                    rec_id,
                    did_you_mean(rec_id, sorted(recs)),
                    location=f"{ref.source}:{ref.line}" if ref.line else ref.source,
                    type="guidebuild",
                    subtype="unknown-rec",
                )
                ref.replace_self(nodes.Text(f"recommendation {rec_id}"))
                continue
            ref.replace_self(
                nodes.reference(
                    "",
                    f"recommendation {numbers[rec_id]}",
                    internal=True,
                    classes=["gb-checklist-rec"],
                    reftitle=rec.title,
                    **target_uri(builder, fromdoc, rec.docname, rec_id),
                )
            )
        checked = get_checklist_domain(self.env).checked_by()
        for node in self.document.findall(recommendation):
            items = checked.get(node["rec_id"])
            if items:
                _append_backlinks(node, items, builder, fromdoc)
        for placeholder in list(self.document.findall(checklist_download)):
            placeholder.replace_self(_downloads(placeholder, builder, fromdoc))


def _append_backlinks(
    node: recommendation, items: list[tuple[str, str]], builder: Builder, fromdoc: str
) -> None:
    label = "Checked by checklist item" + ("s " if len(items) > 1 else " ")
    line = nodes.paragraph("", label, classes=["gb-rec-checked"])
    links: list[nodes.Node] = [
        nodes.reference(
            "",
            item_id,
            internal=True,
            reftitle=f"Checklist item {item_id}",
            **target_uri(builder, fromdoc, docname, item_anchor(item_id)),
        )
        for docname, item_id in items
    ]
    for part in _joined(links):
        line += part
    line += nodes.Text(".")
    # Inside the body, so the panel's "last child has no margin" rule applies to it.
    body = node.children[-1] if node.children else None
    if isinstance(body, nodes.container):
        body += line
    else:
        node += line


def _downloads(node: checklist_download, builder: Builder, fromdoc: str) -> nodes.paragraph:
    """ "Download it as a PDF form, ..." with links relative to the page in the site.

    In the single page the PDF is made from, the links go to the published site when
    ``guidebuild_site_url`` is set; otherwise the file names are given as text."""
    if builder.name == "singlehtml":
        site = str(builder.config.guidebuild_site_url or "").rstrip("/")
        base = f"{site}/" if site else None
    else:
        base = "../" * fromdoc.count("/")
    para = nodes.paragraph("", "Download it as ", classes=["gb-checklist-downloads"])
    parts: list[nodes.Node] = []
    for fmt in CHECKLIST_FORMATS:
        label, use = fmt.link_text, fmt.after_link
        name = download_name(node["framework_id"], node["version"], fmt.name)
        part = nodes.inline()
        if base is not None:
            href = base + posixpath.join(DOWNLOADS, name)
            part += nodes.reference("", label, refuri=href)
            part += nodes.Text(use)
        else:
            part += nodes.Text(f"{label} ({name}){use}")
        parts.append(part)
    for piece in _joined(parts, last=" or "):
        para += piece
    para += nodes.Text(".")
    return para


# --- incremental builds ---------------------------------------------------------------------


BACKLINKS_RECORD = "guidebuild_backlinks_shown"
"""On the environment (saved with it): the checklist items each recommendation linked to."""


def pages_with_new_backlinks(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """Pages to write again (not read: back links are added at write time) because the
    checklist items that check one of their recommendations changed.

    The checklist's own page shows recommendation numbers: it is written again through
    :func:`~guidebuild.sphinxext.recommendations.pages_to_rewrite`, like any page that
    names recommendations.
    """
    checked = get_checklist_domain(env).checked_by()
    links: dict[str, object] = {rec_id: tuple(items) for rec_id, items in checked.items()}
    changed = changed_keys(last_shown(env, BACKLINKS_RECORD, links), links)
    recs = get_domain(env).recs
    return sorted({recs[i].docname for i in changed if i in recs} & env.all_docs.keys())


# --- output -------------------------------------------------------------------------------------


def _skip(self: Any, node: nodes.Element) -> None:
    raise nodes.SkipNode


def setup_checklist(app: Sphinx) -> None:
    app.add_domain(ChecklistDomain)
    # Both are replaced at write time; a builder that skips post-transforms drops them.
    for node in (checklist_rec_ref, checklist_download):
        app.add_node(node, html=(_skip, _skip), text=(_skip, _skip), latex=(_skip, _skip))
    app.add_directive("checklist", ChecklistDirective)
    app.add_directive("checklist-downloads", ChecklistDownloadsDirective)
    app.add_post_transform(ResolveChecklist)
    app.connect("env-get-updated", pages_with_new_backlinks)
