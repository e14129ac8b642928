"""The vocabulary the checklist forms share with their readers: field names, sheets, labels.

A writer in :mod:`guidebuild.forms` and the matching reader in :mod:`guidebuild.answers`
must agree on every name, so the names live here and nowhere else. Nothing here imports
more than the framework model.
"""

from __future__ import annotations

import re

from guidebuild.framework.model import DetailField, Framework

SchemeField = DetailField
"""A detail asked for at the top of every form; the framework declares them (``details``)."""

ANSWER_FIELDS = ("rating", "evidence", "note", "reason")
"""What the forms ask for each item (``owner`` and ``due`` are on the action plan)."""


FRAMEWORK_FIELD = "framework"
"""The read-only PDF field (and workbook detail) holding ``id@version``."""
FRAMEWORK_INFO_KEY = "/GuidebuildFramework"
"""The PDF document-information key that also holds ``id@version``."""

# PDF field names. A dot would make a field hierarchy in PDF, so parts are joined with an
# underscore, which item IDs (letters, digits and hyphens) never contain.
_DETAIL_KEY = re.compile(r"[a-z][a-z0-9_]*\Z")
_ITEM_FIELD = re.compile(r"(?P<item>[A-Za-z][A-Za-z0-9-]*)_(?P<part>rating|evidence|note|reason)\Z")


RED_FLAG_PREFIX = "redflag_"
"""PDF fields (and workbook keys) of the red flags: ``redflag_<id>``, answered yes or no."""
RED_FLAG_ANSWERS = ("yes", "no")


def red_flag_field_name(flag_id: str) -> str:
    """The PDF field of a red flag; a flag ID's hyphens are kept (no dot, no underscore)."""
    return f"{RED_FLAG_PREFIX}{flag_id}"


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
    if name.startswith(RED_FLAG_PREFIX):
        return ("red_flags", name.removeprefix(RED_FLAG_PREFIX))
    if name.startswith("scheme_"):
        # Any detail: which details a framework has is checked against it afterwards.
        key = name.removeprefix("scheme_")
        if _DETAIL_KEY.match(key):
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
    "Absent looks like",
    "Weak looks like",
    "Adequate looks like",
    "Strong looks like",
    "Allowed ratings",
    "Rating",
    "Evidence",
    "Note",
    "Reason",
    "Counts as",
    "Score",
)
"""The Items sheet's columns; Counts as and Score are worked out by formulas."""
ITEM_HELPER_HEADERS = (
    "Domain ID",
    "Weight",
    "Points",
    "Ceiling",
    "N/A",
    "Not yet due",
    "Must-meet failure",
    "Not known",
    "Best score",
    "Best points",
    "Best must-meet failure",
)
"""Hidden columns after those: the parts of the sums the Scores sheet adds up."""
SCORES_SHEET = "Scores"
ITEM_READ_HEADERS = ("ID", "Rating", "Evidence", "Note", "Reason")
"""The Items columns the reader needs, found by header so inserted columns do no harm."""
ACTION_HEADERS = ("ID", "Item", "Action", "Owner", "Deadline", "Rated", "Counts as", "RAG")
ACTION_READ_HEADERS = ("ID", "Owner", "Deadline")
DETAILS_HEADERS = ("Detail", "Value", "Help", "Key")
"""The Key column (hidden) holds each detail's key, so the reader needs no framework."""

CUSTOM_PROPERTY = "guidebuild-framework"
"""The workbook's custom document property holding ``id@version``."""

DATE_HINT = "for example 14 February 2005, or February 2005 if that is all you know"
"""How a date may be written in the forms: as people write dates (normalised on reading)."""


def finished_text(contact: str | None, *, fmt: str) -> str:
    """What to do with the finished form, in plain words (no command lines).

    ``contact`` is the project's (``guidebuild_contact`` in conf.py), if it has one.
    """
    keep = (
        "Keep the framework line as it is."
        if fmt == "yaml"
        else "Keep the form as it is: it belongs to this version of the framework."
    )
    if contact:
        return f"When you have finished, save the file and send it to {contact.strip()}. {keep}"
    return (
        "When you have finished, save the file and give it to the person who asked you to "
        f"fill it in: they can score it. {keep}"
    )


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
    """``<id>-<version>-checklist.<ext>``, e.g. ``my-checklist-1.0-checklist.pdf``."""
    return f"{framework.id}-{framework.version}-checklist.{fmt}"
