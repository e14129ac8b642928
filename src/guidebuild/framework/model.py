"""The assessment framework as typed, immutable data: domains, items and the rating scale.

The framework itself lives in ``checklists/<id>.yaml``; :mod:`guidebuild.framework.loader`
turns that file into these objects. Nothing here reads files or knows about reports.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from pathlib import Path


class Rating(enum.StrEnum):
    """What an organiser says about one item. The values are what scheme files contain."""

    ABSENT = "absent"
    WEAK = "weak"
    ADEQUATE = "adequate"
    STRONG = "strong"
    NA = "n/a"
    NOT_YET_DUE = "not-yet-due"

    @property
    def score(self) -> int | None:
        """0 to 3, or None for the two ratings that leave the item out of the sums."""
        return _SCORES[self]

    @property
    def applies(self) -> bool:
        """False for n/a and not-yet-due: the item counts in neither numerator nor ceiling."""
        return _SCORES[self] is not None


_SCORES: dict[Rating, int | None] = {
    Rating.ABSENT: 0,
    Rating.WEAK: 1,
    Rating.ADEQUATE: 2,
    Rating.STRONG: 3,
    Rating.NA: None,
    Rating.NOT_YET_DUE: None,
}
SCORED_RATINGS = (Rating.ABSENT, Rating.WEAK, Rating.ADEQUATE, Rating.STRONG)
"""The four ratings every item accepts, from worst to best."""
OPTIONAL_RATINGS = (Rating.NA, Rating.NOT_YET_DUE)
"""The ratings an item accepts only when the framework says so."""
MAX_SCORE = 3


class Verdict(enum.StrEnum):
    """A domain's verdict, from its percent and the must-meet cap."""

    STRONG = "strong"
    ADEQUATE = "adequate"
    WEAK = "weak"
    ABSENT = "absent"
    NOT_ASSESSABLE = "not-assessable"

    @property
    def rank(self) -> int:
        """3 for strong down to 0 for absent; -1 for not-assessable."""
        return _VERDICT_RANKS[self]


_VERDICT_RANKS = {
    Verdict.STRONG: 3,
    Verdict.ADEQUATE: 2,
    Verdict.WEAK: 1,
    Verdict.ABSENT: 0,
    Verdict.NOT_ASSESSABLE: -1,
}


class Band(enum.StrEnum):
    """The overall result of a scheme."""

    EXEMPLARY = "exemplary"
    MEETS = "meets"
    PARTIALLY_MEETS = "partially-meets"
    DOES_NOT_MEET = "does-not-meet"

    @property
    def rank(self) -> int:
        """3 for exemplary down to 0 for does-not-meet."""
        return _BAND_RANKS[self]


_BAND_RANKS = {
    Band.EXEMPLARY: 3,
    Band.MEETS: 2,
    Band.PARTIALLY_MEETS: 1,
    Band.DOES_NOT_MEET: 0,
}


class Rag(enum.StrEnum):
    """Red, amber, green: the status of an action-plan row."""

    RED = "red"
    AMBER = "amber"
    GREEN = "green"


@dataclass(frozen=True)
class Descriptors:
    """What each rating looks like for one item, so that two people rate alike."""

    weak: str
    adequate: str
    strong: str


@dataclass(frozen=True)
class Item:
    """One question of the framework. Its ``id`` is permanent: scheme files refer to it."""

    id: str
    """Permanent ID, e.g. ``C1``; never reused for a different question."""
    title: str
    """A short label for tables, e.g. "Mentees choose their mentor"."""
    question: str
    """The question an organiser answers."""
    descriptors: Descriptors
    weight: int
    """1, or 2 for a must-meet item."""
    must_meet: bool
    """Below adequate caps the domain at weak and limits the overall band."""
    allows: frozenset[Rating]
    """Which of n/a and not-yet-due this item accepts besides the four scored ratings."""
    evidence_hint: str
    """The kind of evidence that supports adequate or strong."""
    action: str
    """What the scheme has to do to reach adequate; the action-plan text."""
    recommendations: tuple[str, ...]
    """IDs of the guidance recommendations this item checks."""
    recommendation_positions: tuple[tuple[int, int], ...] = ()
    """Line and column of each recommendation reference in the framework file."""

    def accepts(self, rating: Rating) -> bool:
        """Whether a scheme may give this item ``rating``."""
        return rating.applies or rating in self.allows

    @property
    def ratings(self) -> tuple[Rating, ...]:
        """Every rating this item accepts, in the scale's order."""
        return SCORED_RATINGS + tuple(r for r in OPTIONAL_RATINGS if r in self.allows)


@dataclass(frozen=True)
class Domain:
    """A group of items scored together. Core domains count double in the overall."""

    id: str
    title: str
    core: bool
    summary: str
    items: tuple[Item, ...]

    @property
    def weight(self) -> int:
        """The domain's weight in the overall percent: 2 for a core domain, else 1."""
        return 2 if self.core else 1


@dataclass(frozen=True)
class VersionMapping:
    """How the items of an earlier version of the framework map onto this one."""

    from_version: str
    items: dict[str, str]
    """Earlier item ID -> item ID in this version, for items renamed, split or merged.

    An ID found in both versions is the same item and need not be listed; an earlier ID in
    neither this mapping nor this version has no counterpart."""


@dataclass(frozen=True)
class Framework:
    """A versioned assessment framework: what ``framework: id@version`` names."""

    id: str
    version: str
    title: str
    description: str
    domains: tuple[Domain, ...]
    mappings: tuple[VersionMapping, ...] = ()
    """Declared mappings from earlier versions, which make results comparable."""
    source: Path | None = None
    """The YAML file the framework was read from, for messages."""
    _items: dict[str, tuple[Domain, Item]] = field(
        init=False, repr=False, compare=False, default_factory=dict
    )

    def __post_init__(self) -> None:
        for domain in self.domains:
            for item in domain.items:
                self._items[item.id] = (domain, item)

    @property
    def key(self) -> str:
        """``id@version``, as scheme files write it."""
        return f"{self.id}@{self.version}"

    @property
    def items(self) -> dict[str, Item]:
        """Every item by ID, in framework order."""
        return {item_id: item for item_id, (_, item) in self._items.items()}

    def item(self, item_id: str) -> Item | None:
        """The item with this ID, or None."""
        found = self._items.get(item_id)
        return found[1] if found else None

    def domain_of(self, item_id: str) -> Domain:
        """The domain that holds the item with this ID."""
        return self._items[item_id][0]

    def domain(self, domain_id: str) -> Domain | None:
        """The domain with this ID, or None."""
        return next((d for d in self.domains if d.id == domain_id), None)

    def mapping_from(self, version: str) -> VersionMapping | None:
        """The declared mapping from an earlier ``version``, if any."""
        return next((m for m in self.mappings if m.from_version == version), None)
