"""Front and back matter from the settings and the change log, and the theme's context.

``.. information-box::`` renders the publication's information box (purpose and audience
from the directive's options, the rest from conf.py). ``.. update-information::`` renders
the dated change log in ``guidance/changelog.yaml``; its newest date is the "last updated"
date on every page, so the date never comes from the build clock.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import yaml
from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from guidebuild.project import (
    CONTACT_FIELDS,
    DEFAULT_POLICY_AREA_CHOICES,
    FRONT_SETTINGS,
    READER_FIELDS,
)
from guidebuild.sphinxext.tables import make_table
from guidebuild.sphinxext.typography import typographic

logger = logging.getLogger(__name__)

CHANGELOG_NAME = "changelog.yaml"


@dataclass(frozen=True)
class Change:
    """One dated entry of the change log."""

    date: dt.date
    edition: str
    changes: tuple[str, ...]


def human_date(value: dt.date) -> str:
    """'6 December 2004': the GOV.UK style, with no leading zero."""
    return f"{value.day} {value:%B %Y}"


def is_draft(app: Sphinx) -> bool:
    forced = app.config.guidebuild_draft
    if forced is not None:
        return bool(forced)
    return bool(app.config.guidebuild_status != "final")


def read_changelog(srcdir: Path) -> tuple[Change, ...]:
    """Read guidance/changelog.yaml; problems are logged with file and line."""
    path = srcdir / CHANGELOG_NAME
    if not path.is_file():
        return ()
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        mark = getattr(error, "problem_mark", None)
        logger.error(
            "change log is not valid YAML: %s",
            getattr(error, "problem", None) or error,
            location=(str(path), mark.line + 1 if mark else None),
        )
        return ()
    if not isinstance(data, list):
        logger.error("change log must be a list of dated entries", location=str(path))
        return ()
    entries = []
    for index, raw in enumerate(data, start=1):
        if not isinstance(raw, dict) or not isinstance(raw.get("changes"), list):
            logger.error(
                "change log entry %d needs 'date', 'edition' and a list of 'changes'",
                index,
                location=str(path),
            )
            continue
        date = raw.get("date")
        if isinstance(date, str):
            try:
                date = dt.date.fromisoformat(date)
            except ValueError:
                date = None
        if not isinstance(date, dt.date):
            logger.error(
                "change log entry %d: date must be YYYY-MM-DD, not %r",
                index,
                raw.get("date"),
                location=str(path),
            )
            continue
        entries.append(
            Change(date, str(raw.get("edition", "")), tuple(str(c) for c in raw["changes"]))
        )
    return tuple(sorted(entries, key=lambda c: c.date, reverse=True))


def published(config: Config) -> dt.date | None:
    try:
        return dt.date.fromisoformat(config.guidebuild_published)
    except (TypeError, ValueError):
        return None


def last_updated(app: Sphinx) -> dt.date | None:
    changes = getattr(app, "_guidebuild_changelog", ())
    dates = [c.date for c in changes]
    first = published(app.config)
    if first:
        dates.append(first)
    return max(dates) if dates else None


class section_heading(nodes.General, nodes.Element):  # noqa: N801 (docutils node naming)
    """A heading outside the section tree: an HTML ``<h2>``, so a heading in the PDF's tags.

    docutils allows sections only at the top of a document, but the information box sits
    inside the front page's text; a rubric would be a plain paragraph to a screen reader.
    """


def visit_section_heading_html(self: Any, node: section_heading) -> None:
    ids = f' id="{self.attval(node["ids"][0])}"' if node["ids"] else ""
    classes = " ".join(node["classes"])
    self.body.append(f'<h2 class="{self.attval(classes)}"{ids}>{self.encode(node.astext())}</h2>\n')
    raise nodes.SkipNode


def visit_section_heading_text(self: Any, node: section_heading) -> None:
    pass


def depart_section_heading(self: Any, node: section_heading) -> None:
    pass


def _text(config: Config, name: str) -> str:
    value = getattr(config, name, "")
    return typographic(value.strip()) if isinstance(value, str) else ""


def _texts(config: Config, name: str) -> tuple[str, ...]:
    value = getattr(config, name, None)
    if not isinstance(value, list | tuple):
        return ()
    return tuple(str(item) for item in value if str(item).strip())


def _policy_areas(config: Config) -> nodes.Node | None:
    """The tick list: every area of the list, the ones that apply ticked."""
    ticked = _texts(config, "guidebuild_policy_areas")
    if not ticked:
        return None
    choices = _texts(config, "guidebuild_policy_area_choices") or DEFAULT_POLICY_AREA_CHOICES
    unknown = [area for area in ticked if area not in choices]
    if unknown:
        logger.warning(
            "guidebuild_policy_areas names %s, not in the tick list (%s)",
            ", ".join(map(repr, unknown)),
            ", ".join(choices),
        )
    result = nodes.bullet_list(classes=["gb-policy-areas"])
    for area in (*choices, *unknown):
        on = area in ticked
        item = nodes.list_item(classes=["gb-ticked" if on else "gb-unticked"])
        para = nodes.paragraph()
        # The mark is text, so that it prints and is read out; "not ticked" is said, not
        # left to the absence of a glyph.
        para += nodes.inline(text="\u2612 " if on else "\u2610 ", classes=["gb-tick"])
        para += nodes.Text(area)
        para += nodes.inline(
            text=" (applies)" if on else " (does not apply)", classes=["gb-visually-hidden"]
        )
        item += para
        result += item
    return result


def _contact(config: Config) -> nodes.Node | None:
    """Contact details: name, address, telephone and e-mail, each on a line of its own."""
    parts = {setting.name: _text(config, setting.name) for setting in CONTACT_FIELDS}
    if not any(parts.values()):
        return None
    block = nodes.line_block(classes=["gb-contact"])
    for setting in CONTACT_FIELDS:
        value = parts[setting.name]
        if not value:
            continue
        line = nodes.line()
        if setting.name == "guidebuild_contact_email":
            line += nodes.Text("E-mail: ")
            line += nodes.reference(value, value, refuri=f"mailto:{value}")
        elif setting.name == "guidebuild_contact_telephone":
            line += nodes.Text(f"Telephone: {value}")
        else:
            line += nodes.Text(value)
        block += line
    return block


def reader_information_rows(
    config: Config, options: dict[str, str]
) -> list[tuple[str, nodes.Node | str]]:
    """The rows of the Reader Information box, in the DH order; unset rows left out."""
    date = published(config)
    values: dict[str, nodes.Node | str | None] = {
        setting.name: _text(config, setting.name) for setting in READER_FIELDS
    }
    values["guidebuild_policy_areas"] = _policy_areas(config)
    values["guidebuild_document_purpose"] = values["guidebuild_document_purpose"] or options.get(
        "purpose", ""
    )
    values["guidebuild_target_audience"] = values["guidebuild_target_audience"] or options.get(
        "audience", ""
    )
    values["guidebuild_gateway_ref"] = values["guidebuild_gateway_ref"] or options.get(
        "reference", ""
    )
    rows: list[tuple[str, nodes.Node | str]] = []
    for setting in READER_FIELDS:
        if setting.name == "guidebuild_target_audience":
            # Title, author and date come between the references and the audience.
            rows.append(("Title", typographic(config.project)))
            rows.append(("Author", typographic(config.author)))
            if date:
                rows.append(("Publication date", human_date(date)))
            if config.guidebuild_edition:
                rows.append(("Edition", config.guidebuild_edition))
            rows.append(("Status", str(config.guidebuild_status).capitalize()))
        if setting.name == "guidebuild_recipients_use":
            contact = _contact(config)
            if contact is not None:
                rows.append(("Contact details", contact))
        value = values[setting.name]
        if value:
            rows.append((setting.label, value))
    return rows


class InformationBox(SphinxDirective):
    """The Reader Information box, from conf.py (see guidebuild.project.READER_FIELDS).

    ``:purpose:`` and ``:audience:`` stand in for ``guidebuild_document_purpose`` and
    ``guidebuild_target_audience`` when conf.py does not set them; one of each is needed.
    """

    option_spec: ClassVar[dict[str, Any]] = {
        "purpose": directives.unchanged_required,
        "audience": directives.unchanged_required,
        "reference": directives.unchanged,
    }

    def run(self) -> list[nodes.Node]:
        config = self.config
        needed = {
            "purpose": "guidebuild_document_purpose",
            "audience": "guidebuild_target_audience",
        }
        missing = [
            option
            for option, setting in needed.items()
            if option not in self.options and not _text(config, setting)
        ]
        if missing:
            raise self.error(
                f"information-box needs :{': and :'.join(missing)}: "
                f"(or {' and '.join(needed[m] for m in missing)} in conf.py)"
            )
        rows = reader_information_rows(config, self.options)
        container = nodes.container(classes=["gb-infobox"])
        heading = section_heading(
            "", nodes.Text("Reader information"), classes=["gb-infobox-title"]
        )
        heading["ids"] = ["reader-information"]
        container += heading
        # Labelled rows: the first column holds header cells.
        container += make_table(rows, widths=(1, 3), classes=["gb-infobox-table"], stub_columns=1)
        return [container]


class ContactDetails(SphinxDirective):
    """``.. contact-details::``: the contact from conf.py (name, address, telephone, e-mail)."""

    def run(self) -> list[nodes.Node]:
        contact = _contact(self.config)
        if contact is None:
            logger.warning(
                "contact-details: conf.py sets no guidebuild_contact* setting",
                location=(self.env.docname, self.lineno),
            )
            return []
        return [contact]


class UpdateInformation(SphinxDirective):
    """Dated change notes from guidance/changelog.yaml, newest first."""

    def run(self) -> list[nodes.Node]:
        path = Path(self.env.srcdir) / CHANGELOG_NAME
        self.env.note_dependency(str(path))
        changes = read_changelog(Path(self.env.srcdir))
        if not changes:
            return [nodes.paragraph(text="No changes have been made since publication.")]
        result = nodes.bullet_list(classes=["gb-changelog"])
        for change in changes:
            item = nodes.list_item()
            head = nodes.paragraph()
            head += nodes.strong(text=human_date(change.date))
            if change.edition:
                head += nodes.Text(f" ({change.edition})")
            item += head
            notes = nodes.bullet_list()
            for text in change.changes:
                notes += nodes.list_item("", nodes.paragraph(text=text))
            item += notes
            result += item
        return [result]


def on_builder_inited(app: Sphinx) -> None:
    app._guidebuild_changelog = read_changelog(Path(app.srcdir))  # type: ignore[attr-defined]
    if app.config.guidebuild_status not in ("draft", "consultation", "final"):
        logger.error(
            "guidebuild_status must be draft, consultation or final, not %r",
            app.config.guidebuild_status,
        )


def imprint(config: Config) -> dict[str, Any]:
    """The imprint page's lines and the other-formats contact, for the PDF and the footer.

    Each line is there only when its setting is: nothing is made up for what is unset.
    """
    date = published(config)
    first_raw = _text(config, "guidebuild_first_published")
    try:
        first = dt.date.fromisoformat(first_raw) if first_raw else date
    except ValueError:
        first = date
    holder = _text(config, "guidebuild_copyright")
    copyright_line = f"\u00a9 {holder} {first.year}" if holder and first else ""
    produced_by = _text(config, "guidebuild_produced_by")
    contact = {
        "name": _text(config, "guidebuild_contact_name"),
        "address": _text(config, "guidebuild_contact"),
        "telephone": _text(config, "guidebuild_contact_telephone"),
        "email": _text(config, "guidebuild_contact_email"),
    }
    return {
        "logo_text": _text(config, "guidebuild_logo_text") or config.guidebuild_organisation,
        "copyright": copyright_line,
        "first_published": f"First published {first:%B %Y}" if first else "",
        "produced_by": f"Produced by {produced_by}" if produced_by else "",
        "licence": _text(config, "guidebuild_licence"),
        "publications_address": _text(config, "guidebuild_publications_address"),
        "contact": contact,
        "has_contact": any(contact.values()),
        # The footer's one line: who, then how to reach them (links where a link works).
        "contact_parts": [
            part
            for part in (
                {"text": contact["name"], "href": ""},
                {"text": contact["address"], "href": ""}
                if not (contact["telephone"] or contact["email"])
                else {"text": "", "href": ""},
                {
                    "text": f"telephone {contact['telephone']}",
                    "href": "tel:" + contact["telephone"].replace(" ", ""),
                }
                if contact["telephone"]
                else {"text": "", "href": ""},
                {"text": contact["email"], "href": f"mailto:{contact['email']}"}
                if contact["email"]
                else {"text": "", "href": ""},
            )
            if part["text"]
        ],
    }


def on_page_context(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """Give the theme what every page shows: edition, dates, draft mark, the PDF link."""
    date = published(app.config)
    updated = last_updated(app)
    context["gb"] = {
        "title": typographic(app.config.project),
        "short_title": typographic(app.config.guidebuild_short_title or app.config.project),
        "edition": app.config.guidebuild_edition,
        "status": app.config.guidebuild_status,
        "organisation": typographic(app.config.guidebuild_organisation),
        "author": typographic(app.config.author),
        "published": human_date(date) if date else "",
        "published_iso": date.isoformat() if date else "",
        "last_updated": human_date(updated) if updated else "",
        "last_updated_iso": updated.isoformat() if updated else "",
        "draft": is_draft(app),
        "pdf_href": app.config.guidebuild_pdf_href,
        "lang": str(app.config.language or "en").replace("_", "-"),
        "keywords": app.config.guidebuild_keywords,
        **imprint(app.config),
    }


def setup_frontmatter(app: Sphinx) -> None:
    for setting in FRONT_SETTINGS:
        default: Any = [] if setting.kind is list else ""
        app.add_config_value(
            setting.name, default, "env", (list, tuple) if setting.kind is list else str
        )
    app.add_node(
        section_heading,
        html=(visit_section_heading_html, depart_section_heading),
        text=(visit_section_heading_text, depart_section_heading),
        latex=(visit_section_heading_text, depart_section_heading),
    )
    app.add_directive("information-box", InformationBox)
    app.add_directive("contact-details", ContactDetails)
    app.add_directive("update-information", UpdateInformation)
    app.connect("builder-inited", on_builder_inited)
    app.connect("html-page-context", on_page_context)
