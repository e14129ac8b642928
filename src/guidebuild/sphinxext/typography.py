"""Typographic quotes for text that docutils' smart quotes never see.

docutils makes quotes and apostrophes curly in the body text, but not in directive
arguments (recommendation titles) or conf.py values (the author, shown on the cover and in
the footer), so those came out straight beside curly ones.
"""

from __future__ import annotations

import re

_APOSTROPHE = re.compile(r"(?<=\w)'|'(?=\d\ds\b)")
_SINGLE = re.compile(r"(?<!\w)'([^']*?)'(?!\w)")
_DOUBLE = re.compile(r'"([^"]*)"')


def typographic(text: str) -> str:
    """Apostrophes become U+2019; quotes in pairs become U+2018/U+2019 and U+201C/U+201D."""
    text = _DOUBLE.sub("\u201c\\1\u201d", text)
    text = _SINGLE.sub("\u2018\\1\u2019", text)
    return _APOSTROPHE.sub("\u2019", text)
