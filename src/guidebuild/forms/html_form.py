"""The HTML checklist form: one self-contained page that scores as it is filled in.

The page is rendered with Jinja2 from the package's ``templates/forms/html/``: the
template, its CSS and two scripts are inlined into a single file that works offline from
``file://`` (no server, no URL to anywhere). ``scoring.js`` is a port of
:mod:`guidebuild.framework.scoring`; ``form.js`` reads the form, shows the scores live,
checks the answers as ``guidebuild assess`` would, and saves them as a scheme YAML file.
The framework reaches the scripts as JSON in a ``<script type="application/json">``.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from markupsafe import Markup

from guidebuild import __version__
from guidebuild.forms.fields import RATING_MEANINGS, SCHEME_FIELDS
from guidebuild.framework.model import SCORED_RATINGS, Framework, Item, Rating
from guidebuild.report.markup import environment
from guidebuild.resources import Templates

TEMPLATE_KIND = "forms/html"
"""Where the page's template, stylesheet and scripts are (see :mod:`guidebuild.resources`)."""

_RATING_LABELS = {
    Rating.ABSENT: "Absent",
    Rating.WEAK: "Weak",
    Rating.ADEQUATE: "Adequate",
    Rating.STRONG: "Strong",
    Rating.NA: "N/A",
    Rating.NOT_YET_DUE: "Not yet due",
}
_RATING_SLUGS = {Rating.NA: "na"}
_DESCRIBED = {Rating.WEAK: "weak", Rating.ADEQUATE: "adequate", Rating.STRONG: "strong"}


def framework_data(framework: Framework) -> dict[str, Any]:
    """What the scripts need of the framework, as plain JSON-able data."""
    return {
        "id": framework.id,
        "version": framework.version,
        "key": framework.key,
        "title": framework.title,
        "scheme_fields": [
            {"key": f.key, "label": f.label, "required": f.required, "date": f.date}
            for f in SCHEME_FIELDS
        ],
        "domains": [
            {
                "id": domain.id,
                "title": domain.title,
                "core": domain.core,
                "items": [
                    {
                        "id": item.id,
                        "weight": item.weight,
                        "must_meet": item.must_meet,
                        "ratings": [rating.value for rating in item.ratings],
                    }
                    for item in domain.items
                ],
            }
            for domain in framework.domains
        ],
    }


def _reason_hint(item: Item) -> str:
    if Rating.NA in item.allows:
        return "needed for n/a"
    if Rating.NOT_YET_DUE in item.allows:
        return "optional: why it is not yet due"
    return ""


def _item(item: Item) -> dict[str, Any]:
    return {
        "id": item.id,
        "question": item.question,
        "must_meet": item.must_meet,
        "descriptors": {
            "weak": item.descriptors.weak,
            "adequate": item.descriptors.adequate,
            "strong": item.descriptors.strong,
        },
        "evidence_hint": item.evidence_hint,
        "reason_hint": _reason_hint(item),
        "ratings": [
            {
                "value": rating.value,
                "label": _RATING_LABELS[rating],
                "slug": _RATING_SLUGS.get(rating, rating.value),
                "described_by": _DESCRIBED.get(rating, ""),
            }
            for rating in item.ratings
        ],
    }


def _inline(templates: Templates, name: str, closing: str) -> Markup:
    """A stylesheet or script to inline; it must not end its own element early."""
    text = templates.find(TEMPLATE_KIND, name).read_text(encoding="utf-8")
    if closing in text.lower():
        raise ValueError(f"{name} contains {closing!r}, which would end the inlined element")
    return Markup(text)  # noqa: S704 - our own file, checked above


def render_html_form(framework: Framework, templates: Templates | None = None) -> str:
    """The whole page as text, from ``templates`` (default: the package's only)."""
    folder = templates or Templates(None)
    env = environment(folder.folders(TEMPLATE_KIND), "html")
    used = {r for d in framework.domains for i in d.items for r in i.allows}
    ratings = [
        {
            "label": _RATING_LABELS[rating],
            "score": "-" if rating.score is None else str(rating.score),
            "meaning": RATING_MEANINGS[rating],
        }
        for rating in (*SCORED_RATINGS, *(r for r in (Rating.NA, Rating.NOT_YET_DUE) if r in used))
    ]
    # tojson-style escaping: <, >, & and ' become \u escapes, so no text can end the script.
    data = json.dumps(framework_data(framework), ensure_ascii=False, separators=(",", ":"))
    for char, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("'", "\\u0027")):
        data = data.replace(char, escape)
    template = env.get_template("form.html.j2")
    return template.render(
        framework=framework,
        domains=[
            {
                "id": d.id,
                "title": d.title,
                "core": d.core,
                "summary": d.summary,
                "questions": [_item(i) for i in d.items],
            }
            for d in framework.domains
        ],
        scheme_fields=SCHEME_FIELDS,
        ratings=ratings,
        tool_version=__version__,
        css=_inline(folder, "form.css", "</style"),
        scoring_js=_inline(folder, "scoring.js", "</script"),
        form_js=_inline(folder, "form.js", "</script"),
        framework_json=Markup(data),  # noqa: S704 - JSON with <, >, & and ' escaped
    )


def write_html_form(
    framework: Framework, target: Path, *, templates: Templates | None = None
) -> None:
    """Write the form for ``framework`` to ``target`` atomically (temporary file, rename).

    ``templates`` is the project's template search path for form.html.j2, form.css,
    scoring.js and form.js (default: the package's only)."""
    page = render_html_form(framework, templates)
    handle, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    temporary = Path(name)
    try:
        with open(handle, "w", encoding="utf-8", newline="\n") as stream:  # noqa: PTH123
            stream.write(page)
        temporary.chmod(0o644)
        temporary.replace(target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
