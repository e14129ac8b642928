"""The html and md reports, rendered with Jinja2 from the package's ``templates/report/``.

Scheme files are written by people outside the project, so every value from them is
escaped: html through Jinja's autoescape, md through :func:`md_escape`, which the md
environment applies to every ``{{ value }}`` unless the value is :class:`Raw` (text this
module built itself, such as links and the chart); the environment is
:mod:`guidebuild.templating`'s, which the checklist forms share. Jinja2 is imported only
here and there, so the text, json and csv reports do not pay for it.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from typing import Any

from markupsafe import Markup

from guidebuild import __version__
from guidebuild.report.chart import domain_chart
from guidebuild.report.data import SummaryRow
from guidebuild.report.links import Recommendations
from guidebuild.resources import Templates
from guidebuild.templating import Raw, environment, md_escape, md_link

__all__ = ["MarkupRenderer", "Raw", "environment", "md_escape", "md_link"]


class MarkupRenderer:
    """Renders sections (one per scheme) and the page around them, for html or md."""

    def __init__(self, templates: Templates, kind: str, recommendations: Recommendations) -> None:
        self.kind = kind
        self.env = environment(templates.folders(""), kind)
        self.recommendations = recommendations
        self.extension = "html" if kind == "html" else "md"

    def section(self, report: dict[str, Any], *, index: int, batch: bool) -> str:
        """One scheme's report; ``index`` keeps anchors and chart ids unique in a batch."""
        anchor = f"scheme-{index}"
        rows = [(d["title"], d["percent"], d["verdict"]) for d in report["domains"]]
        svg = domain_chart(rows, ident=f"{anchor}-chart", title="Scores by domain")
        if self.kind == "html":
            chart: str = Markup(svg)  # noqa: S704 - built by domain_chart, which escapes
        else:
            data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
            chart = Raw(f"![Bar chart of the domain scores](data:image/svg+xml;base64,{data})")
        rec_ids = sorted(
            {rec for a in report["actions"] for rec in a["recommendations"]}
            | {rec for d in report["domains"] for i in d["items"] for rec in i["recommendations"]}
        )
        template = self.env.get_template(f"report/section.{self.extension}.j2")
        return template.render(
            r=report,
            links=self.recommendations.as_dict(rec_ids),
            chart=chart,
            anchor=anchor,
            level=2 if batch else 1,
        )

    def page(
        self, sections: Sequence[str], summary: list[SummaryRow] | None, title: str = ""
    ) -> str:
        """The whole report: a summary with a heat map for a batch, then every section.

        ``title`` is the framework's (its ``subject``); a batch is titled by its first row's.
        """
        wrap = Markup if self.kind == "html" else Raw
        if summary:
            title = summary[0].title_many.replace("{count}", str(len(summary)))
        domains: dict[str, str] = {}
        for row in summary or []:
            for cell in row.domains:
                domains.setdefault(cell.id, cell.title)
        template = self.env.get_template(f"report/page.{self.extension}.j2")
        return template.render(
            title=title,
            sections=[wrap(s) for s in sections],
            summary=summary,
            domains=domains,
            version=__version__,
        )
