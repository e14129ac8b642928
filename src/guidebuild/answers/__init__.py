"""Readers that turn a filled checklist into the same :class:`Answers` model.

A file's format is recognised from its content by :func:`detect_format`, never from its
name alone. Each format has a reader that parses the file into the shape of a scheme YAML
file plus a way to locate values; :func:`guidebuild.answers.build.build_answers` then
checks that shape against the framework, so every format obeys the same rules. Readers for
the PDF form (:mod:`guidebuild.answers.pdf`) and the workbook
(:mod:`guidebuild.answers.xlsx`) are named, beside the YAML one, in
:mod:`guidebuild.formats`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from guidebuild.errors import InputError, Problem
from guidebuild.formats import BY_NAME, READ_SUFFIXES, load
from guidebuild.framework.answers import Answer, Answers, Format, Scheme
from guidebuild.yamlsafe import read_bytes

if TYPE_CHECKING:
    from guidebuild.framework.loader import Catalogue
    from guidebuild.framework.model import Framework
    from guidebuild.yamlsafe import Located

__all__ = [
    "Answer",
    "Answers",
    "Format",
    "Scheme",
    "detect_format",
    "read_answers",
]

SUFFIXES = READ_SUFFIXES
"""File names a folder given to ``assess`` is searched for (see :mod:`guidebuild.formats`)."""
MAX_FILE_BYTES = 20 * 1024 * 1024
"""Largest file read at all; each reader then applies its own format's limit (YAML: 1 MB)."""


def detect_format(head: bytes) -> Format:
    """Recognise a checklist from the first bytes of its content.

    Anything that is neither a PDF nor a zip (a workbook) is taken as YAML text; the YAML
    reader then refuses binary, UTF-16 and other non-UTF-8 content with a clear message.
    """
    if head.startswith(b"%PDF-"):
        return Format.PDF
    if head.startswith(b"PK\x03\x04"):
        return Format.XLSX  # a zip; the workbook reader checks it holds xl/workbook.xml
    return Format.YAML


def _read_yaml(data: bytes, path: str, catalogue: Catalogue) -> Located:
    from guidebuild.yamlsafe import load_bytes

    return load_bytes(data, path, keep_going=True)


def _read_pdf(data: bytes, path: str, catalogue: Catalogue) -> Located:
    from guidebuild.answers.pdf import read_pdf_form

    return read_pdf_form(data, path)


def _read_xlsx(data: bytes, path: str, catalogue: Catalogue) -> Located:
    from guidebuild.answers.xlsx import read_workbook

    def labels_of(key: str) -> dict[str, str] | None:
        framework_id, _, version = key.partition("@")
        framework = catalogue.get(framework_id, version)
        if framework is None:
            return None
        return {field.label.casefold(): field.key for field in framework.details}

    return read_workbook(data, path, labels_of)


def _reader(fmt: Format) -> Callable[[bytes, str, Catalogue], Located] | None:
    """The reader the format registry (guidebuild.formats) names for ``fmt``."""
    reference = BY_NAME[fmt.value].reader
    return load(reference) if reference else None


def read_answers(
    path: Path, catalogue: Catalogue, *, display: str | None = None
) -> tuple[Answers, Framework]:
    """Read the filled checklist in ``path`` and return its answers and their framework."""
    name = display or str(path)
    data = read_bytes(path, display=name, max_bytes=MAX_FILE_BYTES)
    fmt = detect_format(data[:8])
    reader = _reader(fmt)
    if reader is None:
        raise InputError(
            f"{name}: 1 problem",
            (
                Problem(
                    name,
                    f"this is a {fmt.value.upper()} file; reading filled {fmt.value.upper()} "
                    "checklists is not available yet: fill in the YAML checklist",
                ),
            ),
        )
    from guidebuild.answers.build import build_answers

    return build_answers(reader(data, name, catalogue), fmt, catalogue)
