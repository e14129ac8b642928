"""Read a filled PDF checklist form into the shape of a scheme file.

The form is the one :mod:`guidebuild.forms.pdf_form` writes, filled in any viewer or tool
(Acrobat, a browser, pdf.js, pdftk, pypdf). Its fields are named as in
:mod:`guidebuild.fields`; this module turns them into the plain mapping a scheme YAML
file parses to, and :func:`guidebuild.answers.build.build_answers` then checks it exactly
as it checks YAML, naming the field (and its page) of every problem.

Reading is careful with what tools do to forms:

- a choice field's value is mapped back to its export value through /Opt, whether the
  tool stored the export value or the text shown;
- a button's state is read from its widgets' /AS, which tools update, rather than from a
  parent /V that some leave stale; index states are mapped through /Opt;
- a file that does not end with ``%%EOF`` is refused as truncated rather than repaired,
  since a repair could silently return an earlier revision of the answers;
- an encrypted file is refused: a password-protected form is not one we wrote.
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from guidebuild.errors import InputError, Problem
from guidebuild.fields import (
    FRAMEWORK_FIELD,
    FRAMEWORK_INFO_KEY,
    evidence_lines,
    item_field_name,
    normalise_newlines,
    parse_field_name,
    scheme_field_name,
)

MAX_BYTES = 20 * 1024 * 1024
"""Largest PDF we read: a filled form is a few hundred KB, even saved uncompressed."""
MAX_VALUE_CHARS = 1_000_000
"""Most text one field may hold: an answer with long evidence is a few thousand."""
_MISSING = re.compile(r"is missing '([a-z_]+)'")
_MULTI_SELECT = 1 << 21  # bit 22 of a choice field's /Ff
_MAX_DEPTH = 20
"""How deeply fields may nest; ours do not nest at all."""
_EOF_WINDOW = 2048
"""``%%EOF`` must be this close to the end (tools may add a line break or padding)."""


@dataclass
class _Field:
    """One terminal field of the form, as far as reading it back needs."""

    name: str
    kind: str
    """/Tx, /Ch or /Btn (inherited from a parent field if need be)."""
    value: Any
    options: list[tuple[str, str]]
    """(export value, text shown) pairs from /Opt."""
    flags: int = 0
    """/Ff, the field flags."""
    states: list[str] = field(default_factory=list)
    """The /AS of each widget (buttons only)."""
    page: int | None = None
    """1-based page of the field's first widget."""


@dataclass(frozen=True)
class PdfForm:
    """A filled form's answers as scheme-file data, able to name the field of any value."""

    path: str
    data: dict[str, Any]
    pages: dict[str, int | None]
    """Field name -> page, for the fields the form has."""

    def problem(self, keys: Sequence[str | int], message: str, *, key: bool = False) -> Problem:
        """A problem located at the field that holds the value at ``keys``."""
        return Problem(self.path, f"{self._where(keys, message)}: {message}")

    def _where(self, keys: Sequence[str | int], message: str) -> str:
        name: str | None = None
        line = None
        if keys[:1] == ("framework",):
            name = FRAMEWORK_FIELD
        elif keys[:1] == ("scheme",):
            if len(keys) == 1:
                # "scheme is missing 'name'": point at the empty field.
                missing = _MISSING.search(message)
                if missing is None or scheme_field_name(missing[1]) not in self.pages:
                    return "the scheme details" + self._page_of(scheme_field_name("name"))
                name = scheme_field_name(missing[1])
            else:
                name = scheme_field_name(str(keys[1]))
        elif keys[:1] == ("answers",) and len(keys) > 1:
            item_id = str(keys[1])
            part = str(keys[2]) if len(keys) > 2 else "rating"
            name = item_field_name(item_id, part)
            if name not in self.pages:  # e.g. an item with a note but no rating field
                name = next((n for n in self.pages if n.startswith(f"{item_id}_")), name)
            if len(keys) > 3 and isinstance(keys[3], int):
                line = keys[3] + 1
        if name is None:
            return "the form"
        where = f"field {name}{self._page_of(name)}"
        return where + (f", line {line}" if line else "")

    def _page_of(self, name: str) -> str:
        return _page(self.pages.get(name))


def _page(page: int | None) -> str:
    return f" (page {page})" if page else ""


def read_pdf_form(data: bytes, path: str) -> PdfForm:
    """Parse the filled form in ``data`` (the file ``path``); raise :class:`InputError`."""
    if len(data) > MAX_BYTES:
        _fail(path, f"file is too large ({len(data):,} bytes; the limit is {MAX_BYTES:,})")
    if b"%%EOF" not in data[-_EOF_WINDOW:]:
        _fail(
            path,
            "the PDF is incomplete (it does not end with %%EOF): it was probably cut short "
            "while being saved, copied or sent; save or send the whole file again",
        )
    fields, info_key = _read_fields(data, path)
    return _as_scheme_data(fields, info_key, path)


def _fail(path: str, message: str) -> None:
    raise InputError(f"{path}: 1 problem", (Problem(path, message),))


def _read_fields(data: bytes, path: str) -> tuple[list[_Field], str | None]:
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, FileNotDecryptedError, WrongPasswordError

    # pypdf logs every oddity of a file at WARNING; without a handler configured, Python
    # would print them all on stderr. Broken files become one clear message below instead.
    pypdf_logger = logging.getLogger("pypdf")
    previous = pypdf_logger.level
    pypdf_logger.setLevel(logging.CRITICAL)
    try:
        try:
            reader = PdfReader(io.BytesIO(data), strict=False)
            encrypted = reader.is_encrypted
        except (DependencyError, FileNotDecryptedError, WrongPasswordError):
            # pypdf tries an empty password as it opens an encrypted file, and needs an
            # optional package for AES: either way the file is encrypted.
            encrypted = True
        except Exception as error:  # pypdf raises many types on damaged files
            _fail(path, f"the PDF is damaged and cannot be read ({_describe(error)})")
            raise AssertionError from error  # pragma: no cover - _fail raises
        if encrypted:
            _fail(
                path,
                "the PDF is encrypted (password-protected), so its answers cannot be read: "
                "save a copy without a password or security settings and assess that",
            )
        try:
            fields = _collect(reader)
            info = reader.metadata
            info_value = info.get(FRAMEWORK_INFO_KEY) if info else None
        except Exception as error:  # as above: a damaged object deep inside
            _fail(path, f"the PDF's form is damaged and cannot be read ({_describe(error)})")
            raise AssertionError from error  # pragma: no cover - _fail raises
    finally:
        pypdf_logger.setLevel(previous)
    return fields, (str(info_value) if info_value is not None else None)


def _describe(error: Exception) -> str:
    text = str(error).strip().splitlines()[0] if str(error).strip() else ""
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def _collect(reader: Any) -> list[_Field]:
    """Every terminal field of the AcroForm, with its value and page."""
    from pypdf.generic import ArrayObject, DictionaryObject

    root = reader.trailer["/Root"]
    acroform = root.get("/AcroForm")
    if acroform is None:
        return []
    acroform = acroform.get_object()
    raw_fields = acroform.get("/Fields")
    if not isinstance(raw_fields, ArrayObject | list):
        return []
    page_numbers = {
        page.indirect_reference.idnum: index + 1
        for index, page in enumerate(reader.pages)
        if page.indirect_reference is not None
    }
    found: dict[str, _Field] = {}
    seen: set[int] = set()

    def walk(
        node: DictionaryObject, parent_name: str, inherited: dict[str, Any], depth: int
    ) -> None:
        # Keys a field inherits from its parent field (PDF 32000-1, 12.7.3.1).
        merged = {**inherited, **{k: node[k] for k in ("/FT", "/V", "/Opt", "/Ff") if k in node}}
        own_name = node.get("/T")
        name = parent_name
        if own_name is not None:
            name = f"{parent_name}.{_text(own_name)}" if parent_name else _text(own_name)
        kids = [kid.get_object() for kid in node.get("/Kids", [])]
        field_kids = [kid for kid in kids if isinstance(kid, DictionaryObject) and "/T" in kid]
        if field_kids:
            if depth >= _MAX_DEPTH:
                raise ValueError(f"fields nest more than {_MAX_DEPTH} deep")
            for kid in field_kids:
                number = kid.indirect_reference.idnum if kid.indirect_reference else id(kid)
                if number not in seen:  # a field listed twice, or a loop in /Kids
                    seen.add(number)
                    walk(kid, name, merged, depth + 1)
            return
        widgets = [kid for kid in kids if isinstance(kid, DictionaryObject)] or [node]
        entry = found.get(name)
        if entry is None:
            entry = found[name] = _Field(
                name=name,
                kind=str(merged.get("/FT", "")),
                value=merged.get("/V"),
                options=_options(merged.get("/Opt")),
                flags=_flags(merged.get("/Ff")),
            )
        for widget in widgets:
            if "/AS" in widget:
                entry.states.append(str(widget["/AS"]))
            page_ref = widget.raw_get("/P") if "/P" in widget else None
            if entry.page is None and page_ref is not None:
                entry.page = page_numbers.get(getattr(page_ref, "idnum", -1))

    for reference in raw_fields:
        node = reference.get_object()
        number = getattr(reference, "idnum", id(node))
        if isinstance(node, DictionaryObject) and number not in seen:
            seen.add(number)
            walk(node, "", {}, 0)
    return list(found.values())


def _flags(raw: Any) -> int:
    try:
        return int(raw.get_object() if hasattr(raw, "get_object") else raw or 0)
    except (TypeError, ValueError):
        return 0


def _options(raw: Any) -> list[tuple[str, str]]:
    """/Opt as (export value, text shown) pairs: entries are text or [export, text]."""
    if raw is None:
        return []
    pairs: list[tuple[str, str]] = []
    for raw_entry in raw.get_object() if hasattr(raw, "get_object") else raw:
        entry = raw_entry.get_object() if hasattr(raw_entry, "get_object") else raw_entry
        if isinstance(entry, list | tuple) and len(entry) >= 2:
            pairs.append((_text(entry[0]), _text(entry[1])))
        else:
            pairs.append((_text(entry), _text(entry)))
    return pairs


def _text(value: Any) -> str:
    """A PDF string (text or bytes), a name or a number as Python text."""
    from pypdf.generic import ByteStringObject, NameObject, StreamObject

    if value is None:
        return ""
    if hasattr(value, "get_object"):
        value = value.get_object()
    if isinstance(value, StreamObject):  # rich-text values are sometimes streams
        return value.get_data().decode("utf-8", errors="replace")
    if isinstance(value, ByteStringObject):
        # A string pypdf could not decode as PDFDocEncoding or UTF-16.
        return bytes(value).decode("latin-1")
    if isinstance(value, NameObject):
        return str(value)[1:]
    return str(value)


def field_value(entry: _Field) -> str | list[str]:
    """What the field holds, as the form's own export value(s)."""
    if entry.kind == "/Btn":
        # Widgets' /AS is what viewers update; a parent /V is sometimes left stale.
        on = [state for state in entry.states if state != "/Off"]
        state = on[0][1:] if on else _text(entry.value) if entry.value is not None else ""
        if state == "Off":
            return ""
        if state.isdigit() and int(state) < len(entry.options):
            return entry.options[int(state)][0]  # states as indices into /Opt
        return state
    value = entry.value.get_object() if hasattr(entry.value, "get_object") else entry.value
    if isinstance(value, list):
        values = [_choice(entry, _text(v)) for v in value]
        if entry.kind == "/Ch" and not entry.flags & _MULTI_SELECT and len(values) <= 1:
            # pdftk fills a single choice from FDF as a one-element array.
            return values[0] if values else ""
        return values
    text = _text(value)
    return _choice(entry, text) if entry.kind == "/Ch" else text


def _value_of(entry: _Field, path: str) -> str | list[str]:
    """:func:`field_value`, with a damaged or oversized value named by its field."""
    from pypdf.errors import LimitReachedError, PyPdfError

    try:
        value = field_value(entry)
    except LimitReachedError:
        # pypdf stops inflating a stream at its limit: a compression bomb, not an answer.
        _fail(
            path,
            f"field {entry.name}{_page(entry.page)}: its value is a compressed stream that "
            "inflates beyond the size any answer could have (a compression bomb?)",
        )
        raise AssertionError from None  # pragma: no cover - _fail raises
    except (PyPdfError, ValueError, TypeError, KeyError) as error:
        _fail(path, f"field {entry.name}{_page(entry.page)} is damaged ({_describe(error)})")
        raise AssertionError from None  # pragma: no cover - _fail raises
    texts = value if isinstance(value, list) else [value]
    if sum(len(text) for text in texts) > MAX_VALUE_CHARS:
        _fail(
            path,
            f"field {entry.name}{_page(entry.page)} holds more than {MAX_VALUE_CHARS:,} "
            "characters: not an answer to a checklist item",
        )
    return value


def _choice(entry: _Field, text: str) -> str:
    """Map a choice field's value to its export value, whichever of the two a tool stored."""
    exports = [export for export, _ in entry.options]
    if text in exports:
        return text
    for export, shown in entry.options:
        if text == shown:
            return export
    return text


def _as_scheme_data(fields: list[_Field], info_key: str | None, path: str) -> PdfForm:
    if not fields:
        _fail(
            path,
            "the PDF has no form fields, so it is not a filled checklist form (was it "
            "printed to PDF or flattened?): fill in the checklist form itself",
        )
    values = {entry.name: _value_of(entry, path) for entry in fields}
    pages = {entry.name: entry.page for entry in fields}
    framework = values.get(FRAMEWORK_FIELD)
    if framework is None and info_key is None:
        _fail(
            path,
            f"the PDF is not a guidebuild checklist: it has no {FRAMEWORK_FIELD!r} field "
            "naming the framework and version it was made from",
        )
    if isinstance(framework, str) and info_key is not None and framework.strip() != info_key:
        raise InputError(
            f"{path}: 1 problem",
            (
                Problem(
                    path,
                    f"field {FRAMEWORK_FIELD}{_page(pages.get(FRAMEWORK_FIELD))}: the form "
                    f"says {framework.strip()!r} but the "
                    f"document says it was made from {info_key!r}: the read-only framework "
                    "field has been changed; fill in a fresh copy of the checklist",
                ),
            ),
        )
    data: dict[str, Any] = {
        "framework": framework if framework is not None else info_key,
        "scheme": _scheme(values),
        "answers": _answers(values),
    }
    flags = _red_flags(values)
    if flags is not None:
        data["red_flags"] = flags
    return PdfForm(path, data, pages)


def _scheme(values: dict[str, str | list[str]]) -> dict[str, Any]:
    """The scheme details that were filled in; an empty one is left out, as in YAML."""
    scheme: dict[str, Any] = {}
    for name, value in values.items():
        parsed = parse_field_name(name)
        if parsed is None or parsed[0] != "scheme":
            continue
        key = parsed[1]
        if isinstance(value, str) and value.strip():
            scheme[key] = normalise_newlines(value).strip()
        elif isinstance(value, list):
            scheme[key] = value  # build_answers says what is wrong with it
    return scheme


def _red_flags(values: dict[str, str | list[str]]) -> list[str] | None:
    """The red flags answered yes; None for a form without red-flag fields."""
    flags: list[str] | None = None
    for name, value in values.items():
        parsed = parse_field_name(name)
        if parsed is None or parsed[0] != "red_flags":
            continue
        flags = flags if flags is not None else []
        if isinstance(value, str) and value.strip().casefold() == "yes":
            flags.append(parsed[1])
    return flags


def _answers(values: dict[str, str | list[str]]) -> dict[str, dict[str, Any]]:
    """Each item's answer from its fields; an item with every field empty is unanswered."""
    answers: dict[str, dict[str, Any]] = {}
    for name, value in values.items():
        parsed = parse_field_name(name)
        if parsed is None or parsed[0] in ("scheme", "red_flags"):
            continue
        item_id, part = parsed
        answer = answers.setdefault(item_id, {})
        if isinstance(value, list):
            answer[part] = value or None
        elif not value.strip():
            continue
        elif part == "evidence":
            answer[part] = evidence_lines(value)
        elif part == "rating":
            answer[part] = value.strip()
        else:
            answer[part] = normalise_newlines(value).strip()
    return {item_id: answer for item_id, answer in answers.items() if answer}
