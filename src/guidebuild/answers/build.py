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

from guidebuild.answers.dates import EXAMPLES, month_end, parse_date
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
    from guidebuild.framework.model import EvidenceRules, Framework, Item
    from guidebuild.yamlsafe import Located

TOP_KEYS = ("framework", "scheme", "red_flags", "answers")
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
    # The details are the framework's: against a framework that is not known there is
    # nothing to check them by, and its one problem is the one to put right first.
    named_unknown = "framework" in data and framework is None
    scheme = (
        _scheme(check, data.get("scheme"), framework)
        if "scheme" in data and not named_unknown
        else None
    )
    red_flags = _red_flags(check, data.get("red_flags"), framework)
    answers: dict[str, Answer] = {}
    raw_answers = data.get("answers")
    if raw_answers is not None and not isinstance(raw_answers, dict):
        check.report(
            ("answers",),
            f"answers must be a mapping of item IDs to answers, not {kind(raw_answers)}",
        )
    elif raw_answers:
        ids = list(framework.items) if framework else []
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
            answer = _answer(check, item_id, item, raw, scheme, framework)
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
            red_flags=red_flags,
        ),
        framework,
    )


def _framework(check: Checker, data: dict[str, Any], catalogue: Catalogue) -> Framework | None:
    value = data["framework"]
    if not isinstance(value, str) or "@" not in value:
        check.report(
            ("framework",),
            "framework must be written as id@version, e.g. "
            + (catalogue.keys() or ["my-checklist@1.0"])[0]
            + f", not {kind(value)}",
        )
        return None
    framework_id, _, version = value.strip().partition("@")
    framework = catalogue.get(framework_id, version)
    if framework is None:
        check.report(("framework",), catalogue.unknown(framework_id, version))
    return framework


def _red_flags(check: Checker, raw: Any, framework: Framework | None) -> tuple[str, ...]:
    """The red flags ticked, by ID; each must be one of the framework's."""
    if raw is None:
        return ()
    known = [flag.id for flag in framework.red_flags] if framework else []
    flags: list[str] = []
    values = [raw] if isinstance(raw, str) else check.sequence(raw, ("red_flags",))
    for index, value in enumerate(values):
        keys: tuple[str | int, ...] = (
            ("red_flags",) if isinstance(raw, str) else ("red_flags", index)
        )
        if framework is not None and not known:
            check.report(keys, f"{framework.key} has no red flags")
            break
        if not isinstance(value, str) or (framework is not None and value.strip() not in known):
            hint = did_you_mean(value, known) if isinstance(value, str) else ""
            check.report(
                keys,
                f"red flag {kind(value)} is not known{hint}; the red flags are {', '.join(known)}",
            )
            continue
        if value.strip() not in flags:
            flags.append(value.strip())
    return tuple(flags)


_SCHEME_DATES = ("assessed_on", "started_on", "first_cycle_ends")


def _scheme(check: Checker, raw: Any, framework: Framework | None) -> Scheme | None:
    keys = ("scheme",)
    details = framework.details if framework else ()
    known = tuple(field.key for field in details) or SCHEME_KEYS
    required = tuple(f.key for f in details if f.required) or SCHEME_REQUIRED
    data = check.mapping(raw, keys, known=known, required=required, what="scheme")
    if not data:
        return None
    placeholders = {field.key: field.placeholder for field in details if field.placeholder}

    def text(name: str, *, optional: bool = True) -> str:
        if name not in data:
            return ""
        value = check.text(data[name], (*keys, name), optional=optional)
        if value and placeholders.get(name) == value.strip():
            check.report(
                (*keys, name),
                f"scheme.{name} is still the template's placeholder {value.strip()!r}: "
                "write in your own",
            )
            return ""
        return value

    month_only: set[str] = set()

    def date(name: str) -> dt.date | None:
        if name not in data:
            return None
        value = data.get(name)
        if isinstance(value, str) and placeholders.get(name) == value.strip():
            check.report(
                (*keys, name),
                f"scheme.{name} is still the template's placeholder {value.strip()!r}: "
                f"write the date, for example {EXAMPLES}",
            )
            return None
        found = _date(check, value, (*keys, name))
        if found is None:
            return None
        if found[1]:
            month_only.add(name)
        return found[0]

    name = text("name", optional=False)
    organisation = text("organisation", optional=False)
    assessed_on = date("assessed_on")
    started_on = date("started_on")
    first_cycle_ends = date("first_cycle_ends")

    def latest(day: dt.date, key: str) -> dt.date:
        return month_end(day) if key in month_only else day

    if started_on and assessed_on and started_on > latest(assessed_on, "assessed_on"):
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
        month_only=frozenset(month_only),
    )


def cycle_still_running(scheme: Scheme) -> bool:
    """Whether the first full cycle surely ends after the assessment: first_cycle_ends is
    later than assessed_on, even where one of them is only a month."""
    ends = scheme.first_cycle_ends
    if ends is None:
        return False
    assessed = scheme.assessed_on
    if "assessed_on" in scheme.month_only:
        assessed = month_end(assessed)
    return ends > assessed


def _date(check: Checker, value: Any, keys: tuple[str, ...]) -> tuple[dt.date, bool] | None:
    """A date as ``(day, month_only)``: a YAML date, or text as people type dates."""
    if isinstance(value, dt.datetime):
        return value.date(), False
    if isinstance(value, dt.date):
        return value, False
    if isinstance(value, str):
        found = parse_date(value)
        if found is not None:
            return found
    label = ".".join(keys) if keys[0] == "scheme" else f"{keys[-2]}.{keys[-1]}"
    check.report(keys, f"{label} must be a date, for example {EXAMPLES}; not {kind(value)}")
    return None


def _answer(
    check: Checker,
    item_id: str,
    item: Item | None,
    raw: Any,
    scheme: Scheme | None,
    framework: Framework | None,
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
        scheme = None  # a rating the item does not take: its timing is beside the point
    reason = _optional_text(check, raw, "reason", keys)
    _check_reason_and_timing(check, item_id, rating, reason, scheme, framework)
    evidence, kinds = _evidence(check, raw.get("evidence"), (*keys, "evidence"), framework)
    due = None
    if raw.get("due") is not None:
        found = _date(check, raw["due"], (*keys, "due"))
        due = found[0] if found else None
    return Answer(
        item_id,
        rating,
        evidence,
        _optional_text(check, raw, "note", keys),
        reason,
        _optional_text(check, raw, "owner", keys),
        due,
        kinds,
    )


def _check_reason_and_timing(
    check: Checker,
    item_id: str,
    rating: Rating,
    reason: str,
    scheme: Scheme | None,
    framework: Framework | None,
) -> None:
    """n/a needs a reason; not-yet-due one too (where the scale says so), and a first cycle
    that surely ends after the assessment."""
    where = ("answers", item_id, "rating")
    scale = framework.rules.scale if framework else None
    if rating is Rating.NA and not reason:
        check.report(where, f"{item_id}: n/a needs a reason: say why the item does not apply")
    if rating is not Rating.NOT_YET_DUE:
        return
    if scale is not None and scale.needs(rating, "reason") and not reason:
        check.report(
            where, f"{item_id}: not-yet-due needs a reason: say what will be done, and when"
        )
    if scheme is None:
        return
    if scheme.first_cycle_ends is None:
        check.report(
            where,
            f"{item_id}: not-yet-due is only for a scheme that has not finished its first "
            "cycle: give scheme.first_cycle_ends, the date the first full cycle ends",
        )
    elif not cycle_still_running(scheme):
        check.report(
            where,
            f"{item_id}: not-yet-due is only for a scheme that has not finished its first "
            f"cycle, but scheme.first_cycle_ends ({scheme.iso('first_cycle_ends')}) is "
            f"not later than assessed_on ({scheme.iso('assessed_on')})",
        )


def _optional_text(check: Checker, raw: dict[str, Any], name: str, keys: tuple[str, ...]) -> str:
    value = raw.get(name)
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    return check.text(value, (*keys, name), optional=True)


def _evidence(
    check: Checker, value: Any, keys: tuple[str, ...], framework: Framework | None
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The evidence lines and, for a framework that names kinds, the kind of each."""
    rules = framework.rules.evidence if framework and framework.rules.evidence.kinds else None
    if value is None:
        return (), ()
    entries: list[tuple[Any, tuple[str | int, ...]]] = []
    if isinstance(value, str) or (rules is not None and isinstance(value, dict)):
        entries.append((value, keys))
    elif isinstance(value, list):
        entries.extend((entry, (*keys, index)) for index, entry in enumerate(value))
    else:
        check.report(
            keys, f"{keys[1]}: evidence must be text or a list of texts, not {kind(value)}"
        )
        return (), ()
    found: list[str] = []
    kinds: list[str] = []
    for entry, where in entries:
        line = _evidence_line(check, entry, where, keys[1], rules)
        if line is not None:
            found.append(line[0])
            kinds.extend(line[1:])
    return tuple(found), tuple(kinds)


def _evidence_line(
    check: Checker,
    entry: Any,
    where: tuple[str | int, ...],
    item_id: str,
    rules: EvidenceRules | None,
) -> tuple[str, ...] | None:
    """One piece of evidence as ``(text,)``, or ``(text, kind)`` where kinds are named;
    None for an empty one or a problem (reported)."""
    named: str | None = None
    text: Any = entry
    if rules is not None and isinstance(entry, dict) and len(entry) == 1:
        ((named, text),) = entry.items()  # `- document: Scheme handbook` in YAML
    if not isinstance(text, str) or not isinstance(named, (str, type(None))):
        check.report(where, f"{item_id}: each piece of evidence must be text, not {kind(entry)}")
        return None
    text = text.strip()
    if rules is None:
        return (text,) if text else None
    if named is None and ":" in text:
        prefix, _, rest = text.partition(":")
        if rules.kind(prefix) is not None:
            named, text = prefix, rest.strip()
    evidence_kind = rules.kind(named) if named is not None else None
    if evidence_kind is not None and not text:
        name = evidence_kind.label
        check.report(where, f"{item_id}: say what the {name} is, after '{name}:'")
        return None
    if not text:
        return None
    if evidence_kind is None:
        labels = [k.label for k in rules.kinds]
        check.report(
            where,
            f"{item_id}: say what kind of evidence this is: start it with "
            + ", ".join(f"{label}:" for label in labels[:-1])
            + f' or {labels[-1]}: (for example "{labels[0]}: scheme handbook, section 2")',
        )
        return None
    return (text, evidence_kind.kind)
