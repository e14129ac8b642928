"""The assessment framework as typed, immutable data: domains, items and the rating scale.

The framework itself lives in ``checklists/<id>.yaml``; :mod:`guidebuild.framework.loader`
turns that file into these objects. Nothing here reads files or knows about reports.
"""

from __future__ import annotations

import enum
import functools
from pathlib import Path

from msgspec import Struct


class Rating(enum.StrEnum):
    """What an organiser says about one item. The values are what scheme files contain.

    Which of these a framework offers, and what each scores, is the framework's
    :class:`Scale`; the shape of the rules (n/a and not-yet-due leave the sums) is here.
    """

    ABSENT = "absent"
    WEAK = "weak"
    ADEQUATE = "adequate"
    STRONG = "strong"
    PRACTISED = "practised"
    """Done but not written down (framework 1.1 on)."""
    NOT_KNOWN = "not-known"
    """The organiser does not know (framework 1.1 on): counted as its scale says, and
    listed apart as something to find out."""
    NA = "n/a"
    NOT_YET_DUE = "not-yet-due"

    @property
    def applies(self) -> bool:
        """False for n/a and not-yet-due: the item counts in neither numerator nor ceiling."""
        return self not in OPTIONAL_RATINGS


LEVELS = (Rating.ABSENT, Rating.WEAK, Rating.ADEQUATE, Rating.STRONG)
"""The four levels every item describes, from worst to best."""
OPTIONAL_RATINGS = (Rating.NA, Rating.NOT_YET_DUE)
"""The ratings an item accepts only when the framework says so."""
SCALE_ORDER = (*LEVELS, Rating.PRACTISED, Rating.NOT_KNOWN, *OPTIONAL_RATINGS)
"""The order ratings are listed in on forms and in messages."""


class ScaleEntry(Struct, frozen=True):
    """One rating of a framework's scale."""

    rating: Rating
    score: int | None
    """What the rating counts; None for the ratings that leave the sums (n/a, not-yet-due)."""
    label: str
    meaning: str
    needs: str = ""
    """``evidence``, ``reason`` or empty: what the rating must come with."""


class Scale(Struct, frozen=True, dict=True):
    """The ratings a framework offers and what each scores."""

    entries: tuple[ScaleEntry, ...]

    # Scoring asks the scale about every answer many times over: look up, do not search.
    @functools.cached_property
    def _by_rating(self) -> dict[Rating, ScaleEntry]:
        found: dict[Rating, ScaleEntry] = {}
        for entry in self.entries:
            found.setdefault(entry.rating, entry)
        return found

    def entry(self, rating: Rating) -> ScaleEntry | None:
        return self._by_rating.get(rating)

    def offers(self, rating: Rating) -> bool:
        return self.entry(rating) is not None

    def score(self, rating: Rating) -> int | None:
        entry = self.entry(rating)
        return entry.score if entry else None

    def label(self, rating: Rating) -> str:
        entry = self.entry(rating)
        return entry.label if entry else rating.value

    def meaning(self, rating: Rating) -> str:
        entry = self.entry(rating)
        return entry.meaning if entry else ""

    def needs(self, rating: Rating, what: str) -> bool:
        entry = self.entry(rating)
        return bool(entry and entry.needs == what)

    @property
    def max_score(self) -> int:
        return max(e.score for e in self.entries if e.score is not None)

    @property
    def adequate_score(self) -> int:
        """The score of adequate: below it an item needs an action."""
        return self.score(Rating.ADEQUATE) or 0

    @functools.cached_property
    def always(self) -> tuple[Rating, ...]:
        """The ratings every item accepts (all but n/a and not-yet-due), in scale order."""
        return tuple(r for r in SCALE_ORDER if r.applies and self.offers(r))

    @functools.cached_property
    def ratings(self) -> tuple[Rating, ...]:
        """Every rating of the scale, in scale order."""
        return tuple(r for r in SCALE_ORDER if self.offers(r))


class EvidenceKind(Struct, frozen=True):
    """A kind of evidence an organiser names, e.g. a document or a practice seen."""

    kind: str
    label: str
    written: bool


class EvidenceRules(Struct, frozen=True):
    """What evidence adequate and strong need, and how they count without it."""

    kinds: tuple[EvidenceKind, ...] = ()
    """Empty: any text is evidence (framework 1.0). Otherwise each line names its kind."""
    without_evidence: Rating = Rating.WEAK
    """What adequate or strong without evidence counts as."""
    unwritten_only: Rating | None = None
    """What adequate or strong counts as when all its evidence is of unwritten kinds."""

    def kind(self, name: str) -> EvidenceKind | None:
        folded = name.strip().casefold()
        return next(
            (k for k in self.kinds if folded in (k.kind.casefold(), k.label.casefold())), None
        )


class Weights(Struct, frozen=True):
    item: int
    must_meet: int
    domain: int
    core_domain: int


class BandRules(Struct, frozen=True):
    """The numbers and names of the band rules (the rules' shape is in scoring.py)."""

    names: dict[str, str]
    """Band value (exemplary, meets, ...) -> the name the framework gives it."""
    does_not_meet_must_meet_failures: int
    does_not_meet_low_core_domains: int
    does_not_meet_overall_below: int
    partially_meets_must_meet_failures: int
    exemplary_overall_at_least: int
    meets_overall_at_least: int
    meets_weak_other_domains: int


class Rules(Struct, frozen=True):
    """The numbers of a framework's scoring rules, as its file declares them."""

    scale: Scale
    weights: Weights
    verdicts: tuple[int, int, int]
    """The percent at or above which a domain is strong, adequate and weak."""
    not_assessable_na_share: int
    """A domain with more than this percent of its items n/a is not assessable."""
    bands: BandRules
    evidence: EvidenceRules = EvidenceRules()
    uncertain: bool = False
    """Whether a result whose not-known answers could change the band says it is uncertain."""
    tie_break: str = ""


class Subject(Struct, frozen=True):
    """What a framework assesses, in the words forms and reports use."""

    one: str
    many: str
    heading: str
    report_title: str
    report_title_many: str
    """With ``{count}`` for the number assessed."""
    schema_description: str


class DetailField(Struct, frozen=True):
    """One detail of what is assessed, asked for at the top of every form."""

    key: str
    """The key under ``scheme:`` in a scheme file."""
    label: str
    """What the form calls it."""
    hint: str = ""
    required: bool = False
    date: bool = False
    multiline: bool = False
    placeholder: str = ""
    """The template's text for it, refused if left in place."""


RED_FLAG_EFFECT = (
    "Each one that is true counts the items it contradicts as absent and, for the band, as "
    "one more must-meet item below adequate."
)
"""What a ticked red flag does, as every form says it (the rule: ``scoring.overall_band``)."""


class RedFlag(Struct, frozen=True):
    """A practice that makes a scheme something other than what the framework assesses."""

    id: str
    text: str
    forces: tuple[str, ...]
    """The items it contradicts: forced to absent when the flag is ticked."""


class NotChecked(Struct, frozen=True):
    """A recommendation no item checks, and why."""

    recommendation: str
    reason: str


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


class Descriptors(Struct, frozen=True):
    """What each level looks like for one item, so that two people rate alike."""

    weak: str
    adequate: str
    strong: str
    absent: str = ""
    """Framework 1.0 has none; from 1.1 every item describes absent too."""


class Item(Struct, frozen=True):
    """One question of the framework. Its ``id`` is permanent: scheme files refer to it."""

    id: str
    """Permanent ID, e.g. ``C1``; never reused for a different question."""
    title: str
    """A short label for tables, e.g. "Written aims and scope"."""
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
    ratings: tuple[Rating, ...] = LEVELS
    """Every rating this item accepts, in the scale's order (the loader fills it in)."""
    essential: tuple[str, ...] = ()
    """The conditions of adequate that must all hold."""
    designs: str = ""
    """How the item applies to schemes of another design."""

    def accepts(self, rating: Rating) -> bool:
        """Whether a scheme may give this item ``rating``."""
        return rating in self.ratings


class Domain(Struct, frozen=True):
    """A group of items scored together. Core domains count double in the overall."""

    id: str
    title: str
    core: bool
    summary: str
    items: tuple[Item, ...]
    weight: int
    """The domain's weight in the overall percent (the framework's weights)."""


class VersionMapping(Struct, frozen=True):
    """How the items of an earlier version of the framework map onto this one."""

    from_version: str
    items: dict[str, str]
    """Earlier item ID -> item ID in this version, for items renamed, split or merged.

    An ID found in both versions is the same item and need not be listed; an earlier ID in
    neither this mapping nor this version has no counterpart."""


class Framework(Struct, frozen=True, dict=True):
    """A versioned assessment framework: what ``framework: id@version`` names."""

    id: str
    version: str
    title: str
    description: str
    domains: tuple[Domain, ...]
    rules: Rules
    subject: Subject
    details: tuple[DetailField, ...]
    keywords: tuple[str, ...] = ()
    red_flags: tuple[RedFlag, ...] = ()
    red_flag_warning: str = ""
    not_checked: tuple[NotChecked, ...] = ()
    mappings: tuple[VersionMapping, ...] = ()
    """Declared mappings from earlier versions, which make results comparable."""
    source: Path | None = None
    """The YAML file the framework was read from, for messages."""

    # Reports ask for items by ID many times over: look up, do not search.
    @functools.cached_property
    def _items(self) -> dict[str, tuple[Domain, Item]]:
        return {item.id: (domain, item) for domain in self.domains for item in domain.items}

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

    def red_flag(self, flag_id: str) -> RedFlag | None:
        return next((f for f in self.red_flags if f.id == flag_id), None)

    def band_name(self, band: Band) -> str:
        """The framework's name for ``band``."""
        return self.rules.bands.names.get(band.value, band.value)

    def mapping_from(self, version: str) -> VersionMapping | None:
        """The declared mapping from an earlier ``version``, if any."""
        return next((m for m in self.mappings if m.from_version == version), None)
