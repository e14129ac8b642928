"""The CSV report: one row per scheme, for spreadsheets and for comparing many schemes.

Columns: the file, the scheme details, the framework, the overall percent, band and
provisional flag, then ``<domain>_percent`` and ``<domain>_verdict`` for every domain, the
must-meet items below adequate and the number of actions. Text that a spreadsheet would
run as a formula (starting with ``=``, ``+``, ``-``, ``@``) is prefixed with ``'``.
"""

from __future__ import annotations

import csv
import io

from guidebuild.report.data import SummaryRow

FIXED_COLUMNS = (
    "file",
    "scheme",
    "organisation",
    "assessed_on",
    "framework",
    "overall_percent",
    "band",
    "provisional",
)
TAIL_COLUMNS = ("must_meet_failures", "actions")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(text: str) -> str:
    return "'" + text if text.startswith(_FORMULA_START) else text


def csv_row(row: SummaryRow) -> dict[str, str]:
    """The CSV cells of one scheme, by column name."""
    cells = {
        "file": _cell(row.source),
        "scheme": _cell(row.name),
        "organisation": _cell(row.organisation),
        "assessed_on": row.assessed_on,
        "framework": row.framework,
        "overall_percent": f"{row.percent:.1f}",
        "band": row.band,
        "provisional": "yes" if row.provisional else "no",
        "must_meet_failures": " ".join(row.must_meet_failures),
        "actions": str(row.actions),
    }
    for cell in row.domains:
        cells[f"{cell.id}_percent"] = "" if cell.percent is None else f"{cell.percent:.1f}"
        cells[f"{cell.id}_verdict"] = cell.verdict
    return cells


def render_csv(rows: list[SummaryRow]) -> str:
    """The whole CSV: a header, then one row per scheme in the order given."""
    domain_columns: dict[str, None] = {}
    for row in rows:
        for cell in row.domains:
            domain_columns[f"{cell.id}_percent"] = None
            domain_columns[f"{cell.id}_verdict"] = None
    columns = [*FIXED_COLUMNS, *domain_columns, *TAIL_COLUMNS]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n", restval="")
    writer.writeheader()
    writer.writerows(csv_row(row) for row in rows)
    return buffer.getvalue()
