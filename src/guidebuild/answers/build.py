"""Turn the parsed content of a filled checklist into :class:`Answers`, checking everything.

Every reader (YAML, PDF form, workbook) parses its file into the same plain shape
as a scheme YAML file -- ``{"framework": "id@version", "scheme": {...}, "answers": {...}}``
-- wrapped in an object that can locate a value (line and column for YAML, a field or a
cell for the others). This module then checks that shape against the framework in one
place, so that every format is held to the same rules and gives the same messages.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from guidebuild.errors import InputError
from guidebuild.framework.answers import (
    SCHEME_KEYS,
    SCHEME_REQUIRED,
    Answer,
    Answers,
    Format,
    Scheme,
)
from guidebuild.framework.model import Rating
from guidebuild.yamlsafe import Checker, did_you_mean, kind

if TYPE_CHECKING:
    from guidebuild.framework.loader import Catalogue
    from guidebuild.framework.model import Framework, Item
    from guidebuild.yamlsafe import Located

TOP_KEYS = ("framework", "scheme", "answers")
ANSWER_KEYS = ("rating", "evidence", "note", "reason", "owner", "due")
_ANSWER_KEY_SET = frozenset(ANSWER_KEYS)
_RATINGS = {rating.value: rating for rating in Rating}


def build_answers(source: Located, fmt: Format, catalogue: Catalogue) -> tuple[Answers, Framework]:
    """Check the parsed checklist in ``source`` and return its answers and framework.

    Raises :class:`InputError` listing every problem, each located in the file.
    """
    check = Checker(source)
    data = check.mapping(
        source.data,
        (),
        known=TOP_KEYS,
        required=("framework", "scheme"),
        what="a scheme file",
    )
    framework = _framework(check, data, catalogue) if "framework" in data else None
    scheme = _scheme(check, data.get("scheme")) if "scheme" in data else None
    answers: dict[str, Answer] = {}
    raw_answers = data.get("answers")
    if raw_answers is not None and not isinstance(raw_answers, dict):
        check.report(
            ("answers",),
            f"answers must be a mapping of item IDs to answers, not {kind(raw_answers)}",
        )
    elif raw_answers:
        ids = list(framework.items) if framework else []
        cycle_over = bool(
            scheme and scheme.first_cycle_ends and scheme.first_cycle_ends <= scheme.assessed_on
        )
        for item_id, raw in raw_answers.items():
            item = framework.item(item_id) if framework else None
            if framework and item is None:
                check.report(
                    ("answers", item_id),
                    f"unknown item {item_id!r}{did_you_mean(item_id, ids)}; "
                    f"{framework.key} has items {ids[0]} to {ids[-1]}",
                    key=True,
                )
                continue
            answer = _answer(check, item_id, item, raw, cycle_over)
            if answer is not None:
                answers[item_id] = answer
    if check.problems or framework is None or scheme is None:
        count = len(check.problems)
        raise InputError(
            f"{source.path}: {count} problem" + ("s" if count != 1 else ""),
            check.sorted_problems(),
        )
    return (
        Answers(
            source=source.path,
            format=fmt,
            framework_id=framework.id,
            framework_version=framework.version,
            scheme=scheme,
            answers=answers,
        ),
        framework,
    )


def _framework(check: Checker, data: dict[str, Any], catalogue: Catalogue) -> Framework | None:
    value = data["framework"]
    if not isinstance(value, str) or "@" not in value:
        check.report(
            ("framework",),
            f"framework must be written as id@version, e.g. mentoring-schemes@1.0, "
            f"not {kind(value)}",
        )
        return None
    framework_id, _, version = value.strip().partition("@")
    framework = catalogue.get(framework_id, version)
    if framework is None:
        check.report(("framework",), catalogue.unknown(framework_id, version))
    return framework


def _scheme(check: Checker, raw: Any) -> Scheme | None:
    keys = ("scheme",)
    data = check.mapping(raw, keys, known=SCHEME_KEYS, required=SCHEME_REQUIRED, what="scheme")
    if not data:
        return None

    def text(name: str, *, optional: bool = True) -> str:
        if name not in data:
            return ""
        return check.text(data[name], (*keys, name), optional=optional)

    def date(name: str) -> dt.date | None:
        return _date(check, data.get(name), (*keys, name)) if name in data else None

    name = text("name", optional=False)
    organisation = text("organisation", optional=False)
    assessed_on = date("assessed_on")
    started_on = date("started_on")
    first_cycle_ends = date("first_cycle_ends")
    if started_on and assessed_on and started_on > assessed_on:
        check.report(
            (*keys, "started_on"),
            f"started_on ({started_on}) is after assessed_on ({assessed_on})",
        )
    if started_on and first_cycle_ends and first_cycle_ends <= started_on:
        check.report(
            (*keys, "first_cycle_ends"),
            f"first_cycle_ends ({first_cycle_ends}) must be after started_on ({started_on})",
        )
    if not (name and organisation and assessed_on):
        return None
    return Scheme(
        name=name,
        organisation=organisation,
        assessed_on=assessed_on,
        contact=text("contact"),
        assessed_by=text("assessed_by"),
        started_on=started_on,
        first_cycle_ends=first_cycle_ends,
        notes=text("notes"),
    )


def _date(check: Checker, value: Any, keys: tuple[str, ...]) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    label = ".".join(keys) if keys[0] == "scheme" else f"{keys[-2]}.{keys[-1]}"
    check.report(keys, f"{label} must be a date written YYYY-MM-DD, not {kind(value)}")
    return None


def _answer(
    check: Checker, item_id: str, item: Item | None, raw: Any, cycle_over: bool
) -> Answer | None:
    keys = ("answers", item_id)
    if raw is None:
        return None  # listed but not filled in: unanswered
    if not isinstance(raw, dict):
        check.report(
            keys,
            f"the answer to {item_id} must be a mapping such as "
            f"{{rating: adequate, evidence: ...}}, not {kind(raw)}",
        )
        return None
    if not _ANSWER_KEY_SET.issuperset(raw):
        for name in raw:
            if name not in _ANSWER_KEY_SET:
                check.report(
                    (*keys, name),
                    f"unknown key {name!r} in the answer to {item_id}"
                    f"{did_you_mean(name, ANSWER_KEYS)}; expected {', '.join(ANSWER_KEYS)}",
                    key=True,
                )
    raw_rating = raw.get("rating")
    if raw_rating is None:
        return None  # a template left blank: unanswered
    rating = (
        _RATINGS.get(raw_rating) or _RATINGS.get(raw_rating.strip().lower())
        if isinstance(raw_rating, str)
        else None
    )
    if rating is None or (item is not None and not item.accepts(rating)):
        names = [r.value for r in (item.ratings if item else tuple(Rating))]
        if rating is None:
            hint = did_you_mean(raw_rating, names) if isinstance(raw_rating, str) else ""
            message = (
                f"{item_id}: rating must be one of {', '.join(names)}, not {kind(raw_rating)}{hint}"
            )
        else:
            message = f"{item_id} does not allow {rating.value}; it takes {', '.join(names)}"
        check.report((*keys, "rating"), message)
        if rating is None:
            return None
    reason = _optional_text(check, raw, "reason", keys)
    if rating is Rating.NA and not reason:
        check.report(
            (*keys, "rating"), f"{item_id}: n/a needs a reason: say why the item does not apply"
        )
    elif rating is Rating.NOT_YET_DUE and cycle_over:
        check.report(
            (*keys, "rating"),
            f"{item_id}: not-yet-due is only for a scheme that has not finished its first "
            "cycle, but scheme.first_cycle_ends is on or before assessed_on",
        )
    evidence = _evidence(check, raw.get("evidence"), (*keys, "evidence"))
    due = _date(check, raw["due"], (*keys, "due")) if raw.get("due") is not None else None
    return Answer(
        item_id,
        rating,
        evidence,
        _optional_text(check, raw, "note", keys),
        reason,
        _optional_text(check, raw, "owner", keys),
        due,
    )


def _optional_text(check: Checker, raw: dict[str, Any], name: str, keys: tuple[str, ...]) -> str:
    value = raw.get(name)
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    return check.text(value, (*keys, name), optional=True)


def _evidence(check: Checker, value: Any, keys: tuple[str, ...]) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value.strip(),) if value.strip() else ()
    if isinstance(value, list):
        found: list[str] = []
        for index, entry in enumerate(value):
            if isinstance(entry, str):
                if entry.strip():
                    found.append(entry.strip())
            else:
                check.report(
                    (*keys, index),
                    f"{keys[1]}: each piece of evidence must be text, not {kind(entry)}",
                )
        return tuple(found)
    check.report(keys, f"{keys[1]}: evidence must be text or a list of texts, not {kind(value)}")
    return ()
