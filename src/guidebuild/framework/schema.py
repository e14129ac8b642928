"""The JSON Schema of a scheme file, generated from the framework (``guidebuild schema``).

Editors that understand JSON Schema for YAML (VS Code with the YAML extension, JetBrains
IDEs) use it to complete item IDs and ratings and to show each item's question and
descriptors while the organiser types. The schema mirrors the checks of
:mod:`guidebuild.answers.build`; ``assess`` remains the authority.
"""

from __future__ import annotations

from typing import Any

from guidebuild.framework.answers import SCHEME_KEYS, SCHEME_REQUIRED
from guidebuild.framework.model import Framework, Item

DIALECT = "https://json-schema.org/draft/2020-12/schema"

_SCHEME_DESCRIPTIONS = {
    "name": "The scheme's name.",
    "organisation": "The organisation that runs the scheme (trust, deanery, college).",
    "contact": "Who to contact about the scheme or this assessment.",
    "assessed_on": "The date the answers describe (YYYY-MM-DD).",
    "assessed_by": "Who filled in the assessment.",
    "started_on": "When the scheme took its first mentees (YYYY-MM-DD).",
    "first_cycle_ends": (
        "When the first full cycle ends (YYYY-MM-DD); until then evaluation items may be "
        "not-yet-due."
    ),
    "notes": "Anything else a reader of the report should know.",
}


def _text(description: str) -> dict[str, Any]:
    return {"type": "string", "description": description}


def _date(description: str) -> dict[str, Any]:
    return {"type": "string", "format": "date", "description": description}


def _answer_schema(item: Item, domain_title: str) -> dict[str, Any]:
    ratings = [rating.value for rating in item.ratings]
    must = " Must-meet." if item.must_meet else ""
    described = (
        f"{item.question}{must}\n\nweak: {item.descriptors.weak}\n"
        f"adequate: {item.descriptors.adequate}\nstrong: {item.descriptors.strong}\n\n"
        f"Evidence: {item.evidence_hint}"
    )
    properties: dict[str, Any] = {
        "rating": {
            "description": "absent, weak, adequate or strong"
            + (" (or " + " / ".join(ratings[4:]) + ")" if len(ratings) > 4 else ""),
            "enum": [*ratings, None],
        },
        "evidence": {
            "description": "The documents, records or links that show it (needed for "
            "adequate or strong).",
            "oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}],
        },
        "note": _text("Anything that explains the rating."),
        "reason": _text("Why the item is n/a (required for n/a)."),
        "owner": _text("Who owns the action for this item."),
        "due": _date("When the action is due (YYYY-MM-DD)."),
    }
    schema: dict[str, Any] = {
        "title": f"{item.id} {item.title} ({domain_title})",
        "description": described,
        "type": ["object", "null"],
        "properties": properties,
        "additionalProperties": False,
    }
    if "n/a" in ratings:
        schema["if"] = {"properties": {"rating": {"const": "n/a"}}, "required": ["rating"]}
        schema["then"] = {"required": ["reason"]}
    return schema


def scheme_schema(framework: Framework) -> dict[str, Any]:
    """A JSON Schema (draft 2020-12) for scheme files written for ``framework``."""
    scheme_properties: dict[str, Any] = {}
    for name in SCHEME_KEYS:
        description = _SCHEME_DESCRIPTIONS[name]
        if name in ("assessed_on", "started_on", "first_cycle_ends"):
            scheme_properties[name] = _date(description)
        else:
            scheme_properties[name] = _text(description)
    answers = {
        item.id: _answer_schema(item, domain.title)
        for domain in framework.domains
        for item in domain.items
    }
    return {
        "$schema": DIALECT,
        "$id": f"urn:guidebuild:scheme:{framework.id}:{framework.version}",
        "title": f"Scheme file for {framework.title} ({framework.key})",
        "description": (
            "A formal mentoring scheme's self-assessment, scored by `guidebuild assess`. "
            "An item left out counts as absent."
        ),
        "type": "object",
        "required": ["framework", "scheme"],
        "additionalProperties": False,
        "properties": {
            "framework": {
                "description": "The framework and version the answers are for.",
                "const": framework.key,
            },
            "scheme": {
                "type": "object",
                "required": list(SCHEME_REQUIRED),
                "additionalProperties": False,
                "properties": scheme_properties,
            },
            "answers": {
                "type": ["object", "null"],
                "additionalProperties": False,
                "properties": answers,
            },
        },
    }
