"""The fillable checklists, written from the one framework: PDF form, workbook, HTML, YAML.

:func:`write_checklists` is the one entry point (``guidebuild checklist`` and
``guidebuild build`` call it). Each format has a writer module, imported only when that
format is asked for, so that this package loads without WeasyPrint, openpyxl or Sphinx.
Every file is written to a temporary file in the output folder and then renamed over the
target, so a failed or interrupted run never leaves a half-written checklist behind.

Outputs are byte-reproducible when ``SOURCE_DATE_EPOCH`` is set (or ``epoch`` given).
"""

from __future__ import annotations

import functools
import os
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from guidebuild.errors import InputError
from guidebuild.fields import checklist_name
from guidebuild.formats import BY_NAME, NAMES, load

if TYPE_CHECKING:
    from guidebuild.framework.model import Framework
    from guidebuild.resources import Templates

    Tpl = Templates | None

FORMATS = NAMES
"""Every checklist format, in the order they are written (see :mod:`guidebuild.formats`)."""

Writer = Callable[["Framework", Path, "int | None", "Templates | None", "str | None"], None]
"""Writes one checklist to a path: (framework, target, epoch, template search path, the
project's contact, to whom finished forms are sent, or None)."""


def build_epoch(epoch: int | None = None) -> int | None:
    """The build's timestamp: ``epoch`` if given, else ``SOURCE_DATE_EPOCH``, else None."""
    if epoch is not None:
        return epoch
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        raise InputError(
            f"SOURCE_DATE_EPOCH must be a number of seconds since 1970, not {value!r}"
        ) from None


def write_pdf(
    framework: Framework, target: Path, epoch: int | None, templates: Tpl, contact: str | None
) -> None:
    from guidebuild.forms.pdf_form import write_pdf_form

    write_pdf_form(framework, target, epoch=epoch, templates=templates, contact=contact)


def write_xlsx(
    framework: Framework, target: Path, epoch: int | None, templates: Tpl, contact: str | None
) -> None:
    from guidebuild.forms.xlsx import write_workbook

    write_workbook(framework, target, epoch=epoch, contact=contact)


def write_html(
    framework: Framework, target: Path, epoch: int | None, templates: Tpl, contact: str | None
) -> None:
    from guidebuild.forms.html_form import write_html_form

    write_html_form(framework, target, templates=templates, contact=contact)


def write_yaml(
    framework: Framework, target: Path, epoch: int | None, templates: Tpl, contact: str | None
) -> None:
    from guidebuild.forms.yaml_template import write_yaml_template

    write_yaml_template(framework, target, epoch=epoch, contact=contact)


# Each format's writer (named in guidebuild.formats). A writer may write ``target``
# directly: it is a temporary file.


def write_checklists(
    framework: Framework,
    out_dir: Path,
    formats: Iterable[str] = FORMATS,
    *,
    epoch: int | None = None,
    templates: Templates | None = None,
    contact: str | None = None,
) -> list[Path]:
    """Write the checklist of ``framework`` in each of ``formats`` into ``out_dir``.

    ``templates`` is the project's template search path (its ``templates/`` overrides the
    package's files one by one); by default the package's files only. Returns the paths
    written, in the order of :data:`FORMATS`. Creates ``out_dir`` if needed. Raises
    :class:`InputError` for an unknown format.
    """
    wanted = list(dict.fromkeys(formats))
    unknown = [fmt for fmt in wanted if fmt not in BY_NAME]
    if unknown:
        raise InputError(
            f"unknown checklist format {', '.join(map(repr, unknown))}; "
            f"choose from {', '.join(FORMATS)}"
        )
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError(f"cannot write checklists into {out_dir}: it is a file, not a folder")
    out_dir.mkdir(parents=True, exist_ok=True)
    stamp = build_epoch(epoch)
    written: list[Path] = []
    for fmt in FORMATS:
        if fmt in wanted:
            target = out_dir / checklist_name(framework, fmt)
            writer: Writer = load(BY_NAME[fmt].writer)
            write = functools.partial(_write, writer, framework, stamp, templates, contact)
            write_atomically(target, write)
            written.append(target)
    return written


def _write(
    writer: Writer,
    framework: Framework,
    epoch: int | None,
    templates: Templates | None,
    contact: str | None,
    target: Path,
) -> None:
    writer(framework, target, epoch, templates, contact)


def write_atomically(target: Path, write: Callable[[Path], None]) -> None:
    """Call ``write`` on a temporary file beside ``target``, then rename it over ``target``."""
    handle, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    os.close(handle)
    temporary = Path(name)
    try:
        write(temporary)
        # mkstemp makes the file readable by its owner only; a published file is not secret.
        temporary.chmod(0o644)
        temporary.replace(target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
