"""The strict YAML loader and the scheme-file reader that builds the answers model."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from guidebuild.answers import detect_format, read_answers
from guidebuild.errors import InputError, Problem
from guidebuild.framework.answers import Format
from guidebuild.framework.loader import Catalogue
from guidebuild.framework.model import Rating
from guidebuild.yamlsafe import MAX_VALUES, did_you_mean, load_bytes, load_text

CHECKLISTS = Path(__file__).resolve().parent.parent / "checklists"
HEADER = """\
framework: mentoring-schemes@1.0
scheme:
  name: Test scheme
  organisation: Test trust
  assessed_on: 2025-01-31
"""


def problems_of(text: str) -> list[Problem]:
    with pytest.raises(InputError) as caught:
        load_text(text, "t.yaml")
    return list(caught.value.problems)


def read(tmp_path: Path, text: str) -> tuple[object, object]:
    path = tmp_path / "scheme.yaml"
    path.write_text(text, encoding="utf-8")
    return read_answers(path, Catalogue(CHECKLISTS), display="scheme.yaml")


def read_problems(tmp_path: Path, text: str) -> list[str]:
    with pytest.raises(InputError) as caught:
        read(tmp_path, text)
    return [str(p) for p in caught.value.problems]


# -- the strict loader -------------------------------------------------------------------------


def test_plain_values() -> None:
    doc = load_text("a: 1\nb: 1.5\nc: true\nd: ~\ne: 2025-01-31\nf: [x, 'y']\n", "t.yaml")
    assert doc.data == {
        "a": 1,
        "b": 1.5,
        "c": True,
        "d": None,
        "e": dt.date(2025, 1, 1).replace(day=31),
        "f": ["x", "y"],
    }


def test_keys_stay_as_written() -> None:
    # safe_load would turn these keys into True, 1.0 and None.
    assert list(load_text("on: 1\n1.0: 2\n~: 3\n", "t.yaml").data) == ["on", "1.0", "~"]


def test_every_duplicate_key_is_reported_with_both_lines() -> None:
    problems = problems_of("a: 1\nb:\n  c: 1\n  c: 2\na: 3\n")
    assert [str(p) for p in problems] == [
        "t.yaml:4:3: duplicate key 'c' (first written at line 3)",
        "t.yaml:5:1: duplicate key 'a' (first written at line 1)",
    ]


def test_a_few_aliases_are_fine() -> None:
    doc = load_text("a: &h Handbook v2\nb: *h\nc: &l [1, 2]\nd: *l\n", "t.yaml")
    assert doc.data == {"a": "Handbook v2", "b": "Handbook v2", "c": [1, 2], "d": [1, 2]}


def test_too_many_values_is_refused() -> None:
    text = "a: [" + ", ".join(["1"] * (MAX_VALUES + 5)) + "]\n"
    assert [p.message for p in problems_of(text)] == [
        f"file holds more than {MAX_VALUES:,} values (an alias bomb?)"
    ]


@pytest.mark.parametrize(
    "tag", ["!!python/object:os.system", "!!python/name:os.system", "!!binary", "!!set", "!foo"]
)
def test_object_and_other_tags_are_refused(tag: str) -> None:
    (problem,) = problems_of(f"a: {tag} x\n")
    assert (problem.line, problem.column) == (1, 4)
    assert "is not allowed" in problem.message


def test_a_safe_tag_is_fine() -> None:
    assert load_text("a: !!str 12\n", "t.yaml").data == {"a": "12"}


def test_complex_keys_are_refused() -> None:
    (problem,) = problems_of("? [a, b]\n: 1\n")
    assert str(problem) == "t.yaml:1:3: a key must be plain text, not a list or mapping"


def test_bad_timestamp_value_is_reported() -> None:
    (problem,) = problems_of("a: 2025-02-30\n")
    assert (problem.line, problem.column) == (1, 4)
    assert problem.message.startswith("cannot read '2025-02-30'")


def test_utf8_bom_is_accepted() -> None:
    assert load_bytes(b"\xef\xbb\xbfa: 1\n", "t.yaml").data == {"a": 1}


def test_non_utf8_byte_is_located() -> None:
    with pytest.raises(InputError) as caught:
        load_bytes(b"a: 1\nbb: caf\xe9\n", "t.yaml")
    assert [str(p) for p in caught.value.problems] == [
        "t.yaml:2:8: file is not UTF-8 text (byte 0xE9 cannot be read); save it as UTF-8"
    ]


def test_locate_values_and_keys() -> None:
    doc = load_text("a:\n  b: [x, y]\n  c: 1\n", "t.yaml")
    assert doc.locate(("a", "b", 1)) == (2, 10)
    assert doc.locate(("a", "c"), key=True) == (3, 3)
    assert doc.locate(("a", "missing")) == (2, 3)  # the nearest ancestor: a's mapping


def test_did_you_mean() -> None:
    assert did_you_mean("Adequate", ["adequate", "weak"]) == " (did you mean 'adequate'?)"
    assert did_you_mean("ratng", ["rating", "evidence"]) == " (did you mean 'rating'?)"
    assert did_you_mean("zzz", ["rating", "evidence"]) == ""


# -- format detection --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("head", "fmt"),
    [
        (b"%PDF-1.7\n", Format.PDF),
        (b"PK\x03\x04\x14\x00", Format.XLSX),
        (b"framework: x@1\n", Format.YAML),
        (b"\x89PNG\r\n", Format.YAML),  # refused later by the YAML reader as binary
    ],
)
def test_detect_format_by_content(head: bytes, fmt: Format) -> None:
    assert detect_format(head) is fmt


def test_format_comes_from_content_not_the_name(tmp_path: Path) -> None:
    path = tmp_path / "scheme.pdf"
    path.write_text(HEADER, encoding="utf-8")
    answers, _ = read_answers(path, Catalogue(CHECKLISTS))
    assert answers.format is Format.YAML


# -- the scheme file ---------------------------------------------------------------------------


def test_a_full_answer(tmp_path: Path) -> None:
    answers, framework = read(
        tmp_path,
        HEADER
        + """\
  started_on: "2024-09-01"
answers:
  A1:
    rating: Adequate
    evidence: [Handbook section 1, "  ", Web page]
    note: Reviewed in March
    owner: Dr Lee
    due: 2025-06-30
  R4:
    rating: N/A
    reason: The only scheme in the region
  A2:
    rating:
  A3:
""",
    )
    assert framework.key == "mentoring-schemes@1.0"
    a1 = answers.answers["A1"]
    assert a1.rating is Rating.ADEQUATE  # ratings are read case-insensitively
    assert a1.evidence == ("Handbook section 1", "Web page")  # blank evidence is dropped
    assert (a1.note, a1.owner, a1.due) == ("Reviewed in March", "Dr Lee", dt.date(2025, 6, 30))
    assert answers.answers["R4"].rating is Rating.NA
    assert "A2" not in answers.answers  # a blank rating is unanswered
    assert "A3" not in answers.answers
    assert answers.scheme.started_on == dt.date(2024, 9, 1)  # a quoted date is fine too
    assert answers.source == "scheme.yaml"


def test_answers_may_be_missing_or_empty(tmp_path: Path) -> None:
    answers, _ = read(tmp_path, HEADER)
    assert answers.answers == {}
    answers, _ = read(tmp_path, HEADER + "answers:\n")
    assert answers.answers == {}


def test_unknown_answer_key_has_a_did_you_mean(tmp_path: Path) -> None:
    assert read_problems(
        tmp_path, HEADER + "answers:\n  A1:\n    rating: weak\n    notes: x\n"
    ) == [
        "scheme.yaml:9:5: unknown key 'notes' in the answer to A1 (did you mean 'note'?); "
        "expected rating, evidence, note, reason, owner, due"
    ]


def test_misspelt_rating_has_a_did_you_mean(tmp_path: Path) -> None:
    assert read_problems(tmp_path, HEADER + "answers:\n  A1: {rating: adequat}\n") == [
        "scheme.yaml:7:16: A1: rating must be one of absent, weak, adequate, strong, "
        "not text 'adequat' (did you mean 'adequate'?)"
    ]


def test_rating_names_the_optional_ratings_the_item_allows(tmp_path: Path) -> None:
    assert read_problems(tmp_path, HEADER + "answers:\n  S2: {rating: good}\n") == [
        "scheme.yaml:7:16: S2: rating must be one of absent, weak, adequate, strong, "
        "not-yet-due, not text 'good'"
    ]


def test_evidence_items_must_be_text(tmp_path: Path) -> None:
    text = HEADER + "answers:\n  A1:\n    rating: strong\n    evidence: [ok, 12]\n"
    assert read_problems(tmp_path, text) == [
        "scheme.yaml:9:20: A1: each piece of evidence must be text, not int 12"
    ]


def test_first_cycle_must_end_after_the_start(tmp_path: Path) -> None:
    text = HEADER + "  started_on: 2024-01-01\n  first_cycle_ends: 2023-12-31\n"
    assert read_problems(tmp_path, text) == [
        "scheme.yaml:7:21: first_cycle_ends (2023-12-31) must be after started_on (2024-01-01)"
    ]


def test_not_yet_due_is_fine_before_the_first_cycle_ends(tmp_path: Path) -> None:
    text = (
        HEADER
        + "  first_cycle_ends: 2025-06-30\nanswers:\n  S2: {rating: not-yet-due, reason: Soon}\n"
    )
    answers, _ = read(tmp_path, text)
    assert answers.answers["S2"].rating is Rating.NOT_YET_DUE


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        read_answers(tmp_path / "nope.yaml", Catalogue(CHECKLISTS))
    assert str(caught.value.problems[0]) == f"{tmp_path / 'nope.yaml'}: no such file"
    with pytest.raises(InputError) as caught:
        read_answers(tmp_path, Catalogue(CHECKLISTS))
    assert str(caught.value.problems[0]) == f"{tmp_path}: is a folder, not a file"


def test_every_example_reads(tmp_path: Path) -> None:
    catalogue = Catalogue(CHECKLISTS)
    examples = sorted((CHECKLISTS / "examples").glob("*.yaml"))
    assert len(examples) >= 4
    for path in examples:
        answers, framework = read_answers(path, catalogue)
        assert answers.framework_key == framework.key
