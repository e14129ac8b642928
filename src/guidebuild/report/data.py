"""The assessment as plain data: the JSON contract, and the one-line summary of a batch.

The JSON shape is a documented, stable contract (README, "The JSON report"): keys are
only ever added, never renamed or removed, and ``report_version`` says which version of
the contract a file follows. The html and md templates read the same data.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from msgspec import Struct

from guidebuild import __version__

if TYPE_CHECKING:
    from guidebuild.framework.compare import Comparison
    from guidebuild.framework.scoring import Assessment, DomainResult, ItemResult

REPORT_VERSION = 1


def _item(result: ItemResult) -> dict[str, Any]:
    answer = result.answer
    rag = result.rag
    return {
        "id": result.item.id,
        "title": result.item.title,
        "question": result.item.question,
        "rating": result.rating.value,
        "counted_as": result.counted_as.value,
        "score": result.score,
        "weight": result.item.weight,
        "must_meet": result.item.must_meet,
        "unanswered": result.unanswered,
        "no_evidence": result.no_evidence,
        "rag": rag.value if rag else None,
        "evidence": list(answer.evidence) if answer else [],
        "note": answer.note if answer else "",
        "reason": answer.reason if answer else "",
        "recommendations": list(result.item.recommendations),
        # Added in framework 1.1's answer model (report_version 1: keys only added).
        "not_known": result.not_known,
        "forced_by": list(result.forced_by),
        "practice_only": result.unwritten_only,
        "evidence_kinds": list(answer.evidence_kinds) if answer else [],
    }


def _domain(result: DomainResult) -> dict[str, Any]:
    return {
        "id": result.domain.id,
        "title": result.domain.title,
        "core": result.domain.core,
        "weight": result.domain.weight,
        "percent": result.percent,
        "verdict": result.verdict.value,
        "provisional": result.provisional,
        "capped": result.capped,
        "points": result.points,
        "ceiling": result.ceiling,
        "items": [_item(item) for item in result.items],
    }


def comparison_to_dict(comparison: Comparison) -> dict[str, Any]:
    """What changed since the baseline, as plain data."""
    baseline = comparison.baseline
    return {
        "source": baseline.answers.source,
        "framework": {"id": baseline.framework.id, "version": baseline.framework.version},
        "assessed_on": baseline.answers.scheme.assessed_on.isoformat(),
        "overall": {
            "before": comparison.overall_before,
            "after": comparison.overall_after,
            "change": comparison.overall_delta,
            "band_before": baseline.framework.band_name(comparison.band_before),
            "band_after": comparison.current.framework.band_name(comparison.band_after),
        },
        "domains": [
            {
                "id": d.domain,
                "title": d.title,
                "before": d.before,
                "after": d.after,
                "change": d.delta,
                "verdict_before": d.before_verdict.value,
                "verdict_after": d.after_verdict.value,
            }
            for d in comparison.domains
        ],
        "items": [
            {
                "id": i.item,
                "earlier_id": i.earlier_item,
                "before": i.before.value if i.before else None,
                "after": i.after.value if i.after else None,
                "change": i.change.value,
            }
            for i in comparison.items
        ],
    }


def assessment_to_dict(
    assessment: Assessment, comparison: Comparison | None = None
) -> dict[str, Any]:
    """The JSON report of one assessment."""
    framework = assessment.framework
    data: dict[str, Any] = {
        "report_version": REPORT_VERSION,
        "tool": {"name": "guidebuild", "version": __version__},
        "source": assessment.answers.source,
        "framework": {"id": framework.id, "version": framework.version, "title": framework.title},
        "scheme": assessment.answers.scheme.as_dict(),
        "overall": {
            "percent": assessment.overall_percent,
            "band": framework.band_name(assessment.band),
            "provisional": assessment.provisional,
            "uncertain": assessment.uncertain,
            "band_if_not_known_were_strong": (
                framework.band_name(assessment.best_band) if assessment.best_band else None
            ),
        },
        "red_flags": [
            {"id": flag.id, "text": flag.text, "forces": list(flag.forces)}
            for flag in (framework.red_flag(f) for f in assessment.red_flags)
            if flag is not None
        ],
        "red_flag_warning": framework.red_flag_warning if assessment.red_flags else None,
        "not_known": list(assessment.not_known),
        "counts": {
            "not_known": len(assessment.not_known),
            "unanswered": len(assessment.unanswered),
            "red_flags": len(assessment.red_flags),
            "forced_absent": sum(1 for d in assessment.domains for i in d.items if i.forced_by),
            "no_evidence": sum(1 for d in assessment.domains for i in d.items if i.no_evidence),
            "practised": sum(1 for d in assessment.domains for i in d.items if i.practised),
        },
        "domains": [_domain(d) for d in assessment.domains],
        "must_meet_failures": list(assessment.must_meet_failures),
        "unanswered": list(assessment.unanswered),
        "actions": [
            {
                "item": action.item.id,
                "title": action.item.title,
                "domain": action.domain.id,
                "recommendations": list(action.item.recommendations),
                "rating": action.counted_as.value,
                "rating_given": action.rating.value,
                "counted_as": action.counted_as.value,
                "kind": action.kind,
                "action": action.text,
                "rag": action.rag.value,
                "owner": action.answer.owner if action.answer else "",
                "due": (
                    action.answer.due.isoformat() if action.answer and action.answer.due else None
                ),
            }
            for action in assessment.actions
        ],
        "warnings": [
            {"kind": w.kind, "subject": w.subject, "message": w.message}
            for w in assessment.warnings
        ],
    }
    if comparison is not None:
        data["baseline"] = comparison_to_dict(comparison)
    return data


class DomainCell(Struct, frozen=True):
    """One domain of one scheme in a batch summary (cheap to send between processes)."""

    id: str
    title: str
    percent: float | None
    verdict: str


class SummaryRow(Struct, frozen=True):
    """One scheme in a batch summary: cheap to send between processes."""

    source: str
    name: str
    organisation: str
    assessed_on: str
    framework: str
    percent: float
    band: str
    provisional: bool
    domains: tuple[DomainCell, ...]
    must_meet_failures: tuple[str, ...]
    actions: int
    overall_points: int
    overall_ceiling: int
    """The exact overall percent is ``100 * overall_points / overall_ceiling``."""
    title_one: str = ""
    """The framework's title for a report on one (e.g. "Self-assessment of a ... scheme")."""
    title_many: str = ""
    """The framework's title for a report on many, with ``{count}``."""

    def below(self, percent: float) -> bool:
        """Whether the exact overall percent is below ``percent`` (as ``Assessment.below``)."""
        if self.overall_ceiling == 0:
            return percent > 0
        return 100 * self.overall_points < percent * self.overall_ceiling


def summary_row(assessment: Assessment) -> SummaryRow:
    """The summary of one assessment for a batch."""
    scheme = assessment.answers.scheme
    return SummaryRow(
        source=assessment.answers.source,
        name=scheme.name,
        organisation=scheme.organisation,
        assessed_on=scheme.assessed_on.isoformat(),
        framework=assessment.framework.key,
        percent=assessment.overall_percent,
        band=assessment.framework.band_name(assessment.band),
        provisional=assessment.provisional,
        domains=tuple(
            DomainCell(d.domain.id, d.domain.title, d.percent, d.verdict.value)
            for d in assessment.domains
        ),
        must_meet_failures=assessment.must_meet_failures,
        actions=len(assessment.actions),
        overall_points=assessment.overall_points,
        overall_ceiling=assessment.overall_ceiling,
        title_one=assessment.framework.subject.report_title,
        title_many=assessment.framework.subject.report_title_many,
    )


def summary_to_dict(rows: list[SummaryRow]) -> dict[str, Any]:
    """A batch summary: the count per band and one line per scheme."""
    bands: dict[str, int] = {}
    for row in rows:
        bands[row.band] = bands.get(row.band, 0) + 1
    return {
        "schemes": len(rows),
        "bands": bands,
        "rows": [
            {
                "source": row.source,
                "name": row.name,
                "organisation": row.organisation,
                "assessed_on": row.assessed_on,
                "framework": row.framework,
                "percent": row.percent,
                "band": row.band,
                "provisional": row.provisional,
                "domains": {cell.id: cell.percent for cell in row.domains},
            }
            for row in rows
        ],
    }
