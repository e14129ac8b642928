"""Check the framework against the guidance: do its references exist, is anything unchecked?

The build calls :func:`check_recommendations` with the recommendation IDs it found in the
guidance. It is pure: no files are read here.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from guidebuild.errors import Problem
from guidebuild.framework.model import Framework
from guidebuild.yamlsafe import did_you_mean


def check_recommendations(
    framework: Framework, known_ids: Iterable[str]
) -> tuple[tuple[Problem, ...], tuple[str, ...]]:
    """Compare the recommendations the framework's items check with those that exist.

    Returns ``(problems, unchecked)``: one problem, located in the framework file, for each
    item reference to an ID that ``known_ids`` does not hold (with a did-you-mean); and the
    known IDs that no item checks, in the order of ``known_ids`` (sorted if it is a set).
    """
    # A set has no order of its own: sort it, so that the result is the same on every run.
    ordered = known_ids if isinstance(known_ids, Sequence) else sorted(known_ids)
    known = list(dict.fromkeys(ordered))
    known_set = set(known)
    problems: list[Problem] = []
    referenced: set[str] = set()
    source = framework.source or framework.key
    for domain in framework.domains:
        for item in domain.items:
            for index, rec in enumerate(item.recommendations):
                referenced.add(rec)
                if rec in known_set:
                    continue
                line, column = (None, None)
                if index < len(item.recommendation_positions):
                    line, column = item.recommendation_positions[index]
                problems.append(
                    Problem(
                        source,
                        f"item {item.id} checks recommendation {rec!r}, which the guidance "
                        f"does not define{did_you_mean(rec, known)}",
                        line,
                        column,
                    )
                )
    unchecked = tuple(rec for rec in known if rec not in referenced)
    return tuple(problems), unchecked


def coverage(
    framework: Framework, known_ids: Iterable[str]
) -> tuple[tuple[Problem, ...], tuple[str, ...]]:
    """Every recommendation is checked by an item, or listed under ``not_checked``.

    Returns ``(problems, notes)``: the problems of :func:`check_recommendations`, plus,
    for a framework that lists its unchecked recommendations, one for each recommendation
    neither checked nor listed, each listed one the guidance does not define, and each
    listed one that an item checks after all; and the notes the build prints: what no item
    checks, with the framework's reason for each.
    """
    problems, unchecked = check_recommendations(framework, known_ids)
    source = framework.source or framework.key
    notes: tuple[str, ...]
    if not framework.not_checked:
        notes = (
            (
                f"{len(unchecked)} recommendation(s) are checked by no item of "
                f"{framework.key}: {', '.join(unchecked)}",
            )
            if unchecked
            else ()
        )
        return problems, notes
    known = set(unchecked) | {
        r for d in framework.domains for i in d.items for r in i.recommendations
    }
    reasons = {entry.recommendation: entry.reason for entry in framework.not_checked}
    found = list(problems)
    for rec in reasons:
        if rec not in set(known_ids):
            found.append(
                Problem(
                    source,
                    f"not_checked lists {rec!r}, which the guidance does not define"
                    f"{did_you_mean(rec, sorted(set(known_ids)))}",
                )
            )
        elif rec not in unchecked:
            found.append(Problem(source, f"not_checked lists {rec!r}, but an item checks it"))
    for rec in unchecked:
        if rec not in reasons:
            found.append(
                Problem(
                    source,
                    f"recommendation {rec!r} is checked by no item of {framework.key}: "
                    "add an item that checks it, or list it under not_checked with the reason",
                )
            )
    notes = tuple(
        f"no item of {framework.key} checks {rec}: {reasons[rec]}"
        for rec in unchecked
        if rec in reasons and rec in known
    )
    return tuple(found), notes
