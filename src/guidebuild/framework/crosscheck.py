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
