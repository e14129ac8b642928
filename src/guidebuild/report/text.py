"""The terminal report: a table of domains with bars, the band, must-meet failures, actions.

Colour is added only when the caller says so (a terminal, and NO_COLOR not set); the
text reads the same without it, since every colour repeats a word that is printed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from guidebuild.safetext import visible as v

if TYPE_CHECKING:
    from guidebuild.framework.compare import Comparison
    from guidebuild.framework.scoring import Assessment
    from guidebuild.report.data import SummaryRow
    from guidebuild.report.links import Recommendations

BAR_WIDTH = 20
TOP_ACTIONS = 5

_COLOURS = {
    "strong": "32",
    "exemplary": "32",
    "adequate": "36",
    "meets": "36",
    "green": "32",
    "weak": "33",
    "partially-meets": "33",
    "amber": "33",
    "absent": "31",
    "does-not-meet": "31",
    "red": "31",
    "not-assessable": "2",
}


class _Style:
    def __init__(self, color: bool) -> None:
        self.color = color

    def word(self, text: str, key: str | None = None) -> str:
        code = _COLOURS.get(key or text)
        return f"\x1b[{code}m{text}\x1b[0m" if self.color and code else text

    def bold(self, text: str) -> str:
        return f"\x1b[1m{text}\x1b[0m" if self.color else text


def bar(percent: float | None, width: int = BAR_WIDTH) -> str:
    """A bar of ``width`` cells, one per ``100 / width`` percent (rounded down)."""
    if percent is None:
        return " " * width
    full = min(width, int(percent * width // 100))
    return "█" * full + "░" * (width - full)


def _pct(percent: float | None) -> str:
    return "   n/a" if percent is None else f"{percent:5.1f}%"


def render_text(
    assessment: Assessment,
    *,
    color: bool = False,
    comparison: Comparison | None = None,
    links: Recommendations | None = None,
) -> str:
    """The terminal report of one assessment; ``links`` give recommendations' numbers."""
    style = _Style(color)
    scheme = assessment.answers.scheme
    lines = [
        style.bold(v(scheme.name)),
        v(
            f"{scheme.organisation} · assessed {scheme.iso('assessed_on')} · "
            f"framework {assessment.framework.key}"
        ),
        "",
    ]
    lines += _first_lines(assessment, style)
    lines += _domain_lines(assessment, style)
    lines += _counted_lines(assessment, style)
    lines += _action_lines(assessment, style, links)
    if comparison is not None:
        lines += ["", *_comparison_lines(comparison, style)]
    return "\n".join(lines) + "\n"


def _first_lines(assessment: Assessment, style: _Style) -> list[str]:
    """Red flags first (the result may not be about what the framework assesses), then
    the overall result, whether it is uncertain, and what to find out."""
    lines: list[str] = []
    flags = [w for w in assessment.warnings if w.kind == "red-flag"]
    if flags:
        lines.append(
            style.word("WARNING", "red") + "  " + assessment.framework.red_flag_warning.strip()
        )
        lines += [f"  {v(warning.message)}" for warning in flags]
        lines.append("")
    band = style.word(assessment.band_name)
    overall = f"Overall {assessment.overall_percent:.1f}%  {band}"
    if assessment.uncertain:
        overall += "  (uncertain: too much is not known)"
    if assessment.provisional:
        overall += "  (provisional: some evaluation items are not yet due)"
    lines += [style.bold(overall), ""]
    lines += [
        line
        for warning in assessment.warnings
        if warning.kind == "uncertain"
        for line in (v(warning.message), "")
    ]
    if assessment.not_known:
        lines += [
            style.bold("Find out (not known, counted as absent): ")
            + ", ".join(v(i) for i in assessment.not_known),
            "",
        ]
    return lines


def _domain_lines(assessment: Assessment, style: _Style) -> list[str]:
    width = max(len(v(d.domain.title)) + (2 if d.domain.core else 0) for d in assessment.domains)
    width += 2
    lines = [f"{'Domain':<{width}}{'':{BAR_WIDTH}}  {'Score':>6}  Verdict"]
    for domain in assessment.domains:
        title = v(domain.domain.title) + (" *" if domain.domain.core else "")
        verdict = style.word(domain.verdict.value)
        notes = []
        if domain.capped:
            notes.append("capped: must-meet item below adequate")
        if domain.provisional:
            notes.append("provisional")
        suffix = f"  ({'; '.join(notes)})" if notes else ""
        lines.append(
            f"{title:<{width}}{bar(domain.percent)}  {_pct(domain.percent)}  {verdict}{suffix}"
        )
    return [*lines, "* core domain: counts double in the overall", ""]


def _counted_lines(assessment: Assessment, style: _Style) -> list[str]:
    """Must-meet failures, and the answers counted otherwise than given."""
    failures = assessment.must_meet_failures
    lines = [
        "Must-meet items below adequate: "
        + (", ".join(style.word(v(f), "red") for f in failures) if failures else "none")
    ]
    unanswered = assessment.unanswered
    if unanswered:
        lines.append(v(f"Unanswered (counted as absent): {', '.join(unanswered)}"))
    evidence = [w.subject for w in assessment.warnings if w.kind == "no-evidence"]
    if evidence:
        lines.append(
            v(f"Rated adequate or strong without evidence (counted as weak): {', '.join(evidence)}")
        )
    not_due = [w.subject for w in assessment.warnings if w.kind == "not-yet-due"]
    if not_due:
        lines.append(v(f"Not yet due: {', '.join(not_due)}"))
    return [*lines, ""]


def _action_lines(
    assessment: Assessment, style: _Style, links: Recommendations | None
) -> list[str]:
    actions = assessment.actions
    if not actions:
        return ["No actions: every item that applies is adequate or better."]
    shown = actions[:TOP_ACTIONS]
    count = f" ({len(shown)} of {len(actions)})" if len(actions) > len(shown) else ""
    lines = [style.bold(f"Top actions{count}")]
    for number, action in enumerate(shown, 1):
        rag = style.word(f"{action.rag.value:<5}", action.rag.value)
        counted = action.counted_as.value
        how = (
            f"(now {counted})"
            if action.rating is action.counted_as
            else f"(rated {action.rating.value}, counted as {counted})"
        )
        lines.append(f"{number:>2}. {rag}  " + v(f"{action.item.id} {action.item.title} {how}"))
        lines.append(f"    {v(action.text)}")
        shown_recs = [links.get(rec).label if links else rec for rec in action.item.recommendations]
        lines.append(v(f"    Guidance: {'; '.join(shown_recs)}"))
    return lines


def _signed(value: float | None) -> str:
    return "" if value is None else f"{value:+.1f}"


def _comparison_lines(comparison: Comparison, style: _Style) -> list[str]:
    baseline = comparison.baseline
    lines = [
        style.bold(
            v(
                f"Since {baseline.answers.scheme.assessed_on.isoformat()} "
                f"({baseline.answers.source}, {baseline.framework.key})"
            )
        ),
        f"Overall {comparison.overall_before:.1f}% -> {comparison.overall_after:.1f}% "
        f"({_signed(comparison.overall_delta)}), band "
        f"{comparison.baseline.framework.band_name(comparison.band_before)} -> "
        f"{comparison.current.framework.band_name(comparison.band_after)}",
    ]
    width = max(len(v(d.title)) for d in comparison.domains) + 2
    for d in comparison.domains:
        verdicts = (
            f"{d.before_verdict.value} -> {d.after_verdict.value}"
            if d.before_verdict is not d.after_verdict
            else d.after_verdict.value
        )
        lines.append(
            f"  {v(d.title):<{width}}{_pct(d.before)} -> {_pct(d.after)}  "
            f"{_signed(d.delta):>6}  {verdicts}"
        )
    if comparison.items:
        lines.append("Items that changed:")
        for change in comparison.items:
            before = change.before.value if change.before else "-"
            after = change.after.value if change.after else "-"
            lines.append(v(f"  {change.item:<6}{before} -> {after} ({change.change.value})"))
    else:
        lines.append("No item changed.")
    return lines


def render_summary_text(rows: list[SummaryRow], *, color: bool = False) -> str:
    """The summary of a batch: one line per scheme and the count per band."""
    style = _Style(color)
    width = max([len("Scheme"), *(len(v(r.name)) for r in rows)]) + 2
    lines = [style.bold(f"Summary of {len(rows)} schemes"), f"{'Scheme':<{width}}Overall  Band"]
    counts: dict[str, int] = {}
    for row in rows:
        provisional = " (provisional)" if row.provisional else ""
        name = v(row.name)
        lines.append(f"{name:<{width}}{row.percent:6.1f}%  {style.word(row.band)}{provisional}")
        counts[row.band] = counts.get(row.band, 0) + 1
    order = ("exemplary", "meets", "partially-meets", "does-not-meet")
    lines.append(" · ".join(f"{band} {counts[band]}" for band in order if band in counts))
    return "\n".join(lines) + "\n"
