"""An SVG bar chart of the domain percents, inline in the html report and embedded in md.

The chart is accessible on its own (``role="img"`` with a title and a description that
lists every value) and never relies on colour alone: each bar is labelled with its percent
and verdict, and the 20 / 50 / 80 % thresholds are drawn as dashed lines.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

VERDICT_COLOURS = {
    "strong": "#1a7f37",
    "adequate": "#0a63b8",
    "weak": "#9a6700",
    "absent": "#c42b1c",
    "not-assessable": "#6e7781",
}
_LABEL_WIDTH = 290
_BAR_WIDTH = 300
_ROW = 26
_TOP = 28


def domain_chart(rows: Sequence[tuple[str, float | None, str]], *, ident: str, title: str) -> str:
    """SVG for ``(label, percent or None, verdict)`` rows; ``ident`` keeps ids unique."""
    width = _LABEL_WIDTH + _BAR_WIDTH + 150
    height = _TOP + _ROW * len(rows) + 8
    described = "; ".join(
        f"{label}: {'not assessable' if pct is None else f'{pct:.1f}%'} {verdict}"
        for label, pct, verdict in rows
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'aria-labelledby="{ident}-title {ident}-desc">',
        f'<title id="{ident}-title">{escape(title)}</title>',
        f'<desc id="{ident}-desc">{escape(described)}</desc>',
        '<g font-family="Arial, Helvetica, sans-serif" font-size="13" fill="#1f2328">',
    ]
    bottom = height - 8
    for tick in (0, 20, 50, 80, 100):
        x = _LABEL_WIDTH + _BAR_WIDTH * tick / 100
        dash = "" if tick in (0, 100) else ' stroke-dasharray="4 3"'
        parts.append(
            f'<line x1="{x:.0f}" y1="{_TOP - 6}" x2="{x:.0f}" y2="{bottom}" '
            f'stroke="#8c959f"{dash}/>'
        )
        parts.append(
            f'<text x="{x:.0f}" y="{_TOP - 10}" text-anchor="middle" font-size="11">{tick}%</text>'
        )
    for index, (label, pct, verdict) in enumerate(rows):
        y = _TOP + index * _ROW
        parts.append(
            f'<text x="{_LABEL_WIDTH - 8}" y="{y + 17}" text-anchor="end">{escape(label)}</text>'
        )
        if pct is not None:
            colour = VERDICT_COLOURS.get(verdict, "#6e7781")
            parts.append(
                f'<rect x="{_LABEL_WIDTH}" y="{y + 4}" width="{_BAR_WIDTH * pct / 100:.1f}" '
                f'height="{_ROW - 8}" fill="{colour}"/>'
            )
        value = "not assessable" if pct is None else f"{pct:.1f}% {verdict}"
        parts.append(
            f'<text x="{_LABEL_WIDTH + _BAR_WIDTH + 8}" y="{y + 17}">{escape(value)}</text>'
        )
    parts.append("</g></svg>")
    return "".join(parts)
