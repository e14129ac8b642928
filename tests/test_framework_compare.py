"""Comparing an assessment with an earlier one: same version, or through a declared mapping."""

from __future__ import annotations

import pytest

from guidebuild.errors import InputError
from guidebuild.framework.compare import Change, compare
from guidebuild.framework.model import Verdict, VersionMapping
from guidebuild.framework.scoring import assess
from tests.test_scoring import framework_of, make_answers, make_domain, make_item

V1 = framework_of(
    "tiny",
    "1.0",
    "Tiny",
    (
        make_domain("aims", [make_item("A1"), make_item("A2")], core=True),
        make_domain("meetings", [make_item("F1")]),
    ),
)
V2_DOMAINS = (
    make_domain("aims", [make_item("A1"), make_item("A3"), make_item("A4")], core=True),
    make_domain("meetings", [make_item("F1")]),
)
V2 = framework_of(
    "tiny", "2.0", "Tiny", V2_DOMAINS, (VersionMapping("1.0", {"A1": "A1", "A2": "A3"}),)
)


def test_same_version_lists_changed_items_and_domains() -> None:
    before = assess(V1, make_answers(V1, {"A1": "weak", "A2": "strong", "F1": "adequate"}))
    after = assess(V1, make_answers(V1, {"A1": "strong", "A2": "weak", "F1": "adequate"}))
    comparison = compare(before, after)
    assert [(i.item, i.before, i.after, i.change) for i in comparison.items] == [
        ("A1", "weak", "strong", Change.IMPROVED),
        ("A2", "strong", "weak", Change.WORSE),
    ]
    # aims 4/6 both times; meetings unchanged: no change overall.
    assert [(d.domain, d.delta) for d in comparison.domains] == [("aims", 0.0), ("meetings", 0.0)]
    assert comparison.overall_delta == 0.0


def test_overall_and_verdict_changes() -> None:
    before = assess(V1, make_answers(V1, {"A1": "weak", "A2": "weak", "F1": "absent"}))
    after = assess(V1, make_answers(V1, {"A1": "strong", "A2": "strong", "F1": "absent"}))
    comparison = compare(before, after)
    aims = comparison.domains[0]
    # aims 2/6 = 33.3 % weak -> 6/6 = 100 % strong.
    assert (aims.before, aims.after, aims.delta) == (33.3, 100.0, 66.7)
    assert (aims.before_verdict, aims.after_verdict) == (Verdict.WEAK, Verdict.STRONG)
    # overall (2 x 33.3 + 0) / 3 = 22.2 -> (2 x 100 + 0) / 3 = 66.6.
    assert (comparison.overall_before, comparison.overall_after) == (22.2, 66.6)
    assert comparison.overall_delta == 44.4


def test_a_declared_mapping_makes_versions_comparable() -> None:
    before = assess(V1, make_answers(V1, {"A1": "weak", "A2": "weak", "F1": "weak"}))
    after = assess(V2, make_answers(V2, {"A1": "weak", "A3": "strong", "A4": "weak", "F1": "weak"}))
    comparison = compare(before, after)
    # A2 became A3; A4 is new; F1, in both versions, is the same item and did not change.
    assert [(i.item, i.earlier_item, i.change) for i in comparison.items] == [
        ("A3", "A2", Change.IMPROVED),
        ("A4", None, Change.NEW),
    ]


def test_the_mapping_works_backwards_too() -> None:
    before = assess(V2, make_answers(V2, {"A1": "weak", "A3": "weak", "A4": "weak", "F1": "weak"}))
    after = assess(V1, make_answers(V1, {"A1": "weak", "A2": "adequate", "F1": "weak"}))
    comparison = compare(before, after)
    assert ("A2", "A3", Change.IMPROVED) in [
        (i.item, i.earlier_item, i.change) for i in comparison.items
    ]
    assert ("A4", "A4", Change.REMOVED) in [
        (i.item, i.earlier_item, i.change) for i in comparison.items
    ]


def test_versions_without_a_mapping_are_refused() -> None:
    v3 = framework_of("tiny", "3.0", "Tiny", V2_DOMAINS)
    before = assess(V1, make_answers(V1, {"A1": "weak"}))
    after = assess(v3, make_answers(v3, {"A1": "weak"}))
    with pytest.raises(InputError) as caught:
        compare(before, after)
    assert caught.value.message == (
        "cannot compare: test.yaml uses tiny@1.0 and test.yaml uses tiny@3.0, and neither "
        "version of the framework declares a mapping from the other"
    )


def test_different_frameworks_are_refused() -> None:
    other = framework_of("other", "1.0", "Other", V1.domains)
    before = assess(V1, make_answers(V1, {"A1": "weak"}))
    after = assess(other, make_answers(other, {"A1": "weak"}))
    with pytest.raises(InputError, match=r"uses framework tiny@1\.0"):
        compare(before, after)
