"""The checklist workbook: its sheets and cells as a person sees them, and bad workbooks.

Round trips through openpyxl are in test_roundtrip.py; here the structure is checked with
openpyxl, and the workbook is opened and re-saved by LibreOffice Calc when it is installed.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from guidebuild.answers import read_answers
from guidebuild.cli import main
from guidebuild.forms import write_checklists
from guidebuild.framework.loader import Catalogue
from guidebuild.framework.model import Framework
from tests.conftest import SEARCHED, assert_refused
from tests.fixtures.forms import clients

REPO = Path(__file__).resolve().parent.parent
CHECKLISTS = REPO / "checklists"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "forms"
EPOCH = 1_735_689_600


@pytest.fixture(scope="module")
def framework() -> Framework:
    return Catalogue(CHECKLISTS).default()


@pytest.fixture(scope="module")
def book_path(framework: Framework, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_checklists(framework, tmp_path_factory.mktemp("xlsx"), ["xlsx"], epoch=EPOCH)[0]


@pytest.fixture(scope="module")
def book(book_path: Path) -> Any:
    return load_workbook(book_path)


def test_sheets(book_path: Path, book: Any) -> None:
    assert book_path.name == "mentoring-schemes-1.1-checklist.xlsx"
    assert book.sheetnames == ["How to fill in", "Scheme details", "Items", "Scores", "Action plan"]
    assert book.active.title == "How to fill in"


def test_items_sheet(framework: Framework, book: Any) -> None:
    sheet = book["Items"]
    header = [cell.value for cell in sheet[1]]
    assert header[:15] == [
        "ID", "Domain", "Question", "Must meet", "Absent looks like", "Weak looks like",
        "Adequate looks like", "Strong looks like", "Allowed ratings", "Rating", "Evidence",
        "Note", "Reason", "Counts as", "Score",
    ]  # fmt: skip
    # The rest are hidden: the parts of the sums the Scores sheet adds up.
    assert all(sheet.column_dimensions[c.column_letter].hidden for c in sheet[1][15:])
    assert sheet.freeze_panes == "B2"
    assert all(cell.font.bold for cell in sheet[1])
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [row[0] for row in rows] == list(framework.items)
    a1 = rows[0]
    item = framework.items["A1"]
    assert a1[1] == framework.domain_of("A1").title
    assert a1[2:9] == (
        item.question, "must meet", item.descriptors.absent, item.descriptors.weak,
        item.descriptors.adequate, item.descriptors.strong,
        "absent, weak, adequate, strong, practised, not-known",
    )  # fmt: skip
    assert a1[9:13] == (None, None, None, None)
    assert str(a1[13]).startswith("=IF(") and str(a1[14]).startswith("=IF(")
    assert sheet.column_dimensions["C"].width == 45
    assert sheet["C2"].alignment.wrap_text
    assert sheet.row_dimensions[2].height > 30  # tall enough for the wrapped descriptors


def test_rating_dropdowns_offer_only_each_items_ratings(framework: Framework, book: Any) -> None:
    sheet = book["Items"]
    lists: dict[str, str] = {}
    for validation in sheet.data_validations.dataValidation:
        assert validation.type == "list"
        assert validation.showErrorMessage
        for cell_range in validation.sqref.ranges:
            for row in range(cell_range.min_row, cell_range.max_row + 1):
                assert cell_range.min_col == cell_range.max_col == 10  # column J, Rating
                lists[str(sheet.cell(row=row, column=1).value)] = validation.formula1
    assert lists == {
        item_id: '"' + ",".join(r.value for r in item.ratings) + '"'
        for item_id, item in framework.items.items()
    }
    assert lists["R4"] == '"absent,weak,adequate,strong,practised,not-known,n/a"'
    assert lists["S4"] == '"absent,weak,adequate,strong,practised,not-known,not-yet-due"'


def test_scheme_details_and_framework(framework: Framework, book: Any) -> None:
    sheet = book["Scheme details"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Detail", "Value", "Help", "Key")
    assert rows[1][:2] == ("Framework", framework.key)
    labels = [row[0] for row in rows[2:]]
    count = len(framework.details)
    assert labels[:count] == [
        f.label + (" (required)" if f.required else "") for f in framework.details
    ]
    assert labels[count:] == [f"Red flag: {flag.text}" for flag in framework.red_flags]
    assert [row[3] for row in rows[2:]] == [f.key for f in framework.details] + [
        f"redflag_{flag.id}" for flag in framework.red_flags
    ]
    assert sheet.column_dimensions["D"].hidden
    assert sheet["B7"].number_format == "yyyy-mm-dd"  # the date of the assessment
    properties = {prop.name: prop.value for prop in book.custom_doc_props}
    assert properties == {"guidebuild-framework": framework.key}


def test_action_plan(framework: Framework, book: Any) -> None:
    sheet = book["Action plan"]
    assert [cell.value for cell in sheet[1]] == [
        "ID", "Item", "Action", "Owner", "Deadline", "Rated", "Counts as", "RAG",
    ]  # fmt: skip
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [row[0] for row in rows] == list(framework.items)
    a1 = rows[0]
    assert a1[2] == framework.items["A1"].action
    assert str(a1[7]).startswith("=IF(")  # worked out by the spreadsheet from the rating
    assert len(sheet.conditional_formatting) == 1


def test_reproducible_with_an_epoch(framework: Framework, book_path: Path, tmp_path: Path) -> None:
    again = write_checklists(framework, tmp_path, ["xlsx"], epoch=EPOCH)[0]
    assert again.read_bytes() == book_path.read_bytes()


def test_opens_cleanly_in_libreoffice(
    framework: Framework, book_path: Path, tmp_path: Path
) -> None:
    """LibreOffice Calc opens the filled workbook and saves it again, with the same answers."""
    soffice = shutil.which("soffice")
    # No skip: scripts/system-packages.sh --test installs libreoffice-calc-nogui for CI.
    assert soffice, "LibreOffice Calc is needed (Debian: libreoffice-calc-nogui)"
    data = {
        "scheme": {"name": "Calc", "organisation": "Trust", "assessed_on": "2025-04-30"},
        "answers": {"A1": {"rating": "adequate", "evidence": ["document: One", "record: Two"]},
                    "R4": {"rating": "n/a", "reason": "None near"}},
    }  # fmt: skip
    filled = tmp_path / "filled.xlsx"
    clients.fill_workbook(book_path, data["scheme"], data["answers"], filled)
    before, _ = read_answers(filled, Catalogue(CHECKLISTS))
    out = tmp_path / "saved-by-calc"
    done = subprocess.run(
        [soffice, f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless",
         "--convert-to", "xlsx", "--outdir", str(out), str(filled)],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    after, _ = read_answers(out / "filled.xlsx", Catalogue(CHECKLISTS))
    assert after.answers == before.answers
    assert after.scheme == before.scheme
    computed = load_workbook(out / "filled.xlsx", data_only=True)["Action plan"]
    assert [row[7].value for row in computed.iter_rows(min_row=2, max_row=3)] == ["green", "red"]


# -- bad workbooks ---------------------------------------------------------------------------

BAD_BOOKS: dict[str, list[str]] = {
    "truncated.xlsx": [
        "the workbook is damaged and cannot be read (File is not a zip file): it may have "
        "been cut short while being saved, copied or sent; save or send the whole file again"
    ],
    "not-a-workbook.xlsx": [
        "this is a zip file but not an Excel workbook (it has no xl/workbook.xml): fill in "
        "the checklist workbook (.xlsx)"
    ],
    "spreadsheet.ods": [
        "this is an OpenDocument spreadsheet (.ods): save it as an Excel workbook (.xlsx) "
        "and assess that"
    ],
    "missing-sheet.xlsx": [
        "the workbook has no sheet named 'Items' (it has 'How to fill in', 'Scheme details', "
        "'Action plan'): fill in the checklist workbook itself and keep its sheet names"
    ],
    "renamed-header.xlsx": [
        "sheet 'Items', row 1: no column headed 'Rating'; keep the header row of the "
        "checklist workbook as it is"
    ],
    "other-version.xlsx": [
        "sheet 'Scheme details', cell B2: framework mentoring-schemes@2.0 is not known; "
        f"known frameworks: mentoring-schemes@1.1, mentoring-schemes@1.0{SEARCHED}"
    ],
    "changed-framework.xlsx": [
        "sheet 'Scheme details', cell B2: the workbook says 'mentoring-schemes@0.9' but its "
        "properties say it was made from 'mentoring-schemes@1.0': the framework cell has "
        "been changed; fill in a fresh copy of the checklist"
    ],
    "bad-values.xlsx": [
        "sheet 'Scheme details', cell B7: scheme.assessed_on must be a date, for example "
        "14 February 2005, 14/02/2005, 2005-02-14, or a month: February 2005, 2005-02; not "
        "text 'last Tuesday'",
        "sheet 'Items', cell I2: A1: rating must be one of absent, weak, adequate, strong, "
        "not text 'excellent'",
        "sheet 'Items', cell I3: S2 does not allow n/a; it takes absent, weak, adequate, "
        "strong, not-yet-due",
    ],
    "duplicate-id.xlsx": ["sheet 'Items', cell A5: item 'A1' is listed twice (first in row 2)"],
}


@pytest.mark.parametrize("name", BAD_BOOKS)
def test_bad_workbook(name: str, tmp_path: Path) -> None:
    assert_refused(FIXTURES / name, BAD_BOOKS[name], fmt="csv", out=tmp_path / "report.csv")


def test_a_zip_bomb_is_refused(tmp_path: Path) -> None:
    import zipfile

    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<x/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (101 * 1024 * 1024))
    result = CliRunner().invoke(main, ["assess", "--frameworks", str(CHECKLISTS), str(bomb)])
    assert result.exit_code == 2
    assert "the workbook unpacks to more than 104,857,600 bytes: not a checklist" in result.stderr


def test_every_problem_names_its_cell(book_path: Path, tmp_path: Path) -> None:
    """Problems found by the shared checks point at the workbook's cells, all at once."""
    workbook = load_workbook(book_path)
    details = workbook["Scheme details"]
    details["B4"] = "Trust"
    details["B7"] = "2025-04-30"  # typed as text: read as the ISO date it is
    items = workbook["Items"]
    items["A40"], items["J40"] = "Z9", "weak"
    items["A41"], items["J41"] = "a1", "weak"
    items["J2"], items["K2"] = "Adequate", "Document: 2024 handbook"  # case is fine
    actions = workbook["Action plan"]
    actions["E2"] = "next spring"
    path = tmp_path / "filled.xlsx"
    workbook.save(path)
    result = CliRunner().invoke(main, ["assess", "--frameworks", str(CHECKLISTS), str(path)])
    items_hint = "mentoring-schemes@1.1 has items A1 to R4"
    assert result.stderr.splitlines() == [
        f"Error: {path}: 4 problems",
        f"  {path}: sheet 'Scheme details', cell B3: scheme is missing 'name'",
        f"  {path}: sheet 'Action plan', cell E2: A1.due must be a date, for example 14 "
        "February 2005, 14/02/2005, 2005-02-14, or a month: February 2005, 2005-02; not text "
        "'next spring'",
        f"  {path}: sheet 'Items', cell A40: unknown item 'Z9'; {items_hint}",
        f"  {path}: sheet 'Items', cell A41: unknown item 'a1' (did you mean 'A1'?); {items_hint}",
    ]
    assert result.exit_code == 2
