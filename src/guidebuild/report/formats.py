"""The report formats of ``guidebuild assess``, in one registry.

The ``-f`` choices, the check that ``--baseline`` applies, and the renderer each format is
assembled by all come from :data:`REPORT_FORMATS`. Renderers are named as
``module:function`` (``(scorer, rows, pieces) -> str``) and imported only when used, so
``guidebuild --help`` loads none of them.
"""

from __future__ import annotations

import enum

from msgspec import Struct


class ReportFormat(enum.StrEnum):
    TEXT = "text"
    JSON = "json"
    HTML = "html"
    MD = "md"
    CSV = "csv"


class ReportKind(Struct, frozen=True):
    """One report format."""

    format: ReportFormat
    renderer: str
    """``module:function`` assembling the whole report from the pieces of each file."""
    baseline: bool
    """Whether ``--baseline`` (what changed since an earlier file) is shown in it."""

    @property
    def name(self) -> str:
        return self.format.value


_PIPELINE = "guidebuild.report.pipeline"
REPORT_FORMATS: tuple[ReportKind, ...] = (
    ReportKind(ReportFormat.TEXT, f"{_PIPELINE}:render_text_report", baseline=True),
    ReportKind(ReportFormat.JSON, f"{_PIPELINE}:render_json_report", baseline=True),
    ReportKind(ReportFormat.HTML, f"{_PIPELINE}:render_markup_report", baseline=True),
    ReportKind(ReportFormat.MD, f"{_PIPELINE}:render_markup_report", baseline=True),
    ReportKind(ReportFormat.CSV, f"{_PIPELINE}:render_csv_report", baseline=False),
)
BY_FORMAT = {kind.format: kind for kind in REPORT_FORMATS}
