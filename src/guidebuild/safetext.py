"""Text made safe for a terminal: no control characters from user input reach it.

A scheme name, a file name or a framework title is text anyone may write. Printed raw, an
ESC sequence in it can clear the screen (``ESC[2J``), forge a hyperlink (OSC 8), write
the user's clipboard (OSC 52) or overwrite what was printed before it (CR, backspace);
BEL rings, and the C1 controls (U+0080 to U+009F) act as ESC sequences on some
terminals. Bidirectional overrides reorder what is shown. :func:`visible` turns each of
these into a visible escape (``\\x1b``), so no sequence can act and the reader still sees
that something odd was there. Tab and newline are kept.
"""

from __future__ import annotations

import re

_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match[0])
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str) -> str:
    """``text`` with every control character (but tab and newline) shown as an escape."""
    return _UNSAFE.sub(_escape, text)


def json_safe(text: str) -> str:
    """JSON text whose strings hold no character a terminal would act on.

    ``json.dumps`` escapes the C0 controls itself; the C1 controls and bidirectional
    overrides become ``\\uXXXX`` escapes, so the data is unchanged for a JSON reader.
    """
    return _UNSAFE.sub(lambda m: f"\\u{ord(m[0]):04x}", text)
