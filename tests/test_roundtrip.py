"""Round trips (issue 5, point 4): fill each checklist with outside clients, read it back.

For every answer set, the answers typed in a YAML scheme file are the reference. The same
answers are then filled into the PDF form by pdftk (XFDF and FDF), pypdf and pdf.js, and
into the workbook by openpyxl, and ``guidebuild assess`` must read back exactly the same
answers and give exactly the same result. No test here skips for a missing tool: CI
installs pdftk, node and the npm package (``make test`` runs ``npm ci`` in tests/js).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from msgspec import structs

from guidebuild.answers import Answers, read_answers
from guidebuild.cli import main
from guidebuild.forms import FORMATS, checklist_name, write_checklists
from guidebuild.framework.loader import Catalogue
from guidebuild.framework.model import Framework, Rating
from guidebuild.framework.scoring import Assessment, assess
from tests.fixtures.forms import clients

REPO = Path(__file__).resolve().parent.parent
CHECKLISTS = REPO / "checklists"
EXAMPLES = sorted((CHECKLISTS / "examples").glob("*.yaml"))
EPOCH = 1_735_689_600  # 2025-01-01


@pytest.fixture(scope="module")
def framework() -> Framework:
    return Catalogue(CHECKLISTS).default()


@pytest.fixture(scope="module")
def forms(framework: Framework, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The blank PDF form and workbook, written once for the module."""
    folder = tmp_path_factory.mktemp("checklists")
    paths = write_checklists(framework, folder, ["pdf", "xlsx"], epoch=EPOCH)
    return {path.suffix[1:]: path for path in paths}


# -- answer sets ---------------------------------------------------------------------------


def _every_rating(framework: Framework) -> dict[str, Any]:
    """Every rating each item allows, in turn, with and without evidence, notes, reasons."""
    answers: dict[str, dict[str, Any]] = {}
    for index, (item_id, item) in enumerate(framework.items.items()):
        rating = item.ratings[(index * 3) % len(item.ratings)]
        if Rating.NOT_YET_DUE in item.allows and index % 2:
            rating = Rating.NOT_YET_DUE
        if Rating.NA in item.allows:
            rating = Rating.NA
        answer: dict[str, Any] = {"rating": rating.value}
        if index % 3 == 0:
            answer["evidence"] = [
                f"document: Document {index}",
                f"record: Record {index}: minutes, 2004",
            ]
        elif index % 3 == 1:
            answer["evidence"] = f"practice seen: Handbook section {index}"
        if index % 4 == 0:
            answer["note"] = f"Note on {item_id}: reviewed by the lead"
        if not rating.applies:
            answer["reason"] = f"Why {item_id} is {rating.value}"
        answers[item_id] = answer
    return {
        "scheme": {
            "name": "Every Rating Scheme",
            "organisation": "Test Trust",
            "contact": "lead@example.org",
            "assessed_by": "A. Assessor",
            "assessed_on": dt.date(2025, 3, 31),
            "started_on": dt.date(2024, 9, 1),
            "first_cycle_ends": dt.date(2025, 8, 31),
            "notes": "Synthetic: every rating an item allows.",
        },
        "answers": answers,
    }


def test_the_answer_sets_cover_every_rating(framework: Framework) -> None:
    used = {
        answer["rating"]
        for make in ANSWER_SETS.values()
        for answer in make(framework)["answers"].values()
        if answer and answer.get("rating")
    }
    assert used == {rating.value for rating in Rating}
    assert _empty(framework)["answers"] == {}


def _unicode_and_long_text(framework: Framework) -> dict[str, Any]:
    ids = list(framework.items)
    return {
        "scheme": {
            "name": "\u0141ukasz\u2019s \u201cMentoring\u201d Scheme \u2014 Pilot",
            "organisation": "Ysbyty Gwynedd & Straße Klinik",
            "assessed_on": dt.date(2025, 6, 1),
            "notes": "First line of the notes.\nSecond line: £1,200 budget; 50% uptake.",
        },
        "answers": {
            ids[0]: {
                "rating": "strong",
                "evidence": [
                    "document: Terms of reference (v2, 2004) \u2013 section \u201cAims\u201d",
                    "record: https://example.org/mentoring?id=1&view=full",
                    "Practice seen: Évaluation externe, Zoë Brontë",
                ],
                "note": "Reviewed in March.\nNext review: March 2026.",
            },
            ids[1]: {"rating": "weak", "note": "Quotes ' and \" and <angle> & ampersand"},
            ids[-1]: {"rating": "n/a", "reason": "No other scheme within 100 miles."},
        },
    }


def _empty(framework: Framework) -> dict[str, Any]:
    return {
        "scheme": {"name": "Nothing Yet", "organisation": "New Trust", "assessed_on": "2025-01-15"},
        "answers": {},
    }


def _example(path: Path) -> Callable[[Framework], dict[str, Any]]:
    def load(framework: Framework) -> dict[str, Any]:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        loaded = {"scheme": data["scheme"], "answers": data.get("answers") or {}}
        if data.get("red_flags"):
            loaded["red_flags"] = data["red_flags"]
        return loaded

    return load


ANSWER_SETS: dict[str, Callable[[Framework], dict[str, Any]]] = {
    "every-rating": _every_rating,
    "unicode-and-long-text": _unicode_and_long_text,
    "empty": _empty,
    **{f"example-{path.stem}": _example(path) for path in EXAMPLES},
}


def _yaml_text(framework: Framework, data: dict[str, Any]) -> str:
    document = {"framework": framework.key, **data}
    return yaml.safe_dump(document, allow_unicode=True, sort_keys=False)


def _reference(framework: Framework, data: dict[str, Any], folder: Path) -> Answers:
    """The answers as typed by hand in YAML: what every other format must give."""
    path = folder / "typed.yaml"
    path.write_text(_yaml_text(framework, data), encoding="utf-8")
    answers, _ = read_answers(path, Catalogue(CHECKLISTS))
    return answers


def _summary(assessment: Assessment) -> dict[str, Any]:
    return {
        "percent": assessment.overall_percent,
        "band": assessment.band,
        "provisional": assessment.provisional,
        "domains": [(d.domain.id, d.percent, d.verdict) for d in assessment.domains],
        "actions": [(a.item.id, a.rag) for a in assessment.actions],
    }


def assert_same(got: Answers, expected: Answers, framework: Framework) -> None:
    assert got.framework_key == expected.framework_key
    assert got.scheme == expected.scheme
    assert got.red_flags == expected.red_flags
    assert dict(got.answers) == dict(expected.answers)
    assert _summary(assess(framework, got)) == _summary(assess(framework, expected))


PDF_CLIENTS: dict[str, Callable[[Path, dict[str, str], Path], None]] = {
    "pdftk-xfdf": clients.fill_pdftk_xfdf,
    "pdftk-fdf": clients.fill_pdftk_fdf,
    "pypdf": clients.fill_pypdf,
    "pdfjs": clients.fill_pdfjs,
}


@pytest.mark.parametrize("client", PDF_CLIENTS)
@pytest.mark.parametrize("answer_set", ANSWER_SETS)
def test_pdf_filled_by_an_outside_client_reads_back_the_same(
    client: str,
    answer_set: str,
    framework: Framework,
    forms: dict[str, Path],
    tmp_path: Path,
) -> None:
    data = ANSWER_SETS[answer_set](framework)
    expected = _reference(framework, data, tmp_path)
    filled = tmp_path / f"filled-by-{client}.pdf"
    values = clients.pdf_values(data["scheme"], data["answers"], data.get("red_flags"))
    PDF_CLIENTS[client](forms["pdf"], values, filled)
    got, _ = read_answers(filled, Catalogue(CHECKLISTS))
    assert_same(got, expected, framework)


@pytest.mark.parametrize("answer_set", ANSWER_SETS)
def test_workbook_filled_with_openpyxl_reads_back_the_same(
    answer_set: str, framework: Framework, forms: dict[str, Path], tmp_path: Path
) -> None:
    data = ANSWER_SETS[answer_set](framework)
    expected = _reference(framework, data, tmp_path)
    filled = tmp_path / "filled.xlsx"
    clients.fill_workbook(
        forms["xlsx"], data["scheme"], data["answers"], filled, data.get("red_flags")
    )
    got, _ = read_answers(filled, Catalogue(CHECKLISTS))
    assert_same(got, expected, framework)


def test_workbook_action_plan_owner_and_deadline_read_back(
    framework: Framework, forms: dict[str, Path], tmp_path: Path
) -> None:
    data = _every_rating(framework)
    first, second = list(framework.items)[:2]
    data["answers"][first] |= {"owner": "Dr Owner", "due": dt.date(2025, 9, 30)}
    data["answers"][second] |= {"owner": "Scheme lead"}
    expected = _reference(framework, data, tmp_path)
    filled = tmp_path / "filled.xlsx"
    clients.fill_workbook(forms["xlsx"], data["scheme"], data["answers"], filled)
    got, _ = read_answers(filled, Catalogue(CHECKLISTS))
    assert got.answers[first].owner == "Dr Owner"
    assert got.answers[first].due == dt.date(2025, 9, 30)
    assert_same(got, expected, framework)


def test_assess_gives_the_same_report_for_every_format(
    framework: Framework, forms: dict[str, Path], tmp_path: Path
) -> None:
    """The command itself, by content: the files are named without their real extension."""
    data = _example(CHECKLISTS / "examples" / "remediation.yaml")(framework)
    typed = tmp_path / "typed.yaml"
    typed.write_text(_yaml_text(framework, data), encoding="utf-8")
    pdf = tmp_path / "form-from-pdfjs.dat"
    values = clients.pdf_values(data["scheme"], data["answers"], data["red_flags"])
    clients.fill_pdfjs(forms["pdf"], values, pdf)
    book = tmp_path / "workbook.txt"
    clients.fill_workbook(forms["xlsx"], data["scheme"], data["answers"], book, data["red_flags"])
    reports = []
    for path in (typed, pdf, book):
        result = CliRunner().invoke(
            main,
            ["assess", "--frameworks", str(CHECKLISTS), "-f", "json", str(path)],
            catch_exceptions=False,
        )
        assert result.exit_code == 0, result.output
        report = json.loads(result.stdout)
        report.pop("source")
        reports.append(report)
    assert reports[0] == reports[1] == reports[2]


def test_the_blank_forms_are_not_yet_answers(forms: dict[str, Path]) -> None:
    """A blank PDF or workbook lacks the scheme details, and says which field or cell."""
    for fmt, where in (
        ("pdf", "field scheme_name (page 1)"),
        ("xlsx", "sheet 'Scheme details', cell B3"),
    ):
        result = CliRunner().invoke(
            main, ["assess", "--frameworks", str(CHECKLISTS), str(forms[fmt])]
        )
        assert result.exit_code == 2
        assert f"{forms[fmt]}: {where}: scheme is missing 'name'" in result.stderr
        assert "Traceback" not in result.output


# -- the checklist command and the registry -----------------------------------------------------


def test_checklist_command_writes_every_format(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main,
        ["checklist", "--out", str(out), "--frameworks", str(CHECKLISTS)],
        catch_exceptions=False,
        env={"SOURCE_DATE_EPOCH": str(EPOCH)},
    )
    assert result.exit_code == 0, result.output
    names = sorted(path.name for path in out.iterdir())
    assert names == sorted(f"mentoring-schemes-1.1-checklist.{fmt}" for fmt in FORMATS)
    listed = result.stdout.splitlines()
    assert [line.split(" (")[0] for line in listed] == [
        str(out / f"mentoring-schemes-1.1-checklist.{fmt}") for fmt in FORMATS
    ]
    assert all(line.endswith(" KB)") for line in listed)


def test_checklist_command_some_formats(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main,
        [
            "checklist",
            "-q",
            "--out",
            str(tmp_path),
            "--format",
            "yaml",
            "--format",
            "xlsx",
            "--frameworks",
            str(CHECKLISTS),
        ],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "mentoring-schemes-1.1-checklist.xlsx",
        "mentoring-schemes-1.1-checklist.yaml",
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--format", "doc"],
            "Invalid value for '--format': 'doc' is not one of 'pdf', 'xlsx', 'html', 'yaml'.",
        ),
        (["--out", "{file}"], "Directory '{file}' is a file."),
    ],
)
def test_checklist_command_bad_options(args: list[str], message: str, tmp_path: Path) -> None:
    file = tmp_path / "a-file"
    file.write_text("x")
    args = [arg.replace("{file}", str(file)) for arg in args]
    result = CliRunner().invoke(main, ["checklist", *args])
    assert result.exit_code == 2
    assert message.replace("{file}", str(file)) in result.stderr
    assert "Traceback" not in result.output


def test_checklist_help_has_an_example() -> None:
    result = CliRunner().invoke(main, ["checklist", "--help"])
    assert result.exit_code == 0
    assert "Examples:\n    guidebuild checklist " in result.stdout


def test_a_failed_writer_leaves_nothing_behind(
    framework: Framework, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / checklist_name(framework, "yaml")
    target.write_text("the previous good file\n")

    def broken(
        framework: Framework, path: Path, epoch: int | None, templates: Any, contact: Any
    ) -> None:
        path.write_text("half a file")
        raise RuntimeError("the disk is full")

    import guidebuild.forms

    monkeypatch.setattr(guidebuild.forms, "write_yaml", broken)
    with pytest.raises(RuntimeError, match="the disk is full"):
        write_checklists(framework, tmp_path, ["yaml"])
    assert [p.name for p in tmp_path.iterdir()] == [target.name]
    assert target.read_text() == "the previous good file\n"


def test_unknown_format_from_python(framework: Framework, tmp_path: Path) -> None:
    from guidebuild.errors import InputError

    with pytest.raises(InputError, match="unknown checklist format 'doc'; choose from pdf, xlsx"):
        write_checklists(framework, tmp_path, ["doc"])


def test_file_names(framework: Framework) -> None:
    other = structs.replace(framework, version="2.1")
    assert checklist_name(framework, "pdf") == "mentoring-schemes-1.1-checklist.pdf"
    assert checklist_name(other, "xlsx") == "mentoring-schemes-2.1-checklist.xlsx"
