"""Scoring: pure functions from a framework and a scheme's answers to an assessment.

The rules (README, "How a scheme is scored", and the guidance's checklist appendix). The
numbers in them are the framework's (:class:`guidebuild.framework.model.Rules`, read from
its file); the shape of the rules is here. With framework 1.0's numbers:

1. Ratings score as the framework's scale says (absent 0, weak 1, adequate 2, strong 3).
   Adequate or strong without evidence counts as weak, and the result says so.
2. An item's weight is 1, or 2 for a must-meet item.
3. Domain percent = sum(weight x score) / (max score x sum(weight)), over the items that
   apply: n/a and not-yet-due items leave both the numerator and the ceiling.
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

from msgspec import Struct, structs

from guidebuild.framework.answers import Answer, Answers
from guidebuild.framework.model import (
    Band,
    Domain,
    Framework,
    Item,
    Rag,
    Rating,
    Rules,
    Verdict,
)


def floor_percent(numerator: int, denominator: int) -> float:
    """``100 * numerator / denominator`` rounded down to one decimal place, exactly."""
    return (1000 * numerator // denominator) / 10


def at_least(numerator: int, denominator: int, percent: float) -> bool:
    """Whether ``100 * numerator / denominator >= percent``, without rounding error."""
    return 100 * numerator >= percent * denominator


class ItemResult(Struct, frozen=True):
    """How one item was rated and how it counts."""

    item: Item
    answer: Answer | None
    """None when the item was not answered."""
    counted_as: Rating
    """The rating that counts: absent if unanswered, weak if capped for lack of evidence."""
    no_evidence: bool
    """Rated adequate or strong without evidence, so counted as weak."""
    score: int | None = None
    """What ``counted_as`` scores on the framework's scale; None when the item does not apply."""
    adequate_score: int = 0
    """The scale's score of adequate, below which the item needs an action."""
    forced_by: tuple[str, ...] = ()
    """The red flags that forced the item to absent."""
    unwritten_only: bool = False
    """Rated adequate or strong on evidence of practice only: counted as practised."""

    @property
    def not_known(self) -> bool:
        """The organiser answered not-known: something to find out."""
        return (
            self.answer is not None
            and self.answer.rating is Rating.NOT_KNOWN
            and not self.forced_by
        )

    @property
    def practised(self) -> bool:
        """Done but not written down (rated so, or so counted): the action is to write it."""
        return self.counted_as is Rating.PRACTISED

    @property
    def rating(self) -> Rating:
        """The rating the organiser gave (absent when unanswered)."""
        return self.answer.rating if self.answer else Rating.ABSENT

    @property
    def unanswered(self) -> bool:
        return self.answer is None

    @property
    def below_adequate(self) -> bool:
        """The item applies and counts as absent or weak: it needs an action."""
        return self.score is not None and self.score < self.adequate_score

    @property
    def must_meet_failure(self) -> bool:
        return self.item.must_meet and self.below_adequate

    @property
    def rag(self) -> Rag | None:
        """Red, amber or green; None for an item that does not apply."""
        score = self.score
        if score is None:
            return None
        if score == 0 or (self.item.must_meet and score < self.adequate_score):
            return Rag.RED
        return Rag.AMBER if score < self.adequate_score else Rag.GREEN


class DomainResult(Struct, frozen=True):
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


class Action(Struct, frozen=True):
    """A row of the action plan: an item below adequate and what adequate needs."""

    item: Item
    domain: Domain
    counted_as: Rating
    rag: Rag
    answer: Answer | None
    kind: str = "do"
    """``find-out`` (not known), ``write-down`` (done, not written down), ``red-flag`` (a
    red flag forced it), or ``do``."""

    @property
    def rating(self) -> Rating:
        """The rating the organiser gave (absent when unanswered)."""
        return self.answer.rating if self.answer else Rating.ABSENT

    @property
    def text(self) -> str:
        if self.kind == "find-out":
            return f"Find out: {self.item.question}"
        if self.kind == "write-down":
            return f"Write down what you already do. {self.item.action}"
        return self.item.action


class Warning(Struct, frozen=True):
    """Something the organiser should know about how the answers were counted."""

    kind: str
    """``red-flag``, ``not-known``, ``no-evidence``, ``practice-only``, ``unanswered``,
    ``not-yet-due``, ``not-assessable`` or ``uncertain``."""
    subject: str
    """The item or domain ID it is about."""
    message: str


class Assessment(Struct, frozen=True):
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
    red_flags: tuple[str, ...] = ()
    """The red flags ticked, by ID."""
    uncertain: bool = False
    """The not-known answers could change the band (when the framework says to tell)."""
    best_band: Band | None = None
    """The band if every not-known item were strong; None when nothing is not known."""

    @property
    def band_name(self) -> str:
        return self.framework.band_name(self.band)

    @property
    def not_known(self) -> tuple[str, ...]:
        """The items answered not-known, in framework order: things to find out."""
        return tuple(r.item.id for d in self.domains for r in d.items if r.not_known)

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


def score_item(
    item: Item, answer: Answer | None, rules: Rules, forced_by: tuple[str, ...] = ()
) -> ItemResult:
    """Apply the red flags and the evidence rule to one answer.

    A red flag that contradicts the item forces it to absent, whatever was answered.
    Adequate or strong without evidence counts as the framework says (weak); with evidence
    of unwritten kinds only (a practice seen), as its ``unwritten_only`` rating (practised).
    """
    scale = rules.scale

    def result(
        counted: Rating, *, no_evidence: bool = False, unwritten: bool = False
    ) -> ItemResult:
        return ItemResult(
            item,
            answer,
            counted,
            no_evidence,
            scale.score(counted),
            scale.adequate_score,
            forced_by,
            unwritten,
        )

    if forced_by or answer is None:
        return result(Rating.ABSENT)
    rating = answer.rating
    if scale.needs(rating, "evidence"):
        if not answer.evidence:
            return result(rules.evidence.without_evidence, no_evidence=True)
        evidence = rules.evidence
        if evidence.kinds and evidence.unwritten_only is not None:
            written = {k.kind for k in evidence.kinds if k.written}
            if not written.intersection(answer.evidence_kinds):
                return result(evidence.unwritten_only, unwritten=True)
    return result(rating)


def domain_verdict(points: int, ceiling: int, rules: Rules, *, must_meet_failed: bool) -> Verdict:
    """The verdict for an assessable domain's sums, with the must-meet cap."""
    strong, adequate, weak = rules.verdicts
    if at_least(points, ceiling, strong):
        verdict = Verdict.STRONG
    elif at_least(points, ceiling, adequate):
        verdict = Verdict.ADEQUATE
    elif at_least(points, ceiling, weak):
        verdict = Verdict.WEAK
    else:
        verdict = Verdict.ABSENT
    if must_meet_failed and verdict.rank > Verdict.WEAK.rank:
        return Verdict.WEAK
    return verdict


def score_domain(
    domain: Domain,
    answers: Answers,
    rules: Rules,
    forced: dict[str, tuple[str, ...]] | None = None,
) -> DomainResult:
    """Score one domain: its sums, verdict, must-meet cap and provisional flag.

    ``forced`` gives, for items a red flag contradicts, the flags that force them absent.
    """
    forced = forced or {}
    results = tuple(
        score_item(item, answers.answers.get(item.id), rules, forced.get(item.id, ()))
        for item in domain.items
    )
    max_score = rules.scale.max_score
    points = ceiling = n_a = 0
    provisional = must_meet_failed = False
    for result in results:
        score = result.score
        if score is None:
            if result.counted_as is Rating.NA:
                n_a += 1
            else:
                provisional = True
            continue
        weight = result.item.weight
        points += weight * score
        ceiling += weight * max_score
        if result.must_meet_failure:
            must_meet_failed = True
    if n_a * 100 > rules.not_assessable_na_share * len(results) or ceiling == 0:
        verdict = Verdict.NOT_ASSESSABLE
        capped = False
    else:
        verdict = domain_verdict(points, ceiling, rules, must_meet_failed=must_meet_failed)
        capped = (
            must_meet_failed
            and domain_verdict(points, ceiling, rules, must_meet_failed=False) is not verdict
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


def overall_band(
    domains: tuple[DomainResult, ...],
    numerator: int,
    denominator: int,
    rules: Rules,
    red_flags: int = 0,
) -> Band:
    """The overall band: the first of these rules that matches (numbers: framework 1.0's).

    1. does-not-meet: two or more must-meet items below adequate, or two or more core
       domains weak or absent, or overall below 20 %;
    2. partially-meets: exactly one must-meet item below adequate (at least that many);
    3. exemplary: overall >= 80 %, every core domain strong, no domain below adequate;
    4. meets: overall >= 50 %, every core domain at least adequate, at most one other
       domain weak, none absent;
    5. partially-meets: everything else.

    A not-assessable domain is neither "below adequate" nor "at least adequate"; the
    loader guarantees that core domains are always assessable.

    Each of the ``red_flags`` ticked counts in rules 1 and 2 as one more must-meet failure:
    what a red flag names is not the practice the framework assesses, so a subject with one
    cannot meet it however good its papers, and one with two does not meet it (the items a
    flag forces may all be ordinary ones, so the cap would otherwise depend on the flag).
    """
    failures = sum(len(d.must_meet_failures) for d in domains) + red_flags
    core = [d for d in domains if d.domain.core]
    others = [d for d in domains if not d.domain.core]
    low = (Verdict.WEAK, Verdict.ABSENT)
    numbers = rules.bands
    if denominator == 0:
        return Band.DOES_NOT_MEET
    if (
        failures >= numbers.does_not_meet_must_meet_failures
        or sum(1 for d in core if d.verdict in low) >= numbers.does_not_meet_low_core_domains
        or not at_least(numerator, denominator, numbers.does_not_meet_overall_below)
    ):
        return Band.DOES_NOT_MEET
    if failures >= numbers.partially_meets_must_meet_failures:
        return Band.PARTIALLY_MEETS
    if (
        at_least(numerator, denominator, numbers.exemplary_overall_at_least)
        and all(d.verdict is Verdict.STRONG for d in core)
        and not any(d.verdict in low for d in domains)
    ):
        return Band.EXEMPLARY
    if (
        at_least(numerator, denominator, numbers.meets_overall_at_least)
        and all(d.verdict in (Verdict.STRONG, Verdict.ADEQUATE) for d in core)
        and sum(1 for d in others if d.verdict is Verdict.WEAK) <= numbers.meets_weak_other_domains
        and not any(d.verdict is Verdict.ABSENT for d in domains)
    ):
        return Band.MEETS
    return Band.PARTIALLY_MEETS


def action_plan(domains: tuple[DomainResult, ...]) -> tuple[Action, ...]:
    """Every item below adequate, most urgent first.

    Order: the items not known first (find out before acting), then red before amber,
    must-meet before other items, core domains before the others, then the framework's
    own order.
    """
    rows: list[tuple[tuple[int, int, int, int, int], Action]] = []
    position = 0
    for domain in domains:
        for result in domain.items:
            position += 1
            rag = result.rag
            if rag is None or not result.below_adequate:
                continue
            if result.forced_by:
                kind = "red-flag"
            elif result.not_known:
                kind = "find-out"
            elif result.practised:
                kind = "write-down"
            else:
                kind = "do"
            action = Action(result.item, domain.domain, result.counted_as, rag, result.answer, kind)
            key = (
                0 if kind == "find-out" else 1,
                0 if rag is Rag.RED else 1,
                0 if result.item.must_meet else 1,
                0 if domain.domain.core else 1,
                position,
            )
            rows.append((key, action))
    rows.sort(key=lambda row: row[0])
    return tuple(action for _, action in rows)


def _warnings(
    framework: Framework, answers: Answers, domains: tuple[DomainResult, ...]
) -> list[Warning]:
    """What the organiser should know, red flags first."""
    warnings: list[Warning] = []
    for flag_id in answers.red_flags:
        flag = framework.red_flag(flag_id)
        if flag is None:
            continue
        forced = ", ".join(flag.forces)
        warnings.append(
            Warning(
                "red-flag",
                flag_id,
                f"Red flag: {flag.text} ({forced} counted as absent)",
            )
        )
    scale = framework.rules.scale
    for domain in domains:
        for result in domain.items:
            item_id = result.item.id
            if result.forced_by:
                continue  # said by its red flag
            if result.not_known:
                warnings.append(
                    Warning(
                        "not-known",
                        item_id,
                        f"{item_id} is not known: counted as absent; find out",
                    )
                )
            elif result.unanswered:
                warnings.append(
                    Warning("unanswered", item_id, f"{item_id} was not answered: counted as absent")
                )
            elif result.no_evidence:
                warnings.append(
                    Warning(
                        "no-evidence",
                        item_id,
                        f"{item_id} is rated {result.rating.value} without evidence: "
                        f"counted as {result.counted_as.value}",
                    )
                )
            elif result.unwritten_only:
                warnings.append(
                    Warning(
                        "practice-only",
                        item_id,
                        f"{item_id} is rated {result.rating.value} on evidence of practice "
                        f"only: counted as {result.counted_as.value} "
                        f"({scale.label(result.counted_as).lower()})",
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
    return warnings


def forced_items(framework: Framework, answers: Answers) -> dict[str, tuple[str, ...]]:
    """Item ID -> the ticked red flags that force it to absent."""
    forced: dict[str, tuple[str, ...]] = {}
    for flag_id in answers.red_flags:
        flag = framework.red_flag(flag_id)
        for item_id in flag.forces if flag else ():
            forced[item_id] = (*forced.get(item_id, ()), flag_id)
    return forced


def _scored(
    framework: Framework, answers: Answers
) -> tuple[tuple[DomainResult, ...], int, int, Band]:
    rules = framework.rules
    forced = forced_items(framework, answers)
    domains = tuple(score_domain(domain, answers, rules, forced) for domain in framework.domains)
    numerator, denominator = overall_sums(domains)
    band = overall_band(domains, numerator, denominator, rules, len(answers.red_flags))
    return domains, numerator, denominator, band


def best_case(framework: Framework, answers: Answers, not_known: tuple[str, ...]) -> Answers:
    """The answers with every not-known item rated strong, on written evidence."""
    written = [k.kind for k in framework.rules.evidence.kinds if k.written]
    kinds = tuple(written[:1])
    replaced = dict(answers.answers)
    for item_id in not_known:
        replaced[item_id] = Answer(
            item_id, Rating.STRONG, evidence=("(if it were known)",), evidence_kinds=kinds
        )
    return structs.replace(answers, answers=replaced)


def assess(framework: Framework, answers: Answers) -> Assessment:
    """Score ``answers`` against ``framework``: the one entry point of scoring."""
    if answers.framework_key != framework.key:
        msg = f"answers are for {answers.framework_key}, not {framework.key}"
        raise ValueError(msg)
    domains, numerator, denominator, band = _scored(framework, answers)
    warnings = _warnings(framework, answers, domains)
    not_known = tuple(r.item.id for d in domains for r in d.items if r.not_known)
    best: Band | None = None
    uncertain = False
    if not_known:
        best = _scored(framework, best_case(framework, answers, not_known))[3]
        uncertain = framework.rules.uncertain and best is not band
        if uncertain:
            # The uncertainty is said first after any red flag: it qualifies the band.
            position = sum(1 for w in warnings if w.kind == "red-flag")
            warnings.insert(
                position,
                Warning(
                    "uncertain",
                    "band",
                    f"The band is uncertain: {len(not_known)} item"
                    + (" is" if len(not_known) == 1 else "s are")
                    + f" not known ({', '.join(not_known)}). As they are counted (absent) the "
                    f"band is {framework.band_name(band)}; if they were all strong it would be "
                    f"{framework.band_name(best)}. Find out, then assess again.",
                ),
            )
    return Assessment(
        framework=framework,
        answers=answers,
        domains=domains,
        overall_points=numerator,
        overall_ceiling=denominator,
        band=band,
        provisional=any(d.provisional for d in domains),
        actions=action_plan(domains),
        warnings=tuple(warnings),
        red_flags=tuple(f for f in answers.red_flags if framework.red_flag(f)),
        uncertain=uncertain,
        best_band=best,
    )
