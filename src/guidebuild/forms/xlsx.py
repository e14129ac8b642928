"""The checklist as a workbook, in the manner of NICE's baseline assessment tools (openpyxl).

Sheets, in order:

- **How to fill in**: what the workbook is, the steps, and the rating scale;
- **Scheme details**: who and what is assessed, and the framework's ``id@version``
  (also a custom document property), which ``guidebuild assess`` checks;
- **Items**: a row per item with its ID, domain, question, what weak, adequate and strong
  look like, the ratings it allows, and the cells to fill in: Rating (a drop-down of that
  item's ratings only), Evidence, Note and Reason;
- **Scores**: each domain's percent and verdict, the overall percent and band, worked out
  live by formulas (:mod:`guidebuild.forms.xlsx_formulas`) with the framework's rules;
- **Action plan**: a row per item with its action, an Owner and a Deadline to fill in, the
  rating given and what it counts as, and a RAG status worked out as ``assess`` does.

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
    ITEM_HELPER_HEADERS,
    ITEMS_SHEET,
    RED_FLAG_ANSWERS,
    SCORES_SHEET,
    field_help,
    finished_text,
    red_flag_field_name,
)
from guidebuild.forms import xlsx_formulas as fx
from guidebuild.framework.model import RED_FLAG_EFFECT, Framework, Item, Rating

FRAMEWORK_LABEL = "Framework"
"""The label of the Scheme details row that holds ``id@version``."""

_WIDTHS = {
    "ID": 7,
    "Domain": 22,
    "Question": 45,
    "Must meet": 10,
    "Absent looks like": 34,
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
    "Rated": 14,
    "Counts as": 14,
    "Score": 8,
    "RAG": 9,
}
_INPUT_FILL = "FFF7D6"  # pale yellow: the cells to fill in
_HEADER_FILL = "DEE0E2"
_RAG_FILLS = {"red": "F4C7C3", "amber": "FCE8B2", "green": "C8E6C9"}
_DATE_FORMAT = "yyyy-mm-dd"
_FONT = "Calibri"
"""openpyxl's default; named on every styled cell, or LibreOffice falls back to a serif."""


def write_workbook(
    framework: Framework, target: Path, *, epoch: int | None = None, contact: str | None = None
) -> None:
    """Write the checklist workbook of ``framework`` to ``target``.

    With ``epoch`` the file is byte-reproducible: its document dates and the zip entries'
    timestamps are that moment rather than now.
    """
    workbook = build_workbook(framework, epoch, contact)
    buffer = io.BytesIO()
    workbook.save(buffer)
    data = buffer.getvalue()
    if epoch is not None:
        data = _fix_timestamps(data, epoch)
    target.write_bytes(data)


def build_workbook(
    framework: Framework, epoch: int | None = None, contact: str | None = None
) -> Any:
    """The workbook, not yet saved."""
    from openpyxl import Workbook
    from openpyxl.packaging.custom import StringProperty

    workbook = Workbook()
    guide = workbook.active
    guide.title = GUIDE_SHEET
    _guide_sheet(guide, framework, contact)
    details = workbook.create_sheet(DETAILS_SHEET)
    flag_cells = _details_sheet(details, framework)
    items = workbook.create_sheet(ITEMS_SHEET)
    rows = _items_sheet(items, framework, flag_cells)
    scores = workbook.create_sheet(SCORES_SHEET)
    _scores_sheet(scores, framework, rows, flag_cells)
    actions = workbook.create_sheet(ACTIONS_SHEET)
    _actions_sheet(actions, framework, rows)

    properties = workbook.properties
    properties.title = f"{framework.title}: checklist, version {framework.version}"
    properties.subject = "Self-assessment checklist"
    properties.creator = "guidebuild"
    properties.keywords = ", ".join((*framework.keywords, framework.key))
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


def _guide_sheet(sheet: Any, framework: Framework, contact: str | None) -> None:
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
            "2. On the Items sheet, read each question and what each level looks like, then "
            "choose a rating from the drop-down in the Rating column."
            + (f" {framework.rules.tie_break.strip()}" if framework.rules.tie_break else ""),
            None,
        ),
        (
            "3. Adequate or strong needs evidence: in the Evidence column name what shows it, "
            "one per line (Alt+Enter starts a new line)"
            + (
                ", each line starting with its kind ("
                + ", ".join(f"{k.label}:" for k in framework.rules.evidence.kinds)
                + ")"
                if framework.rules.evidence.kinds
                else ""
            )
            + ". Without evidence the item counts as weak.",
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
            "6. The Scores sheet works out each domain's score and verdict, the overall "
            "percent and the band as you go, by the framework's rules.",
            None,
        ),
        (
            "7. Save the workbook as an Excel workbook (.xlsx). Keep the sheet names and the "
            "header rows as they are. " + finished_text(contact, fmt="xlsx"),
            None,
        ),
        ("", None),
        ("The rating scale", "heading"),
    ]
    lines += [
        (f"{entry.rating.value}: {entry.meaning}", None) for entry in framework.rules.scale.entries
    ]
    if framework.red_flags:
        lines += [
            ("", None),
            ("Red flags", "heading"),
            (
                "On the Scheme details sheet, answer yes to each red flag that is true. "
                + RED_FLAG_EFFECT
                + " The Scores sheet then says: "
                + framework.red_flag_warning.strip(),
                None,
            ),
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


def _details_sheet(sheet: Any, framework: Framework) -> dict[str, str]:
    """Fill the Scheme details sheet; return each red flag's answer cell, for formulas."""
    from openpyxl.styles import Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    _header(sheet, DETAILS_HEADERS)
    sheet.column_dimensions["A"].width = 32
    sheet.column_dimensions["B"].width = 45
    sheet.column_dimensions["C"].width = 45
    sheet.column_dimensions["D"].hidden = True  # the details' keys, for the reader
    sheet.append([FRAMEWORK_LABEL, framework.key, "Filled in for you: do not change it."])
    sheet["B2"].fill = PatternFill("solid", fgColor=_HEADER_FILL)
    for field in framework.details:
        label = field.label + (" (required)" if field.required else "")
        sheet.append([label, None, field_help(field), field.key])
        value = sheet.cell(row=sheet.max_row, column=2)
        _input_cell(value)
        if field.date:
            # Dates as people type them, or a date the spreadsheet knows; the reader
            # normalises both. No date-only rule: "February 2005" is a fine answer.
            value.number_format = _DATE_FORMAT
        if field.required:
            sheet.cell(row=sheet.max_row, column=1).font = Font(name=_FONT, bold=True)
    cells: dict[str, str] = {}
    if framework.red_flags:
        answers = ",".join(RED_FLAG_ANSWERS)
        choice = DataValidation(
            type="list",
            formula1=f'"{answers}"',
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="Red flag",
            error="Answer yes or no.",
        )
        sheet.add_data_validation(choice)
        for flag in framework.red_flags:
            sheet.append(
                [
                    f"Red flag: {flag.text}",
                    None,
                    f"yes or no; yes counts {', '.join(flag.forces)} as absent",
                    red_flag_field_name(flag.id),
                ]
            )
            value = sheet.cell(row=sheet.max_row, column=2)
            _input_cell(value)
            choice.add(value.coordinate)
            cells[flag.id] = f"'{DETAILS_SHEET}'!$B${sheet.max_row}"
    _wrap(sheet)
    return cells


def _allowed(item: Item) -> str:
    return ", ".join(rating.value for rating in item.ratings)


_HEADERS = ITEM_HEADERS + ITEM_HELPER_HEADERS


def _col(name: str) -> str:
    """The column letter of an Items sheet header."""
    return _letter(_HEADERS.index(name) + 1)


def _items_sheet(sheet: Any, framework: Framework, flag_cells: dict[str, str]) -> dict[str, int]:
    """Fill the Items sheet, with the formulas that score each item; return each item's row."""
    from openpyxl.worksheet.datavalidation import DataValidation

    _header(sheet, _HEADERS)
    for name in ITEM_HELPER_HEADERS:
        sheet.column_dimensions[_col(name)].hidden = True
    rules = framework.rules
    forcing: dict[str, list[str]] = {}
    for flag in framework.red_flags:
        for item_id in flag.forces:
            forcing.setdefault(item_id, []).append(flag_cells[flag.id])
    validations: dict[str, Any] = {}
    rows: dict[str, int] = {}
    for domain in framework.domains:
        for item in domain.items:
            row = sheet.max_row + 1
            rows[item.id] = row

            def at(name: str, row: int = row) -> str:
                return f"{_col(name)}{row}"

            flags = forcing.get(item.id, [])
            counted = fx.counted_as(rules, at("Rating"), at("Evidence"), flags)
            values = {
                "ID": item.id,
                "Domain": domain.title,
                "Question": item.question,
                "Must meet": "must meet" if item.must_meet else "",
                "Absent looks like": item.descriptors.absent,
                "Weak looks like": item.descriptors.weak,
                "Adequate looks like": item.descriptors.adequate,
                "Strong looks like": item.descriptors.strong,
                "Allowed ratings": _allowed(item),
                "Counts as": f"={counted}",
                "Score": f"={fx.score(rules, at('Counts as'))}",
                "Domain ID": domain.id,
                "Weight": item.weight,
                "Points": f"={fx.points(at('Score'), item.weight)}",
                "Ceiling": f"={fx.ceiling(rules, at('Score'), item.weight)}",
                "N/A": f"={fx.is_rating(at('Counts as'), Rating.NA)}",
                "Not yet due": f"={fx.is_rating(at('Counts as'), Rating.NOT_YET_DUE)}",
                "Must-meet failure": f"={fx.must_meet_failure(rules, at('Score'), item.must_meet)}",
                "Not known": f"={fx.not_known(at('Rating'), flags)}",
                "Best score": f"={fx.best_score(rules, at('Score'), at('Not known'))}",
                "Best points": f"={fx.points(at('Best score'), item.weight)}",
                "Best must-meet failure": (
                    f"={fx.must_meet_failure(rules, at('Best score'), item.must_meet)}"
                ),
            }
            sheet.append([values.get(name) for name in _HEADERS])
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
            validations[allowed].add(at("Rating"))
            for name in ("Rating", "Evidence", "Note", "Reason"):
                _input_cell(sheet[at(name)])
    _wrap(sheet)
    sheet.auto_filter.ref = f"A1:{_col(ITEM_HEADERS[-1])}{sheet.max_row}"
    return rows


SCORE_HEADERS = (
    "Domain",
    "Core",
    "Weight",
    "Score",
    "Verdict",
    "Notes",
)
"""The Scores sheet's visible columns, one row per domain."""
SCORE_HELPERS = (
    "ID",
    "Points",
    "Ceiling",
    "Items",
    "N/A",
    "Not yet due",
    "Must-meet failures",
    "Assessable",
    "Raw verdict",
    "Ceiling for LCM",
    "Scaled",
    "Counted weight",
    "Best points",
    "Best must-meet failures",
    "Best raw verdict",
    "Best verdict",
    "Best scaled",
)
_SCORE_COLUMNS = SCORE_HEADERS + SCORE_HELPERS
OVERALL_LABELS = (
    "Warning",
    "Overall score",
    "Band",
    "Provisional",
    "Uncertain",
    "Band if the items not known were strong",
    "Items not known",
    "Must-meet items below adequate",
)
"""The labels (column A) of the overall results under the domain rows."""


def _scores_sheet(
    sheet: Any, framework: Framework, rows: dict[str, int], flag_cells: dict[str, str]
) -> None:
    """The live scores: a row per domain, then the overall results (formulas only)."""
    from openpyxl.styles import Font

    rules = framework.rules
    _header(sheet, _SCORE_COLUMNS)
    for index, name in enumerate(_SCORE_COLUMNS, start=1):
        if name in SCORE_HELPERS:
            sheet.column_dimensions[_letter(index)].hidden = True
    sheet.column_dimensions["A"].width = 45
    sheet.column_dimensions["F"].width = 50

    def col(name: str) -> str:
        return _letter(_SCORE_COLUMNS.index(name) + 1)

    def items_range(name: str) -> str:
        last = max(rows.values())
        return f"'{ITEMS_SHEET}'!${_col(name)}$2:${_col(name)}${last}"

    first = 2
    last = first + len(framework.domains) - 1
    lcm_cell = f"$B${last + 3}"
    for offset, domain in enumerate(framework.domains):
        r = first + offset

        def at(name: str, r: int = r) -> str:
            return f"{col(name)}{r}"

        def total(name: str, r: int = r) -> str:
            return f"=SUMIF({items_range('Domain ID')},{at('ID', r)},{items_range(name)})"

        raw = fx.raw_verdict(rules, at("Points"), at("Ceiling"))
        best_raw = fx.raw_verdict(rules, at("Best points"), at("Ceiling"))
        capped = (
            f"=IF(AND({at('Assessable')}=1,{at('Must-meet failures')}>0,"
            f'OR({at("Raw verdict")}="strong",{at("Raw verdict")}="adequate")),'
            f'"Capped at weak: a must-meet item is below adequate. ","")'
            f'&IF({at("Not yet due")}>0,"Provisional: an item is not yet due.","")'
        )
        values = {
            "Domain": domain.title,
            "Core": "yes" if domain.core else "no",
            "Weight": domain.weight,
            "Score": (
                f'=IF({at("Assessable")}=0,"not assessable",'
                f"{fx.floor_percent(at('Points'), at('Ceiling'))})"
            ),
            "Verdict": "="
            + fx.verdict(rules, at("Raw verdict"), at("Assessable"), at("Must-meet failures")),
            "Notes": capped,
            "ID": domain.id,
            "Points": total("Points"),
            "Ceiling": total("Ceiling"),
            "Items": f"=COUNTIF({items_range('Domain ID')},{at('ID')})",
            "N/A": total("N/A"),
            "Not yet due": total("Not yet due"),
            "Must-meet failures": total("Must-meet failure"),
            "Assessable": f"={fx.assessable(rules, at('N/A'), at('Items'), at('Ceiling'))}",
            "Raw verdict": f"={raw}",
            "Ceiling for LCM": f"=IF({at('Assessable')}=1,{at('Ceiling')},1)",
            "Scaled": "="
            + fx.scaled(at("Assessable"), at("Weight"), at("Points"), lcm_cell, at("Ceiling")),
            "Counted weight": f"=IF({at('Assessable')}=1,{at('Weight')},0)",
            "Best points": total("Best points"),
            "Best must-meet failures": total("Best must-meet failure"),
            "Best raw verdict": f"={best_raw}",
            "Best verdict": "="
            + fx.verdict(
                rules, at("Best raw verdict"), at("Assessable"), at("Best must-meet failures")
            ),
            "Best scaled": "="
            + fx.scaled(at("Assessable"), at("Weight"), at("Best points"), lcm_cell, at("Ceiling")),
        }
        sheet.append([values.get(name) for name in _SCORE_COLUMNS])

    def span(name: str) -> str:
        return f"${col(name)}${first}:${col(name)}${last}"

    sheet.append([])
    # Row last + 2: the warning; last + 3: LCM and sums (hidden helpers in B to E).
    n, d = f"$C${last + 3}", f"$D${last + 3}"
    best_n = f"$E${last + 3}"
    cols = fx.Columns(
        core=span("Core"), verdict=span("Verdict"), failures=span("Must-meet failures")
    )
    best_cols = fx.Columns(
        core=span("Core"), verdict=span("Best verdict"), failures=span("Best must-meet failures")
    )
    flags = list(flag_cells.values())
    warning = (
        f"=IF(OR({','.join(f'LOWER(TRIM({c}))=' + fx.quote('yes') for c in flags)}),"
        f"{fx.quote(framework.red_flag_warning.strip())},{fx.quote('')})"
        if flags
        else ""
    )
    ticked = "+".join(f"IF(LOWER(TRIM({c}))={fx.quote('yes')},1,0)" for c in flags) or "0"
    sheet.append([OVERALL_LABELS[0], warning])
    sheet.append(
        [
            "Sums (for the formulas)",
            f"=LCM({span('Ceiling for LCM')})",
            f"=SUM({span('Scaled')})",
            f"={lcm_cell}*SUM({span('Counted weight')})",
            f"=SUM({span('Best scaled')})",
        ]
    )
    sheet.row_dimensions[last + 3].hidden = True
    band_cell = f"$B${last + 5}"
    best_band = fx.band(rules, best_cols, best_n, d, ticked)
    not_known = f"SUM({items_range('Not known')})"
    overall = [
        (OVERALL_LABELS[1], f"=IF({d}=0,0,{fx.floor_percent(n, d)})"),
        (OVERALL_LABELS[2], f"={fx.band(rules, cols, n, d, ticked)}"),
        (OVERALL_LABELS[3], f'=IF(SUM({span("Not yet due")})>0,"yes","no")'),
        (
            OVERALL_LABELS[4],
            (
                f'=IF(AND({not_known}>0,{band_cell}<>{best_band}),"yes","no")'
                if rules.uncertain
                else '="no"'
            ),
        ),
        (OVERALL_LABELS[5], f'=IF({not_known}>0,{best_band},"")'),
        (OVERALL_LABELS[6], f"={not_known}"),
        (OVERALL_LABELS[7], f"=SUM({span('Must-meet failures')})"),
    ]
    for label, formula in overall:
        sheet.append([label, formula])
        sheet.cell(row=sheet.max_row, column=1).font = Font(name=_FONT, bold=True)
    sheet["B" + str(last + 4)].number_format = "0.0"
    _wrap(sheet)


def _actions_sheet(sheet: Any, framework: Framework, rows: dict[str, int]) -> None:
    from openpyxl.formatting.rule import CellIsRule
    from openpyxl.styles import PatternFill

    _header(sheet, ACTION_HEADERS)
    dates = _date_validation("Deadline", "2005-09-30")
    sheet.add_data_validation(dates)
    rag_col = _letter(ACTION_HEADERS.index("RAG") + 1)
    for item_id, item in framework.items.items():
        row = rows[item_id]

        def item_cell(name: str, row: int = row) -> str:
            return f"'{ITEMS_SHEET}'!{_col(name)}{row}"

        rated = f'=IF(TRIM({item_cell("Rating")})="","(none)",LOWER(TRIM({item_cell("Rating")})))'
        rag = f"={fx.rag(framework.rules, item_cell('Score'), item.must_meet)}"
        sheet.append(
            [item_id, item.title, item.action, None, None, rated, f"={item_cell('Counts as')}", rag]
        )
        current = sheet.max_row
        _input_cell(sheet.cell(row=current, column=4))
        deadline = sheet.cell(row=current, column=5)
        _input_cell(deadline)
        deadline.number_format = _DATE_FORMAT
        dates.add(deadline.coordinate)
    _wrap(sheet)
    rag_range = f"{rag_col}2:{rag_col}{sheet.max_row}"
    for status, colour in _RAG_FILLS.items():
        sheet.conditional_formatting.add(
            rag_range,
            CellIsRule(
                operator="equal",
                formula=[f'"{status}"'],
                fill=PatternFill("solid", fgColor=colour, bgColor=colour),
            ),
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
