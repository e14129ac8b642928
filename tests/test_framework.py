"""The framework file, its loader, the catalogue, the recommendation cross-check, the schema."""

from __future__ import annotations

import contextlib
import datetime as dt
import pickle
from pathlib import Path
from typing import Any

import pytest

from guidebuild.answers import read_answers
from guidebuild.errors import InputError
from guidebuild.framework import compiled
from guidebuild.framework.crosscheck import check_recommendations
from guidebuild.framework.loader import Catalogue, load_framework, parse_framework
from guidebuild.framework.model import Framework, Rating
from guidebuild.framework.schema import scheme_schema
from guidebuild.resources import package_dir
from guidebuild.yamlsafe import load_bytes, load_path
from tests.frameworks import with_rules

CHECKLISTS = Path(__file__).resolve().parent.parent / "checklists"
BUNDLED = package_dir("frameworks")
"""The installed package's frameworks, as an organiser's copy of guidebuild has them."""
FRAMEWORK = CHECKLISTS / "mentoring-schemes@1.0.yaml"
OLD_EXAMPLES = CHECKLISTS.parent / "tests" / "fixtures" / "examples-1.0"
"""Version 1.0, kept so that its results still assess (tests/test_framework_1_1.py: 1.1)."""

# The guidance's recommendation IDs, chapter by chapter (the guidance issue defines them).
RECOMMENDATIONS = [
    *("define-mentoring", "keep-mentoring-separate"),
    *("use-informal-opportunities", "build-a-mentoring-culture"),
    *("write-down-aims", "explain-how-aims-are-met", "name-who-runs-the-scheme"),
    *("state-mentor-standards", "set-success-criteria", "plan-time-and-resources"),
    *("look-at-existing-schemes", "keep-schemes-voluntary"),
    *("select-mentors-carefully", "prepare-mentors", "support-mentors"),
    *("introduce-the-scheme", "prepare-mentees", "let-mentees-choose"),
    *("allow-no-fault-ending", "ask-for-mentoring"),
    *("meet-face-to-face-first", "take-care-with-email", "protect-time-and-place"),
    *("protect-privacy", "follow-mentees-agenda", "challenge-supportively"),
    *("collect-data-confidentially", "monitor-lightly", "review-and-improve"),
    "offer-mentoring-at-every-stage",
]

# Which recommendations each item checks: the mapping agreed for version 1.0, with the
# IDs the editorial round merged (issue 13) replaced by the ones they were merged into.
ITEM_RECOMMENDATIONS = {
    "A1": ["write-down-aims"],
    "A2": ["define-mentoring", "keep-mentoring-separate"],
    "A3": ["explain-how-aims-are-met", "name-who-runs-the-scheme"],
    "A4": ["keep-schemes-voluntary", "offer-mentoring-at-every-stage"],
    "A5": ["follow-mentees-agenda"],
    "M1": ["select-mentors-carefully"],
    "M2": ["prepare-mentors"],
    "M3": ["state-mentor-standards"],
    "M4": ["support-mentors"],
    "M5": ["support-mentors"],
    "C1": ["let-mentees-choose"],
    "C2": ["select-mentors-carefully"],
    "C3": ["allow-no-fault-ending"],
    "C4": ["let-mentees-choose"],
    "S1": ["set-success-criteria"],
    "S2": ["collect-data-confidentially"],
    "S3": ["monitor-lightly"],
    "S4": ["review-and-improve"],
    "K1": ["protect-privacy"],
    "K2": ["keep-mentoring-separate"],
    "K3": ["protect-privacy"],
    "P1": ["introduce-the-scheme"],
    "P2": ["prepare-mentees", "follow-mentees-agenda"],
    "P3": ["allow-no-fault-ending"],
    "F1": ["meet-face-to-face-first"],
    "F2": ["protect-time-and-place"],
    "F3": ["take-care-with-email", "meet-face-to-face-first"],
    "R1": ["name-who-runs-the-scheme"],
    "R2": ["plan-time-and-resources"],
    "R3": ["plan-time-and-resources"],
    "R4": ["look-at-existing-schemes"],
}


# -- the shipped framework ---------------------------------------------------------------------


def test_shipped_framework_identity_and_domains() -> None:
    framework = load_framework(FRAMEWORK)
    assert framework.key == "mentoring-schemes@1.0"
    assert [(d.id, d.core) for d in framework.domains] == [
        ("aims", True),
        ("mentor-standards", True),
        ("choice", True),
        ("success-criteria", True),
        ("confidentiality", False),
        ("mentee-preparation", False),
        ("meetings", False),
        ("resources", False),
    ]


def test_shipped_items_follow_the_reference_design() -> None:
    framework = load_framework(FRAMEWORK)
    items = framework.items
    assert {i: item.recommendations for i, item in items.items()} == {
        i: tuple(recs) for i, recs in ITEM_RECOMMENDATIONS.items()
    }
    assert [i for i, item in items.items() if item.must_meet] == [
        "A1",
        "M2",
        "C1",
        "S1",
        "K1",
        "K2",
    ]
    assert all(item.weight == (2 if item.must_meet else 1) for item in items.values())
    assert {i for i, item in items.items() if Rating.NA in item.allows} == {"R4"}
    assert {i for i, item in items.items() if Rating.NOT_YET_DUE in item.allows} == {
        "S2",
        "S3",
        "S4",
    }
    for item in items.values():
        assert item.question.endswith("?"), item.id
        assert all((item.descriptors.weak, item.descriptors.adequate, item.descriptors.strong))
        assert item.action and item.evidence_hint and item.title


def test_every_reference_exists_and_the_unchecked_are_listed() -> None:
    framework = load_framework(FRAMEWORK)
    problems, unchecked = check_recommendations(framework, RECOMMENDATIONS)
    assert problems == ()
    referenced = {rec for recs in ITEM_RECOMMENDATIONS.values() for rec in recs}
    assert unchecked == tuple(r for r in RECOMMENDATIONS if r not in referenced)
    # Advice to individual doctors, and to mentors in the room, is not a scheme's to show.
    assert unchecked == (
        "use-informal-opportunities",
        "build-a-mentoring-culture",
        "ask-for-mentoring",
        "challenge-supportively",
    )


def test_cross_check_locates_unknown_references() -> None:
    framework = load_framework(FRAMEWORK)
    known = [r for r in RECOMMENDATIONS if r != "prepare-mentees"] + ["prepare-mentee"]
    problems, unchecked = check_recommendations(framework, known)
    lines = FRAMEWORK.read_text(encoding="utf-8").splitlines()
    (line,) = [n for n, text in enumerate(lines, 1) if "[prepare-mentees," in text]
    column = lines[line - 1].index("prepare-mentees") + 1
    assert [str(p) for p in problems] == [
        f"{FRAMEWORK}:{line}:{column}: item P2 checks recommendation 'prepare-mentees', "
        "which the guidance does not define (did you mean 'prepare-mentee'?)"
    ]
    assert "prepare-mentee" in unchecked


def test_cross_check_with_a_set_is_sorted() -> None:
    framework = load_framework(FRAMEWORK)
    _, unchecked = check_recommendations(framework, set(RECOMMENDATIONS))
    assert list(unchecked) == sorted(unchecked)
    assert len(unchecked) == 4


# -- the loader's checks -------------------------------------------------------------------------

GOOD = with_rules(
    """\
id: tiny
version: "1.0"
title: Tiny
domains:
  - id: aims
    title: Aims
    core: true
    items:
      - id: A1
        title: Aims written
        question: Are the aims written?
        must_meet: true
        weight: 2
        descriptors: {weak: w, adequate: a, strong: s}
        action: Write them.
        recommendations: [write-down-aims]
      - id: A2
        title: Other
        question: Other?
        weight: 1
        descriptors: {weak: w, adequate: a, strong: s}
        action: Do it.
        recommendations: [define-mentoring]
"""
)


def load_problems(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "tiny.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_framework(path)
    return [str(p).removeprefix(f"{path}:") for p in caught.value.problems]


def test_a_good_framework_loads(tmp_path: Path) -> None:
    path = tmp_path / "tiny.yaml"
    path.write_text(GOOD, encoding="utf-8")
    framework = load_framework(path)
    assert framework.key == "tiny@1.0"
    assert framework.items["A1"].recommendation_positions == ((16, 27),)


def test_a_framework_is_checked_once_and_read_again_when_its_bytes_change(
    tmp_path: Path,
) -> None:
    path = tmp_path / "tiny.yaml"
    path.write_text(GOOD, encoding="utf-8")
    first = load_framework(path)
    assert load_framework(path) is first  # one build reads it for several stages
    path.write_text(GOOD.replace("title: Tiny", "title: Tiny, revised"), encoding="utf-8")
    assert load_framework(path).title == "Tiny, revised"
    path.write_text(GOOD.replace("title: Tiny", "titel: Tiny"), encoding="utf-8")
    with pytest.raises(InputError):
        load_framework(path)
    path.write_text(GOOD, encoding="utf-8")
    assert load_framework(path) is first


# -- compiled forms of the bundled frameworks ---------------------------------------------


def _parsed(path: Path) -> Framework:
    return parse_framework(load_bytes(path.read_bytes(), str(path)))


@pytest.mark.parametrize("name", ["mentoring-schemes.yaml", "mentoring-schemes@1.0.yaml"])
def test_a_copy_of_a_bundled_framework_is_its_compiled_form_and_equals_a_parse(
    tmp_path: Path, name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    copy = tmp_path / name
    copy.write_bytes((BUNDLED / name).read_bytes())
    unpickled: list[bytes] = []
    real_loads = compiled.loads
    monkeypatch.setattr(compiled, "loads", lambda data: unpickled.append(data) or real_loads(data))
    framework = load_framework(copy)
    assert len(unpickled) == 1  # not parsed
    assert framework == _parsed(copy)
    assert framework.source == copy
    assert framework.item(next(iter(framework.items))) is not None


def test_an_edited_copy_or_changed_code_is_parsed_never_answered_from_the_compiled_form(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bundled = (BUNDLED / "mentoring-schemes.yaml").read_bytes()
    copy = tmp_path / "mentoring-schemes.yaml"
    edited = bundled.replace(b"title: ", b"title: Revised ", 1)
    assert edited != bundled
    copy.write_bytes(edited)
    assert compiled.load_compiled(copy, edited) is None
    assert load_framework(copy).title.startswith("Revised ")
    # The same bytes, read by code other than the code that compiled them: parsed again.
    copy.write_bytes(bundled)
    assert compiled.load_compiled(copy, bundled) is not None
    monkeypatch.setattr(compiled, "_makers_checksum", lambda: 12345)
    assert compiled.load_compiled(copy, bundled) is None


def test_no_compiled_form_is_read_from_outside_the_package(tmp_path: Path) -> None:
    """A pickle runs code when it is read: one left in a project must never be opened."""
    marker = tmp_path / "unpickled"

    class Payload:
        def __reduce__(self) -> tuple[Any, ...]:
            return (open, (str(marker), "w"))

    name = "mentoring-schemes.yaml"
    data = (BUNDLED / name).read_bytes()
    made = compiled.compiled_path(name, data)
    assert made is not None and made.is_file()  # `make frameworks` has made it
    for folder in (tmp_path, tmp_path / "compiled", tmp_path / "checklists" / "compiled"):
        folder.mkdir(parents=True, exist_ok=True)
        (folder / made.name).write_bytes(pickle.dumps(Payload()))
    (tmp_path / "checklists" / name).write_bytes(data)
    with contextlib.chdir(tmp_path):
        framework = Catalogue(tmp_path / "checklists").get("mentoring-schemes", "1.1")
    assert framework.key == "mentoring-schemes@1.1"
    assert not marker.exists()


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        (
            "title: Tiny",
            "titel: Tiny",
            "3:1: unknown key 'titel' in the framework (did you mean "
            "'title'?); expected id, version, title, description, subject, keywords, details, "
            "scale, ...",
        ),
        (
            'version: "1.0"',
            "version: 1.0",
            '2:10: the version must be quoted text such as "1.0", not float 1.0',
        ),
        (
            "weight: 2",
            "weight: 1",
            "13:17: item 'A1': the weight must be 2 for a must-meet item, not 1",
        ),
        ("- id: A2", "- id: A1", "17:13: item 'A1' is defined twice (also in domain 'aims')"),
        (
            "recommendations: [define-mentoring]",
            "recommendations: [Define Mentoring]",
            "23:27: a recommendation ID is lower-case-words-with-hyphens, "
            "not text 'Define Mentoring'",
        ),
        (
            "descriptors: {weak: w, adequate: a, strong: s}\n        action: Do it.",
            "descriptors: {weak: w, adequat: a, strong: s}\n        action: Do it.",
            "21:32: unknown key 'adequat' in descriptors (did you mean 'adequate'?); "
            "expected absent, weak, adequate, strong",
        ),
        (
            "        weight: 1\n",
            "        weight: 1\n        allows: [n/a, na]\n",
            "21:23: allows takes n/a and not-yet-due only, not text 'na' (did you mean 'n/a'?)",
        ),
    ],
)
def test_framework_problems_are_located(tmp_path: Path, old: str, new: str, problem: str) -> None:
    assert old in GOOD
    assert load_problems(tmp_path, GOOD.replace(old, new, 1)) == [problem]


def test_core_domains_must_always_be_assessable(tmp_path: Path) -> None:
    text = GOOD.replace("        weight: 1\n", "        weight: 1\n        allows: [n/a]\n")
    text = text.replace(
        "must_meet: true\n        weight: 2\n", "weight: 1\n        allows: [n/a]\n"
    )
    assert load_problems(tmp_path, text) == [
        "7:11: core domain 'aims' could become not assessable: at most half of its items may "
        "allow n/a, and at least one must allow neither n/a nor not-yet-due"
    ]


def test_mapping_targets_must_exist(tmp_path: Path) -> None:
    text = GOOD.replace('version: "1.0"', 'version: "2.0"').replace(
        "domains:\n", 'mappings:\n  - from: "1.0"\n    items: {A1: A1, OLD: A3}\ndomains:\n', 1
    )
    assert load_problems(tmp_path, text) == [
        "6:26: mapping 'OLD' -> text 'A3': the target must be an item of this version"
    ]


# -- the catalogue -----------------------------------------------------------------------------


def write_version(folder: Path, name: str, version: str, mapping: str = "") -> None:
    text = GOOD.replace('version: "1.0"', f'version: "{version}"') + mapping
    (folder / name).write_text(text, encoding="utf-8")


def test_catalogue_finds_current_and_earlier_versions(tmp_path: Path) -> None:
    write_version(tmp_path, "tiny.yaml", "2.0")
    write_version(tmp_path, "tiny@1.0.yaml", "1.0")
    catalogue = Catalogue(tmp_path)
    current = catalogue.get("tiny", "2.0")
    earlier = catalogue.get("tiny", "1.0")
    assert current is not None
    assert earlier is not None
    assert (current.version, earlier.version) == ("2.0", "1.0")
    assert catalogue.get("tiny", "3.0") is None
    assert catalogue.default() is current
    assert catalogue.unknown("tiny", "3.0") == (
        "framework tiny@3.0 is not known; known frameworks: tiny@2.0, tiny@1.0; "
        f"searched {tmp_path} (folder); name the folder that holds it with --frameworks DIR"
    )
    assert catalogue.keys() == ["tiny@2.0", "tiny@1.0"]


def test_catalogue_with_several_frameworks_needs_a_name(tmp_path: Path) -> None:
    write_version(tmp_path, "tiny.yaml", "1.0")
    (tmp_path / "other.yaml").write_text(GOOD.replace("id: tiny", "id: other"), encoding="utf-8")
    with pytest.raises(InputError, match="holds several frameworks"):
        Catalogue(tmp_path).default()
    with pytest.raises(InputError, match="no framework found"):
        Catalogue(tmp_path / "missing").default()


# -- the JSON Schema ---------------------------------------------------------------------------


def conforms(value: Any, schema: dict[str, Any]) -> bool:  # noqa: PLR0911 - one per keyword
    """A small validator for the keywords our schema uses."""
    if "const" in schema and value != schema["const"]:
        return False
    if "enum" in schema and value not in schema["enum"]:
        return False
    if "oneOf" in schema:
        return sum(conforms(value, s) for s in schema["oneOf"]) == 1
    kinds = schema.get("type")
    if kinds is not None:
        names = kinds if isinstance(kinds, list) else [kinds]
        python = {"object": dict, "array": list, "string": str, "null": type(None)}
        if not any(isinstance(value, python[name]) for name in names):
            return False
    if isinstance(value, dict):
        properties = schema.get("properties", {})
        if schema.get("additionalProperties") is False and set(value) - set(properties):
            return False
        if set(schema.get("required", [])) - set(value):
            return False
        if "if" in schema and conforms(value, schema["if"]) and not conforms(value, schema["then"]):
            return False
        return all(conforms(v, properties[k]) for k, v in value.items() if k in properties)
    if isinstance(value, list) and "items" in schema:
        return all(conforms(v, schema["items"]) for v in value)
    return True


def as_json(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_json(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def test_schema_describes_every_item_and_its_ratings() -> None:
    framework = load_framework(FRAMEWORK)
    schema = scheme_schema(framework)
    answers = schema["properties"]["answers"]["properties"]
    assert list(answers) == list(framework.items)
    assert answers["R4"]["properties"]["rating"]["enum"] == [
        "absent",
        "weak",
        "adequate",
        "strong",
        "n/a",
        None,
    ]
    assert answers["S2"]["properties"]["rating"]["enum"][-2:] == ["not-yet-due", None]
    assert answers["A1"]["properties"]["rating"]["enum"] == [
        "absent",
        "weak",
        "adequate",
        "strong",
        None,
    ]
    assert "Must-meet" in answers["A1"]["description"]
    assert schema["properties"]["framework"]["const"] == "mentoring-schemes@1.0"


def test_examples_conform_to_the_schema_and_bad_files_do_not() -> None:
    current = scheme_schema(Catalogue(CHECKLISTS).default())
    for path in sorted((CHECKLISTS / "examples").glob("*.yaml")):
        assert conforms(as_json(load_path(path).data), current), path.name
    schema = scheme_schema(load_framework(FRAMEWORK))
    for path in sorted(OLD_EXAMPLES.glob("*.yaml")):
        assert conforms(as_json(load_path(path).data), schema), path.name
    bad_inputs = Path(__file__).resolve().parent / "bad_inputs"
    for name in ("na-without-reason.yaml", "na-not-allowed.yaml", "unknown-item.yaml"):
        assert not conforms(as_json(load_path(bad_inputs / name).data), schema), name


def test_examples_read_with_the_framework_they_name() -> None:
    catalogue = Catalogue(CHECKLISTS)
    for path in sorted((CHECKLISTS / "examples").glob("*.yaml")):
        answers, framework = read_answers(path, catalogue)
        assert framework.key == "mentoring-schemes@1.1"
        assert set(answers.answers) == set(framework.items) or path.name == "in-name-only.yaml"
    for path in sorted(OLD_EXAMPLES.glob("*.yaml")):
        answers, framework = read_answers(path, catalogue)
        assert framework.key == "mentoring-schemes@1.0"
        assert set(answers.answers) <= set(framework.items)
