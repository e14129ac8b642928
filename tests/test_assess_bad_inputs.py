"""The bad-input corpus: every way a scheme file can be wrong gives a clear message.

Each case checks the whole of standard error (the heading and every problem, each with
file:line:column where the file has lines), exit code 2, no traceback, and that no report
file was written even though ``-o`` asked for one.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from guidebuild.cli import main
from tests.conftest import SEARCHED

TESTS = Path(__file__).resolve().parent
CHECKLISTS = TESTS.parent / "checklists"
BAD = "bad_inputs"

TAGS = "only plain text, numbers, dates, true/false, lists and mappings"
ITEMS = "mentoring-schemes@1.0 has items A1 to R4"
SCHEME_KEYS = (
    "name, organisation, contact, assessed_by, assessed_on, started_on, first_cycle_ends, notes"
)

CASES: dict[str, list[str]] = {
    # YAML syntax
    "syntax-error.yaml": [
        "8:5: YAML syntax error: did not find expected ',' or ']' "
        "(while parsing a flow sequence at line 7)"
    ],
    "tab-indent.yaml": ["8:1: YAML syntax error: a tab character: indent with spaces, not tabs"],
    "two-documents.yaml": [
        "7:1: YAML syntax error: the file holds more than one YAML document (a second '---'): "
        "keep only one"
    ],
    # wrong types, several problems reported at once and in file order
    "wrong-types.yaml": [
        "3:9: scheme.name must be text, not int 42",
        "5:16: scheme.assessed_on must be a date, for example 14 February 2005, 14/02/2005, "
        "2005-02-14, or a month: February 2005, 2005-02; not text 'last Tuesday'",
        "8:13: A1: rating must be one of absent, weak, adequate, strong, not int 3",
        "11:15: A2: evidence must be text or a list of texts, not a mapping",
        "12:7: the answer to A3 must be a mapping such as {rating: adequate, evidence: ...}, "
        "not text 'strong'",
    ],
    "not-a-mapping.yaml": ["1:1: a scheme file must be a mapping of keys to values, not a list"],
    "missing-keys.yaml": [
        "1:1: a scheme file is missing 'framework'",
        "2:3: scheme is missing 'name'",
        "2:3: scheme is missing 'assessed_on'",
    ],
    "started-after-assessed.yaml": [
        "6:15: started_on (2025-03-01) is after assessed_on (2025-01-31)"
    ],
    # unknown keys and item IDs, with a did-you-mean
    "unknown-keys.yaml": [
        "4:3: unknown key 'organization' in scheme (did you mean 'organisation'?); "
        f"expected {SCHEME_KEYS}",
        "6:1: unknown key 'answer' in a scheme file (did you mean 'answers'?); "
        "expected framework, scheme, red_flags, answers",
    ],
    "unknown-item.yaml": [
        f"7:3: unknown item 'a1' (did you mean 'A1'?); {ITEMS}",
        f"8:3: unknown item 'Z9'; {ITEMS}",
    ],
    # duplicate keys, which PyYAML would silently merge
    "duplicate-key.yaml": ["11:3: duplicate key 'A1' (first written at line 7)"],
    # frameworks we do not have
    "unknown-framework-version.yaml": [
        "1:12: framework mentoring-schemes@2.0 is not known; "
        f"known frameworks: mentoring-schemes@1.1, mentoring-schemes@1.0{SEARCHED}"
    ],
    "unknown-framework-id.yaml": [
        "1:12: framework mentoring-scheme@1.0 is not known (did you mean 'mentoring-schemes'?); "
        f"known frameworks: mentoring-schemes@1.1, mentoring-schemes@1.0{SEARCHED}"
    ],
    "framework-without-version.yaml": [
        "1:12: framework must be written as id@version, e.g. mentoring-schemes@1.1, "
        "not text 'mentoring-schemes'"
    ],
    # empty, binary, not UTF-8: no line to point at, except where a byte is wrong
    "empty.yaml": [": file is empty: it holds no YAML document"],
    "comments-only.yaml": [": file is empty: it holds no YAML document"],
    "binary.yaml": [": file is binary, not YAML text"],
    "latin1.yaml": ["3:10: file is not UTF-8 text (byte 0xF4 cannot be read); save it as UTF-8"],
    "utf16.yaml": ["1:1: file is UTF-16 text; save it as UTF-8"],
    "filled-checklist.pdf": [
        ": the PDF is incomplete (it does not end with %%EOF): it was probably cut short "
        "while being saved, copied or sent; save or send the whole file again"
    ],
    # aliases, tags, merge keys, nesting
    "alias-bomb.yaml": ["3:4: file uses aliases (*name) more than 100 times (an alias bomb?)"],
    "recursive-alias.yaml": ["6:10: an alias refers to the value that contains it"],
    "python-tag.yaml": [f"7:7: the tag !!python/object/apply:os.system is not allowed: {TAGS}"],
    "custom-tag.yaml": [f"6:10: the tag !include is not allowed: {TAGS}"],
    "merge-key.yaml": ["6:3: merge keys (<<) are not allowed: write the keys out"],
    "deep-nesting.yaml": ["2:110: lists or mappings nest more than 100 deep"],
    # ratings the item does not allow
    "na-without-reason.yaml": ["7:16: R4: n/a needs a reason: say why the item does not apply"],
    "na-not-allowed.yaml": ["8:13: A1 does not allow n/a; it takes absent, weak, adequate, strong"],
    "not-yet-due-not-allowed.yaml": [
        "8:13: S1 does not allow not-yet-due; it takes absent, weak, adequate, strong"
    ],
    "not-yet-due-after-first-cycle.yaml": [
        "9:13: S2: not-yet-due is only for a scheme that has not finished its first cycle, "
        "but scheme.first_cycle_ends (2024-06-30) is not later than assessed_on (2025-01-31)"
    ],
}


@pytest.fixture
def in_tests() -> Iterator[None]:
    with contextlib.chdir(TESTS):
        yield


def run(*args: str) -> Result:
    return CliRunner().invoke(main, ["assess", "--frameworks", str(CHECKLISTS), *args])


def expected_stderr(name: str, problems: list[str]) -> str:
    path = f"{BAD}/{name}"
    count = f"{len(problems)} problem" + ("s" if len(problems) != 1 else "")
    lines = [
        f"Error: {path}: {count}",
        *(f"  {path}{p if p[0] == ':' else ':' + p}" for p in problems),
    ]
    return "\n".join(lines) + "\n"


def assert_refused(result: Result, stderr: str, out: Path) -> None:
    assert result.exit_code == 2, result.output
    assert result.stderr == stderr
    assert result.stdout == ""
    assert "Traceback" not in result.output
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit)
    assert list(out.parent.iterdir()) == []  # no report, and no temporary file left over


def test_every_corpus_file_has_a_case() -> None:
    on_disk = {p.name for p in (TESTS / BAD).iterdir() if p.name != "README.md"}
    assert on_disk == set(CASES)


@pytest.mark.usefixtures("in_tests")
@pytest.mark.parametrize(("name", "problems"), CASES.items(), ids=list(CASES))
def test_bad_input(name: str, problems: list[str], tmp_path: Path) -> None:
    out = tmp_path / "out" / "report.html"
    out.parent.mkdir()
    result = run(f"{BAD}/{name}", "-f", "html", "-o", str(out))
    assert_refused(result, expected_stderr(name, problems), out)


@pytest.mark.usefixtures("in_tests")
def test_very_large_file(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    note = "x" * 1000
    big.write_text("framework: mentoring-schemes@1.0\nnotes:\n" + f"  - {note}\n" * 1100)
    out = tmp_path / "out" / "report.csv"
    out.parent.mkdir()
    result = run(str(big), "-f", "csv", "-o", str(out))
    size = big.stat().st_size
    assert size > 1024 * 1024
    message = (
        f"Error: {big}: 1 problem\n  {big}: file is too large ({size:,} bytes; the limit is "
        f"{1024 * 1024:,}): is this really a scheme file?\n"
    )
    assert_refused(result, message, out)


@pytest.mark.usefixtures("in_tests")
def test_every_problem_of_every_file_in_a_batch_at_once(tmp_path: Path) -> None:
    out = tmp_path / "out" / "all.csv"
    out.parent.mkdir()
    good = str(CHECKLISTS / "examples" / "strong.yaml")
    result = run(
        good, f"{BAD}/unknown-item.yaml", f"{BAD}/duplicate-key.yaml", "-f", "csv", "-o", str(out)
    )
    unknown = f"{BAD}/unknown-item.yaml"
    assert_refused(
        result,
        "Error: 3 problems in 2 of 3 files\n"
        f"  {unknown}:7:3: unknown item 'a1' (did you mean 'A1'?); {ITEMS}\n"
        f"  {unknown}:8:3: unknown item 'Z9'; {ITEMS}\n"
        f"  {BAD}/duplicate-key.yaml:11:3: duplicate key 'A1' (first written at line 7)\n",
        out,
    )


@pytest.mark.usefixtures("in_tests")
def test_bad_baseline_is_refused_too(tmp_path: Path) -> None:
    out = tmp_path / "out" / "report.md"
    out.parent.mkdir()
    good = str(CHECKLISTS / "examples" / "strong.yaml")
    result = run(good, "--baseline", f"{BAD}/duplicate-key.yaml", "-f", "md", "-o", str(out))
    assert_refused(
        result,
        expected_stderr(
            "duplicate-key.yaml", ["11:3: duplicate key 'A1' (first written at line 7)"]
        ),
        out,
    )


def test_a_folder_without_scheme_files(tmp_path: Path) -> None:
    result = run(str(tmp_path))
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: {tmp_path}: no scheme files in this folder (looked for *.pdf, *.xlsx, *.yaml, "
        "*.yml)\n"
    )
