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
from guidebuild.fields import finished_text
from guidebuild.framework.model import RED_FLAG_EFFECT, Framework, Item, Rating
from guidebuild.resources import Templates
from guidebuild.templating import environment

TEMPLATE_KIND = "forms/html"
"""Where the page's template, stylesheet and scripts are (see :mod:`guidebuild.resources`)."""

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
            for f in framework.details
        ],
        "rules": rules_data(framework),
        "red_flags": [
            {"id": flag.id, "text": flag.text, "forces": list(flag.forces)}
            for flag in framework.red_flags
        ],
        "red_flag_warning": framework.red_flag_warning,
        "domains": [
            {
                "id": domain.id,
                "title": domain.title,
                "core": domain.core,
                "weight": domain.weight,
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


def _reason_hint(item: Item, framework: Framework) -> str:
    if Rating.NA in item.allows:
        return "needed for n/a"
    if Rating.NOT_YET_DUE in item.allows:
        if framework.rules.scale.needs(Rating.NOT_YET_DUE, "reason"):
            return "needed for not yet due: what will be done, and when"
        return "optional: why it is not yet due"
    return ""


def rules_data(framework: Framework) -> dict[str, Any]:
    """The numbers of the scoring rules, for scoring.js: the framework's, never the script's."""
    rules = framework.rules
    return {
        "scores": {e.rating.value: e.score for e in rules.scale.entries if e.score is not None},
        "needs_evidence": [e.rating.value for e in rules.scale.entries if e.needs == "evidence"],
        "needs_reason": [e.rating.value for e in rules.scale.entries if e.needs == "reason"],
        "without_evidence": rules.evidence.without_evidence.value,
        "evidence_kinds": [
            {"kind": k.kind, "label": k.label, "written": k.written} for k in rules.evidence.kinds
        ],
        "unwritten_only": (
            rules.evidence.unwritten_only.value if rules.evidence.unwritten_only else None
        ),
        "uncertain": rules.uncertain,
        "max_score": rules.scale.max_score,
        "adequate_score": rules.scale.adequate_score,
        "verdicts": list(rules.verdicts),
        "not_assessable_na_share": rules.not_assessable_na_share,
        "bands": {
            "does_not_meet_must_meet_failures": rules.bands.does_not_meet_must_meet_failures,
            "does_not_meet_low_core_domains": rules.bands.does_not_meet_low_core_domains,
            "does_not_meet_overall_below": rules.bands.does_not_meet_overall_below,
            "partially_meets_must_meet_failures": rules.bands.partially_meets_must_meet_failures,
            "exemplary_overall_at_least": rules.bands.exemplary_overall_at_least,
            "meets_overall_at_least": rules.bands.meets_overall_at_least,
            "meets_weak_other_domains": rules.bands.meets_weak_other_domains,
        },
        "band_names": dict(rules.bands.names),
    }


def _item(item: Item, framework: Framework) -> dict[str, Any]:
    scale = framework.rules.scale
    return {
        "id": item.id,
        "question": item.question,
        "must_meet": item.must_meet,
        "descriptors": {
            "absent": item.descriptors.absent,
            "weak": item.descriptors.weak,
            "adequate": item.descriptors.adequate,
            "strong": item.descriptors.strong,
        },
        "evidence_hint": item.evidence_hint,
        "essential": "; ".join(item.essential),
        "designs": item.designs,
        "reason_hint": _reason_hint(item, framework),
        "ratings": [
            {
                "value": rating.value,
                "label": scale.label(rating),
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


def render_html_form(
    framework: Framework, templates: Templates | None = None, contact: str | None = None
) -> str:
    """The whole page as text, from ``templates`` (default: the package's only)."""
    folder = templates or Templates(None)
    env = environment(folder.folders(TEMPLATE_KIND), "html")
    used = {r for d in framework.domains for i in d.items for r in i.allows}
    ratings = [
        {
            "label": entry.label,
            "score": "-" if entry.score is None else str(entry.score),
            "meaning": entry.meaning,
        }
        for entry in framework.rules.scale.entries
        if entry.rating.applies or entry.rating in used
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
                "questions": [_item(i, framework) for i in d.items],
            }
            for d in framework.domains
        ],
        scheme_fields=framework.details,
        red_flags=framework.red_flags,
        red_flag_effect=RED_FLAG_EFFECT,
        tie_break=framework.rules.tie_break,
        evidence_kinds=", ".join(f"{k.label}:" for k in framework.rules.evidence.kinds),
        finished=finished_text(contact, fmt="html"),
        ratings=ratings,
        tool_version=__version__,
        css=_inline(folder, "form.css", "</style"),
        scoring_js=_inline(folder, "scoring.js", "</script"),
        form_js=_inline(folder, "form.js", "</script"),
        framework_json=Markup(data),  # noqa: S704 - JSON with <, >, & and ' escaped
    )


def write_html_form(
    framework: Framework,
    target: Path,
    *,
    templates: Templates | None = None,
    contact: str | None = None,
) -> None:
    """Write the form for ``framework`` to ``target`` atomically (temporary file, rename).

    ``templates`` is the project's template search path for form.html.j2, form.css,
    scoring.js and form.js (default: the package's only)."""
    page = render_html_form(framework, templates, contact)
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
