"""The one Jinja2 environment factory, shared by the reports and the checklist forms.

html is autoescaped; md has no autoescape, so :func:`md_escape` (the environment's
``finalize``) escapes every value unless it is :class:`Raw`, Markdown our own code built.
A neutral module: the forms and the reports both use it, and neither imports the other.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from pathlib import Path

import jinja2

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
