"""The checklist formats, in one registry: each one's file suffix, labels, writer and reader.

``guidebuild checklist --format``, the downloads table and the "Download it as ..."
sentence of the guidance, the writers in :mod:`guidebuild.forms` and the readers in
:mod:`guidebuild.answers` all read this table, so a format is added or renamed here only.
Writers and readers are named as ``module:function`` and imported only when used, so that
this module imports nothing heavy and nothing of ours that imports it back.
"""

from __future__ import annotations

import importlib
from typing import Any

from msgspec import Struct


class ChecklistFormat(Struct, frozen=True):
    """One form the checklist comes in."""

    name: str
    """The ``--format`` choice and the file extension: ``pdf``."""
    label: str
    """What it is, in the downloads table: ``fillable PDF form``."""
    use: str
    """What it is for, in the downloads table."""
    link_text: str
    """Its link in "Download it as a PDF form, ...": ``a PDF form``."""
    after_link: str
    """Words after that link, e.g. `` with an action plan``."""
    writer: str
    """``module:function`` writing it: (framework, target, epoch, templates)."""
    reader: str | None
    """``module:function`` reading a filled one back: (bytes, name, catalogue) -> data;
    None when a filled one comes back in another format (the web form saves YAML)."""
    suffixes: tuple[str, ...]
    """File names ``assess`` looks for in a folder, for a format with a reader."""


CHECKLIST_FORMATS: tuple[ChecklistFormat, ...] = (
    ChecklistFormat(
        name="pdf",
        label="fillable PDF form",
        use="for Acrobat or a browser's PDF viewer; prints on paper",
        link_text="a PDF form",
        after_link="",
        writer="guidebuild.forms:write_pdf",
        reader="guidebuild.answers:_read_pdf",
        suffixes=(".pdf",),
    ),
    ChecklistFormat(
        name="xlsx",
        label="spreadsheet",
        use="for Excel or LibreOffice Calc, with an action plan sheet",
        link_text="a spreadsheet",
        after_link=" with an action plan",
        writer="guidebuild.forms:write_xlsx",
        reader="guidebuild.answers:_read_xlsx",
        suffixes=(".xlsx",),
    ),
    ChecklistFormat(
        name="html",
        label="web form",
        use="opens in any browser, offline; shows the scores as you go",
        link_text="a web form",
        after_link=" that works out the scores as you go",
        writer="guidebuild.forms:write_html",
        reader=None,
        suffixes=(),
    ),
    ChecklistFormat(
        name="yaml",
        label="text template",
        use="for a text editor, to use with guidebuild assess",
        link_text="a YAML file",
        after_link=" for a text editor",
        writer="guidebuild.forms:write_yaml",
        reader="guidebuild.answers:_read_yaml",
        suffixes=(".yaml", ".yml"),
    ),
)
"""Every checklist format, in the order they are written and listed."""

BY_NAME = {fmt.name: fmt for fmt in CHECKLIST_FORMATS}
NAMES = tuple(BY_NAME)
READ_SUFFIXES = tuple(s for fmt in CHECKLIST_FORMATS for s in fmt.suffixes)
"""File names ``assess`` takes from a folder."""


def load(reference: str) -> Any:
    """The function a ``module:function`` reference names."""
    module, _, name = reference.partition(":")
    return getattr(importlib.import_module(module), name)
