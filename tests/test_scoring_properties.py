"""Property tests of scoring: bounds, monotonicity, and what n/a means.

Monotonicity is checked for everything the scoring produces: each domain's exact
percent and verdict, the overall percent, and the overall band. The band rules are
monotone too: rules 1 and 2 (the limiters) only stop applying as answers improve, rules 3
and 4 only start applying, and the fall-through (rule 5) is partially-meets, the same as
rule 2; so an improvement can move a scheme from rule 1 to rule 2, or from rules 2 or 5 to
3 or 4, never the other way. :func:`test_improving_one_answer_never_lowers_anything`
checks this on the real framework and on random ones.
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from guidebuild.framework.answers import Answer, Answers
from guidebuild.framework.loader import load_framework
from guidebuild.framework.model import Framework, Item, Rating
from guidebuild.framework.scoring import Assessment, assess
from tests.test_scoring import make_answers, make_domain, make_framework, make_item

REAL = load_framework(
    Path(__file__).resolve().parent.parent / "checklists" / "mentoring-schemes@1.0.yaml"
)
SCALE = (Rating.ABSENT, Rating.WEAK, Rating.ADEQUATE, Rating.STRONG)


@st.composite
def frameworks(draw: st.DrawFn) -> Framework:
    """The real framework, or a random one with must-meet items, n/a and not-yet-due."""
    if draw(st.booleans()):
        return REAL
    domains = []
    count = draw(st.integers(1, 4))
    for d in range(count):
        items = []
        for i in range(draw(st.integers(1, 5))):
            allows = draw(st.sets(st.sampled_from(["n/a", "not-yet-due"])))
            items.append(make_item(f"D{d}I{i}", must=draw(st.booleans()), allows=allows))
        domains.append(make_domain(f"d{d}", items, core=(d == 0) or draw(st.booleans())))
    return make_framework(*domains)


@st.composite
def answered(draw: st.DrawFn, framework: Framework) -> Answers:
    """Random answers around a drawn level, so that borderline schemes are common.

    Most items get the level's rating, some a neighbour, a few anything they allow; a few
    are unanswered or lack evidence.
    """
    level = draw(st.integers(0, 3))
    ratings: dict[str, str] = {}
    bare: list[str] = []
    for item in framework.items.values():
        roll = draw(st.integers(0, 19))
        if roll == 0:
            continue  # unanswered
        if roll < 13:
            rating = SCALE[level]
        elif roll < 17:
            rating = SCALE[max(0, min(3, level + draw(st.sampled_from([-1, 1]))))]
        else:
            rating = draw(st.sampled_from(item.ratings))
        if not item.accepts(rating):
            rating = SCALE[level]
        ratings[item.id] = rating.value
        if draw(st.integers(0, 7)) == 0:
            bare.append(item.id)
    return make_answers(framework, ratings, no_evidence=bare)


@st.composite
def scenario(draw: st.DrawFn) -> tuple[Framework, Answers]:
    framework = draw(frameworks())
    return framework, draw(answered(framework))


def improve(item: Item, answer: Answer | None, step: int) -> Answer | None:
    """A better answer to ``item`` (one step up the scale, or evidence added), if any."""
    if answer is None:
        return Answer(item.id, SCALE[step % 4], evidence=("New evidence",))
    if answer.rating not in SCALE:
        return None  # n/a and not-yet-due are not on the scale
    if answer.rating in (Rating.ADEQUATE, Rating.STRONG) and not answer.evidence:
        return Answer(item.id, answer.rating, evidence=("New evidence",))
    if answer.rating is Rating.STRONG:
        return None
    better = SCALE[SCALE.index(answer.rating) + 1]
    return Answer(item.id, better, evidence=answer.evidence)


def not_lower(new: tuple[int, int], old: tuple[int, int]) -> bool:
    """new >= old for exact fractions (numerator, denominator)."""
    return new[0] * old[1] >= old[0] * new[1]


@settings(max_examples=300, deadline=None)
@given(scenario())
def test_every_percent_is_within_0_and_100(case: tuple[Framework, Answers]) -> None:
    framework, answers = case
    result = assess(framework, answers)
    for domain in result.domains:
        assert 0 <= domain.points <= domain.ceiling
        if domain.percent is not None:
            assert 0.0 <= domain.percent <= 100.0
    assert 0.0 <= result.overall_percent <= 100.0
    assert 0 <= result.overall_points <= result.overall_ceiling


@settings(max_examples=400, deadline=None)
@given(scenario(), st.data())
def test_improving_one_answer_never_lowers_anything(
    case: tuple[Framework, Answers], data: st.DataObject
) -> None:
    framework, answers = case
    before = assess(framework, answers)
    failing = [framework.items[i] for i in before.must_meet_failures]
    # Fixing a must-meet failure is where the band rules interact most: try it often.
    pool = failing if failing and data.draw(st.booleans()) else list(framework.items.values())
    item = data.draw(st.sampled_from(pool))
    better = improve(item, answers.answers.get(item.id), data.draw(st.integers(0, 3)))
    if better is None:
        return
    improved = Answers(
        answers.source,
        answers.format,
        answers.framework_id,
        answers.framework_version,
        answers.scheme,
        {**answers.answers, item.id: better},
    )
    after = assess(framework, improved)
    for old, new in zip(before.domains, after.domains, strict=True):
        assert old.assessable == new.assessable
        if old.assessable:
            assert not_lower((new.points, new.ceiling), (old.points, old.ceiling))
            assert new.verdict.rank >= old.verdict.rank
    if before.overall_ceiling:
        assert not_lower(
            (after.overall_points, after.overall_ceiling),
            (before.overall_points, before.overall_ceiling),
        )
    assert after.band.rank >= before.band.rank, describe(before, after)
    assert len(after.must_meet_failures) <= len(before.must_meet_failures)


def describe(before: Assessment, after: Assessment) -> str:
    return f"{before.band} -> {after.band}: " + ", ".join(
        f"{a.domain.id} {a.verdict}->{b.verdict}"
        for a, b in zip(before.domains, after.domains, strict=True)
    )


@settings(max_examples=200, deadline=None)
@given(scenario(), st.data())
def test_na_is_the_same_as_leaving_the_item_out(
    case: tuple[Framework, Answers], data: st.DataObject
) -> None:
    framework, answers = case
    candidates = [i for i in framework.items.values() if Rating.NA in i.allows]
    if not candidates:
        return
    item = data.draw(st.sampled_from(candidates))
    with_na = Answers(
        answers.source,
        answers.format,
        answers.framework_id,
        answers.framework_version,
        answers.scheme,
        {**answers.answers, item.id: Answer(item.id, Rating.NA, reason="Not here")},
    )
    domain = framework.domain_of(item.id)
    without = make_framework(
        *(
            make_domain(d.id, [i for i in d.items if i.id != item.id], core=d.core)
            if d.id == domain.id
            else d
            for d in framework.domains
        )
    )
    rest = {k: v for k, v in with_na.answers.items() if k != item.id}
    without_answers = Answers(
        "test.yaml", answers.format, without.id, without.version, answers.scheme, rest
    )
    scored_na = assess(framework, with_na).domain(domain.id)
    scored_without = assess(without, without_answers).domain(domain.id)
    assert scored_na is not None
    assert scored_without is not None
    assert (scored_na.points, scored_na.ceiling) == (scored_without.points, scored_without.ceiling)
