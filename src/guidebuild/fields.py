"""The vocabulary the checklist forms share with their readers: field names, sheets, labels.

A writer in :mod:`guidebuild.forms` and the matching reader in :mod:`guidebuild.answers`
must agree on every name, so the names live here and nowhere else. Nothing here imports
more than the framework model.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from guidebuild.framework.model import Framework, Rating


@dataclass(frozen=True)
class SchemeField:
    """One detail of the scheme asked for at the top of every form."""

    key: str
    """The key under ``scheme:`` in a scheme file."""
    label: str
    """What the form calls it."""
    hint: str = ""
    """A few words of help shown beside the field (dates also show :data:`DATE_HINT`)."""
    required: bool = False
    date: bool = False
    multiline: bool = False


SCHEME_FIELDS: tuple[SchemeField, ...] = (
    SchemeField("name", "Name of the scheme", required=True),
    SchemeField("organisation", "Organisation", required=True),
    SchemeField("contact", "Contact", "name, e-mail or telephone of the person to ask"),
    SchemeField("assessed_by", "Assessed by", "who filled in this checklist"),
    SchemeField("assessed_on", "Date of this assessment", required=True, date=True),
    SchemeField("started_on", "Date the scheme started", date=True),
    SchemeField(
        "first_cycle_ends",
        "Date the first full cycle ends",
        "until then, evaluation items may be not-yet-due",
        date=True,
    ),
    SchemeField("notes", "Notes", multiline=True),
)
"""The scheme details, in the order the forms ask for them."""

ANSWER_FIELDS = ("rating", "evidence", "note", "reason")
"""What the forms ask for each item (``owner`` and ``due`` are on the action plan)."""

RATING_MEANINGS: dict[Rating, str] = {
    Rating.ABSENT: "Nothing in place, or the facts contradict the item.",
    Rating.WEAK: "Intended, partial or ad hoc; or claimed without evidence.",
    Rating.ADEQUATE: "Written down, in operation, with evidence.",
    Rating.STRONG: "Adequate, plus reviewed and improved using data, or externally accredited.",
    Rating.NA: "Does not apply to this scheme: say why under Reason.",
    Rating.NOT_YET_DUE: "The scheme has not finished its first full cycle: say so under Reason.",
}
"""The general meaning of each rating; items add their own weak/adequate/strong text."""

FRAMEWORK_FIELD = "framework"
"""The read-only PDF field (and workbook detail) holding ``id@version``."""
FRAMEWORK_INFO_KEY = "/GuidebuildFramework"
"""The PDF document-information key that also holds ``id@version``."""

# PDF field names. A dot would make a field hierarchy in PDF, so parts are joined with an
# underscore, which item IDs (letters, digits and hyphens) never contain.
_ITEM_FIELD = re.compile(r"(?P<item>[A-Za-z][A-Za-z0-9-]*)_(?P<part>rating|evidence|note|reason)\Z")


def scheme_field_name(key: str) -> str:
    """The PDF field of a scheme detail, e.g. ``scheme_name``."""
    return f"scheme_{key}"


def item_field_name(item_id: str, part: str) -> str:
    """The PDF field of one part of an item's answer, e.g. ``A1_rating``."""
    return f"{item_id}_{part}"


def parse_field_name(name: str) -> tuple[str, str] | None:
    """``("scheme", key)``, ``("answers", item_id, part)`` style parts of a field name.

    Returns ``(section, key)`` for scheme details, ``(item_id, part)`` for item fields, or
    None for a field that is not ours (a signature field a viewer added, say).
    """
    if name.startswith("scheme_"):
        key = name.removeprefix("scheme_")
        if any(field.key == key for field in SCHEME_FIELDS):
            return ("scheme", key)
    match = _ITEM_FIELD.match(name)
    if match:
        return (match["item"], match["part"])
    return None


# The workbook: sheet names and the headers its readers look for (row 1 of each sheet).
ITEMS_SHEET = "Items"
DETAILS_SHEET = "Scheme details"
ACTIONS_SHEET = "Action plan"
GUIDE_SHEET = "How to fill in"

ITEM_HEADERS = (
    "ID",
    "Domain",
    "Question",
    "Must meet",
    "Weak looks like",
    "Adequate looks like",
    "Strong looks like",
    "Allowed ratings",
    "Rating",
    "Evidence",
    "Note",
    "Reason",
)
ITEM_READ_HEADERS = ("ID", "Rating", "Evidence", "Note", "Reason")
"""The Items columns the reader needs, found by header so inserted columns do no harm."""
ACTION_HEADERS = ("ID", "Item", "Action", "Owner", "Deadline", "RAG")
ACTION_READ_HEADERS = ("ID", "Owner", "Deadline")
DETAILS_HEADERS = ("Detail", "Value", "Help")

CUSTOM_PROPERTY = "guidebuild-framework"
"""The workbook's custom document property holding ``id@version``."""

DATE_HINT = "YYYY-MM-DD"
"""How a date is written in the PDF form and the YAML file."""


def field_help(field: SchemeField) -> str:
    """The help shown beside a scheme detail: the date format for dates, then its hint."""
    parts = [DATE_HINT] if field.date else []
    return "; ".join([*parts, field.hint] if field.hint else parts)


def evidence_lines(text: str) -> list[str]:
    """Evidence typed in a box, one document, record or link per line."""
    return [line.strip() for line in normalise_newlines(text).split("\n") if line.strip()]


def normalise_newlines(text: str) -> str:
    """``\\r\\n`` and ``\\r`` (how PDF viewers write a new line) become ``\\n``."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def checklist_name(framework: Framework, fmt: str) -> str:
    """``<id>-<version>-checklist.<ext>``, e.g. ``mentoring-schemes-1.0-checklist.pdf``."""
    return f"{framework.id}-{framework.version}-checklist.{fmt}"
