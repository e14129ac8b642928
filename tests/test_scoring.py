"""Unit tests for every scoring rule, on small frameworks built in code.

Each expected number is worked out by hand from the rules in the comments next to it,
never copied from the program's output.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path

import pytest
from msgspec import structs

from guidebuild.framework.answers import Answer, Answers, Format, Scheme
from guidebuild.framework.loader import load_framework
from guidebuild.framework.model import (
    Band,
    Descriptors,
    Domain,
    Framework,
    Item,
    Rag,
    Rating,
    Verdict,
    VersionMapping,
)
from guidebuild.framework.scoring import (
    Assessment,
    action_plan,
    assess,
    at_least,
    domain_verdict,
    floor_percent,
    score_item,
)

CORE_IDS = ("aims", "mentor-standards", "choice", "success-criteria")

# The rules' numbers come from a framework file: the tests build their small frameworks
# with framework 1.0's, whose rules the hand-worked figures below follow.
FRAMEWORK_1_0 = load_framework(
    Path(__file__).resolve().parents[1] / "checklists" / "mentoring-schemes@1.0.yaml"
)
RULES = FRAMEWORK_1_0.rules

# -- helpers shared with test_scoring_properties.py ------------------------------------------


def make_item(item_id: str, *, must: bool = False, allows: Iterable[str] = ()) -> Item:
    return Item(
        id=item_id,
        title=f"Title {item_id}",
        question=f"Question {item_id}?",
        descriptors=Descriptors("w", "a", "s"),
        weight=2 if must else 1,
        must_meet=must,
        allows=frozenset(Rating(a) for a in allows),
        evidence_hint="",
        action=f"Do {item_id}",
        recommendations=(f"rec-{item_id.lower()}",),
        ratings=tuple(
            r for r in RULES.scale.ratings if r.applies or r in {Rating(a) for a in allows}
        ),
    )


def make_domain(domain_id: str, items: Iterable[Item], *, core: bool = False) -> Domain:
    weight = RULES.weights.core_domain if core else RULES.weights.domain
    return Domain(domain_id, f"Domain {domain_id}", core, "", tuple(items), weight)


def framework_of(
    framework_id: str,
    version: str,
    title: str,
    domains: Iterable[Domain],
    mappings: Iterable[VersionMapping] = (),
) -> Framework:
    """A framework of these domains with framework 1.0's rules, subject and details."""
    return structs.replace(
        FRAMEWORK_1_0,
        id=framework_id,
        version=version,
        title=title,
        description="",
        domains=tuple(domains),
        mappings=tuple(mappings),
        source=None,
    )


def make_framework(*domains: Domain) -> Framework:
    return framework_of("test", "1.0", "Test framework", domains)


def make_answers(
    framework: Framework, ratings: dict[str, str], *, no_evidence: Iterable[str] = ()
) -> Answers:
    """Answers rating each item as given; adequate and strong get evidence unless listed."""
    bare = set(no_evidence)
    answers = {}
    for item_id, rating in ratings.items():
        value = Rating(rating)
        evidence = () if item_id in bare else ("Handbook, section 1",)
        reason = "Does not apply here" if value is Rating.NA else ""
        answers[item_id] = Answer(item_id, value, evidence=evidence, reason=reason)
    return Answers(
        source="test.yaml",
        format=Format.YAML,
        framework_id=framework.id,
        framework_version=framework.version,
        scheme=Scheme("Scheme", "Trust", dt.date(2025, 1, 1)),
        answers=answers,
    )


def band_framework() -> Framework:
    """Four core domains of one must-meet item (Xm) and two others (X1, X2); two others."""
    domains = [
        make_domain(
            core_id,
            [make_item(f"{core_id[0].upper()}m", must=True)]
            + [make_item(f"{core_id[0].upper()}{n}") for n in (1, 2)],
            core=True,
        )
        for core_id in CORE_IDS
    ]
    domains.append(make_domain("other1", [make_item("P1"), make_item("P2")]))
    domains.append(make_domain("other2", [make_item("Q1"), make_item("Q2")]))
    return make_framework(*domains)


def rate_all(framework: Framework, default: str, **overrides: str) -> Answers:
    ratings = dict.fromkeys(framework.items, default)
    ratings.update(overrides)
    return make_answers(framework, ratings)


# -- the rating scale and the evidence rule ----------------------------------------------------


def test_framework_1_0_scale_scores_zero_to_three_and_two_ratings_have_no_score() -> None:
    ratings = RULES.scale.ratings
    assert [r.value for r in ratings] == [
        "absent",
        "weak",
        "adequate",
        "strong",
        "n/a",
        "not-yet-due",
    ]
    assert [RULES.scale.score(r) for r in ratings] == [0, 1, 2, 3, None, None]
    assert [r.applies for r in ratings] == [True, True, True, True, False, False]


@pytest.mark.parametrize("rating", ["adequate", "strong"])
def test_adequate_or_strong_without_evidence_counts_as_weak_and_is_flagged(rating: str) -> None:
    item = make_item("A1")
    result = score_item(item, Answer("A1", Rating(rating)), RULES)
    assert result.counted_as is Rating.WEAK
    assert result.no_evidence
    assert result.score == 1
    assert result.rating is Rating(rating)


@pytest.mark.parametrize("rating", ["absent", "weak"])
def test_low_ratings_need_no_evidence(rating: str) -> None:
    result = score_item(make_item("A1"), Answer("A1", Rating(rating)), RULES)
    assert result.counted_as is Rating(rating)
    assert not result.no_evidence


def test_evidence_keeps_the_rating() -> None:
    result = score_item(
        make_item("A1"), Answer("A1", Rating.STRONG, evidence=("Policy v2",)), RULES
    )
    assert result.counted_as is Rating.STRONG
    assert not result.no_evidence


def test_capped_rating_is_listed_as_a_warning_and_an_amber_action() -> None:
    framework = make_framework(make_domain("aims", [make_item("A1")], core=True))
    result = assess(framework, make_answers(framework, {"A1": "strong"}, no_evidence=["A1"]))
    assert [(w.kind, w.subject) for w in result.warnings] == [("no-evidence", "A1")]
    assert [(a.item.id, a.rag, a.counted_as) for a in result.actions] == [
        ("A1", Rag.AMBER, Rating.WEAK)
    ]


def test_unanswered_item_counts_as_absent_and_is_listed() -> None:
    framework = make_framework(make_domain("aims", [make_item("A1"), make_item("A2")], core=True))
    result = assess(framework, make_answers(framework, {"A1": "strong"}))
    aims = result.domains[0]
    # A1 strong 3, A2 unanswered 0: 3 of 6.
    assert (aims.points, aims.ceiling) == (3, 6)
    assert result.unanswered == ("A2",)
    assert ("unanswered", "A2") in [(w.kind, w.subject) for w in result.warnings]


# -- sums: weights, ceiling, n/a and not-yet-due ---------------------------------------------


def test_weight_counts_in_the_numerator_and_the_ceiling() -> None:
    framework = make_framework(
        make_domain("aims", [make_item("A1", must=True), make_item("A2")], core=True)
    )
    result = assess(framework, make_answers(framework, {"A1": "strong", "A2": "absent"}))
    aims = result.domains[0]
    # 2 x 3 + 1 x 0 = 6 points of 3 x (2 + 1) = 9: 66.6 %. Weighting only the numerator
    # would give 6/6 = 100 %, weighting neither 3/6 = 50 %.
    assert (aims.points, aims.ceiling) == (6, 9)
    assert aims.percent == 66.6
    assert aims.verdict is Verdict.ADEQUATE


@pytest.mark.parametrize("left_out", ["n/a", "not-yet-due"])
def test_na_and_not_yet_due_leave_numerator_and_ceiling(left_out: str) -> None:
    framework = make_framework(
        make_domain(
            "success-criteria",
            [make_item("S1"), make_item("S2", allows=["n/a", "not-yet-due"]), make_item("S3")],
            core=True,
        )
    )
    result = assess(
        framework, make_answers(framework, {"S1": "strong", "S2": left_out, "S3": "weak"})
    )
    domain = result.domains[0]
    # S1 3 + S3 1 = 4 of 3 x 2 = 6: 66.6 %. Counting S2 in the ceiling only would give
    # 4/9 = 44.4 %, a lower verdict.
    assert (domain.points, domain.ceiling) == (4, 6)
    assert domain.percent == 66.6
    assert domain.verdict is Verdict.ADEQUATE


def test_not_yet_due_makes_the_domain_and_the_result_provisional() -> None:
    framework = make_framework(
        make_domain("aims", [make_item("A1")], core=True),
        make_domain("success-criteria", [make_item("S1"), make_item("S2", allows=["not-yet-due"])]),
    )
    result = assess(
        framework, make_answers(framework, {"A1": "strong", "S1": "adequate", "S2": "not-yet-due"})
    )
    assert [d.provisional for d in result.domains] == [False, True]
    assert result.provisional
    assert ("not-yet-due", "S2") in [(w.kind, w.subject) for w in result.warnings]
    assert not assess(
        framework, make_answers(framework, {"A1": "strong", "S1": "adequate", "S2": "weak"})
    ).provisional


# -- domain verdicts ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("points", "ceiling", "verdict"),
    [
        (3, 3, Verdict.STRONG),
        (4, 5, Verdict.STRONG),  # exactly 80 %
        (79, 100, Verdict.ADEQUATE),
        (1, 2, Verdict.ADEQUATE),  # exactly 50 %
        (49, 100, Verdict.WEAK),
        (1, 5, Verdict.WEAK),  # exactly 20 %
        (19, 100, Verdict.ABSENT),
        (0, 3, Verdict.ABSENT),
    ],
)
def test_domain_verdict_thresholds(points: int, ceiling: int, verdict: Verdict) -> None:
    assert domain_verdict(points, ceiling, RULES, must_meet_failed=False) is verdict


@pytest.mark.parametrize(
    ("points", "ceiling", "verdict"),
    [(3, 3, Verdict.WEAK), (1, 2, Verdict.WEAK), (1, 5, Verdict.WEAK), (0, 3, Verdict.ABSENT)],
)
def test_must_meet_failure_caps_the_domain_at_weak(
    points: int, ceiling: int, verdict: Verdict
) -> None:
    assert domain_verdict(points, ceiling, RULES, must_meet_failed=True) is verdict


def test_must_meet_cap_in_a_scored_domain() -> None:
    framework = make_framework(
        make_domain(
            "choice", [make_item("C1", must=True), *map(make_item, ["C2", "C3", "C4", "C5"])]
        )
    )
    result = assess(
        framework,
        make_answers(
            framework,
            {"C1": "weak", "C2": "strong", "C3": "strong", "C4": "strong", "C5": "strong"},
        ),
    )
    choice = result.domains[0]
    # 2 x 1 + 4 x 3 = 14 of 3 x 6 = 18: 77.7 %, adequate by percent, capped at weak.
    assert (choice.points, choice.ceiling) == (14, 18)
    assert choice.verdict is Verdict.WEAK
    assert choice.capped
    assert result.must_meet_failures == ("C1",)


def test_more_than_half_na_is_not_assessable_and_leaves_the_overall() -> None:
    framework = make_framework(
        make_domain("aims", [make_item("A1")], core=True),
        make_domain(
            "resources",
            [make_item("R1", allows=["n/a"]), make_item("R2", allows=["n/a"]), make_item("R3")],
        ),
    )
    result = assess(
        framework,
        make_answers(framework, {"A1": "strong", "R1": "n/a", "R2": "n/a", "R3": "absent"}),
    )
    resources = result.domains[1]
    assert resources.verdict is Verdict.NOT_ASSESSABLE
    assert resources.percent is None
    assert ("not-assessable", "resources") in [(w.kind, w.subject) for w in result.warnings]
    # Only aims counts: 100 %. Were resources counted at 0 %, it would be (2 x 100) / 3.
    assert result.overall_percent == 100.0


def test_exactly_half_na_is_still_assessable() -> None:
    framework = make_framework(
        make_domain("aims", [make_item("A1")], core=True),
        make_domain("resources", [make_item("R1", allows=["n/a"]), make_item("R2")]),
    )
    result = assess(framework, make_answers(framework, {"A1": "strong", "R1": "n/a", "R2": "weak"}))
    assert result.domains[1].verdict is Verdict.WEAK  # 1 of 3: 33.3 %
    assert result.domains[1].percent == 33.3


def test_domain_with_nothing_that_applies_is_not_assessable() -> None:
    framework = make_framework(
        make_domain("aims", [make_item("A1")], core=True),
        make_domain("evaluation", [make_item("E1", allows=["not-yet-due"])]),
    )
    result = assess(framework, make_answers(framework, {"A1": "adequate", "E1": "not-yet-due"}))
    assert result.domains[1].verdict is Verdict.NOT_ASSESSABLE
    assert result.domains[1].provisional


# -- the overall percent -----------------------------------------------------------------------


def test_core_domains_weigh_double_in_the_overall() -> None:
    framework = make_framework(
        make_domain("aims", [make_item("A1")], core=True),
        make_domain("meetings", [make_item("F1")]),
    )
    result = assess(framework, make_answers(framework, {"A1": "strong", "F1": "absent"}))
    # (2 x 100 + 1 x 0) / 3 = 66.67 %, shown rounded down; a plain mean would be 50 %.
    assert result.overall_percent == 66.6
    assert result.overall_points * 3 == 2 * result.overall_ceiling


def test_overall_is_exact_across_different_ceilings() -> None:
    framework = make_framework(
        make_domain("aims", [make_item("A1"), make_item("A2")], core=True),
        make_domain("meetings", [make_item("F1"), make_item("F2"), make_item("F3")]),
    )
    result = assess(
        framework,
        make_answers(
            framework, {"A1": "strong", "A2": "weak", "F1": "adequate", "F2": "weak", "F3": "weak"}
        ),
    )
    # aims 4/6, meetings 4/9: (2 x 4/6 + 4/9) / 3 = (12/9 + 4/9) / 3 = 16/27 = 59.259 %.
    assert result.overall_points * 27 == 16 * result.overall_ceiling
    assert result.overall_percent == 59.2


def test_percent_is_rounded_down_so_a_shown_threshold_is_always_met() -> None:
    assert floor_percent(2, 3) == 66.6
    assert floor_percent(1, 3) == 33.3
    assert floor_percent(4, 5) == 80.0
    assert floor_percent(7999, 10000) == 79.9
    assert at_least(4, 5, 80)
    assert not at_least(7999, 10000, 80)


def test_fail_under_compares_the_exact_percent() -> None:
    framework = make_framework(make_domain("aims", [make_item("A1"), make_item("A2")], core=True))
    result = assess(framework, make_answers(framework, {"A1": "strong", "A2": "absent"}))
    assert result.overall_percent == 50.0  # exactly 3 of 6
    assert not result.below(50)
    assert result.below(50.01)


def test_assess_refuses_answers_for_another_framework() -> None:
    framework = make_framework(make_domain("aims", [make_item("A1")], core=True))
    other = framework_of("test", "2.0", "Other", framework.domains)
    with pytest.raises(ValueError, match=r"answers are for test@1\.0, not test@2\.0"):
        assess(other, make_answers(framework, {"A1": "strong"}))


# -- the overall band, rule by rule and in order ------------------------------------------------


def band_of(**overrides: str) -> Assessment:
    framework = band_framework()
    default = overrides.pop("default", "strong")
    return assess(framework, rate_all(framework, default, **overrides))


def test_band_exemplary() -> None:
    result = band_of()
    assert result.overall_percent == 100.0
    assert result.band is Band.EXEMPLARY


def test_band_rule_1_two_must_meet_failures() -> None:
    result = band_of(Am="weak", Cm="weak")
    # Both domains: 2 x 1 + 3 + 3 = 8 of 12 (66.7 %), capped at weak; overall stays high.
    assert result.must_meet_failures == ("Am", "Cm")
    assert result.band is Band.DOES_NOT_MEET


def test_band_rule_1_two_core_domains_weak_or_absent() -> None:
    result = band_of(
        Am="adequate", A1="absent", A2="absent", Mm="adequate", M1="absent", M2="absent"
    )
    # aims: 2 x 2 + 0 + 0 = 4 of 12 = 33.3 %, weak; the same for mentor-standards. No
    # must-meet item is below adequate, and the overall is (4 x 33.3 + 4 x 100 + 200) / 10.
    assert [d.verdict for d in result.domains[:2]] == [Verdict.WEAK, Verdict.WEAK]
    assert result.must_meet_failures == ()
    assert result.overall_percent == 73.3
    assert result.band is Band.DOES_NOT_MEET


def test_band_rule_1_one_core_domain_weak_is_not_enough() -> None:
    result = band_of(Am="adequate", A1="absent", A2="absent")
    assert result.domains[0].verdict is Verdict.WEAK
    assert result.band is Band.PARTIALLY_MEETS


def test_band_rule_1_overall_below_20() -> None:
    framework = make_framework(
        make_domain("aims", [make_item(f"A{n}") for n in range(1, 7)], core=True)
    )
    result = assess(framework, make_answers(framework, {"A1": "adequate"}))
    # 2 of 18 = 11.1 %: one core domain (absent) and no must-meet items, so only the
    # percent rule applies.
    assert result.overall_percent == 11.1
    assert result.must_meet_failures == ()
    assert result.band is Band.DOES_NOT_MEET
    result = assess(framework, make_answers(framework, {"A1": "strong", "A2": "strong"}))
    # 6 of 18 = 33.3 %: above 20, so partially-meets.
    assert result.band is Band.PARTIALLY_MEETS


def test_band_rule_2_exactly_one_must_meet_failure_beats_exemplary() -> None:
    result = band_of(Am="weak")
    # Overall is still high: aims 8/12 = 66.6 %, the rest 100 %.
    assert result.overall_percent > 80
    assert result.must_meet_failures == ("Am",)
    assert result.band is Band.PARTIALLY_MEETS


def test_band_rule_1_comes_before_rule_2() -> None:
    framework = band_framework()
    ratings = dict.fromkeys(framework.items, "strong")
    # One must-meet failure (Am) and two core domains weak (aims capped, choice low).
    ratings.update({"Am": "weak", "Cm": "adequate", "C1": "absent", "C2": "absent"})
    result = assess(framework, make_answers(framework, ratings))
    assert result.must_meet_failures == ("Am",)
    assert [d.verdict for d in result.domains if d.domain.id in ("aims", "choice")] == [
        Verdict.WEAK,
        Verdict.WEAK,
    ]
    assert result.band is Band.DOES_NOT_MEET


def test_band_rule_3_needs_every_core_domain_strong() -> None:
    result = band_of(A1="weak")
    # aims: 6 + 1 + 3 = 10 of 12 = 83.3 %, strong; still exemplary.
    assert result.band is Band.EXEMPLARY
    result = band_of(A1="weak", A2="weak")
    # aims: 6 + 1 + 1 = 8 of 12 = 66.6 %, adequate: exemplary fails, meets holds.
    assert result.domains[0].verdict is Verdict.ADEQUATE
    assert result.overall_percent >= 80
    assert result.band is Band.MEETS


def test_band_rule_3_needs_no_domain_below_adequate() -> None:
    result = band_of(P1="absent", P2="weak")
    # other1: 1 of 6 = 16.6 %, absent: not exemplary, and not meets (an absent domain).
    assert result.domains[4].verdict is Verdict.ABSENT
    assert result.band is Band.PARTIALLY_MEETS
    result = band_of(P1="weak", P2="weak")
    # other1: 2 of 6 = 33.3 %, weak: not exemplary; meets allows one other domain weak.
    assert result.domains[4].verdict is Verdict.WEAK
    assert result.band is Band.MEETS


def test_band_rule_4_meets() -> None:
    result = band_of(default="adequate")
    assert result.overall_percent == 66.6
    assert result.band is Band.MEETS


def test_band_rule_4_at_most_one_other_domain_weak() -> None:
    result = band_of(default="adequate", P1="weak", P2="weak", Q1="weak", Q2="weak")
    assert [d.verdict for d in result.domains[4:]] == [Verdict.WEAK, Verdict.WEAK]
    assert result.band is Band.PARTIALLY_MEETS


def test_band_rule_4_needs_overall_50() -> None:
    framework = make_framework(
        make_domain("aims", [make_item("A1"), make_item("A2")], core=True),
        make_domain("meetings", [make_item("F1"), make_item("F2")]),
    )
    # aims: 2 + 1 = 3 of 6 = 50 % adequate; meetings: 1 + 1 = 2 of 6 = 33.3 % weak;
    # overall (2 x 50 + 33.3) / 3 = 44.4 %: below 50, so partially-meets (rule 5).
    result = assess(
        framework,
        make_answers(framework, {"A1": "adequate", "A2": "weak", "F1": "weak", "F2": "weak"}),
    )
    assert result.overall_percent == 44.4
    assert result.band is Band.PARTIALLY_MEETS


def test_band_rule_5_everything_else() -> None:
    result = band_of(default="adequate", C1="absent", C2="weak")
    # choice: 2 x 2 + 0 + 1 = 5 of 12 = 41.6 %, weak: one core domain below adequate is
    # not rule 1, no must-meet item fails, and meets needs every core domain adequate.
    assert result.domains[2].verdict is Verdict.WEAK
    assert result.must_meet_failures == ()
    assert result.band is Band.PARTIALLY_MEETS


# -- the action plan ---------------------------------------------------------------------------


def test_action_plan_rows_rag_and_order() -> None:
    framework = make_framework(
        make_domain("meetings", [make_item("F1"), make_item("F2")]),
        make_domain(
            "aims", [make_item("A1", must=True), make_item("A2"), make_item("A3")], core=True
        ),
    )
    answers = make_answers(
        framework,
        {"F1": "absent", "F2": "weak", "A1": "weak", "A2": "strong", "A3": "adequate"},
        no_evidence=["A3"],
    )
    result = assess(framework, answers)
    rows = [(a.item.id, a.rag.value, a.counted_as.value) for a in action_plan(result.domains)]
    # red before amber; must-meet first; core before other domains; A2 has no action.
    assert rows == [
        ("A1", "red", "weak"),
        ("F1", "red", "absent"),
        ("A3", "amber", "weak"),
        ("F2", "amber", "weak"),
    ]
    assert result.actions[0].text == "Do A1"


def test_rag_is_green_for_adequate_and_none_for_na() -> None:
    item = make_item("R1", allows=["n/a"])
    assert score_item(item, Answer("R1", Rating.ADEQUATE, evidence=("x",)), RULES).rag is Rag.GREEN
    assert score_item(item, Answer("R1", Rating.NA, reason="y"), RULES).rag is None
