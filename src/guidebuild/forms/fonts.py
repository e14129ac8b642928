"""A small font for the PDF form's fields, cut from Liberation Sans at build time.

WeasyPrint 70 embeds the font of a form field whole, not as a subset (a one-page form
with the system's Liberation Sans was 427 KB). The fields therefore use a font of their
own: Liberation Sans cut down with fontTools to the Latin letters, digits and punctuation
people type into a form, without hinting or layout tables, about 20 KB. Viewers draw what
is typed in the fields with this font (the field's /DA), so it covers Latin-1 and Latin
Extended-A (names such as Łukasz, Dvořák or Şahin), typographic quotes and dashes.

Liberation Sans is metric-compatible with Arial and SIL Open Font License 1.1, which allows
subsetting and embedding; the subset keeps the licence in its name table.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from guidebuild.errors import BuildError

FIELD_FONT_FAMILY = "Guidebuild Form Sans"
"""The family name the form's stylesheet uses for fields; unlike any installed font."""
FIELD_FONT_FILE = "guidebuild-form-sans.ttf"

SOURCE_FONTS = (
    Path("/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf"),
    Path("/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf"),
)
"""Where Debian's fonts-liberation2 (or the older fonts-liberation) installs the font."""

UNICODES = (
    "U+0020-007E,"  # Basic Latin
    "U+00A0-00FF,"  # Latin-1 Supplement: accented letters, pound sign, degree ...
    "U+0100-017F,"  # Latin Extended-A: Central European and Turkish letters
    "U+2010-2015,U+2018-201E,U+2022,U+2026,U+2032-2033,U+20AC,U+2122"  # dashes, quotes, euro
)


def source_font() -> Path:
    """The installed Liberation Sans Regular, or a clear error saying what to install."""
    for path in SOURCE_FONTS:
        if path.is_file():
            return path
    raise BuildError(
        "the PDF form needs Liberation Sans for its fields: install the Debian package "
        "fonts-liberation2 (scripts/system-packages.sh does)"
    )


def write_field_font(folder: Path) -> Path:
    """Write the field font into ``folder`` and return its path.

    The subset is deterministic: the same source font gives the same bytes (fontTools
    keeps the source's timestamps unless told to recalculate them).
    """
    # fontTools has no type information; pyproject's overrides are not ours to extend.
    from fontTools import subset  # type: ignore[import-untyped]
    from fontTools.ttLib import TTFont  # type: ignore[import-untyped]

    options = subset.Options()
    options.hinting = False
    options.desubroutinize = True
    options.layout_features = ["kern"]
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6, 13, 14]  # names, copyright and licence
    options.notdef_outline = True
    options.recalc_timestamp = False
    options.drop_tables += ["FFTM", "DSIG"]
    target = folder / FIELD_FONT_FILE
    with TTFont(str(source_font()), recalcTimestamp=False) as font:
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=subset.parse_unicodes(UNICODES))
        subsetter.subset(font)
        _rename(font)
        font.save(str(target))
    return target


def _rename(font: object) -> None:
    """Give the subset its own family name, so it never stands in for the full font."""
    name_table = font["name"]  # type: ignore[index]
    names = {
        1: FIELD_FONT_FAMILY,
        3: f"{FIELD_FONT_FAMILY}: a subset of Liberation Sans",
        4: FIELD_FONT_FAMILY,
        6: FIELD_FONT_FAMILY.replace(" ", ""),
        16: FIELD_FONT_FAMILY,
    }
    for record in name_table.names:
        if record.nameID in names:
            record.string = names[record.nameID]


FIRST_CHAR, LAST_CHAR = 32, 255
"""The codes of the simple (WinAnsi) font that form fields are drawn with."""


def winansi_metrics(path: Path) -> dict[str, Any]:
    """What a PDF simple TrueType font with WinAnsiEncoding needs to know about ``path``.

    Form tools (pdftk, pypdf, poppler, pdf.js) draw typed text with the field's /DA font;
    most of them handle only simple fonts there, one byte a character, so the fields get a
    WinAnsi font built on this file beside the CID font WeasyPrint writes for the page.
    Returns ``widths`` (1/1000 em, codes FIRST_CHAR to LAST_CHAR), ``bbox``, ``ascent``,
    ``descent`` and ``cap_height``.
    """
    from fontTools.ttLib import TTFont

    with TTFont(str(path)) as font:
        scale = 1000 / font["head"].unitsPerEm
        cmap = font.getBestCmap()
        metrics = font["hmtx"].metrics
        widths = []
        for code in range(FIRST_CHAR, LAST_CHAR + 1):
            try:
                char = bytes([code]).decode("cp1252")
            except UnicodeDecodeError:  # the five codes WinAnsi leaves undefined
                widths.append(0)
                continue
            glyph = cmap.get(ord(char))
            widths.append(round(metrics[glyph][0] * scale) if glyph else 0)
        head, os2 = font["head"], font["OS/2"]
        return {
            "widths": widths,
            "bbox": [round(v * scale) for v in (head.xMin, head.yMin, head.xMax, head.yMax)],
            "ascent": round(os2.sTypoAscender * scale),
            "descent": round(os2.sTypoDescender * scale),
            "cap_height": round(getattr(os2, "sCapHeight", 0) * scale) or 700,
        }
