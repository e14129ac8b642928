"""Compare a scheme's assessment with an earlier one (``assess --baseline``).

Two assessments compare only when they use the same framework version, or when one of the
two framework versions declares a mapping from the other (``mappings:`` in the framework
file). Domains are matched by their permanent IDs. Items keep their IDs across versions
(an ID is never reused for a different question), so an ID found in both versions is the
same item; the mapping lists only the items that were renamed, split or merged.
"""

from __future__ import annotations

import enum

from msgspec import Struct

from guidebuild.errors import InputError
from guidebuild.framework.model import Band, Rating, Verdict
from guidebuild.framework.scoring import Assessment, ItemResult


class Change(enum.StrEnum):
    """How an item moved between two assessments."""

    IMPROVED = "improved"
    WORSE = "worse"
    CHANGED = "changed"
    """The rating changed but not on the scale (e.g. to or from n/a)."""
    NEW = "new"
    """The item has no counterpart in the earlier framework version."""
    REMOVED = "removed"
    """The earlier item has no counterpart in this framework version."""


class ItemChange(Struct, frozen=True):
    item: str
    """The item's ID now (or the earlier ID for a removed item)."""
    earlier_item: str | None
    before: Rating | None
    """The rating that counted before (after the evidence rule)."""
    after: Rating | None
    change: Change


class DomainChange(Struct, frozen=True):
    domain: str
    title: str
    before: float | None
    after: float | None
    before_verdict: Verdict
    after_verdict: Verdict

    @property
    def delta(self) -> float | None:
        """The change in percentage points, to one decimal."""
        if self.before is None or self.after is None:
            return None
        return round(self.after - self.before, 1)


class Comparison(Struct, frozen=True):
    baseline: Assessment
    current: Assessment
    domains: tuple[DomainChange, ...]
    items: tuple[ItemChange, ...]
    """Only the items whose counted rating changed, or that are new or removed."""

    @property
    def overall_before(self) -> float:
        return self.baseline.overall_percent

    @property
    def overall_after(self) -> float:
        return self.current.overall_percent

    @property
    def overall_delta(self) -> float:
        return round(self.overall_after - self.overall_before, 1)

    @property
    def band_before(self) -> Band:
        return self.baseline.band

    @property
    def band_after(self) -> Band:
        return self.current.band


def item_mapping(baseline: Assessment, current: Assessment) -> dict[str, str]:
    """Earlier item ID -> current item ID; raises :class:`InputError` if not comparable."""
    old, new = baseline.framework, current.framework
    if old.id != new.id:
        raise InputError(
            f"cannot compare: {baseline.answers.source} uses framework {old.key} and "
            f"{current.answers.source} uses {new.key}"
        )
    if old.version == new.version:
        return {item_id: item_id for item_id in new.items}
    declared: dict[str, str] | None = None
    forward = new.mapping_from(old.version)
    backward = old.mapping_from(new.version)
    if forward is not None:
        declared = dict(forward.items)
    elif backward is not None:
        declared = {}
        for later, earlier in backward.items.items():
            declared.setdefault(earlier, later)
    if declared is not None:
        kept = {i: i for i in old.items if i in new.items and i not in declared}
        return {**kept, **declared}
    raise InputError(
        f"cannot compare: {baseline.answers.source} uses {old.key} and "
        f"{current.answers.source} uses {new.key}, and neither version of the framework "
        "declares a mapping from the other"
    )


def _change(before: ItemResult | None, after: ItemResult | None) -> Change | None:
    if before is None:
        return Change.NEW
    if after is None:
        return Change.REMOVED
    if before.counted_as is after.counted_as:
        return None
    b, a = before.score, after.score
    if b is None or a is None:
        return Change.CHANGED
    return Change.IMPROVED if a > b else Change.WORSE


def compare(baseline: Assessment, current: Assessment) -> Comparison:
    """What changed from ``baseline`` to ``current``, per domain and per item."""
    mapping = item_mapping(baseline, current)
    old_results = {r.item.id: r for d in baseline.domains for r in d.items}
    new_results = {r.item.id: r for d in current.domains for r in d.items}
    earlier_of: dict[str, str] = {}
    for old_id, new_id in mapping.items():
        earlier_of.setdefault(new_id, old_id)
    items: list[ItemChange] = []
    for item_id, after in new_results.items():
        earlier = earlier_of.get(item_id)
        before = old_results.get(earlier) if earlier else None
        change = _change(before, after)
        if change is not None:
            items.append(
                ItemChange(
                    item_id,
                    earlier,
                    before.counted_as if before else None,
                    after.counted_as,
                    change,
                )
            )
    for old_id, old_result in old_results.items():
        if old_id not in mapping:
            items.append(ItemChange(old_id, old_id, old_result.counted_as, None, Change.REMOVED))
    domains: list[DomainChange] = []
    for result in current.domains:
        old_domain = baseline.domain(result.domain.id)
        domains.append(
            DomainChange(
                domain=result.domain.id,
                title=result.domain.title,
                before=old_domain.percent if old_domain else None,
                after=result.percent,
                before_verdict=(old_domain.verdict if old_domain else Verdict.NOT_ASSESSABLE),
                after_verdict=result.verdict,
            )
        )
    return Comparison(baseline, current, tuple(domains), tuple(items))
