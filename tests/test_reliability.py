"""Reliability: bad input of every kind gets a clear, located message and nothing written.

Each case breaks one input of a fresh tiny project (guidance sources, conf.py, the change
log, the framework, command options) and checks the documented exit code (1: the
sources do not build; 2: bad usage or input), the message, no traceback, and that no
output was published. Scheme files, filled PDFs and workbooks have corpora of their own
(test_assess_bad_inputs.py and the forms tests).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from guidebuild.build.publish import MARKER_NAME
from tests.conftest import REPO, run_cli

Mutate = Callable[[Path], None]


def append(relative: str, text: str) -> Mutate:
    def mutate(project: Path) -> None:
        path = project / relative
        path.write_text(path.read_text() + text)

    return mutate


def replace(relative: str, old: str, new: str) -> Mutate:
    def mutate(project: Path) -> None:
        path = project / relative
        text = path.read_text()
        assert old in text, f"{old!r} is not in {relative}"
        path.write_text(text.replace(old, new))

    return mutate


def write(relative: str, data: bytes) -> Mutate:
    def mutate(project: Path) -> None:
        (project / relative).write_bytes(data)

    return mutate


def nothing(project: Path) -> None:
    pass


@dataclass(frozen=True)
class Case:
    mutate: Mutate
    args: tuple[str, ...]
    exit_code: int
    message: str
    """A part of the output that names the problem (and where possible file and line)."""


FIRST = "guidance/first.rst"
CONF = "conf.py"
CHANGELOG = "guidance/changelog.yaml"
FRAMEWORK = "checklists/mentoring-schemes.yaml"
BUILD = ("build", "-q", "--no-pdf")

CASES: dict[str, Case] = {
    # -- guidance sources -------------------------------------------------------------
    "unknown directive": Case(
        append(FIRST, "\n.. no-such-directive:: x\n"), BUILD, 1, 'Unknown directive type "no-such'
    ),
    "unknown role": Case(append(FIRST, "\nSee :nosuchrole:`x`.\n"), BUILD, 1, "nosuchrole"),
    "recommendation without ID": Case(
        append(FIRST, "\n.. recommendation:: T\n\n   Text.\n"), BUILD, 1, "has no :id:"
    ),
    "recommendation without text": Case(
        append(FIRST, "\n.. recommendation:: T\n   :id: empty-one\n"), BUILD, 1, "has no text"
    ),
    "duplicate recommendation ID": Case(
        append(FIRST, "\n.. recommendation:: T\n   :id: third-thing\n\n   Text.\n"),
        BUILD,
        1,
        "duplicate recommendation ID 'third-thing'",
    ),
    "bad recommendation ID": Case(
        append(FIRST, "\n.. recommendation:: T\n   :id: Not An ID\n\n   Text.\n"),
        BUILD,
        1,
        "must be lower-case words joined by hyphens",
    ),
    "bad status tag": Case(
        append(FIRST, "\n.. recommendation:: T\n   :id: ok-id\n   :status: soon\n\n   X.\n"),
        BUILD,
        1,
        "status must look like 'new 2004'",
    ),
    "reference to unknown recommendation": Case(
        append(FIRST, "\nSee :rec:`nowhere-at-all`.\n"),
        BUILD,
        1,
        "reference to unknown recommendation 'nowhere-at-all'",
    ),
    "withdrawn ID that is not an ID": Case(
        append(FIRST, "\n.. recommendation-withdrawn:: Bad_ID\n"),
        BUILD,
        1,
        "withdrawn ID 'Bad_ID' is not a recommendation ID",
    ),
    "information box without audience": Case(
        replace("guidance/index.rst", "   :audience: The test suite.\n", ""),
        BUILD,
        1,
        "information-box needs :audience:",
    ),
    "include outside the project": Case(
        append(FIRST, "\n.. include:: ../../../../../../etc/hostname\n"),
        BUILD,
        1,
        "outside the project",
    ),
    "image from the network": Case(
        append(FIRST, "\n.. image:: https://example.org/x.png\n   :alt: X\n"),
        BUILD,
        1,
        "refuses to read https://example.org/x.png",
    ),
    "source that is not UTF-8": Case(
        write(FIRST, "Titre\n=====\n\n\xe9t\xe9\n".encode("latin-1")),
        BUILD,
        1,
        "first.rst:4:1: not UTF-8 text (byte 0xe9); save it as UTF-8",
    ),
    "malformed table": Case(append(FIRST, "\n+-----+\n| bad |\n+--\n"), BUILD, 1, "first.rst"),
    # -- the change log ---------------------------------------------------------------
    "change log not YAML": Case(
        write(CHANGELOG, b"- date: [2005\n"), BUILD, 1, "change log is not valid YAML"
    ),
    "change log not a list": Case(
        write(CHANGELOG, b"date: 2005-01-01\n"), BUILD, 1, "must be a list of dated entries"
    ),
    "change log bad date": Case(
        write(CHANGELOG, b"- date: someday\n  changes: [x]\n"), BUILD, 1, "date must be YYYY-MM-DD"
    ),
    # -- conf.py ----------------------------------------------------------------------
    "conf syntax error": Case(append(CONF, "\nproject = (\n"), BUILD, 2, "conf.py is not valid"),
    "conf bad status": Case(
        replace(CONF, '"final"', '"published"'), BUILD, 2, "guidebuild_status must be one of"
    ),
    "conf bad date": Case(
        replace(CONF, '"2005-03-01"', '"1 March"'), BUILD, 2, "must be a date as YYYY-MM-DD"
    ),
    "conf pdf name with a path": Case(
        replace(CONF, '"tiny-guidance"', '"../escape"'),
        BUILD,
        2,
        "guidebuild_pdf_name must be a plain file name",
    ),
    "conf title not a string": Case(
        replace(CONF, 'project = "Tiny guidance"', "project = 42"),
        BUILD,
        2,
        "project must be a non-empty string, not 42",
    ),
    "conf edition missing": Case(
        replace(CONF, 'guidebuild_edition = "Second edition"\n', ""),
        BUILD,
        2,
        "guidebuild_edition is missing",
    ),
    "conf not UTF-8": Case(write(CONF, b"project = '\xff\xfe'\n"), BUILD, 2, "not UTF-8"),
    # -- the framework ----------------------------------------------------------------
    "framework not YAML": Case(
        write(FRAMEWORK, b"id: mentoring-schemes\ndomains: [\n"),
        ("checklist-free-assess",),
        2,
        "mentoring-schemes.yaml:3:1: YAML syntax error",
    ),
    "framework duplicate key": Case(
        replace(FRAMEWORK, "\nversion:", "\nid: again\nversion:"),
        ("checklist-free-assess",),
        2,
        "mentoring-schemes.yaml:",
    ),
    "framework empty file": Case(
        write(FRAMEWORK, b""), ("checklist-free-assess",), 2, "mentoring-schemes.yaml"
    ),
    "framework binary file": Case(
        write(FRAMEWORK, b"\x00\x01\x02PK\x03\x04"),
        ("checklist-free-assess",),
        2,
        "mentoring-schemes.yaml",
    ),
    # -- command options --------------------------------------------------------------
    "build --out is a file": Case(nothing, ("build", "--out", "conf.py"), 2, "conf.py"),
    "build --jobs negative": Case(
        nothing, ("build", "--jobs", "-1"), 2, "Invalid value for '-j' / '--jobs'"
    ),
    "build --previous missing": Case(
        nothing, ("build", "--previous", "nope.json"), 2, "'nope.json' does not exist"
    ),
    "build --previous not JSON": Case(
        write("old.json", b"{not json"),
        ("build", "--previous", "old.json"),
        2,
        "not a recommendations.json manifest",
    ),
    "build two drafts": Case(nothing, ("build", "--draft", "--final", "--bogus"), 2, "--bogus"),
    "release bad version": Case(nothing, ("release", "v/1"), 2, "release version must start"),
    "release no version": Case(nothing, ("release",), 2, "Missing argument 'VERSION'"),
    "assess no file": Case(nothing, ("assess",), 2, "Missing argument"),
    "assess missing file": Case(nothing, ("assess", "nope.yaml"), 2, "nope.yaml"),
    "assess bad format": Case(
        nothing,
        ("assess", "--format", "docx", "x.yaml"),
        2,
        "Invalid value for '-f' / '--format': 'docx'",
    ),
    "assess fail-under over 100": Case(
        nothing, ("assess", "--fail-under", "150", "x.yaml"), 2, "--fail-under"
    ),
    "unknown command": Case(nothing, ("biuld",), 2, "No such command 'biuld'"),
    "check with two arguments": Case(nothing, ("check", ".", "."), 2, "unexpected extra argument"),
    "check of a missing project": Case(
        nothing, ("check", "nowhere"), 2, "'nowhere' does not exist"
    ),
}


def fresh(tmp_path: Path, *, framework: bool) -> Path:
    project = tmp_path / "tiny"
    shutil.copytree(REPO / "tests" / "fixtures" / "tiny", project)
    if framework:
        # Only for the cases that use it: the tiny guidance is not the one it checks.
        shutil.copytree(REPO / "checklists", project / "checklists")
    (project / "x.yaml").write_text((REPO / "checklists/examples/strong.yaml").read_text())
    return project


@pytest.mark.parametrize("name", list(CASES))
def test_bad_input(name: str, tmp_path: Path) -> None:
    case = CASES[name]
    project = fresh(tmp_path, framework=case.args[0] in {"assess", "checklist-free-assess"})
    case.mutate(project)
    args = case.args
    if args == ("checklist-free-assess",):
        # Any command that loads the framework: assess an example scheme.
        args = ("assess", "x.yaml")
    result = run_cli(project, *args)
    assert result.exit_code == case.exit_code, result.output
    assert case.message in result.output, result.output
    assert "Traceback" not in result.output
    published = project / "_build"
    # The marker only claims the folder for guidebuild; no output may be left behind.
    claimed = {".cache", ".lock", MARKER_NAME}
    leftovers = [p for p in published.glob("*") if p.name not in claimed]
    assert leftovers == [], f"{name} left output behind: {leftovers}"


def test_there_are_at_least_forty_cases() -> None:
    assert len(CASES) >= 40
