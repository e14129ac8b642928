"""Find the project root and read the publication settings from ``conf.py``.

``conf.py`` is the Sphinx configuration of ``guidance/``; the publication's own settings
live in it as ``guidebuild_*`` config values so that plain ``sphinx-build`` sees the same
values we do. We read it here without importing Sphinx, so that commands which need only
the settings (``assess``, ``checklist``) start fast.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from guidebuild.errors import InputError, Problem

CONF_NAME = "conf.py"
SOURCE_DIR = "guidance"


class Status(enum.StrEnum):
    """Where the publication stands; a draft shows a DRAFT mark everywhere."""

    DRAFT = "draft"
    CONSULTATION = "consultation"
    FINAL = "final"


@dataclass(frozen=True)
class Settings:
    """The publication's settings, as written in ``conf.py``."""

    root: Path
    """The project folder: holds conf.py, guidance/, checklists/, templates/."""
    title: str
    short_title: str
    edition: str
    published: dt.date
    """Publication date of this edition."""
    status: Status
    organisation: str
    author: str
    pdf_name: str
    """File name of the PDF, without ``.pdf``."""
    language: str
    """BCP 47 language tag of the text, e.g. ``en-GB``."""
    contact: str = ""
    supersedes: str = ""
    site_url: str = ""
    """Where the site is published, for links from reports; empty if not yet known."""

    @property
    def source_dir(self) -> Path:
        return self.root / SOURCE_DIR

    @property
    def checklists_dir(self) -> Path:
        return self.root / "checklists"

    @property
    def templates_dir(self) -> Path:
        return self.root / "templates"

    @property
    def pdf_filename(self) -> str:
        return f"{self.pdf_name}.pdf"


def find_root(start: Path) -> Path:
    """Return the nearest folder at or above ``start`` that holds conf.py and guidance/."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / CONF_NAME).is_file() and (folder / SOURCE_DIR).is_dir():
            return folder
    raise InputError(
        f"no guidebuild project here: no folder at or above {start} holds "
        f"{CONF_NAME} and {SOURCE_DIR}/"
    )


def read_conf(root: Path) -> dict[str, Any]:
    """Execute conf.py as Sphinx would and return its top-level names."""
    path = root / CONF_NAME
    try:
        source = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise InputError(f"{path}: not UTF-8 text ({error.reason})") from None
    namespace: dict[str, Any] = {"__file__": str(path), "__name__": "conf"}
    try:
        code = compile(source, str(path), "exec")
    except SyntaxError as error:
        raise InputError(
            "conf.py is not valid Python",
            (Problem(path, error.msg or "syntax error", error.lineno, error.offset),),
        ) from None
    # conf.py is the project's own configuration, executed exactly as sphinx-build would.
    try:
        exec(code, namespace)  # noqa: S102
    except Exception as error:  # any error of the user's code is reported, located
        line = _conf_line(error, str(path))
        raise InputError(
            "conf.py stops with an error",
            (Problem(path, f"{type(error).__name__}: {error}", line),),
        ) from None
    return namespace


def _conf_line(error: BaseException, filename: str) -> int | None:
    """The line of conf.py where ``error`` was raised (the innermost frame in it)."""
    line = None
    trace = error.__traceback__
    while trace is not None:
        if trace.tb_frame.f_code.co_filename == filename:
            line = trace.tb_lineno
        trace = trace.tb_next
    return line


def load_settings(root: Path) -> Settings:
    """Read and check the publication settings; report every problem at once."""
    conf = read_conf(root)
    path = root / CONF_NAME
    problems: list[Problem] = []

    def text(name: str, default: str | None = None) -> str:
        value = conf.get(name, default)
        if value is None:
            problems.append(Problem(path, f"{name} is missing"))
            return ""
        if not isinstance(value, str) or (default is None and not value.strip()):
            problems.append(Problem(path, f"{name} must be a non-empty string, not {value!r}"))
            return ""
        return value

    title = text("project")
    published_raw = conf.get("guidebuild_published")
    published = dt.date(1970, 1, 1)
    try:
        published = dt.date.fromisoformat(str(published_raw))
    except ValueError:
        problems.append(
            Problem(
                path,
                f"guidebuild_published must be a date as YYYY-MM-DD, not {published_raw!r}",
            )
        )
    status_raw = conf.get("guidebuild_status", "draft")
    try:
        status = Status(status_raw)
    except ValueError:
        choices = ", ".join(s.value for s in Status)
        problems.append(
            Problem(path, f"guidebuild_status must be one of {choices}, not {status_raw!r}")
        )
        status = Status.DRAFT
    pdf_name = text("guidebuild_pdf_name")
    if pdf_name and (Path(pdf_name).name != pdf_name or pdf_name.endswith(".pdf")):
        problems.append(
            Problem(
                path, f"guidebuild_pdf_name must be a plain file name without .pdf: {pdf_name!r}"
            )
        )
    language = str(conf.get("language") or "en").replace("_", "-")
    settings = Settings(
        root=root,
        title=title,
        short_title=text("guidebuild_short_title", title),
        edition=text("guidebuild_edition"),
        published=published,
        status=status,
        organisation=text("guidebuild_organisation"),
        author=text("author"),
        pdf_name=pdf_name,
        language=language,
        contact=text("guidebuild_contact", ""),
        supersedes=text("guidebuild_supersedes", ""),
        site_url=text("guidebuild_site_url", ""),
    )
    if problems:
        raise InputError(f"{path}: the publication settings are wrong", tuple(problems))
    return settings
