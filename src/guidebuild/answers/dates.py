"""Dates as people type them: ``14 February 2005``, ``14/02/2005``, ``Feb 2005``, ``2005-02``.

Organisers fill in forms by hand and often know only the month a scheme started, so a
date may be a day or a month. Numeric dates are read day first, as they are written in
the United Kingdom (``03/04/2005`` is 3 April). Everything is normalised to ISO 8601:
a day becomes ``2005-02-14``, a month ``2005-02`` (held as the month's first day).
"""

from __future__ import annotations

import datetime as dt
import re

MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}

# Kept as text: re compiles and caches each one when first used, and most files need one.
_ISO_DAY = r"(\d{4})-(\d{1,2})-(\d{1,2})\Z"
_ISO_MONTH = r"(\d{4})-(\d{1,2})\Z"
_NUMERIC_DAY = r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})\Z"
_NUMERIC_MONTH = r"(\d{1,2})/(\d{4})\Z"
_WORDS_DAY = r"(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]+)\.?,?\s+(\d{4})\Z"
_WORDS_DAY_US = r"([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\Z"
_WORDS_MONTH = r"([a-z]+)\.?,?\s+(\d{4})\Z"

EXAMPLES = "14 February 2005, 14/02/2005, 2005-02-14, or a month: February 2005, 2005-02"
"""How a date may be written, for messages."""


def parse_date(text: str) -> tuple[dt.date, bool] | None:
    """``(date, month_only)`` for a date as typed, or None when it is not a date."""
    value = " ".join(text.strip().casefold().split())
    for pattern, order in (
        (_ISO_DAY, "ymd"),
        (_NUMERIC_DAY, "dmy"),
        (_WORDS_DAY, "dMy"),
        (_WORDS_DAY_US, "Mdy"),
    ):
        match = re.match(pattern, value)
        if match:
            parts = dict(zip(order, match.groups(), strict=True))
            month = _month(parts.get("m"), parts.get("M"))
            return _day(int(parts["y"]), month, int(parts["d"]))
    for pattern, order in ((_ISO_MONTH, "ym"), (_NUMERIC_MONTH, "my"), (_WORDS_MONTH, "My")):
        match = re.match(pattern, value)
        if match:
            parts = dict(zip(order, match.groups(), strict=True))
            month = _month(parts.get("m"), parts.get("M"))
            found = _day(int(parts["y"]), month, 1)
            return (found[0], True) if found else None
    return None


def _month(number: str | None, name: str | None) -> int:
    if number is not None:
        return int(number)
    return MONTHS.get(name or "", 0)


def _day(year: int, month: int, day: int) -> tuple[dt.date, bool] | None:
    try:
        return dt.date(year, month, day), False
    except ValueError:
        return None


def month_end(day: dt.date) -> dt.date:
    """The last day of ``day``'s month: the latest a month-only date can mean."""
    following = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return following - dt.timedelta(days=1)
