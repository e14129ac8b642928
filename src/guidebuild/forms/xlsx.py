"""The checklist as a workbook, in the manner of NICE's baseline assessment tools (openpyxl).

Sheets, in order:

- **How to fill in**: what the workbook is, the steps, and the rating scale;
- **Scheme details**: who and what is assessed, and the framework's ``id@version``
  (also a custom document property), which ``guidebuild assess`` checks;
- **Items**: a row per item with its ID, domain, question, what weak, adequate and strong
  look like, the ratings it allows, and the cells to fill in: Rating (a drop-down of that
  item's ratings only), Evidence, Note and Reason;
- **Action plan**: a row per item with its action, an Owner and a Deadline to fill in, and
  a RAG status that the spreadsheet works out from the rating, as ``assess`` does.

Header cells are named plainly, the header row is frozen, text wraps, and the cells to
fill in are shaded. Readers find columns by their header (:mod:`guidebuild.fields`),
so a user who inserts a column of their own does no harm.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path
from typing import Any

from guidebuild.fields import (
    ACTION_HEADERS,
    ACTIONS_SHEET,
    CUSTOM_PROPERTY,
    DETAILS_HEADERS,
    DETAILS_SHEET,
    GUIDE_SHEET,
    ITEM_HEADERS,
    ITEMS_SHEET,
    RATING_MEANINGS,
    SCHEME_FIELDS,
    field_help,
)
from guidebuild.framework.model import SCORED_RATINGS, Framework, Item, Rating

FRAMEWORK_LABEL = "Framework"
"""The label of the Scheme details row that holds ``id@version``."""

_WIDTHS = {
    "ID": 7,
    "Domain": 22,
    "Question": 45,
    "Must meet": 10,
    "Weak looks like": 34,
    "Adequate looks like": 34,
    "Strong looks like": 34,
    "Allowed ratings": 22,
    "Rating": 14,
    "Evidence": 40,
    "Note": 32,
    "Reason": 32,
    "Item": 30,
    "Action": 50,
    "Owner": 20,
    "Deadline": 14,
    "RAG": 9,
}
_INPUT_FILL = "FFF7D6"  # pale yellow: the cells to fill in
_HEADER_FILL = "DEE0E2"
_RAG_FILLS = {"red": "F4C7C3", "amber": "FCE8B2", "green": "C8E6C9"}
_DATE_FORMAT = "yyyy-mm-dd"
_FONT = "Calibri"
"""openpyxl's default; named on every styled cell, or LibreOffice falls back to a serif."""


def write_workbook(framework: Framework, target: Path, *, epoch: int | None = None) -> None:
    """Write the checklist workbook of ``framework`` to ``target``.

    With ``epoch`` the file is byte-reproducible: its document dates and the zip entries'
    timestamps are that moment rather than now.
    """
    workbook = build_workbook(framework, epoch)
    buffer = io.BytesIO()
    workbook.save(buffer)
    data = buffer.getvalue()
    if epoch is not None:
        data = _fix_timestamps(data, epoch)
    target.write_bytes(data)


def build_workbook(framework: Framework, epoch: int | None = None) -> Any:
    """The workbook, not yet saved."""
    from openpyxl import Workbook
    from openpyxl.packaging.custom import StringProperty

    workbook = Workbook()
    guide = workbook.active
    guide.title = GUIDE_SHEET
    _guide_sheet(guide, framework)
    details = workbook.create_sheet(DETAILS_SHEET)
    _details_sheet(details, framework)
    items = workbook.create_sheet(ITEMS_SHEET)
    rows = _items_sheet(items, framework)
    actions = workbook.create_sheet(ACTIONS_SHEET)
    _actions_sheet(actions, framework, rows)

    properties = workbook.properties
    properties.title = f"{framework.title}: checklist, version {framework.version}"
    properties.subject = "Self-assessment checklist"
    properties.creator = "guidebuild"
    properties.keywords = f"self-assessment, checklist, {framework.key}"
    properties.language = "en-GB"
    if epoch is not None:
        moment = dt.datetime.fromtimestamp(epoch, dt.UTC).replace(tzinfo=None)
        properties.created = moment
        properties.modified = moment
    workbook.custom_doc_props.append(StringProperty(name=CUSTOM_PROPERTY, value=framework.key))
    return workbook


def _date_validation(title: str, example: str) -> Any:
    """A cell rule that accepts only dates, saying so with an example."""
    from openpyxl.worksheet.datavalidation import DataValidation

    return DataValidation(
        type="date",
        operator="greaterThan",
        formula1="1",
        allow_blank=True,
        showErrorMessage=True,
        errorTitle=title,
        error=f"Type a date, for example {example}.",
    )


def _header(sheet: Any, headers: tuple[str, ...]) -> None:
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    sheet.append(list(headers))
    bottom = Border(bottom=Side(style="medium", color="0B0C0C"))
    for cell in sheet[1]:
        cell.font = Font(name=_FONT, bold=True)
        cell.fill = PatternFill("solid", fgColor=_HEADER_FILL)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        cell.border = bottom
    for index, name in enumerate(headers, start=1):
        sheet.column_dimensions[_letter(index)].width = _WIDTHS.get(name, 30)
    sheet.freeze_panes = "B2" if headers[0] == "ID" else "A2"
    # Printed on A4 across as many pages as the columns need, at full size, with the
    # header row (and the ID column) repeated on every page.
    sheet.print_title_rows = "1:1"
    if headers[0] == "ID":
        sheet.print_title_cols = "A:A"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(index))


def _wrap(sheet: Any, first_row: int = 2) -> None:
    """Wrap every cell's text and make each row tall enough to show all of it.

    Neither Excel nor LibreOffice works out the height of a row of wrapped text that a
    program wrote, so the height is estimated here from the text and the column widths.
    """
    from openpyxl.styles import Alignment

    for row in sheet.iter_rows(min_row=first_row):
        lines = 1
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if isinstance(cell.value, str) and not cell.value.startswith("="):
                width = sheet.column_dimensions[cell.column_letter].width or 10
                lines = max(lines, _lines(cell.value, width))
        sheet.row_dimensions[row[0].row].height = _LINE_HEIGHT * lines + 3


_LINE_HEIGHT = 15
"""Points per line of 11pt Calibri (or Carlito), the workbook's default font."""


def _lines(text: str, width: float) -> int:
    """How many lines ``text`` takes in a column ``width`` characters wide, roughly."""
    per_line = max(1, int(width * 1.05) - 1)  # proportional text: a little over 1 a unit
    total = 0
    for paragraph in text.split("\n"):
        words = paragraph.split()
        count, used = 1, 0
        for word in words:
            if used and used + 1 + len(word) > per_line:
                count += 1
                used = len(word)
            else:
                used += len(word) + (1 if used else 0)
        total += count
    return total


def _input_cell(cell: Any) -> None:
    from openpyxl.styles import PatternFill

    cell.fill = PatternFill("solid", fgColor=_INPUT_FILL)


def _guide_sheet(sheet: Any, framework: Framework) -> None:
    from openpyxl.styles import Font

    lines: list[tuple[str, str | None]] = [
        ("Self-assessment checklist", "title"),
        (framework.title, "subtitle"),
        (f"Framework {framework.id}, version {framework.version}", None),
        ("", None),
        ("How to fill in this workbook", "heading"),
        (
            "1. On the Scheme details sheet, fill in the shaded cells. The name of the scheme, "
            "the organisation and the date of the assessment are needed.",
            None,
        ),
        (
            "2. On the Items sheet, read each question and what weak, adequate and strong look "
            "like, then choose a rating from the drop-down in the Rating column.",
            None,
        ),
        (
            "3. Adequate or strong needs evidence: in the Evidence column name the documents, "
            "records or links that show it, one per line (Alt+Enter starts a new line). "
            "Without evidence the item counts as weak.",
            None,
        ),
        (
            "4. An item left without a rating counts as absent. Where an item allows n/a or "
            "not-yet-due, say why in the Reason column (n/a needs a reason).",
            None,
        ),
        (
            "5. On the Action plan sheet, name an owner and a deadline for each item that needs "
            "action. The RAG column follows the ratings: red for absent (or a must-meet item "
            "below adequate), amber for weak, green for adequate or better.",
            None,
        ),
        (
            "6. Save the workbook as an Excel workbook (.xlsx) and score it with: guidebuild "
            "assess FILE.xlsx. Keep the sheet names and the header row as they are.",
            None,
        ),
        ("", None),
        ("The rating scale", "heading"),
    ]
    lines += [
        (f"{rating.value}: {RATING_MEANINGS[rating]}", None)
        for rating in (*SCORED_RATINGS, Rating.NA, Rating.NOT_YET_DUE)
    ]
    lines += [
        (
            "Items marked must meet weigh double, and one of them below adequate caps its "
            "domain at weak.",
            None,
        ),
    ]
    for text, style in lines:
        sheet.append([text])
        cell = sheet.cell(row=sheet.max_row, column=1)
        if style == "title":
            cell.font = Font(name=_FONT, bold=True, size=18)
        elif style == "subtitle":
            cell.font = Font(name=_FONT, size=14)
        elif style == "heading":
            cell.font = Font(name=_FONT, bold=True, size=13)
    sheet.column_dimensions["A"].width = 85
    _wrap(sheet, first_row=1)
    for row in (1, 2):
        sheet.row_dimensions[row].height = 26 if row == 1 else 20
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True


def _details_sheet(sheet: Any, framework: Framework) -> None:
    from openpyxl.styles import Font, PatternFill

    _header(sheet, DETAILS_HEADERS)
    sheet.column_dimensions["A"].width = 32
    sheet.column_dimensions["B"].width = 45
    sheet.column_dimensions["C"].width = 45
    sheet.append([FRAMEWORK_LABEL, framework.key, "Filled in for you: do not change it."])
    sheet["B2"].fill = PatternFill("solid", fgColor=_HEADER_FILL)
    dates = _date_validation("A date", "2025-04-30")
    sheet.add_data_validation(dates)
    for field in SCHEME_FIELDS:
        label = field.label + (" (required)" if field.required else "")
        sheet.append([label, None, field_help(field)])
        value = sheet.cell(row=sheet.max_row, column=2)
        _input_cell(value)
        if field.date:
            value.number_format = _DATE_FORMAT
            dates.add(value.coordinate)
        if field.required:
            sheet.cell(row=sheet.max_row, column=1).font = Font(name=_FONT, bold=True)
    _wrap(sheet)


def _allowed(item: Item) -> str:
    return ", ".join(rating.value for rating in item.ratings)


def _items_sheet(sheet: Any, framework: Framework) -> dict[str, int]:
    """Fill the Items sheet; return each item's row."""
    from openpyxl.worksheet.datavalidation import DataValidation

    _header(sheet, ITEM_HEADERS)
    column = {name: index for index, name in enumerate(ITEM_HEADERS, start=1)}
    validations: dict[str, Any] = {}
    rows: dict[str, int] = {}
    for domain in framework.domains:
        for item in domain.items:
            sheet.append(
                [
                    item.id,
                    domain.title,
                    item.question,
                    "must meet" if item.must_meet else "",
                    item.descriptors.weak,
                    item.descriptors.adequate,
                    item.descriptors.strong,
                    _allowed(item),
                    None,
                    None,
                    None,
                    None,
                ]
            )
            row = sheet.max_row
            rows[item.id] = row
            allowed = _allowed(item)
            if allowed not in validations:
                validation = DataValidation(
                    type="list",
                    formula1=f'"{",".join(r.value for r in item.ratings)}"',
                    allow_blank=True,
                    showErrorMessage=True,
                    showInputMessage=True,
                    errorTitle="Rating",
                    error=f"Choose one of: {allowed}.",
                    promptTitle="Rating",
                    prompt=f"Choose one of: {allowed}.",
                )
                sheet.add_data_validation(validation)
                validations[allowed] = validation
            validations[allowed].add(sheet.cell(row=row, column=column["Rating"]).coordinate)
            for name in ("Rating", "Evidence", "Note", "Reason"):
                _input_cell(sheet.cell(row=row, column=column[name]))
    _wrap(sheet)
    sheet.auto_filter.ref = sheet.dimensions
    return rows


def _actions_sheet(sheet: Any, framework: Framework, rows: dict[str, int]) -> None:
    from openpyxl.formatting.rule import CellIsRule
    from openpyxl.styles import PatternFill

    _header(sheet, ACTION_HEADERS)
    item_column = {name: index for index, name in enumerate(ITEM_HEADERS, start=1)}
    rating_col = _letter(item_column["Rating"])
    evidence_col = _letter(item_column["Evidence"])
    dates = _date_validation("Deadline", "2025-09-30")
    sheet.add_data_validation(dates)
    for item_id, item in framework.items.items():
        rating = f"'{ITEMS_SHEET}'!{rating_col}{rows[item_id]}"
        evidence = f"'{ITEMS_SHEET}'!{evidence_col}{rows[item_id]}"
        rag = _rag_formula(item, rating, evidence)
        sheet.append([item_id, item.title, item.action, None, None, rag])
        row = sheet.max_row
        _input_cell(sheet.cell(row=row, column=4))
        deadline = sheet.cell(row=row, column=5)
        _input_cell(deadline)
        deadline.number_format = _DATE_FORMAT
        dates.add(deadline.coordinate)
    _wrap(sheet)
    rag_range = f"F2:F{sheet.max_row}"
    for status, colour in _RAG_FILLS.items():
        sheet.conditional_formatting.add(
            rag_range,
            CellIsRule(
                operator="equal",
                formula=[f'"{status}"'],
                fill=PatternFill("solid", fgColor=colour, bgColor=colour),
            ),
        )


def _rag_formula(item: Item, rating: str, evidence: str) -> str:
    """The RAG status as the framework's rule 7 gives it, for the rating typed in."""
    not_counted = f'OR({rating}="n/a",{rating}="not-yet-due")'
    if item.must_meet:
        # A must-meet item below adequate (weak, absent, unanswered, or without evidence).
        return (
            f'=IF({not_counted},"n/a",IF(OR({rating}="",{rating}="absent",{rating}="weak"),'
            f'"red",IF({evidence}="","red","green")))'
        )
    return (
        f'=IF({not_counted},"n/a",IF(OR({rating}="",{rating}="absent"),"red",'
        f'IF({rating}="weak","amber",IF({evidence}="","amber","green"))))'
    )


_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")


def _fix_timestamps(data: bytes, epoch: int) -> bytes:
    """The same workbook with every timestamp at ``epoch``: a byte-reproducible file.

    openpyxl stamps the document's modified date and each zip entry with the time of
    saving; both are set to the build's time instead.
    """
    moment = dt.datetime.fromtimestamp(epoch, dt.UTC)
    stamp = moment.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    zip_time = max(moment, dt.datetime(1980, 1, 1, tzinfo=dt.UTC)).timetuple()[:6]
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = _MODIFIED.sub(rb"\g<1>" + stamp + rb"\g<2>", content)
            entry = zipfile.ZipInfo(info.filename, date_time=zip_time)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, content)
    return out.getvalue()
