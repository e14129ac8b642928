"""Scoring: pure functions from a framework and a scheme's answers to an assessment.

The rules (README, "How a scheme is scored", and the guidance's checklist appendix):

1. Ratings score absent 0, weak 1, adequate 2, strong 3. Adequate or strong without
   evidence counts as weak, and the result says so.
2. An item's weight is 1, or 2 for a must-meet item.
3. Domain percent = sum(weight x score) / (3 x sum(weight)), over the items that apply:
   n/a and not-yet-due items leave both the numerator and the ceiling.
4. Domain verdict: strong >= 80 %, adequate >= 50 %, weak >= 20 %, absent below. A
   must-meet item below adequate caps its domain at weak. A domain with more than half of
   its items n/a (or with no item that applies) is not assessable. A domain with a
   not-yet-due item is provisional.
5. Overall percent = mean of the assessable domains' percents, core domains weighing 2.
6. Band: the first of the rules in :func:`overall_band` that matches.
7. Every item below adequate becomes an action: red if absent or must-meet, else amber.

Sums are kept as integers and every threshold is compared exactly, so 79.99 % is never
shown as 80 % nor treated as strong: percents are shown rounded *down* to one decimal.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from guidebuild.framework.answers import Answer, Answers
from guidebuild.framework.model import (
    MAX_SCORE,
    Band,
    Domain,
    Framework,
    Item,
    Rag,
    Rating,
    Verdict,
)

ADEQUATE_SCORE = 2


def floor_percent(numerator: int, denominator: int) -> float:
    """``100 * numerator / denominator`` rounded down to one decimal place, exactly."""
    return (1000 * numerator // denominator) / 10


def at_least(numerator: int, denominator: int, percent: float) -> bool:
    """Whether ``100 * numerator / denominator >= percent``, without rounding error."""
    return 100 * numerator >= percent * denominator


@dataclass(frozen=True)
class ItemResult:
    """How one item was rated and how it counts."""

    item: Item
    answer: Answer | None
    """None when the item was not answered."""
    counted_as: Rating
    """The rating that counts: absent if unanswered, weak if capped for lack of evidence."""
    no_evidence: bool
    """Rated adequate or strong without evidence, so counted as weak."""

    @property
    def rating(self) -> Rating:
        """The rating the organiser gave (absent when unanswered)."""
        return self.answer.rating if self.answer else Rating.ABSENT

    @property
    def unanswered(self) -> bool:
        return self.answer is None

    @property
    def score(self) -> int | None:
        """0 to 3 after the evidence cap, or None when the item does not apply."""
        return self.counted_as.score

    @property
    def below_adequate(self) -> bool:
        """The item applies and counts as absent or weak: it needs an action."""
        score = self.counted_as.score
        return score is not None and score < ADEQUATE_SCORE

    @property
    def must_meet_failure(self) -> bool:
        return self.item.must_meet and self.below_adequate

    @property
    def rag(self) -> Rag | None:
        """Red, amber or green; None for an item that does not apply."""
        score = self.counted_as.score
        if score is None:
            return None
        if score == 0 or (self.item.must_meet and score < ADEQUATE_SCORE):
            return Rag.RED
        return Rag.AMBER if score < ADEQUATE_SCORE else Rag.GREEN


@dataclass(frozen=True)
class DomainResult:
    """One domain's score."""

    domain: Domain
    items: tuple[ItemResult, ...]
    points: int
    """sum(weight x score) over the items that apply."""
    ceiling: int
    """3 x sum(weight) over the same items."""
    verdict: Verdict
    provisional: bool
    """Some item is not yet due, so the domain may change once it is."""
    capped: bool
    """A must-meet item below adequate lowered the verdict to weak."""

    @property
    def assessable(self) -> bool:
        return self.verdict is not Verdict.NOT_ASSESSABLE

    @property
    def percent(self) -> float | None:
        """The percent, rounded down to one decimal; None when not assessable."""
        return floor_percent(self.points, self.ceiling) if self.assessable else None

    @property
    def must_meet_failures(self) -> tuple[str, ...]:
        return tuple(r.item.id for r in self.items if r.must_meet_failure)


@dataclass(frozen=True)
class Action:
    """A row of the action plan: an item below adequate and what adequate needs."""

    item: Item
    domain: Domain
    counted_as: Rating
    rag: Rag
    answer: Answer | None

    @property
    def text(self) -> str:
        return self.item.action


@dataclass(frozen=True)
class Warning:
    """Something the organiser should know about how the answers were counted."""

    kind: str
    """``no-evidence``, ``unanswered``, ``not-yet-due`` or ``not-assessable``."""
    subject: str
    """The item or domain ID it is about."""
    message: str


@dataclass(frozen=True)
class Assessment:
    """The complete result for one scheme."""

    framework: Framework
    answers: Answers
    domains: tuple[DomainResult, ...]
    overall_points: int
    overall_ceiling: int
    """The overall percent is exactly ``100 * overall_points / overall_ceiling``."""
    band: Band
    provisional: bool
    actions: tuple[Action, ...]
    warnings: tuple[Warning, ...]

    @property
    def overall_percent(self) -> float:
        """Rounded down to one decimal."""
        if self.overall_ceiling == 0:
            return 0.0
        return floor_percent(self.overall_points, self.overall_ceiling)

    @property
    def must_meet_failures(self) -> tuple[str, ...]:
        return tuple(i for d in self.domains for i in d.must_meet_failures)

    @property
    def unanswered(self) -> tuple[str, ...]:
        return tuple(r.item.id for d in self.domains for r in d.items if r.unanswered)

    def domain(self, domain_id: str) -> DomainResult | None:
        return next((d for d in self.domains if d.domain.id == domain_id), None)

    def below(self, percent: float) -> bool:
        """Whether the exact overall percent is below ``percent`` (for ``--fail-under``)."""
        if self.overall_ceiling == 0:
            return percent > 0
        return not at_least(self.overall_points, self.overall_ceiling, percent)


def score_item(item: Item, answer: Answer | None) -> ItemResult:
    """Apply the evidence rule: adequate or strong without evidence counts as weak."""
    if answer is None:
        return ItemResult(item, None, Rating.ABSENT, no_evidence=False)
    rating = answer.rating
    if rating in (Rating.ADEQUATE, Rating.STRONG) and not answer.evidence:
        return ItemResult(item, answer, Rating.WEAK, no_evidence=True)
    return ItemResult(item, answer, rating, no_evidence=False)


def domain_verdict(points: int, ceiling: int, *, must_meet_failed: bool) -> Verdict:
    """The verdict for an assessable domain's sums, with the must-meet cap."""
    if at_least(points, ceiling, 80):
        verdict = Verdict.STRONG
    elif at_least(points, ceiling, 50):
        verdict = Verdict.ADEQUATE
    elif at_least(points, ceiling, 20):
        verdict = Verdict.WEAK
    else:
        verdict = Verdict.ABSENT
    if must_meet_failed and verdict.rank > Verdict.WEAK.rank:
        return Verdict.WEAK
    return verdict


def score_domain(domain: Domain, answers: Answers) -> DomainResult:
    """Score one domain: its sums, verdict, must-meet cap and provisional flag."""
    results = tuple(score_item(item, answers.answers.get(item.id)) for item in domain.items)
    points = ceiling = n_a = 0
    provisional = must_meet_failed = False
    for result in results:
        score = result.counted_as.score
        if score is None:
            if result.counted_as is Rating.NA:
                n_a += 1
            else:
                provisional = True
            continue
        weight = result.item.weight
        points += weight * score
        ceiling += weight * MAX_SCORE
        if result.item.must_meet and score < ADEQUATE_SCORE:
            must_meet_failed = True
    if n_a * 2 > len(results) or ceiling == 0:
        verdict = Verdict.NOT_ASSESSABLE
        capped = False
    else:
        verdict = domain_verdict(points, ceiling, must_meet_failed=must_meet_failed)
        capped = (
            must_meet_failed
            and domain_verdict(points, ceiling, must_meet_failed=False) is not verdict
        )
    return DomainResult(domain, results, points, ceiling, verdict, provisional, capped)


def overall_sums(domains: tuple[DomainResult, ...]) -> tuple[int, int]:
    """The exact overall percent as ``(numerator, denominator)`` of ``100 * n / d``.

    The weighted mean of the assessable domains' percents, core domains weighing 2; each
    domain's fraction is brought to a common denominator so that nothing is rounded.
    """
    scored = [d for d in domains if d.assessable]
    if not scored:
        return 0, 0
    common = math.lcm(*(d.ceiling for d in scored))
    numerator = sum(d.domain.weight * d.points * (common // d.ceiling) for d in scored)
    denominator = common * sum(d.domain.weight for d in scored)
    return numerator, denominator


def overall_band(domains: tuple[DomainResult, ...], numerator: int, denominator: int) -> Band:
    """The overall band: the first of these rules that matches.

    1. does-not-meet: two or more must-meet items below adequate, or two or more core
       domains weak or absent, or overall below 20 %;
    2. partially-meets: exactly one must-meet item below adequate;
    3. exemplary: overall >= 80 %, every core domain strong, no domain below adequate;
    4. meets: overall >= 50 %, every core domain at least adequate, at most one other
       domain weak, none absent;
    5. partially-meets: everything else.

    A not-assessable domain is neither "below adequate" nor "at least adequate"; the
    loader guarantees that core domains are always assessable.
    """
    failures = sum(len(d.must_meet_failures) for d in domains)
    core = [d for d in domains if d.domain.core]
    others = [d for d in domains if not d.domain.core]
    low = (Verdict.WEAK, Verdict.ABSENT)
    if denominator == 0:
        return Band.DOES_NOT_MEET
    if (
        failures >= 2
        or sum(1 for d in core if d.verdict in low) >= 2
        or not at_least(numerator, denominator, 20)
    ):
        return Band.DOES_NOT_MEET
    if failures == 1:
        return Band.PARTIALLY_MEETS
    if (
        at_least(numerator, denominator, 80)
        and all(d.verdict is Verdict.STRONG for d in core)
        and not any(d.verdict in low for d in domains)
    ):
        return Band.EXEMPLARY
    if (
        at_least(numerator, denominator, 50)
        and all(d.verdict in (Verdict.STRONG, Verdict.ADEQUATE) for d in core)
        and sum(1 for d in others if d.verdict is Verdict.WEAK) <= 1
        and not any(d.verdict is Verdict.ABSENT for d in domains)
    ):
        return Band.MEETS
    return Band.PARTIALLY_MEETS


def action_plan(domains: tuple[DomainResult, ...]) -> tuple[Action, ...]:
    """Every item below adequate, most urgent first.

    Order: red before amber, must-meet before other items, core domains before the others,
    then the framework's own order.
    """
    rows: list[tuple[tuple[int, int, int, int], Action]] = []
    position = 0
    for domain in domains:
        for result in domain.items:
            position += 1
            rag = result.rag
            if rag is None or not result.below_adequate:
                continue
            action = Action(result.item, domain.domain, result.counted_as, rag, result.answer)
            key = (
                0 if rag is Rag.RED else 1,
                0 if result.item.must_meet else 1,
                0 if domain.domain.core else 1,
                position,
            )
            rows.append((key, action))
    rows.sort(key=lambda row: row[0])
    return tuple(action for _, action in rows)


def _warnings(domains: tuple[DomainResult, ...]) -> tuple[Warning, ...]:
    warnings: list[Warning] = []
    for domain in domains:
        for result in domain.items:
            item_id = result.item.id
            if result.unanswered:
                warnings.append(
                    Warning("unanswered", item_id, f"{item_id} was not answered: counted as absent")
                )
            elif result.no_evidence:
                warnings.append(
                    Warning(
                        "no-evidence",
                        item_id,
                        f"{item_id} is rated {result.rating.value} without evidence: "
                        "counted as weak",
                    )
                )
            elif result.counted_as is Rating.NOT_YET_DUE:
                warnings.append(
                    Warning(
                        "not-yet-due",
                        item_id,
                        f"{item_id} is not yet due: the result is provisional",
                    )
                )
        if not domain.assessable:
            warnings.append(
                Warning(
                    "not-assessable",
                    domain.domain.id,
                    f"{domain.domain.id} is not assessable: more than half of its items "
                    "are n/a, or none applies yet",
                )
            )
    return tuple(warnings)


def assess(framework: Framework, answers: Answers) -> Assessment:
    """Score ``answers`` against ``framework``: the one entry point of scoring."""
    if answers.framework_key != framework.key:
        msg = f"answers are for {answers.framework_key}, not {framework.key}"
        raise ValueError(msg)
    domains = tuple(score_domain(domain, answers) for domain in framework.domains)
    numerator, denominator = overall_sums(domains)
    return Assessment(
        framework=framework,
        answers=answers,
        domains=domains,
        overall_points=numerator,
        overall_ceiling=denominator,
        band=overall_band(domains, numerator, denominator),
        provisional=any(d.provisional for d in domains),
        actions=action_plan(domains),
        warnings=_warnings(domains),
    )
