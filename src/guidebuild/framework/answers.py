"""The answers model: what every reader (YAML, PDF form, workbook) produces.

It lives beside the framework because scoring consumes it; the readers in
:mod:`guidebuild.answers` build it, so imports run one way: answers -> framework.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping

from msgspec import Struct

from guidebuild.framework.model import Rating

SCHEME_KEYS = (
    "name",
    "organisation",
    "contact",
    "assessed_on",
    "assessed_by",
    "started_on",
    "first_cycle_ends",
    "notes",
)
"""The keys of a scheme file's ``scheme:`` part, in the order forms show them."""
SCHEME_REQUIRED = ("name", "organisation", "assessed_on")


class Format(enum.StrEnum):
    """The kinds of file a filled checklist can come in, recognised by content."""

    YAML = "yaml"
    PDF = "pdf"
    XLSX = "xlsx"


class Scheme(Struct, frozen=True):
    """Who and what was assessed, as written in the ``scheme:`` section."""

    name: str
    organisation: str
    assessed_on: dt.date
    """The date the answers describe; used to order assessments over time."""
    contact: str = ""
    assessed_by: str = ""
    started_on: dt.date | None = None
    """When the scheme took its first mentees."""
    first_cycle_ends: dt.date | None = None
    """When the first full cycle ends; before then evaluation items may be not-yet-due."""
    notes: str = ""
    month_only: frozenset[str] = frozenset()
    """The dates given as a month (``2005-02``): held as the month's first day."""

    def iso(self, name: str) -> str | None:
        """The date ``name`` as ISO text: ``2005-02-14``, or ``2005-02`` for a month."""
        value = getattr(self, name)
        if value is None:
            return None
        text: str = value.isoformat()
        return text[:7] if name in self.month_only else text

    def as_dict(self) -> dict[str, str | None]:
        """The scheme details with dates as ISO text, for JSON and CSV."""
        return {
            "name": self.name,
            "organisation": self.organisation,
            "contact": self.contact,
            "assessed_on": self.iso("assessed_on"),
            "assessed_by": self.assessed_by,
            "started_on": self.iso("started_on"),
            "first_cycle_ends": self.iso("first_cycle_ends"),
            "notes": self.notes,
        }


class Answer(Struct, frozen=True):
    """The organiser's answer to one item."""

    item: str
    """The item's permanent ID."""
    rating: Rating
    evidence: tuple[str, ...] = ()
    """Documents, records or links that support the rating; needed for adequate or strong."""
    note: str = ""
    reason: str = ""
    """Why the item is n/a (required then) or not yet due."""
    owner: str = ""
    """Who owns the action for this item, if it needs one."""
    due: dt.date | None = None
    """When that action is due."""
    evidence_kinds: tuple[str, ...] = ()
    """The kind of each piece of evidence (``document``, ``record``, ``practice``), for a
    framework that names kinds; empty otherwise."""

    @property
    def has_evidence(self) -> bool:
        return bool(self.evidence)


class Answers(Struct, frozen=True):
    """One filled-in checklist: which framework, which scheme, and the answers given."""

    source: str
    """The file as the user named it."""
    format: Format
    framework_id: str
    framework_version: str
    scheme: Scheme
    answers: Mapping[str, Answer]
    """Answered items by ID. An item missing here is unanswered and counts as absent."""
    red_flags: tuple[str, ...] = ()
    """The framework's red flags the organiser ticked, by ID."""

    @property
    def framework_key(self) -> str:
        return f"{self.framework_id}@{self.framework_version}"
