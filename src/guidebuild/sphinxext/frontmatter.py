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

from guidebuild.sphinxext.tables import make_table

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


class InformationBox(SphinxDirective):
    """The information box: purpose, audience, publication date, edition, contact..."""

    option_spec: ClassVar[dict[str, Any]] = {
        "purpose": directives.unchanged_required,
        "audience": directives.unchanged_required,
        "reference": directives.unchanged,
    }

    def run(self) -> list[nodes.Node]:
        config = self.config
        missing = [name for name in ("purpose", "audience") if name not in self.options]
        if missing:
            raise self.error(f"information-box needs :{': and :'.join(missing)}:")
        date = published(config)
        rows: list[tuple[str, nodes.Node | str]] = [
            ("Title", config.project),
            ("Purpose", self.options["purpose"]),
            ("Audience", self.options["audience"]),
            ("Author", config.author),
            ("Publication date", human_date(date) if date else config.guidebuild_published),
            ("Edition", config.guidebuild_edition),
            ("Status", str(config.guidebuild_status).capitalize()),
        ]
        if self.options.get("reference"):
            rows.append(("Publication reference", self.options["reference"]))
        rows.append(("Supersedes", config.guidebuild_supersedes or "None"))
        rows.append(("Contact", config.guidebuild_contact or config.guidebuild_organisation))
        container = nodes.container(classes=["gb-infobox"])
        container += nodes.rubric(text="Information box")
        # Labelled rows: the first column holds header cells.
        container += make_table(rows, widths=(1, 3), classes=["gb-infobox-table"], stub_columns=1)
        return [container]


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


def on_page_context(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """Give the theme what every page shows: edition, dates, draft mark, the PDF link."""
    date = published(app.config)
    updated = last_updated(app)
    context["gb"] = {
        "title": app.config.project,
        "short_title": app.config.guidebuild_short_title or app.config.project,
        "edition": app.config.guidebuild_edition,
        "status": app.config.guidebuild_status,
        "organisation": app.config.guidebuild_organisation,
        "author": app.config.author,
        "published": human_date(date) if date else "",
        "published_iso": date.isoformat() if date else "",
        "last_updated": human_date(updated) if updated else "",
        "last_updated_iso": updated.isoformat() if updated else "",
        "draft": is_draft(app),
        "pdf_href": app.config.guidebuild_pdf_href,
        "lang": str(app.config.language or "en").replace("_", "-"),
        "keywords": app.config.guidebuild_keywords,
    }


def setup_frontmatter(app: Sphinx) -> None:
    app.add_directive("information-box", InformationBox)
    app.add_directive("update-information", UpdateInformation)
    app.connect("builder-inited", on_builder_inited)
    app.connect("html-page-context", on_page_context)
