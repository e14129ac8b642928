"""Read a framework from ``checklists/*.yaml`` into the model, checking it thoroughly.

Every problem of a framework file is reported at once with its line and column, so an
editor of the checklist can fix them in one go. :class:`Catalogue` finds a framework by
``id`` and ``version`` in a folder, reading only the files it needs.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path
from typing import Any

from msgspec import Struct

from guidebuild.errors import InputError
from guidebuild.framework.compiled import load_compiled
from guidebuild.framework.model import (
    LEVELS,
    OPTIONAL_RATINGS,
    SCALE_ORDER,
    Band,
    BandRules,
    Descriptors,
    DetailField,
    Domain,
    EvidenceKind,
    EvidenceRules,
    Framework,
    Item,
    NotChecked,
    Rating,
    RedFlag,
    Rules,
    Scale,
    ScaleEntry,
    Subject,
    VersionMapping,
    Weights,
)
from guidebuild.resources import package_dir
from guidebuild.yamlsafe import (
    MAX_BYTES,
    Checker,
    Document,
    did_you_mean,
    kind,
    load_bytes,
    read_bytes,
    read_if_regular,
)

# Patterns as text, for re.match: re compiles each when first used and keeps it, and a
# framework read from its compiled form (see compiled.py) needs none of them.
ID_PATTERN = r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*\Z"
"""Framework, domain and recommendation IDs: lower case words joined by hyphens."""
ITEM_ID_PATTERN = r"[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*\Z"
"""Item IDs: ``A1``, or a readable ``aims-written``."""
VERSION_PATTERN = r"\d+(?:\.\d+)*\Z"

_TOP = (
    "id",
    "version",
    "title",
    "description",
    "subject",
    "keywords",
    "details",
    "scale",
    "evidence",
    "tie_break",
    "scoring",
    "red_flag_warning",
    "red_flags",
    "not_checked",
    "mappings",
    "domains",
)
_REQUIRED_TOP = ("id", "version", "title", "subject", "details", "scale", "scoring", "domains")
_DOMAIN = ("id", "title", "core", "summary", "items")
_SUBJECT = ("one", "many", "heading", "report_title", "report_title_many", "schema_description")
_DETAIL = ("key", "label", "hint", "required", "date", "multiline", "placeholder")
_SCALE_ENTRY = ("rating", "score", "label", "meaning", "needs")
_EVIDENCE = ("kinds", "without_evidence", "unwritten_only")
_KIND = ("kind", "label", "written")
_SCORING = (
    "weights",
    "verdicts",
    "not_assessable_na_share",
    "bands",
    "uncertain_when_not_known_could_change_band",
)
_WEIGHTS = ("item", "must_meet", "domain", "core_domain")
_VERDICTS = ("strong", "adequate", "weak")
_BANDS = ("names", "does_not_meet", "partially_meets", "exemplary", "meets")
_BAND_RULES = {
    "does_not_meet": ("must_meet_failures", "low_core_domains", "overall_below"),
    "partially_meets": ("must_meet_failures",),
    "exemplary": ("overall_at_least",),
    "meets": ("overall_at_least", "weak_other_domains"),
}
_RED_FLAG = ("id", "text", "forces")
_NOT_CHECKED = ("recommendation", "reason")
_ITEM = (
    "id",
    "title",
    "question",
    "must_meet",
    "weight",
    "allows",
    "descriptors",
    "essential",
    "designs",
    "evidence",
    "action",
    "recommendations",
)
_DESCRIPTORS = ("absent", "weak", "adequate", "strong")
_MAPPING = ("from", "items")
MANIFEST_NAME = "recommendations.json"
"""Beside shipped frameworks: number, title and URL of each recommendation they check."""


_PARSED: dict[tuple[str, bytes], Framework] = {}
"""Frameworks already checked in this process, by path and bytes: one build reads the
same file for the checklist page, the framework check and the forms, and a warm
``serve`` reads it on every edit. A file whose bytes changed is read afresh."""


def load_framework(path: Path) -> Framework:
    """Read and check the framework in ``path``; raise :class:`InputError` on any problem."""
    name = str(path)
    data = read_bytes(path, max_bytes=MAX_BYTES, display=name)
    key = (name, data)
    found = _PARSED.get(key)
    if found is None:
        found = load_compiled(path, data)
        if found is None:
            found = parse_framework(load_bytes(data, name))
        _PARSED[key] = found
    return found


def parse_framework(document: Document) -> Framework:
    """Check a parsed framework file and build the model, reporting every problem at once."""
    check = Checker(document)
    data = check.mapping(
        document.data,
        (),
        known=_TOP,
        required=_REQUIRED_TOP,
        what="the framework",
    )
    rules = _rules(check, data)
    subject = _subject(check, data.get("subject"))
    details = _details(check, data.get("details"))
    framework_id = check.text(data.get("id"), ("id",))
    if framework_id and not re.match(ID_PATTERN, framework_id):
        check.report(("id",), f"framework id {framework_id!r} must be lower-case-with-hyphens")
    version = _version(check, data.get("version"), ("version",))
    domains: list[Domain] = []
    seen_domains: dict[str, int] = {}
    seen_items: dict[str, str] = {}
    raw_domains = check.sequence(data.get("domains"), ("domains",))
    if "domains" in data and not raw_domains:
        check.report(("domains",), "a framework needs at least one domain")
    for d_index, raw_domain in enumerate(raw_domains):
        domain = _domain(check, raw_domain, ("domains", d_index), seen_items, rules)
        if domain is None:
            continue
        if domain.id in seen_domains:
            check.report(("domains", d_index, "id"), f"domain {domain.id!r} is defined twice")
        seen_domains[domain.id] = d_index
        domains.append(domain)
    if domains and not any(d.core for d in domains):
        check.report(("domains",), "at least one domain must be core: true")
    mappings = _mappings(check, data.get("mappings"), set(seen_items), version)
    items = {item.id: item for domain in domains for item in domain.items}
    red_flags = _red_flags(check, data.get("red_flags"), items)
    warning = check.text(data.get("red_flag_warning"), ("red_flag_warning",), optional=True)
    if red_flags and not warning:
        check.report(("red_flags",), "red flags need a red_flag_warning to show")
    not_checked = _not_checked(check, data.get("not_checked"))
    keywords = tuple(
        check.text(word, ("keywords", index))
        for index, word in enumerate(check.sequence(data.get("keywords"), ("keywords",)))
    )
    if check.problems:
        count = len(check.problems)
        raise InputError(
            f"{document.path}: the framework has {count} problem" + ("s" if count > 1 else ""),
            check.sorted_problems(),
        )
    return Framework(
        id=framework_id,
        version=version,
        title=check.text(data.get("title"), ("title",)),
        description=check.text(data.get("description"), ("description",), optional=True),
        domains=tuple(domains),
        rules=rules,
        subject=subject,
        details=details,
        keywords=keywords,
        red_flags=red_flags,
        red_flag_warning=warning,
        not_checked=not_checked,
        mappings=mappings,
        source=Path(document.path),
    )


def _version(check: Checker, value: Any, keys: tuple[str | int, ...]) -> str:
    if not isinstance(value, str):
        check.report(keys, f'the version must be quoted text such as "1.0", not {kind(value)}')
        return ""
    if not re.match(VERSION_PATTERN, value):
        check.report(keys, f'the version {value!r} must be numbers and dots, such as "1.0"')
    return value


def _domain(
    check: Checker,
    raw: Any,
    keys: tuple[str | int, ...],
    seen_items: dict[str, str],
    rules: Rules,
) -> Domain | None:
    data = check.mapping(
        raw, keys, known=_DOMAIN, required=("id", "title", "items"), what="a domain"
    )
    if not data:
        return None
    domain_id = check.text(data.get("id"), (*keys, "id"))
    if domain_id and not re.match(ID_PATTERN, domain_id):
        check.report((*keys, "id"), f"domain id {domain_id!r} must be lower-case-with-hyphens")
    core = check.flag(data.get("core"), (*keys, "core"))
    items: list[Item] = []
    raw_items = check.sequence(data.get("items"), (*keys, "items"))
    if "items" in data and not raw_items:
        check.report((*keys, "items"), f"domain {domain_id!r} has no items")
    for i_index, raw_item in enumerate(raw_items):
        item_keys = (*keys, "items", i_index)
        item = _item(check, raw_item, item_keys, rules)
        if item is None:
            continue
        if item.id in seen_items:
            check.report(
                (*item_keys, "id"),
                f"item {item.id!r} is defined twice (also in domain {seen_items[item.id]!r})",
            )
        seen_items[item.id] = domain_id
        items.append(item)
    if core and items:
        # Core domains must always be assessable, so that the band rules always see them.
        optional_na = sum(1 for item in items if Rating.NA in item.allows)
        always = sum(1 for item in items if not item.allows)
        if optional_na * 100 > rules.not_assessable_na_share * len(items) or always == 0:
            check.report(
                (*keys, "core"),
                f"core domain {domain_id!r} could become not assessable: at most half of its "
                "items may allow n/a, and at least one must allow neither n/a nor not-yet-due",
            )
    return Domain(
        id=domain_id,
        title=check.text(data.get("title"), (*keys, "title")),
        core=core,
        summary=check.text(data.get("summary"), (*keys, "summary"), optional=True),
        items=tuple(items),
        weight=rules.weights.core_domain if core else rules.weights.domain,
    )


def _item(check: Checker, raw: Any, keys: tuple[str | int, ...], rules: Rules) -> Item | None:
    required = ("id", "title", "question", "weight", "descriptors", "action", "recommendations")
    data = check.mapping(raw, keys, known=_ITEM, required=required, what="an item")
    if not data:
        return None
    item_id = check.text(data.get("id"), (*keys, "id"))
    if item_id and not re.match(ITEM_ID_PATTERN, item_id):
        check.report((*keys, "id"), f"item id {item_id!r} must be letters, digits and hyphens")
    must_meet = check.flag(data.get("must_meet"), (*keys, "must_meet"))
    weight = data.get("weight")
    expected = rules.weights.must_meet if must_meet else rules.weights.item
    if weight is not None and (isinstance(weight, bool) or weight != expected):
        check.report(
            (*keys, "weight"),
            f"item {item_id!r}: the weight must be {expected} for "
            + ("a must-meet item" if must_meet else "an item that is not must-meet")
            + f", not {weight!r}",
        )
    allows: set[Rating] = set()
    for a_index, raw_rating in enumerate(check.sequence(data.get("allows"), (*keys, "allows"))):
        names = [r.value for r in OPTIONAL_RATINGS]
        if raw_rating in names and not rules.scale.offers(Rating(raw_rating)):
            check.report(
                (*keys, "allows", a_index), f"{raw_rating} is not on the framework's scale"
            )
        elif raw_rating in names:
            allows.add(Rating(raw_rating))
        else:
            check.report(
                (*keys, "allows", a_index),
                f"allows takes n/a and not-yet-due only, not {kind(raw_rating)}"
                + (did_you_mean(raw_rating, names) if isinstance(raw_rating, str) else ""),
            )
    desc_keys = (*keys, "descriptors")
    raw_desc: dict[str, Any] = {}
    if "descriptors" in data:
        raw_desc = check.mapping(
            data["descriptors"],
            desc_keys,
            known=_DESCRIPTORS,
            required=_DESCRIPTORS[1:],
            what="descriptors",
        )
    texts = {
        name: check.text(raw_desc[name], (*desc_keys, name)) if name in raw_desc else ""
        for name in _DESCRIPTORS
    }
    descriptors = Descriptors(**texts)
    essential = tuple(
        check.text(condition, (*keys, "essential", index))
        for index, condition in enumerate(
            check.sequence(data.get("essential"), (*keys, "essential"))
        )
    )
    recommendations: list[str] = []
    positions: list[tuple[int, int]] = []
    rec_keys = (*keys, "recommendations")
    raw_recs = check.sequence(data.get("recommendations"), rec_keys)
    if "recommendations" in data and not raw_recs:
        check.report(rec_keys, f"item {item_id!r} must check at least one recommendation")
    for r_index, rec in enumerate(raw_recs):
        if not isinstance(rec, str) or not re.match(ID_PATTERN, rec):
            check.report(
                (*rec_keys, r_index),
                f"a recommendation ID is lower-case-words-with-hyphens, not {kind(rec)}",
            )
            continue
        if rec in recommendations:
            check.report((*rec_keys, r_index), f"recommendation {rec!r} is listed twice")
            continue
        recommendations.append(rec)
        where = check.document.problem((*rec_keys, r_index), "")
        positions.append((where.line or 0, where.column or 0))
    return Item(
        id=item_id,
        title=check.text(data.get("title"), (*keys, "title")),
        question=check.text(data.get("question"), (*keys, "question")),
        descriptors=descriptors,
        weight=expected,
        must_meet=must_meet,
        allows=frozenset(allows),
        evidence_hint=check.text(data.get("evidence"), (*keys, "evidence"), optional=True),
        action=check.text(data.get("action"), (*keys, "action")),
        recommendations=tuple(recommendations),
        recommendation_positions=tuple(positions),
        ratings=tuple(
            r
            for r in SCALE_ORDER
            if r in rules.scale.always or (r in allows and rules.scale.offers(r))
        ),
        essential=essential,
        designs=check.text(data.get("designs"), (*keys, "designs"), optional=True),
    )


Keys = tuple[str | int, ...]


def _whole(check: Checker, value: Any, keys: Keys, *, low: int = 0, high: int = 1000) -> int:
    """A whole number from ``low`` to ``high``; 0 after reporting anything else."""
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        check.report(keys, f"expected a whole number from {low} to {high}, not {kind(value)}")
        return 0
    return value


def _rating_name(check: Checker, value: Any, keys: Keys, names: list[str]) -> Rating | None:
    if isinstance(value, str) and value in names:
        return Rating(value)
    hint = did_you_mean(value, names) if isinstance(value, str) else ""
    check.report(keys, f"expected one of {', '.join(names)}, not {kind(value)}{hint}")
    return None


def _scale(check: Checker, raw: Any) -> Scale:
    names = [r.value for r in SCALE_ORDER]
    entries: list[ScaleEntry] = []
    for keys, data in check.mappings(
        raw, ("scale",), known=_SCALE_ENTRY, required=("rating", "label"), what="a rating"
    ):
        rating = _rating_name(check, data.get("rating"), (*keys, "rating"), names)
        if rating is None:
            continue
        if any(e.rating is rating for e in entries):
            check.report((*keys, "rating"), f"rating {rating.value!r} is on the scale twice")
            continue
        score: int | None = None
        if rating.applies:
            score = _whole(check, data.get("score"), (*keys, "score"), high=100)
        elif "score" in data:
            check.report((*keys, "score"), f"{rating.value} leaves the sums: it has no score")
        needs = data.get("needs", "")
        if needs not in ("", "evidence", "reason"):
            check.report((*keys, "needs"), f"needs is evidence or reason, not {kind(needs)}")
            needs = ""
        entries.append(
            ScaleEntry(
                rating=rating,
                score=score,
                label=check.text(data.get("label"), (*keys, "label")),
                meaning=check.text(data.get("meaning"), (*keys, "meaning"), optional=True),
                needs=needs,
            )
        )
    offered = {e.rating for e in entries}
    missing = [r.value for r in LEVELS if r not in offered]
    if raw is not None and missing:
        check.report(("scale",), f"the scale needs the four levels; missing: {', '.join(missing)}")
    scale = Scale(tuple(sorted(entries, key=lambda e: SCALE_ORDER.index(e.rating))))
    scores = [scale.score(r) or 0 for r in LEVELS]
    if not missing and scores != sorted(scores):
        check.report(("scale",), "the four levels must score from absent up to strong")
    return scale


def _evidence_rules(check: Checker, raw: Any, scale: Scale) -> EvidenceRules:
    if raw is None:
        return EvidenceRules()
    data = check.mapping(raw, ("evidence",), known=_EVIDENCE, required=("kinds",), what="evidence")
    kinds: list[EvidenceKind] = []
    for keys, entry in check.mappings(
        data.get("kinds"),
        ("evidence", "kinds"),
        known=_KIND,
        required=_KIND,
        what="an evidence kind",
    ):
        kinds.append(
            EvidenceKind(
                kind=check.text(entry.get("kind"), (*keys, "kind")),
                label=check.text(entry.get("label"), (*keys, "label")),
                written=check.flag(entry.get("written"), (*keys, "written")),
            )
        )
    names = [r.value for r in scale.always]
    without = Rating.WEAK
    if "without_evidence" in data:
        without = (
            _rating_name(check, data["without_evidence"], ("evidence", "without_evidence"), names)
            or Rating.WEAK
        )
    unwritten = None
    if "unwritten_only" in data:
        unwritten = _rating_name(
            check, data["unwritten_only"], ("evidence", "unwritten_only"), names
        )
    return EvidenceRules(tuple(kinds), without, unwritten)


def _rules(check: Checker, data: dict[str, Any]) -> Rules:
    scale = _scale(check, data.get("scale"))
    raw = (
        check.mapping(
            data.get("scoring", {}),
            ("scoring",),
            known=_SCORING,
            required=("weights", "verdicts", "not_assessable_na_share", "bands"),
            what="scoring",
        )
        if "scoring" in data
        else {}
    )

    def section(name: str, known: tuple[str, ...], *where: str) -> dict[str, Any]:
        parent: Any = raw
        for step in where:
            parent = parent.get(step, {}) if isinstance(parent, dict) else {}
        keys = ("scoring", *where, name)
        if not isinstance(parent, dict) or name not in parent:
            return {}
        return check.mapping(parent[name], keys, known=known, required=known, what=name)

    def number(values: dict[str, Any], name: str, *where: str, high: int = 1000) -> int:
        if name not in values:
            return 0
        return _whole(check, values[name], ("scoring", *where, name), high=high)

    weights_raw = section("weights", _WEIGHTS)
    weights = Weights(*(number(weights_raw, n, "weights", high=100) for n in _WEIGHTS))
    verdicts_raw = section("verdicts", _VERDICTS)
    verdicts = tuple(number(verdicts_raw, n, "verdicts", high=100) for n in _VERDICTS)
    if verdicts_raw and list(verdicts) != sorted(verdicts, reverse=True):
        check.report(("scoring", "verdicts"), "verdict thresholds must fall from strong to weak")
    share = number(raw, "not_assessable_na_share", high=100) if raw else 0
    bands_raw = section("bands", _BANDS)
    names_raw: Any = bands_raw.get("names", {})
    band_names: dict[str, str] = {}
    band_values = [b.value for b in Band]
    if isinstance(names_raw, dict):
        known_names = tuple(band_values)
        names_data = check.mapping(
            names_raw,
            ("scoring", "bands", "names"),
            known=known_names,
            required=known_names,
            what="band names",
        )
        for value in band_values:
            if value in names_data:
                band_names[value] = check.text(
                    names_data[value], ("scoring", "bands", "names", value)
                )
    numbers: dict[str, int] = {}
    for rule, fields in _BAND_RULES.items():
        rule_raw = section(rule, fields, "bands")
        for name in fields:
            numbers[f"{rule}_{name}"] = number(rule_raw, name, "bands", rule)
    uncertain = check.flag(
        raw.get("uncertain_when_not_known_could_change_band") if raw else None,
        ("scoring", "uncertain_when_not_known_could_change_band"),
    )
    return Rules(
        scale=scale,
        weights=weights,
        verdicts=(verdicts[0], verdicts[1], verdicts[2]),
        not_assessable_na_share=share,
        bands=BandRules(names=band_names, **numbers),
        evidence=_evidence_rules(check, data.get("evidence"), scale),
        uncertain=uncertain,
        tie_break=check.text(data.get("tie_break"), ("tie_break",), optional=True),
    )


def _subject(check: Checker, raw: Any) -> Subject:
    data = check.mapping(raw, ("subject",), known=_SUBJECT, required=_SUBJECT, what="subject")
    return Subject(
        *(check.text(data.get(n), ("subject", n)) if n in data else "" for n in _SUBJECT)
    )


def _details(check: Checker, raw: Any) -> tuple[DetailField, ...]:
    fields: list[DetailField] = []
    for keys, data in check.mappings(
        raw, ("details",), known=_DETAIL, required=("key", "label"), what="a detail"
    ):
        fields.append(
            DetailField(
                key=check.text(data.get("key"), (*keys, "key")),
                label=check.text(data.get("label"), (*keys, "label")),
                hint=check.text(data.get("hint"), (*keys, "hint"), optional=True),
                required=check.flag(data.get("required"), (*keys, "required")),
                date=check.flag(data.get("date"), (*keys, "date")),
                multiline=check.flag(data.get("multiline"), (*keys, "multiline")),
                placeholder=check.text(
                    data.get("placeholder"), (*keys, "placeholder"), optional=True
                ),
            )
        )
    return tuple(fields)


def _red_flags(check: Checker, raw: Any, items: dict[str, Item]) -> tuple[RedFlag, ...]:
    flags: list[RedFlag] = []
    for keys, data in check.mappings(
        raw, ("red_flags",), known=_RED_FLAG, required=_RED_FLAG, what="a red flag"
    ):
        flag_id = check.text(data.get("id"), (*keys, "id"))
        if flag_id and not re.match(ID_PATTERN, flag_id):
            check.report((*keys, "id"), f"red flag id {flag_id!r} must be lower-case-with-hyphens")
        if any(f.id == flag_id for f in flags):
            check.report((*keys, "id"), f"red flag {flag_id!r} is defined twice")
        forces: list[str] = []
        for f_index, item_id in enumerate(check.sequence(data.get("forces"), (*keys, "forces"))):
            item = items.get(item_id) if isinstance(item_id, str) else None
            if item is None:
                check.report(
                    (*keys, "forces", f_index),
                    f"red flag {flag_id!r} forces {kind(item_id)}, which is no item"
                    + (did_you_mean(item_id, list(items)) if isinstance(item_id, str) else ""),
                )
            elif item.allows:
                # Forcing an item out of n/a could make a domain assessable and so raise
                # the overall percent: a red flag must never help a scheme.
                check.report(
                    (*keys, "forces", f_index),
                    f"red flag {flag_id!r} forces {item.id}, which allows "
                    f"{' and '.join(sorted(r.value for r in item.allows))}: a red flag may "
                    "force only items that always count",
                )
            else:
                forces.append(item.id)
        flags.append(RedFlag(flag_id, check.text(data.get("text"), (*keys, "text")), tuple(forces)))
    return tuple(flags)


def _not_checked(check: Checker, raw: Any) -> tuple[NotChecked, ...]:
    entries: list[NotChecked] = []
    for keys, data in check.mappings(
        raw, ("not_checked",), known=_NOT_CHECKED, required=_NOT_CHECKED, what="a note"
    ):
        entries.append(
            NotChecked(
                check.text(data.get("recommendation"), (*keys, "recommendation")),
                check.text(data.get("reason"), (*keys, "reason")),
            )
        )
    return tuple(entries)


def _mappings(
    check: Checker, raw: Any, item_ids: set[str], version: str
) -> tuple[VersionMapping, ...]:
    mappings: list[VersionMapping] = []
    for keys, data in check.mappings(
        raw, ("mappings",), known=_MAPPING, required=_MAPPING, what="a mapping"
    ):
        from_version = _version(check, data.get("from"), (*keys, "from"))
        if from_version and from_version == version:
            check.report((*keys, "from"), "a mapping must come from another version")
        raw_items = data.get("items")
        pairs: dict[str, str] = {}
        if "items" in data and not isinstance(raw_items, dict):
            check.report(
                (*keys, "items"),
                f"items must be a mapping of earlier item ID to item ID, not {kind(raw_items)}",
            )
        elif isinstance(raw_items, dict):
            # Any earlier ID may be a key: only the targets must exist in this version.
            for old, new in raw_items.items():
                if not isinstance(new, str) or new not in item_ids:
                    check.report(
                        (*keys, "items", old),
                        f"mapping {old!r} -> {kind(new)}: the target must be an item of "
                        "this version"
                        + (did_you_mean(new, sorted(item_ids)) if isinstance(new, str) else ""),
                    )
                    continue
                pairs[old] = new
        mappings.append(VersionMapping(from_version=from_version, items=pairs))
    return tuple(mappings)


class Source(Struct, frozen=True):
    """One folder of framework files, and how to name it to the user."""

    label: str
    """Where it came from: ``--frameworks``, ``project``, ``package NAME`` or ``bundled``."""
    folder: Path


FRAMEWORKS_ENTRY_POINT = "guidebuild.frameworks"
"""Installed packages name the package that holds their framework files under this group."""


def installed_sources() -> list[Source]:
    """Folders of framework files that installed packages declare, in name order."""
    if not _any_declares(FRAMEWORKS_ENTRY_POINT):
        return []
    import importlib.resources
    from importlib.metadata import entry_points

    sources = []
    for entry in sorted(entry_points(group=FRAMEWORKS_ENTRY_POINT), key=lambda e: e.name):
        try:
            folder = importlib.resources.files(entry.value)
        except (ImportError, TypeError):
            continue  # a broken plug-in must not stop assess; `guidebuild frameworks` says so
        if isinstance(folder, Path):
            sources.append(Source(f"package {entry.name}", folder))
    return sources


def _any_declares(group: str) -> bool:
    """Whether any installed distribution's entry points name ``group``.

    importlib.metadata costs more to import (email, zipfile, csv) than all the rest of
    ``assess`` on one file; a look at the entry_points.txt files first spares it in the
    usual case, where no plug-in is installed.
    """
    header = f"[{group}]".encode()
    for folder in sys.path:
        try:
            # os.scandir, not Path.glob: a glob compiles patterns and walks in Python.
            with os.scandir(folder or ".") as entries:
                infos = [entry.path for entry in entries if entry.name.endswith(".dist-info")]
        except OSError:
            continue
        for info in infos:
            found = read_if_regular(f"{info}/entry_points.txt")
            if found is not None and header in found:
                return True
    return False


def bundled_source() -> Source:
    """The frameworks shipped in guidebuild itself."""
    return Source("bundled", package_dir("frameworks"))


def search_path(frameworks: Path | None, root: Path | None) -> tuple[Source, ...]:
    """Where frameworks are looked for, in order.

    ``--frameworks DIR``, the project's ``checklists/``, installed packages (entry point
    group ``guidebuild.frameworks``), then the frameworks bundled with guidebuild.
    """
    sources = []
    if frameworks is not None:
        sources.append(Source("--frameworks", frameworks))
    if root is not None and (root / "checklists").is_dir():
        sources.append(Source("project", root / "checklists"))
    unique: dict[Path, Source] = {}
    for source in (*sources, *installed_sources(), bundled_source()):
        unique.setdefault(source.folder.resolve(), source)  # the first name of a folder wins
    return tuple(unique.values())


def _version_key(framework: Framework) -> tuple[int, ...]:
    return tuple(int(n) for n in framework.version.split("."))


class Catalogue:
    """The frameworks of a search path, found by ``id`` and ``version``, each read once.

    In each folder a framework is looked for first in ``<id>.yaml`` (the current
    version), then in ``<id>@<version>.yaml`` (an earlier one kept for comparisons), then
    in any other ``*.yaml`` file directly in the folder. The first folder that has it wins.
    """

    def __init__(self, folder: Path | tuple[Source, ...]) -> None:
        self.sources = (Source("folder", folder),) if isinstance(folder, Path) else folder
        self._loaded: dict[Path, Framework] = {}

    @property
    def folder(self) -> Path:
        """The first folder searched."""
        return self.sources[0].folder

    def _load(self, path: Path) -> Framework:
        if path not in self._loaded:
            self._loaded[path] = load_framework(path)
        return self._loaded[path]

    def get(self, framework_id: str, version: str) -> Framework | None:
        """The framework ``framework_id@version``, or None if no folder has it."""
        found = self.find(framework_id, version)
        return found[0] if found else None

    def find(self, framework_id: str, version: str) -> tuple[Framework, Source] | None:
        """The framework ``framework_id@version`` and the folder it came from."""
        for source in self.sources:
            for name in (f"{framework_id}.yaml", f"{framework_id}@{version}.yaml"):
                path = source.folder / name
                if path.is_file():
                    framework = self._load(path)
                    if framework.id == framework_id and framework.version == version:
                        return framework, source
            for framework in self._in(source):
                if framework.id == framework_id and framework.version == version:
                    return framework, source
        return None

    def default(self) -> Framework:
        """The framework to use when none is named: of the first folder that has any,
        the only one, or the newest of one id."""
        for source in self.sources:
            frameworks = self._in(source)
            if not frameworks:
                continue
            ids = sorted({f.id for f in frameworks})
            if len(ids) > 1:
                raise InputError(
                    f"{source.folder} holds several frameworks ({', '.join(ids)}): name one"
                )
            return max(frameworks, key=_version_key)
        raise InputError(f"no framework found in {self._searched()}")

    def _in(self, source: Source) -> list[Framework]:
        if not source.folder.is_dir():
            return []
        return [self._load(path) for path in sorted(source.folder.glob("*.yaml"))]

    def listing(self) -> list[tuple[Framework, Source, bool]]:
        """Every framework of every folder: (framework, folder, whether an earlier folder
        has the same id and version, which then wins)."""
        seen: set[str] = set()
        rows = []
        for source in self.sources:
            for framework in self._in(source):
                rows.append((framework, source, framework.key in seen))
                seen.add(framework.key)
        return rows

    def all(self) -> list[Framework]:
        """Every framework, in search order then file-name order; the first of a key wins."""
        return [framework for framework, _, hidden in self.listing() if not hidden]

    def current(self) -> list[Framework]:
        """The newest version of each framework id, in the order of :meth:`all`.

        What a build publishes: an earlier version stays in the folder so that results
        made with it still assess and compare, but its forms are not offered to fill in.
        """
        frameworks = self.all()
        newest: dict[str, Framework] = {}
        for framework in frameworks:
            best = newest.get(framework.id)
            if best is None or _version_key(framework) > _version_key(best):
                newest[framework.id] = framework
        return [f for f in frameworks if newest[f.id] is f]

    def keys(self) -> list[str]:
        """``id@version`` of every framework found."""
        return [f.key for f in self.all()]

    def manifest(self) -> Path | None:
        """The recommendation manifest of the first folder that holds frameworks, if any.

        Shipped frameworks carry the numbers, titles and addresses of the guidance they
        check in ``recommendations.json`` beside them.
        """
        for source in self.sources:
            # Whether it holds framework files, without reading them all.
            if source.folder.is_dir() and any(source.folder.glob("*.yaml")):
                path = source.folder / MANIFEST_NAME
                return path if path.is_file() else None
        return None

    def _searched(self) -> str:
        return "; ".join(f"{source.folder} ({source.label})" for source in self.sources)

    def unknown(self, framework_id: str, version: str) -> str:
        """A message for a framework no folder has: what was searched, what it has."""
        keys = self.keys()
        ids = sorted({key.partition("@")[0] for key in keys})
        hint = ""
        if framework_id not in ids:
            hint = did_you_mean(framework_id, ids)
        known = ", ".join(keys) if keys else "none"
        return (
            f"framework {framework_id}@{version} is not known{hint}; known frameworks: "
            f"{known}; searched {self._searched()}; name the folder that holds it with "
            "--frameworks DIR"
        )
