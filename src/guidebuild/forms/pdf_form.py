"""The fillable PDF checklist: a tagged PDF/UA-1 AcroForm rendered by WeasyPrint.

The form is rendered from the package's ``templates/forms/pdf/`` with ``pdf_forms=True``.
What WeasyPrint 70 gets wrong with forms (shared/brief/weasyprint-notes.md) decides the design:

- the rating is a ``<select>``, a choice field whose export values are exactly the
  framework's ratings: radio groups come out malformed and buttons corrupt the AcroForm;
  the table beside it prints every option with a box to tick, so paper works too;
- field text uses a small subset font (:mod:`guidebuild.forms.fonts`), because a form
  embeds its field font whole;
- the framework's ``id@version`` is in a read-only field and in the document information,
  so ``guidebuild assess`` can refuse a form from another version.

Nothing outside the template folder and the build's own font folder is read (the
project's sandboxed fetcher), and the output is byte-identical for one SOURCE_DATE_EPOCH.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from guidebuild.errors import BuildError, Problem
from guidebuild.fields import (
    ANSWER_FIELDS,
    FRAMEWORK_FIELD,
    FRAMEWORK_INFO_KEY,
    field_help,
    finished_text,
    item_field_name,
    red_flag_field_name,
    scheme_field_name,
)
from guidebuild.forms.fonts import FIELD_FONT_FAMILY, write_field_font
from guidebuild.framework.model import RED_FLAG_EFFECT, Framework, Item, Rating
from guidebuild.resources import Templates

PDF_VARIANT = "pdf/ua-1"
"""Tagged, with a language and a title shown in the window; forms combine with it."""
MAX_BYTES = 300 * 1024
"""The form must stay small enough to e-mail and to download on a poor connection."""
_FIELD_READ_ONLY = 1  # bit 1 of /Ff
TEMPLATE_KIND = "forms/pdf"
"""Where the form's template and stylesheet are (see :mod:`guidebuild.resources`)."""


@dataclass(frozen=True)
class _Option:
    value: str
    text: str


def _item_context(item: Item, framework: Framework) -> dict[str, Any]:
    scale = framework.rules.scale
    descriptors = {
        Rating.ABSENT: item.descriptors.absent,
        Rating.WEAK: item.descriptors.weak,
        Rating.ADEQUATE: item.descriptors.adequate,
        Rating.STRONG: item.descriptors.strong,
    }
    options = [_Option(r.value, descriptors.get(r) or scale.meaning(r)) for r in item.ratings]
    fields = {part: item_field_name(item.id, part) for part in ANSWER_FIELDS}
    optional = [r.value for r in item.ratings if not r.applies]
    if not optional:
        del fields["reason"]
    hints = []
    if Rating.NA in item.allows:
        hints.append("If you choose n/a, say why the item does not apply (needed).")
    if Rating.NOT_YET_DUE in item.allows:
        needed = " (needed)" if scale.needs(Rating.NOT_YET_DUE, "reason") else ""
        hints.append(f"If you choose not-yet-due, say what will be done and when{needed}.")
    values = [r.value for r in item.ratings]
    return {
        "id": item.id,
        "title": item.title,
        "question": item.question,
        "must_meet": item.must_meet,
        "evidence_hint": item.evidence_hint,
        "essential": "; ".join(item.essential),
        "designs": item.designs,
        "options": options,
        "fields": fields,
        "choices": ", ".join(values[:-1]) + " or " + values[-1],
        "reason_hint": " ".join(hints),
    }


def render_form_html(
    framework: Framework,
    templates: Templates,
    font_url: str,
    created: str | None,
    contact: str | None = None,
) -> str:
    """The HTML the form is rendered from (also handy for looking at the layout)."""
    from guidebuild.fields import checklist_name
    from guidebuild.templating import environment

    env = environment(templates.folders(TEMPLATE_KIND), "html")
    scale = [
        {
            "value": entry.rating.value,
            "score": entry.score if entry.score is not None else "not counted",
            "meaning": entry.meaning,
        }
        for entry in framework.rules.scale.entries
        if entry.rating.applies or any(entry.rating in i.allows for i in framework.items.values())
    ]
    return env.get_template("checklist.html").render(
        title=f"{framework.title}: checklist, version {framework.version}",
        framework=framework,
        file_name=checklist_name(framework, "pdf"),
        framework_field=FRAMEWORK_FIELD,
        scheme_fields=[
            {
                "name": scheme_field_name(field.key),
                "label": field.label,
                "hint": field_help(field),
                "required": field.required,
                "multiline": field.multiline,
            }
            for field in framework.details
        ],
        scale=scale,
        keywords=", ".join((*framework.keywords, framework.key)),
        tie_break=framework.rules.tie_break,
        finished=finished_text(contact, fmt="pdf"),
        evidence_kinds=[k.label for k in framework.rules.evidence.kinds],
        red_flag_warning=framework.red_flag_warning,
        red_flag_effect=RED_FLAG_EFFECT,
        red_flags=[
            {
                "id": flag.id,
                "text": flag.text,
                "name": red_flag_field_name(flag.id),
                "forces": ", ".join(flag.forces),
            }
            for flag in framework.red_flags
        ],
        subject=framework.subject,
        has_optional=any(item.allows for item in framework.items.values()),
        domains=[
            {
                "id": domain.id,
                "title": domain.title,
                "core": domain.core,
                "summary": domain.summary,
                "items": [_item_context(item, framework) for item in domain.items],
            }
            for domain in framework.domains
        ],
        field_font_family=FIELD_FONT_FAMILY,
        field_font_url=font_url,
        created=created,
    )


def write_pdf_form(
    framework: Framework,
    target: Path,
    *,
    epoch: int | None = None,
    templates: Templates | None = None,
    contact: str | None = None,
) -> None:
    """Render the fillable checklist of ``framework`` to ``target``.

    ``templates`` is the project's template search path (default: the package's only).

    Raises :class:`BuildError` if the template asks for anything outside its folder, or if
    the form grows beyond :data:`MAX_BYTES`.
    """
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    from guidebuild.pdf import make_fetcher, source_date_epoch

    templates = templates or Templates(None)
    page = templates.find(TEMPLATE_KIND, "checklist.html")
    # Relative URLs in the page (its stylesheet) resolve beside the stylesheet in use.
    base = templates.find(TEMPLATE_KIND, "checklist.css").parent
    created = (
        dt.datetime.fromtimestamp(epoch, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        if epoch is not None
        else None
    )
    refused: list[str] = []
    weasy_logger = logging.getLogger("weasyprint")
    previous_level = weasy_logger.level
    # Refused fetches are reported below with the template that asked for them.
    weasy_logger.setLevel(logging.CRITICAL)
    # The form's @font-face makes WeasyPrint write a font folder in the system's temporary
    # folder, which it removes only when the configuration is garbage-collected: perhaps
    # during a later build's sandboxed PDF, which then refuses (and fails on) that removal.
    # So the folder is removed here, at once.
    font_config = FontConfiguration()
    try:
        with tempfile.TemporaryDirectory(dir=target.parent, prefix=".fonts-") as fonts:
            font = write_field_font(Path(fonts))
            html = render_form_html(framework, templates, font.as_uri(), created, contact)
            fetcher = make_fetcher((*templates.folders(TEMPLATE_KIND), Path(fonts)), refused)
            options: dict[str, Any] = {
                "pdf_variant": PDF_VARIANT,
                "pdf_tags": True,
                "pdf_forms": True,
            }
            document = HTML(
                string=html,
                base_url=(base / "checklist.html").as_uri(),
                url_fetcher=fetcher,
            ).render(font_config=font_config, **options)
            with source_date_epoch(epoch):
                document.write_pdf(target, finisher=_finisher(framework, font), **options)
    finally:
        weasy_logger.setLevel(previous_level)
        folder = font_config._folder
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)
            font_config._folder = None
    if refused:
        raise BuildError(
            "the PDF form's template asks for files outside its folder or on the network",
            tuple(Problem(page, f"names {url}") for url in refused),
        )
    size = target.stat().st_size
    if size > MAX_BYTES:
        raise BuildError(
            f"the PDF form is {size:,} bytes, more than the {MAX_BYTES:,} allowed: "
            "is a field using the body font (which a form embeds whole)?"
        )


def _finisher(framework: Framework, font: Path) -> Any:
    """Touches WeasyPrint cannot make from HTML, applied before the PDF is written."""
    import pydyf

    from guidebuild.pdf import mark_furniture_as_artifacts

    def finish(document: Any, pdf: Any) -> None:
        mark_furniture_as_artifacts(document, pdf)
        pdf.info[FRAMEWORK_INFO_KEY.lstrip("/")] = pydyf.String(framework.key)
        acroform = pdf.catalog["AcroForm"]
        font_name = _add_field_font(pdf, acroform, font)
        for reference in acroform["Fields"]:
            field = pdf.objects[int(reference.split()[0])]
            field["DA"] = pydyf.String(_field_appearance(field.get("DA"), font_name))
            if getattr(field.get("T"), "string", None) == FRAMEWORK_FIELD:
                # HTML readonly is not carried over by WeasyPrint.
                field["Ff"] = int(field.get("Ff", 0)) | _FIELD_READ_ONLY

    return finish


_DA_FONT = re.compile(rb"/\S+\s+([\d.]+)\s+Tf")
_DA_COLOUR = re.compile(rb"([\d.]+\s+[\d.]+\s+[\d.]+\s+rg)")


def _field_appearance(default_appearance: Any, font_name: str) -> str:
    """A field's /DA with WeasyPrint's size and colour, drawn in the simple field font.

    WeasyPrint's /DA names its CID font (two bytes a glyph) and an ExtGState; tools that
    draw the typed text (pdftk, pypdf, poppler) write one byte a character and show
    empty boxes. Only a font and a colour belong in /DA.
    """
    raw = getattr(default_appearance, "string", b"") or b""
    raw = raw.encode() if isinstance(raw, str) else raw
    size = _DA_FONT.search(raw)
    colour = _DA_COLOUR.search(raw)
    return f"/{font_name} {size[1].decode() if size else '12'} Tf " + (
        colour[1].decode() if colour else "0 g"
    )


def _add_field_font(pdf: Any, acroform: Any, font: Path) -> str:
    """Add the field font as a simple TrueType font with WinAnsiEncoding to the form's /DR."""
    import pydyf

    from guidebuild.forms.fonts import FIRST_CHAR, LAST_CHAR, winansi_metrics

    name = "GBFormSans"
    metrics = winansi_metrics(font)
    program = font.read_bytes()
    stream = pydyf.Stream([program], pydyf.Dictionary({"Length1": len(program)}), compress=True)
    pdf.add_object(stream)
    base_font = "/GBFORM+" + FIELD_FONT_FAMILY.replace(" ", "")
    descriptor = pydyf.Dictionary(
        {
            "Type": "/FontDescriptor",
            "FontName": base_font,
            "Flags": 32,  # nonsymbolic: codes go through WinAnsi to the font's Unicode cmap
            "FontBBox": pydyf.Array(metrics["bbox"]),
            "ItalicAngle": 0,
            "Ascent": metrics["ascent"],
            "Descent": metrics["descent"],
            "CapHeight": metrics["cap_height"],
            "StemV": 80,
            "FontFile2": stream.reference,
        }
    )
    pdf.add_object(descriptor)
    simple = pydyf.Dictionary(
        {
            "Type": "/Font",
            "Subtype": "/TrueType",
            "BaseFont": base_font,
            "FirstChar": FIRST_CHAR,
            "LastChar": LAST_CHAR,
            "Widths": pydyf.Array(metrics["widths"]),
            "Encoding": "/WinAnsiEncoding",
            "FontDescriptor": descriptor.reference,
        }
    )
    pdf.add_object(simple)
    acroform["DR"] = pydyf.Dictionary({"Font": pydyf.Dictionary({name: simple.reference})})
    acroform["DA"] = pydyf.String(f"/{name} 12 Tf 0 g")
    return name
