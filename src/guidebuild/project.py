"""Find the project root and read the publication settings from ``conf.py``.

``conf.py`` is the Sphinx configuration of ``guidance/``; the publication's own settings
live in it as ``guidebuild_*`` config values so that plain ``sphinx-build`` sees the same
values we do. We read it here without importing Sphinx, so that commands which need only
the settings (``assess``, ``checklist``) start fast.
"""

from __future__ import annotations

import datetime as dt
import enum
from pathlib import Path
from typing import Any

from msgspec import Struct, field

from guidebuild.errors import InputError, Problem

CONF_NAME = "conf.py"
SOURCE_DIR = "guidance"


class FrontSetting(Struct, frozen=True):
    """One conf.py setting of the front matter (Reader Information box and imprint)."""

    name: str
    """The conf.py name, e.g. ``guidebuild_gateway_ref``."""
    label: str
    """Its label in the Reader Information box; empty for settings not shown there."""
    kind: type = str
    """``str``, or ``list`` for a list of strings (the policy areas)."""


# The Department of Health's Reader Information box of 2004, in its order; Title, Author and
# Publication date come from `project`, `author` and `guidebuild_published`. Every field is
# optional: one left unset is left out of the box, never printed empty or made up. The names
# are generic so that another organisation's guidance can use the same box.
READER_FIELDS: tuple[FrontSetting, ...] = (
    FrontSetting("guidebuild_policy_areas", "Policy areas", list),
    FrontSetting("guidebuild_document_purpose", "Document purpose"),
    FrontSetting("guidebuild_rocr_ref", "ROCR reference"),
    FrontSetting("guidebuild_gateway_ref", "Gateway reference"),
    FrontSetting("guidebuild_target_audience", "Target audience"),
    FrontSetting("guidebuild_circulation_list", "Circulation list"),
    FrontSetting("guidebuild_description", "Description"),
    FrontSetting("guidebuild_cross_ref", "Cross reference"),
    FrontSetting("guidebuild_supersedes", "Superseded documents"),
    FrontSetting("guidebuild_action_required", "Action required"),
    FrontSetting("guidebuild_timing", "Timing"),
    FrontSetting("guidebuild_recipients_use", "For recipients\u2019 use"),
)
# The parts of "Contact details", shown as one row of the box, and the other-formats contact.
CONTACT_FIELDS: tuple[FrontSetting, ...] = (
    FrontSetting("guidebuild_contact_name", "Name"),
    FrontSetting("guidebuild_contact", "Address"),
    FrontSetting("guidebuild_contact_telephone", "Telephone"),
    FrontSetting("guidebuild_contact_email", "E-mail"),
)
# The imprint page and the cover.
IMPRINT_FIELDS: tuple[FrontSetting, ...] = (
    FrontSetting("guidebuild_policy_area_choices", "", list),
    FrontSetting("guidebuild_logo_text", ""),
    FrontSetting("guidebuild_copyright", ""),
    FrontSetting("guidebuild_first_published", ""),
    FrontSetting("guidebuild_produced_by", ""),
    FrontSetting("guidebuild_licence", ""),
    FrontSetting("guidebuild_publications_address", ""),
)
FRONT_SETTINGS: tuple[FrontSetting, ...] = READER_FIELDS + CONTACT_FIELDS + IMPRINT_FIELDS
# The tick list of the DH box of 2004, used when conf.py names no other.
DEFAULT_POLICY_AREA_CHOICES: tuple[str, ...] = (
    "Policy",
    "HR/Workforce",
    "Management",
    "Planning",
    "Clinical",
    "Estates",
    "Performance",
    "IM&T",
    "Finance",
    "Partnership Working",
)


class Status(enum.StrEnum):
    """Where the publication stands; a draft shows a DRAFT mark everywhere."""

    DRAFT = "draft"
    CONSULTATION = "consultation"
    FINAL = "final"


class Settings(Struct, frozen=True):
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
    site_url: str = ""
    """Where the site is published, for links from reports; empty if not yet known."""
    front: dict[str, str | tuple[str, ...]] = field(default_factory=dict)
    """The front-matter settings that are set (see FRONT_SETTINGS), by conf.py name."""

    @property
    def contact(self) -> str:
        """The contact's postal address (``guidebuild_contact``)."""
        value = self.front.get("guidebuild_contact", "")
        return value if isinstance(value, str) else ""

    @property
    def supersedes(self) -> str:
        value = self.front.get("guidebuild_supersedes", "")
        return value if isinstance(value, str) else ""

    def missing_for_final(self) -> list[str]:
        """What a final edition should state but this one leaves unset (``check`` warns)."""
        if self.status is not Status.FINAL:
            return []
        missing = []
        if not self.front.get("guidebuild_gateway_ref"):
            missing.append("guidebuild_gateway_ref (the Gateway reference)")
        for name in (
            "guidebuild_contact_name",
            "guidebuild_contact_telephone",
            "guidebuild_contact_email",
            "guidebuild_contact",
        ):
            if not self.front.get(name):
                missing.append(f"{name} (contact details)")
        return missing

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
        site_url=text("guidebuild_site_url", ""),
        front=front_settings(conf, path, problems),
    )
    if problems:
        raise InputError(f"{path}: the publication settings are wrong", tuple(problems))
    return settings


def front_settings(
    conf: dict[str, Any], path: Path, problems: list[Problem]
) -> dict[str, str | tuple[str, ...]]:
    """The front-matter settings conf.py sets, checked; unset and empty ones are left out."""
    found: dict[str, str | tuple[str, ...]] = {}
    for setting in FRONT_SETTINGS:
        value = conf.get(setting.name)
        if value is None or value in ("", [], ()):
            continue
        if setting.kind is list:
            if not isinstance(value, list | tuple) or not all(
                isinstance(item, str) and item.strip() for item in value
            ):
                problems.append(
                    Problem(path, f"{setting.name} must be a list of texts, not {value!r}")
                )
                continue
            found[setting.name] = tuple(value)
        elif not isinstance(value, str):
            problems.append(Problem(path, f"{setting.name} must be a string, not {value!r}"))
        elif value.strip():
            found[setting.name] = value
    choices = found.get("guidebuild_policy_area_choices", DEFAULT_POLICY_AREA_CHOICES)
    for area in found.get("guidebuild_policy_areas", ()):
        if area not in choices:
            problems.append(
                Problem(
                    path,
                    f"guidebuild_policy_areas names {area!r}, which is not in the tick list; "
                    f"expected one of {', '.join(choices)}",
                )
            )
    first = found.get("guidebuild_first_published")
    if isinstance(first, str):
        try:
            dt.date.fromisoformat(first)
        except ValueError:
            problems.append(
                Problem(path, f"guidebuild_first_published must be YYYY-MM-DD, not {first!r}")
            )
    return found
