"""The workbook's live scores: spreadsheet formulas for the rules of scoring.py.

Each function builds the text of one formula from the framework's rules (its scale,
weights, thresholds, band numbers and names), so that the workbook works out the same
item scores, domain percents and verdicts, overall percent and band as ``assess``, with
the same numbers: none is typed in here. The shape of each formula mirrors the Python
function named in its docstring; tests recalculate workbooks in LibreOffice and compare
the results with ``assess``.

Sums stay whole numbers, thresholds are compared as ``100 * points >= t * ceiling`` (no
division, no rounding), and percents are shown rounded down to one decimal, as in Python.
The overall percent is brought to a common denominator with ``LCM`` for the same reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from guidebuild.framework.model import Band, Rating, Rules

NL = "CHAR(10)"


def quote(text: str) -> str:
    """A string literal for a formula."""
    return '"' + text.replace('"', '""') + '"'


def normalised(cell: str) -> str:
    """The rating as typed, as the reader takes it: trimmed, lower case."""
    return f"LOWER(TRIM({cell}))"


def forced(flag_cells: Sequence[str]) -> str:
    """True when any of the red flags that force the item to absent is answered yes."""
    if not flag_cells:
        return "FALSE"
    return "OR(" + ",".join(f"LOWER(TRIM({c}))={quote('yes')}" for c in flag_cells) + ")"


def _written(rules: Rules, evidence: str) -> str:
    """True when a line of the evidence starts with a written kind (document:, record:)."""
    # Spaces are dropped so "practice seen:" and " record :" are found as the reader finds
    # them; a new line before the text makes the first line like every other.
    hay = f"{NL}&LOWER(SUBSTITUTE({evidence},{quote(' ')},{quote('')}))"
    needles: list[str] = []
    for kind in rules.evidence.kinds:
        if not kind.written:
            continue
        for name in dict.fromkeys((kind.kind, kind.label)):
            needle = name.replace(" ", "").lower() + ":"
            needles.append(f"ISNUMBER(FIND({NL}&{quote(needle)},{hay}))")
    return "OR(" + ",".join(needles) + ")" if needles else "FALSE"


def counted_as(rules: Rules, rating: str, evidence: str, flag_cells: Sequence[str]) -> str:
    """The rating that counts (``score_item``): red flags, then the evidence rule."""
    rt = normalised(rating)
    blank = f"LEN(TRIM(SUBSTITUTE({evidence},{NL},{quote(' ')})))=0"
    needs = [e.rating.value for e in rules.scale.entries if e.needs == "evidence"]
    counted = rt
    if needs:
        with_evidence = rt
        unwritten = rules.evidence.unwritten_only
        if rules.evidence.kinds and unwritten is not None:
            with_evidence = f"IF({_written(rules, evidence)},{rt},{quote(unwritten.value)})"
        is_needing = "OR(" + ",".join(f"{rt}={quote(r)}" for r in needs) + ")"
        without = quote(rules.evidence.without_evidence.value)
        counted = f"IF({is_needing},IF({blank},{without},{with_evidence}),{rt})"
    absent = quote(Rating.ABSENT.value)
    return f"IF({forced(flag_cells)},{absent},IF({rt}={quote('')},{absent},{counted}))"


def score(rules: Rules, counted: str) -> str:
    """What the counted rating scores on the scale; empty for n/a and not-yet-due."""
    formula = quote("")
    for entry in reversed(rules.scale.entries):
        if entry.score is not None:
            formula = f"IF({counted}={quote(entry.rating.value)},{entry.score},{formula})"
    return formula


def points(score_cell: str, weight: int) -> str:
    return f"IF({score_cell}={quote('')},0,{weight}*{score_cell})"


def ceiling(rules: Rules, score_cell: str, weight: int) -> str:
    return f"IF({score_cell}={quote('')},0,{weight * rules.scale.max_score})"


def is_rating(counted: str, rating: Rating) -> str:
    return f"IF({counted}={quote(rating.value)},1,0)"


def must_meet_failure(rules: Rules, score_cell: str, must_meet: bool) -> str:
    """1 when a must-meet item applies and scores below adequate."""
    if not must_meet:
        return "0"
    return f"IF({score_cell}={quote('')},0,IF({score_cell}<{rules.scale.adequate_score},1,0))"


def not_known(rating: str, flag_cells: Sequence[str]) -> str:
    """1 when the item is answered not-known and no red flag forces it."""
    return (
        f"IF(AND(NOT({forced(flag_cells)}),{normalised(rating)}={quote(Rating.NOT_KNOWN.value)}),"
        "1,0)"
    )


def best_score(rules: Rules, score_cell: str, not_known_cell: str) -> str:
    """The score if a not-known item were strong, on written evidence."""
    return f"IF({not_known_cell}=1,{rules.scale.max_score},{score_cell})"


def rag(rules: Rules, score_cell: str, must_meet: bool) -> str:
    """Red, amber or green (``ItemResult.rag``); n/a for an item that does not apply."""
    adequate = rules.scale.adequate_score
    red = f"OR({score_cell}=0,{score_cell}<{adequate})" if must_meet else f"{score_cell}=0"
    return (
        f"IF({score_cell}={quote('')},{quote('n/a')},IF({red},{quote('red')},"
        f"IF({score_cell}<{adequate},{quote('amber')},{quote('green')})))"
    )


def raw_verdict(rules: Rules, points_cell: str, ceiling_cell: str) -> str:
    """The verdict from the percent alone (``domain_verdict`` before the must-meet cap)."""
    strong, adequate, weak = rules.verdicts
    return (
        f"IF(100*{points_cell}>={strong}*{ceiling_cell},{quote('strong')},"
        f"IF(100*{points_cell}>={adequate}*{ceiling_cell},{quote('adequate')},"
        f"IF(100*{points_cell}>={weak}*{ceiling_cell},{quote('weak')},{quote('absent')})))"
    )


def assessable(rules: Rules, na: str, items: str, ceiling_cell: str) -> str:
    """1 unless more than the framework's share of items is n/a, or none applies."""
    share = rules.not_assessable_na_share
    return f"IF(AND({na}*100<={share}*{items},{ceiling_cell}>0),1,0)"


def verdict(rules: Rules, raw: str, assessable_cell: str, failures: str) -> str:
    """The domain's verdict, with the must-meet cap (``score_domain``)."""
    capped = f"AND({failures}>0,OR({raw}={quote('strong')},{raw}={quote('adequate')}))"
    return f"IF({assessable_cell}=0,{quote('not-assessable')},IF({capped},{quote('weak')},{raw}))"


def scaled(assessable_cell: str, weight: str, points_cell: str, lcm: str, ceiling_cell: str) -> str:
    """A domain's weighted points over the common denominator (``overall_sums``)."""
    return f"IF({assessable_cell}=1,{weight}*{points_cell}*({lcm}/{ceiling_cell}),0)"


def floor_percent(numerator: str, denominator: str) -> str:
    """``100 * n / d`` rounded down to one decimal (``floor_percent``)."""
    return f"INT(1000*{numerator}/{denominator})/10"


@dataclass(frozen=True)
class Columns:
    """Ranges of the per-domain cells the band formula reads (same rows, one per domain)."""

    core: str
    verdict: str
    failures: str


def band(
    rules: Rules, cols: Columns, numerator: str, denominator: str, red_flags: str = "0"
) -> str:
    """The overall band: the first of the rules of ``overall_band`` that matches.

    ``red_flags`` is a formula for the number of red flags ticked, each one more must-meet
    failure.
    """
    b = rules.bands

    def name(value: Band) -> str:
        return quote(b.names.get(value.value, value.value))

    yes = quote("yes")
    failures = f"(SUM({cols.failures})+{red_flags})"
    low_core = (
        f"(COUNTIFS({cols.core},{yes},{cols.verdict},{quote('weak')})"
        f"+COUNTIFS({cols.core},{yes},{cols.verdict},{quote('absent')}))"
    )
    low_any = f"(COUNTIF({cols.verdict},{quote('weak')})+COUNTIF({cols.verdict},{quote('absent')}))"
    core_count = f"COUNTIF({cols.core},{yes})"
    core_good = (
        f"(COUNTIFS({cols.core},{yes},{cols.verdict},{quote('strong')})"
        f"+COUNTIFS({cols.core},{yes},{cols.verdict},{quote('adequate')}))"
    )
    weak_others = f"COUNTIFS({cols.core},{quote('no')},{cols.verdict},{quote('weak')})"
    n, d = numerator, denominator
    exemplary = (
        f"AND(100*{n}>={b.exemplary_overall_at_least}*{d},"
        f"COUNTIFS({cols.core},{yes},{cols.verdict},{quote('strong')})={core_count},{low_any}=0)"
    )
    meets = (
        f"AND(100*{n}>={b.meets_overall_at_least}*{d},{core_good}={core_count},"
        f"{weak_others}<={b.meets_weak_other_domains},"
        f"COUNTIF({cols.verdict},{quote('absent')})=0)"
    )
    does_not_meet = (
        f"OR({failures}>={b.does_not_meet_must_meet_failures},"
        f"{low_core}>={b.does_not_meet_low_core_domains},"
        f"100*{n}<{b.does_not_meet_overall_below}*{d})"
    )
    return (
        f"IF({d}=0,{name(Band.DOES_NOT_MEET)},IF({does_not_meet},{name(Band.DOES_NOT_MEET)},"
        f"IF({failures}>={b.partially_meets_must_meet_failures},{name(Band.PARTIALLY_MEETS)},"
        f"IF({exemplary},{name(Band.EXEMPLARY)},IF({meets},{name(Band.MEETS)},"
        f"{name(Band.PARTIALLY_MEETS)})))))"
    )
