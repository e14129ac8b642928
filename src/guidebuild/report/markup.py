"""The html and md reports, rendered with Jinja2 from the package's ``templates/report/``.

Scheme files are written by people outside the project, so every value from them is
escaped: html through Jinja's autoescape, md through :func:`md_escape`, which the md
environment applies to every ``{{ value }}`` unless the value is :class:`Raw` (text this
module built itself, such as links and the chart). Jinja2 is imported only here, so the
text, json and csv reports do not pay for it.
"""

from __future__ import annotations

import base64
import html
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from guidebuild import __version__
from guidebuild.report.chart import domain_chart
from guidebuild.report.data import SummaryRow
from guidebuild.report.links import Recommendations
from guidebuild.resources import Templates

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")
_MD_LINE_START = re.compile(r"^(\s*)(>|(?:[#+=-]|\d+[.)])(?=\s|$))")


class Raw(str):
    """Markdown built by our own code, which the md environment must not escape."""

    __slots__ = ()


def md_escape(value: object) -> str:
    """Escape text so that Markdown shows it literally: no markup, links or raw HTML."""
    if isinstance(value, Raw):
        return value
    if value is None:
        return ""
    text = " ".join(str(value).split())  # one line: a value must not start a block
    text = html.escape(text, quote=False)
    text = _MD_SPECIAL.sub(r"\\\1", text)
    return _MD_LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), text)


def md_link(label: str, url: str | None) -> Raw:
    """A Markdown link whose label is escaped and whose URL cannot break out."""
    if not url:
        return Raw(md_escape(label))
    safe_url = url.replace("(", "%28").replace(")", "%29").replace(" ", "%20")
    return Raw(f"[{md_escape(label)}]({safe_url})")


def environment(folders: Sequence[Path], kind: str) -> jinja2.Environment:
    """The one Jinja2 environment factory for reports: autoescaped html, or escaped md.

    ``folders`` are searched in order, file by file (a project's overrides first)."""
    loader = jinja2.FileSystemLoader([str(folder) for folder in folders])
    if kind == "html":
        env = jinja2.Environment(
            loader=loader,
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
    else:
        # Markdown is not HTML: md_escape (finalize) escapes every value instead.
        env = jinja2.Environment(
            loader=loader,
            autoescape=False,  # noqa: S701
            undefined=jinja2.StrictUndefined,
            finalize=md_escape,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        env.filters["link"] = md_link
        env.filters["hashes"] = lambda level: Raw("#" * int(level))
    env.filters["pct"] = _pct
    env.filters["signed"] = _signed
    return env


def _pct(value: float | None) -> str:
    return "not assessable" if value is None else f"{value:.1f}%"


def _signed(value: float | None) -> str:
    return "" if value is None else f"{value:+.1f}"


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
