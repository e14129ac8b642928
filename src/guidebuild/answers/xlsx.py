"""Read a filled checklist workbook into the shape of a scheme file.

The workbook is the one :mod:`guidebuild.forms.xlsx` writes, filled in Excel, LibreOffice
Calc or any other tool that saves ``.xlsx``. Columns are found by their header in row 1
and scheme details by their label, so inserted columns and rows do no harm. The result is
the plain mapping a scheme YAML file parses to, which
:func:`guidebuild.answers.build.build_answers` checks exactly as it checks YAML; every
problem names the sheet and cell it comes from.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import warnings
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from guidebuild.errors import InputError, Problem
from guidebuild.fields import (
    ACTION_READ_HEADERS,
    ACTIONS_SHEET,
    CUSTOM_PROPERTY,
    DETAILS_SHEET,
    ITEM_READ_HEADERS,
    ITEMS_SHEET,
    RED_FLAG_PREFIX,
    evidence_lines,
    normalise_newlines,
)

MAX_BYTES = 20 * 1024 * 1024
"""Largest workbook file we read; a filled checklist is a few tens of KB."""
MAX_UNPACKED = 100 * 1024 * 1024
"""Largest total size of the zip's entries once unpacked (a zip bomb is refused)."""
MAX_PART = 2 * 1024 * 1024
"""Largest unpacked size of any one part (a sheet, the shared strings, the styles). Ours
are under 40 KB, and a sheet filled with long answers stays well below 1 MB; openpyxl
scans a whole sheet to size it when the sheet does not say, so this bounds that time."""
MAX_ROWS = 5000
_DETAIL_COLUMNS = 8
"""Scheme details: label, value, help and the hidden key, with room for a column or two
the user inserted."""
"""More rows than any checklist has: a sheet longer than this is not ours."""
MAX_COLUMNS = 64
"""Columns read in any sheet: ours have twelve; cells beyond are never looked at."""
MAX_CELLS = 200_000
"""Cells read in all, counted while streaming: the unpacked size does not bound the cost
of a cell, so the count does (with ``read_only``, memory stays flat as rows go by)."""
FRAMEWORK_LABEL = "Framework"
_MISSING = re.compile(r"is missing '([a-z_]+)'")


@dataclass(frozen=True)
class Cell:
    sheet: str
    coordinate: str

    def __str__(self) -> str:
        return f"sheet {self.sheet!r}, cell {self.coordinate}"


@dataclass(frozen=True)
class Workbook:
    """A filled workbook's answers as scheme-file data, able to name the cell of any value."""

    path: str
    data: dict[str, Any]
    cells: dict[tuple[str, ...], Cell]
    """Where each value came from: ("framework",), ("scheme", key), ("answers", id, part)."""

    def problem(self, keys: Sequence[str | int], message: str, *, key: bool = False) -> Problem:
        """A problem located at the cell that holds the value at ``keys``."""
        return Problem(self.path, f"{self._where(keys, message)}: {message}")

    def _where(self, keys: Sequence[str | int], message: str) -> str:
        path = tuple(str(k) for k in keys if isinstance(k, str))
        line = next((k + 1 for k in keys if isinstance(k, int)), None)
        if path == ("scheme",):
            missing = _MISSING.search(message)
            if missing and ("scheme", missing[1]) in self.cells:
                return str(self.cells["scheme", missing[1]])
            return f"sheet {DETAILS_SHEET!r}"
        while path:
            if path in self.cells:
                where = str(self.cells[path])
                return where + (f", line {line}" if line else "")
            if len(path) == 2 and path[0] == "answers" and (*path, "id") in self.cells:
                return str(self.cells[(*path, "id")])
            path = path[:-1]
        return "the workbook"


def _fail(path: str, message: str) -> None:
    raise InputError(f"{path}: 1 problem", (Problem(path, message),))


LabelsOf = Callable[[str], dict[str, str] | None]
"""Framework ``id@version`` -> its details' labels (case-folded) and keys, or None."""


def read_workbook(data: bytes, path: str, labels_of: LabelsOf | None = None) -> Workbook:
    """Parse the filled workbook in ``data`` (the file ``path``); raise :class:`InputError`.

    A workbook made before the details had a Key column (framework 1.0's) names its
    details by label only; ``labels_of`` gives the framework's labels for them."""
    if len(data) > MAX_BYTES:
        _fail(path, f"file is too large ({len(data):,} bytes; the limit is {MAX_BYTES:,})")
    _check_zip(data, path)
    book = _open(data, path, values=True)
    # The same cells as written, to tell a formula whose value was never saved from an
    # empty cell (a reader given only values sees None in both).
    formulas = _open(data, path, values=False)
    try:
        return _read(book, formulas, path, labels_of)
    finally:
        book.close()
        formulas.close()


def _read(book: Any, formulas: Any, path: str, labels_of: LabelsOf | None) -> Workbook:
    budget = _Budget(path)
    problems: list[Problem] = []
    sheets = {name.casefold(): name for name in book.sheetnames}
    for wanted in (DETAILS_SHEET, ITEMS_SHEET):
        if wanted.casefold() not in sheets:
            problems.append(
                Problem(
                    path,
                    f"the workbook has no sheet named {wanted!r} (it has "
                    f"{', '.join(map(repr, book.sheetnames))}): fill in the checklist "
                    "workbook itself and keep its sheet names",
                )
            )
    if problems:
        raise InputError(
            f"{path}: {len(problems)} problem" + "s" * (len(problems) > 1), tuple(problems)
        )
    cells: dict[tuple[str, ...], Cell] = {}
    data_out: dict[str, Any] = {}
    details = book[sheets[DETAILS_SHEET.casefold()]]
    framework, scheme, flags = _details(details, cells, budget, labels_of)
    prop = _custom_property(book)
    if framework is None and prop is None:
        _fail(
            path,
            f"the workbook is not a guidebuild checklist: sheet {DETAILS_SHEET!r} has no "
            f"{FRAMEWORK_LABEL!r} row naming the framework and version it was made from",
        )
    if isinstance(framework, str) and prop is not None and framework.strip() != prop:
        cell = cells["framework",]
        _fail(
            path,
            f"{cell}: the workbook says {framework.strip()!r} but its properties say it was "
            f"made from {prop!r}: the framework cell has been changed; fill in a fresh copy "
            "of the checklist",
        )
    data_out["framework"] = framework if framework is not None else prop
    data_out["scheme"] = scheme
    if flags is not None:
        data_out["red_flags"] = flags
    items = sheets[ITEMS_SHEET.casefold()]
    answers = _items(book[items], formulas[items], cells, budget)
    if ACTIONS_SHEET.casefold() in sheets:
        _actions(book[sheets[ACTIONS_SHEET.casefold()]], answers, cells, budget)
    data_out["answers"] = {item: answer for item, answer in answers.items() if answer}
    return Workbook(path, data_out, cells)


def _check_zip(data: bytes, path: str) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            names = {info.filename for info in infos}
            mimetype = archive.read("mimetype")[:100] if "mimetype" in names else b""
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError) as error:
        _fail(
            path,
            f"the workbook is damaged and cannot be read ({error}): it may have been cut "
            "short while being saved, copied or sent; save or send the whole file again",
        )
        return
    if b"opendocument.spreadsheet" in mimetype:
        _fail(
            path,
            "this is an OpenDocument spreadsheet (.ods): save it as an Excel workbook "
            "(.xlsx) and assess that",
        )
    if "xl/workbook.xml" not in names:
        _fail(
            path,
            "this is a zip file but not an Excel workbook (it has no xl/workbook.xml): "
            "fill in the checklist workbook (.xlsx)",
        )
    if sum(info.file_size for info in infos) > MAX_UNPACKED:
        _fail(path, f"the workbook unpacks to more than {MAX_UNPACKED:,} bytes: not a checklist")
    for info in infos:
        if info.file_size > MAX_PART:
            _fail(
                path,
                f"the workbook's part {info.filename} unpacks to {info.file_size:,} bytes "
                f"(the limit is {MAX_PART:,}): not a checklist",
            )


def _open(data: bytes, path: str, *, values: bool) -> Any:
    from openpyxl import load_workbook

    try:
        with warnings.catch_warnings():
            # openpyxl warns about features of Excel it does not keep (extensions, default
            # styles); they do not matter for reading the answers.
            warnings.simplefilter("ignore")
            # read_only streams each sheet row by row instead of building every cell.
            return load_workbook(
                io.BytesIO(data), read_only=True, data_only=values, keep_links=False
            )
    except Exception as error:  # openpyxl raises many types on damaged files
        text = str(error).strip().splitlines()[0] if str(error).strip() else ""
        _fail(
            path,
            f"the workbook is damaged and cannot be read ({type(error).__name__}"
            + (f": {text}" if text else "")
            + ")",
        )
        raise AssertionError from error  # pragma: no cover - _fail raises


class _Budget:
    """Counts the rows and cells read from a workbook; stops at the limits."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.cells = 0

    def rows(
        self, sheet: Any, *, min_row: int, max_col: int = MAX_COLUMNS
    ) -> Iterator[tuple[int, tuple[Any, ...]]]:
        """(row number, the values of its first ``max_col`` cells), streamed and counted."""
        number = min_row - 1
        for number, values in enumerate(
            sheet.iter_rows(min_row=min_row, max_col=max_col, values_only=True), min_row
        ):
            if number > MAX_ROWS:
                _fail(
                    self.path,
                    f"sheet {sheet.title!r} has more than {MAX_ROWS:,} rows: this is not "
                    "the checklist workbook (or rows far below it were filled in)",
                )
            self.cells += len(values)
            if self.cells > MAX_CELLS:
                _fail(
                    self.path,
                    f"the workbook holds more than {MAX_CELLS:,} cells: this is not the "
                    "checklist workbook",
                )
            yield number, values


def _coordinate(column: int, row: int) -> str:
    from openpyxl.utils import get_column_letter

    return f"{get_column_letter(column)}{row}"


def _custom_property(book: Any) -> str | None:
    for prop in getattr(book, "custom_doc_props", []) or []:
        if getattr(prop, "name", None) == CUSTOM_PROPERTY and isinstance(prop.value, str):
            return str(prop.value).strip()
    return None


def _label(value: Any) -> str:
    text = str(value or "").strip()
    return text.removesuffix("(required)").strip().casefold()


def _details(
    sheet: Any, cells: dict[tuple[str, ...], Cell], budget: _Budget, labels_of: LabelsOf | None
) -> tuple[Any, dict[str, Any], list[str] | None]:
    """The framework cell, the scheme details, and the red flags answered yes (None for a
    workbook without red-flag rows). Each detail's key is in the hidden Key column, found
    by its header, so the reader needs no framework to know the details."""
    framework: Any = None
    scheme: dict[str, Any] = {}
    flags: list[str] | None = None
    key_column: int | None = None
    for number, row in budget.rows(sheet, min_row=1, max_col=_DETAIL_COLUMNS):
        if number == 1:
            found = [i for i, value in enumerate(row) if _label(value) == "key"]
            key_column = found[0] if found else None
            continue
        if len(row) < 2:
            continue
        label, raw = _label(row[0]), row[1]
        where = Cell(sheet.title, _coordinate(2, number))
        if label == FRAMEWORK_LABEL.casefold():
            framework = _plain(raw)
            cells["framework",] = where
            continue
        if key_column is None:
            known = labels_of(str(framework).strip()) if labels_of and framework else None
            key = (known or {}).get(label)
        else:
            key = _plain(row[key_column]) if len(row) > key_column else None
        if not isinstance(key, str) or not key.strip() or key.strip().casefold() == "key":
            continue
        key = key.strip()
        if key.startswith(RED_FLAG_PREFIX):
            flags = flags if flags is not None else []
            answer = _plain(raw)
            if isinstance(answer, str) and answer.casefold() == "yes":
                flags.append(key.removeprefix(RED_FLAG_PREFIX))
            continue
        cells["scheme", key] = where
        value = _plain(raw)
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        scheme[key] = value if isinstance(value, (dt.date, dt.datetime)) else _text(value)
    return framework, scheme, flags


def _plain(value: Any) -> Any:
    """A cell's value as scheme-file data: text trimmed, a date-time that is a date a date."""
    if isinstance(value, dt.datetime):
        return value.date() if value.time() == dt.time(0) else value
    if isinstance(value, str):
        return normalise_newlines(value).strip()
    return value


def _text(value: Any) -> Any:
    """Free text: a number or date typed into a text cell is still text."""
    if isinstance(value, bool):
        return value  # build_answers says a text cell should not hold true/false
    if isinstance(value, int | float):
        return f"{value:g}" if isinstance(value, float) else str(value)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value


def _headers(
    sheet: Any, wanted: tuple[str, ...], path: str, *, required: bool
) -> dict[str, int] | None:
    """The 0-based position of each wanted column, found by its header in row 1."""
    found: dict[str, int] = {}
    header_row = next(
        sheet.iter_rows(min_row=1, max_row=1, max_col=MAX_COLUMNS, values_only=True), ()
    )
    for position, value in enumerate(header_row):
        name = str(value or "").strip().casefold()
        for header in wanted:
            if name == header.casefold() and header not in found:
                found[header] = position
    missing = [header for header in wanted if header not in found]
    if missing and required:
        raise InputError(
            f"{path}: {len(missing)} problem" + "s" * (len(missing) > 1),
            tuple(
                Problem(
                    path,
                    f"sheet {sheet.title!r}, row 1: no column headed {header!r}; keep the "
                    "header row of the checklist workbook as it is",
                )
                for header in missing
            ),
        )
    return None if missing else found


def _items(
    sheet: Any, formula_sheet: Any, cells: dict[tuple[str, ...], Cell], budget: _Budget
) -> dict[str, dict[str, Any]]:
    path = budget.path
    columns = _headers(sheet, ITEM_READ_HEADERS, path, required=True)
    assert columns is not None
    answers: dict[str, dict[str, Any]] = {}
    problems: list[Problem] = []
    first_row: dict[str, int] = {}
    written = formula_sheet.iter_rows(min_row=2, max_col=MAX_COLUMNS, values_only=True)
    for number, row in budget.rows(sheet, min_row=2):
        as_written = next(written, ())
        raw_id = _plain(_at(row, columns["ID"]))
        if raw_id is None or (isinstance(raw_id, str) and not raw_id):
            continue
        item_id = str(raw_id)
        id_where = Cell(sheet.title, _coordinate(columns["ID"] + 1, number))
        if item_id in first_row:
            problems.append(
                Problem(
                    path,
                    f"{id_where}: item {item_id!r} is listed twice (first in row "
                    f"{first_row[item_id]})",
                )
            )
            continue
        first_row[item_id] = number
        cells["answers", item_id, "id"] = id_where
        answer: dict[str, Any] = {}
        for part in ("rating", "evidence", "note", "reason"):
            position = columns[part.capitalize()]
            where = Cell(sheet.title, _coordinate(position + 1, number))
            cells["answers", item_id, part] = where
            value = _plain(_at(row, position))
            if value is None or (isinstance(value, str) and not value):
                formula = _at(as_written, position)
                if isinstance(formula, str) and formula.startswith("="):
                    problems.append(Problem(path, f"{where}: {_unsaved_formula(formula)}"))
                continue
            if part == "evidence" and isinstance(value, str):
                answer[part] = evidence_lines(value)
            elif part == "rating":
                answer[part] = value
            else:
                answer[part] = _text(value)
        answers[item_id] = answer
    if problems:
        raise InputError(
            f"{path}: {len(problems)} problem" + "s" * (len(problems) > 1), tuple(problems)
        )
    return answers


def _at(row: tuple[Any, ...], position: int) -> Any:
    return row[position] if position < len(row) else None


def _unsaved_formula(formula: str) -> str:
    shown = formula if len(formula) <= 40 else formula[:37] + "..."
    return (
        f"holds the formula {shown} but no saved value, so the answer cannot be read "
        "(the tool that saved the workbook did not calculate it): type the answer itself, "
        "or open the workbook in Excel or LibreOffice Calc and save it again"
    )


def _actions(
    sheet: Any,
    answers: dict[str, dict[str, Any]],
    cells: dict[tuple[str, ...], Cell],
    budget: _Budget,
) -> None:
    columns = _headers(sheet, ACTION_READ_HEADERS, budget.path, required=False)
    if columns is None:
        return  # an action plan rearranged by hand is the user's own: nothing to read
    for number, row in budget.rows(sheet, min_row=2):
        item_id = _plain(_at(row, columns["ID"]))
        if item_id is None or str(item_id) not in answers:
            continue  # rows of the user's own actions, or of items not in the Items sheet
        answer = answers[str(item_id)]
        for part, header in (("owner", "Owner"), ("due", "Deadline")):
            value = _plain(_at(row, columns[header]))
            if value is None or (isinstance(value, str) and not value):
                continue
            where = Cell(sheet.title, _coordinate(columns[header] + 1, number))
            cells["answers", str(item_id), part] = where
            answer[part] = value if part == "due" else _text(value)
