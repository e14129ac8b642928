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
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from guidebuild.errors import InputError, Problem
from guidebuild.forms.fields import (
    ACTION_READ_HEADERS,
    ACTIONS_SHEET,
    CUSTOM_PROPERTY,
    DETAILS_SHEET,
    RED_FLAG_PREFIX,
    ITEM_READ_HEADERS,
    ITEMS_SHEET,
    evidence_lines,
    normalise_newlines,
)

MAX_BYTES = 20 * 1024 * 1024
"""Largest workbook file we read; a filled checklist is a few tens of KB."""
MAX_UNPACKED = 100 * 1024 * 1024
"""Largest total size of the zip's entries once unpacked (a zip bomb is refused)."""
MAX_ROWS = 5000
"""More rows than any checklist has: a sheet longer than this is not ours."""
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


def read_workbook(data: bytes, path: str) -> Workbook:
    """Parse the filled workbook in ``data`` (the file ``path``); raise :class:`InputError`."""
    if len(data) > MAX_BYTES:
        _fail(path, f"file is too large ({len(data):,} bytes; the limit is {MAX_BYTES:,})")
    _check_zip(data, path)
    book = _open(data, path)
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
    framework, scheme, flags = _details(details, cells, path)
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
    answers = _items(book[sheets[ITEMS_SHEET.casefold()]], cells, path)
    if ACTIONS_SHEET.casefold() in sheets:
        _actions(book[sheets[ACTIONS_SHEET.casefold()]], answers, cells, path)
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


def _open(data: bytes, path: str) -> Any:
    from openpyxl import load_workbook

    try:
        with warnings.catch_warnings():
            # openpyxl warns about features of Excel it does not keep (extensions, default
            # styles); they do not matter for reading the answers.
            warnings.simplefilter("ignore")
            return load_workbook(io.BytesIO(data), data_only=True, keep_links=False)
    except Exception as error:  # openpyxl raises many types on damaged files
        text = str(error).strip().splitlines()[0] if str(error).strip() else ""
        _fail(
            path,
            f"the workbook is damaged and cannot be read ({type(error).__name__}"
            + (f": {text}" if text else "")
            + ")",
        )
        raise AssertionError from error  # pragma: no cover - _fail raises


def _custom_property(book: Any) -> str | None:
    for prop in getattr(book, "custom_doc_props", []) or []:
        if getattr(prop, "name", None) == CUSTOM_PROPERTY and isinstance(prop.value, str):
            return str(prop.value).strip()
    return None


def _label(value: Any) -> str:
    text = str(value or "").strip()
    return text.removesuffix("(required)").strip().casefold()


def _details(
    sheet: Any, cells: dict[tuple[str, ...], Cell], path: str
) -> tuple[Any, dict[str, Any], list[str] | None]:
    """The framework cell, the scheme details, and the red flags answered yes (None for a
    workbook without red-flag rows)."""
    # Each detail's key is in the (hidden) Key column, found by its header.
    key_column = 4
    for cell in next(sheet.iter_rows(min_row=1, max_row=1), ()):
        if _label(cell.value) == "key":
            key_column = cell.column
    framework: Any = None
    scheme: dict[str, Any] = {}
    flags: list[str] | None = None
    max_col = max(2, key_column)
    for row in sheet.iter_rows(min_row=1, max_row=min(sheet.max_row, MAX_ROWS), max_col=max_col):
        if len(row) < 2:
            continue
        label, value_cell = _label(row[0].value), row[1]
        where = Cell(sheet.title, value_cell.coordinate)
        if label == FRAMEWORK_LABEL.casefold():
            framework = _plain(value_cell.value)
            cells["framework",] = where
            continue
        key = _plain(row[key_column - 1].value) if len(row) >= key_column else None
        if not isinstance(key, str) or not key.strip() or key.strip().casefold() == "key":
            continue
        key = key.strip()
        if key.startswith(RED_FLAG_PREFIX):
            flags = flags if flags is not None else []
            answer = _plain(value_cell.value)
            if isinstance(answer, str) and answer.strip().casefold() == "yes":
                flags.append(key.removeprefix(RED_FLAG_PREFIX))
            continue
        cells["scheme", key] = where
        value = _plain(value_cell.value)
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
    found: dict[str, int] = {}
    for cell in next(sheet.iter_rows(min_row=1, max_row=1), ()):
        name = str(cell.value or "").strip().casefold()
        for header in wanted:
            if name == header.casefold() and header not in found:
                found[header] = cell.column
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


def _items(sheet: Any, cells: dict[tuple[str, ...], Cell], path: str) -> dict[str, dict[str, Any]]:
    columns = _headers(sheet, ITEM_READ_HEADERS, path, required=True)
    assert columns is not None
    answers: dict[str, dict[str, Any]] = {}
    problems: list[Problem] = []
    first_row: dict[str, int] = {}
    for row in sheet.iter_rows(min_row=2, max_row=min(sheet.max_row, MAX_ROWS)):
        by_column = {cell.column: cell for cell in row}
        id_cell = by_column.get(columns["ID"])
        raw_id = _plain(id_cell.value) if id_cell is not None else None
        if id_cell is None or raw_id is None or (isinstance(raw_id, str) and not raw_id):
            continue
        item_id = str(raw_id)
        if item_id in first_row:
            problems.append(
                Problem(
                    path,
                    f"sheet {sheet.title!r}, cell {id_cell.coordinate}: item {item_id!r} "
                    f"is listed twice (first in row {first_row[item_id]})",
                )
            )
            continue
        first_row[item_id] = id_cell.row
        cells["answers", item_id, "id"] = Cell(sheet.title, id_cell.coordinate)
        answer: dict[str, Any] = {}
        for part in ("rating", "evidence", "note", "reason"):
            cell = by_column.get(columns[part.capitalize()])
            if cell is None:
                continue
            cells["answers", item_id, part] = Cell(sheet.title, cell.coordinate)
            value = _plain(cell.value)
            if value is None or (isinstance(value, str) and not value):
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


def _actions(
    sheet: Any,
    answers: dict[str, dict[str, Any]],
    cells: dict[tuple[str, ...], Cell],
    path: str,
) -> None:
    columns = _headers(sheet, ACTION_READ_HEADERS, path, required=False)
    if columns is None:
        return  # an action plan rearranged by hand is the user's own: nothing to read
    for row in sheet.iter_rows(min_row=2, max_row=min(sheet.max_row, MAX_ROWS)):
        by_column = {cell.column: cell for cell in row}
        id_cell = by_column.get(columns["ID"])
        item_id = _plain(id_cell.value) if id_cell is not None else None
        if item_id is None or str(item_id) not in answers:
            continue  # rows of the user's own actions, or of items not in the Items sheet
        answer = answers[str(item_id)]
        for part, header in (("owner", "Owner"), ("due", "Deadline")):
            cell = by_column.get(columns[header])
            if cell is None:
                continue
            value = _plain(cell.value)
            if value is None or (isinstance(value, str) and not value):
                continue
            cells["answers", str(item_id), part] = Cell(sheet.title, cell.coordinate)
            answer[part] = value if part == "due" else _text(value)
