"""The JSON Schema of a scheme file, generated from the framework (``guidebuild schema``).

Editors that understand JSON Schema for YAML (VS Code with the YAML extension, JetBrains
IDEs) use it to complete item IDs and ratings and to show each item's question and
descriptors while the organiser types. The schema mirrors the checks of
:mod:`guidebuild.answers.build`; ``assess`` remains the authority.
"""

from __future__ import annotations

from typing import Any

from guidebuild.framework.answers import SCHEME_KEYS, SCHEME_REQUIRED
from guidebuild.framework.model import DetailField, Framework, Item

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


def _answer_schema(item: Item, domain_title: str, framework: Framework) -> dict[str, Any]:
    ratings = [rating.value for rating in item.ratings]
    must = " Must-meet." if item.must_meet else ""
    levels = item.descriptors
    described = (
        f"{item.question}{must}\n\n"
        + (f"absent: {levels.absent}\n" if levels.absent else "")
        + f"weak: {levels.weak}\nadequate: {levels.adequate}\nstrong: {levels.strong}\n\n"
        f"Evidence: {item.evidence_hint}"
    )
    kinds = [k.label for k in framework.rules.evidence.kinds]
    line: dict[str, Any] = {"type": "string"}
    if kinds:
        # "document: text", or in YAML the one-key mapping `- document: text`.
        line = {
            "oneOf": [
                {"type": "string"},
                {
                    "type": "object",
                    "minProperties": 1,
                    "maxProperties": 1,
                    "additionalProperties": {"type": "string"},
                },
            ]
        }
    properties: dict[str, Any] = {
        "rating": {
            "description": "absent, weak, adequate or strong"
            + (" (or " + " / ".join(ratings[4:]) + ")" if len(ratings) > 4 else ""),
            "enum": [*ratings, None],
        },
        "evidence": {
            "description": "The documents, records or links that show it (needed for "
            "adequate or strong)"
            + (f"; each starts with its kind: {', '.join(kinds)}." if kinds else "."),
            "oneOf": [line, {"type": "array", "items": line}],
        },
        "note": _text("Anything that explains the rating."),
        "reason": _text("Why the item is n/a (required for n/a)."),
        "owner": _text("Who owns the action for this item."),
        "due": _text("When the action is due: a date, e.g. 30 September 2005."),
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


def _detail(field: DetailField) -> dict[str, Any]:
    described = field.label + (f": {field.hint}" if field.hint else "")
    if field.date:
        # A day or a month, as people type it (2005-02-14, 14 February 2005, 2005-02): the
        # reader normalises it, so the schema asks only for text (YAML turns 2005-02-14
        # into a date, which editors show as text).
        return _text(f"{described}. A date, for example 14 February 2005, or a month.")
    return _text(described)


def scheme_schema(framework: Framework) -> dict[str, Any]:
    """A JSON Schema (draft 2020-12) for scheme files written for ``framework``."""
    details = framework.details
    if details:
        scheme_properties = {field.key: _detail(field) for field in details}
        required = [field.key for field in details if field.required]
    else:
        scheme_properties = {name: _text(_SCHEME_DESCRIPTIONS[name]) for name in SCHEME_KEYS}
        required = list(SCHEME_REQUIRED)
    answers = {
        item.id: _answer_schema(item, domain.title, framework)
        for domain in framework.domains
        for item in domain.items
    }
    properties: dict[str, Any] = {
        "framework": {
            "description": "The framework and version the answers are for.",
            "const": framework.key,
        },
        "scheme": {
            "type": "object",
            "required": required,
            "additionalProperties": False,
            "properties": scheme_properties,
        },
    }
    if framework.red_flags:
        properties["red_flags"] = {
            "description": "The red flags that are true of this scheme: "
            + "; ".join(f"{flag.id}: {flag.text}" for flag in framework.red_flags),
            "type": ["array", "null"],
            "items": {"enum": [flag.id for flag in framework.red_flags]},
            "uniqueItems": True,
        }
    properties["answers"] = {
        "type": ["object", "null"],
        "additionalProperties": False,
        "properties": answers,
    }
    return {
        "$schema": DIALECT,
        "$id": f"urn:guidebuild:scheme:{framework.id}:{framework.version}",
        "title": f"Scheme file for {framework.title} ({framework.key})",
        "description": (
            f"{framework.subject.schema_description.strip()} An item left out counts as absent."
        ),
        "type": "object",
        "required": ["framework", "scheme"],
        "additionalProperties": False,
        "properties": properties,
    }
