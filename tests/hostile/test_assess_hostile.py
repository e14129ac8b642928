"""`guidebuild assess` against hostile and careless input (issue 10, points 3, 5, 7, 9, 10).

Each test is one attack that succeeded before: the report runs no code of the folder,
shows no control character of the user's, writes nothing over its inputs or a device,
keeps the user's file modes, and turns every bad input into a located message, exit 2.
"""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from guidebuild.cli import main
from tests.test_assess_cli import TINY_FRAMEWORK, TINY_SCHEME

# Every control a terminal acts on: ESC (CSI, OSC 8 hyperlink, OSC 52 clipboard), BEL,
# CR, backspace, the 8-bit CSI (C1) and a bidirectional override.
ATTACK_NAME = (
    "\\e]8;;https://evil.example/\\aClick me\\e]8;;\\a \\e[2J\\e]52;c;cm0gLXJmIH4=\\a"
    "\\a\\rFake\\b \\x9b31m \\u202Egnp.exe"
)
FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    (tmp_path / "frameworks").mkdir()
    (tmp_path / "frameworks" / "tiny.yaml").write_text(TINY_FRAMEWORK, encoding="utf-8")
    (tmp_path / "scheme.yaml").write_text(TINY_SCHEME, encoding="utf-8")
    return tmp_path


def assess(tiny: Path, *args: str, scheme: str = "scheme.yaml") -> Result:
    with contextlib.chdir(tiny):
        return CliRunner().invoke(
            main,
            ["assess", scheme, "--frameworks", str(tiny / "frameworks"), *args],
            catch_exceptions=False,
        )


def hostile_scheme(tiny: Path) -> None:
    text = TINY_SCHEME.replace("name: Hillside Mentoring", f'name: "{ATTACK_NAME}"')
    text = text.replace("organisation: Hillside Trust", 'organisation: "=HYPERLINK(\\"x\\")"')
    (tiny / "scheme.yaml").write_text(text, encoding="utf-8")


# -- assess never runs code (point 3 of the failures) --------------------------------------


def test_assess_never_runs_conf_py_of_the_folder(tiny: Path) -> None:
    marker = tiny / "conf-py-ran"
    (tiny / "guidance").mkdir()
    (tiny / "conf.py").write_text(
        f"open({str(marker)!r}, 'w').write('ran')\nguidebuild_site_url = 'https://x.example/'\n"
    )
    (tiny / "_build").mkdir()
    (tiny / "_build" / "recommendations.json").write_text(
        '[{"id": "name-who-runs-the-scheme", "number": "2.1", "title": "Name a lead",'
        ' "url": "lead.html#name-who-runs-the-scheme"}]'
    )
    for fmt in ("html", "md", "text", "json"):
        result = assess(tiny, "-f", fmt)
        assert result.exit_code == 0, result.output
        assert not marker.exists(), fmt
    # The manifest (data) still gives numbers and titles, and --guidance-url the links.
    result = assess(tiny, "-f", "md", "--guidance-url", "https://guidance.example/")
    link = "[2.1 Name a lead](https://guidance.example/lead.html#name-who-runs-the-scheme)"
    assert link in result.stdout
    assert not marker.exists()


def test_python_dash_m_imports_no_module_of_the_folder(tiny: Path) -> None:
    """`python -m` puts the folder first on sys.path: a yaml.py there would have run."""
    marker = tiny / "module-ran"
    for module in ("yaml", "click", "pathlib", "msgspec", "json"):
        (tiny / f"{module}.py").write_text(f"open({str(marker)!r}, 'a').write({module!r})\n")
    # An installed plug-in is looked for in each sys.path folder: the folder's must not be
    # read, and a FIFO must not hang the look.
    (tiny / "evil.dist-info").mkdir()
    os.mkfifo(tiny / "evil.dist-info" / "entry_points.txt")
    result = subprocess.run(
        [sys.executable, "-m", "guidebuild", "assess", "scheme.yaml", "--frameworks", "frameworks"],
        cwd=tiny,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Hillside Mentoring" in result.stdout
    assert not marker.exists(), marker.read_text()


# -- terminal escape injection (failure 5) ---------------------------------------------------


@pytest.mark.parametrize("fmt", ["text", "md", "csv", "html", "json"])
def test_no_control_character_of_the_user_reaches_the_terminal(tiny: Path, fmt: str) -> None:
    hostile_scheme(tiny)
    shown = assess(tiny, "-f", fmt)
    assert shown.exit_code == 0, shown.output
    written = assess(tiny, "-f", fmt, "-o", "report.out")
    assert written.exit_code == 0
    for text in (shown.stdout, (tiny / "report.out").read_text(encoding="utf-8")):
        assert FORBIDDEN.findall(text) == []
    # The reader still sees that something odd was in the name.
    assert "Click me" in shown.stdout
    assert "\\x1b" in shown.stdout or "\\u001b" in shown.stdout


def test_text_report_escapes_the_name_but_keeps_its_own_colours(tiny: Path) -> None:
    hostile_scheme(tiny)
    with contextlib.chdir(tiny):
        from guidebuild.answers import read_answers
        from guidebuild.framework.loader import Catalogue
        from guidebuild.framework.scoring import assess as score
        from guidebuild.report.text import render_text

        answers, framework = read_answers(Path("scheme.yaml"), Catalogue(tiny / "frameworks"))
        coloured = render_text(score(framework, answers), color=True)
    first = coloured.splitlines()[0]
    assert first.startswith("\x1b[1m\\x1b]8;;https://evil.example/\\x07Click me")
    assert first.endswith("\x1b[0m")
    assert FORBIDDEN.findall(re.sub(r"\x1b\[[0-9;]*m", "", coloured)) == []


def test_error_messages_do_not_echo_control_characters(tiny: Path) -> None:
    """A message names the file, and a file's name is the user's text too."""
    name = "\x1b]52;c;cm0gLXJmIH4=\x07\x1b[2Jscheme.yaml"
    (tiny / name).write_text(TINY_SCHEME + "  X9: {rating: strong}\n", encoding="utf-8")
    result = assess(tiny, scheme=name)
    assert result.exit_code == 2
    assert FORBIDDEN.findall(result.stderr) == []
    assert result.stderr.startswith("Error: \\x1b]52;c;cm0gLXJmIH4=\\x07\\x1b[2Jscheme.yaml: ")


def test_csv_cells_a_spreadsheet_would_run_are_defused(tiny: Path) -> None:
    for lead in ("=", "+", "-", "@"):
        text = TINY_SCHEME.replace("name: Hillside Mentoring", f'name: "{lead}cmd|calc"')
        (tiny / "scheme.yaml").write_text(text, encoding="utf-8")
        result = assess(tiny, "-f", "csv")
        assert result.exit_code == 0
        assert result.stdout.splitlines()[1].split(",")[1] == f"'{lead}cmd|calc"
    # Text is trimmed as it is read, so a tab or CR can lead a cell only from elsewhere
    # (a file name, say); the cell rule covers them too.
    from guidebuild.report.csv_report import _cell

    assert [_cell(f"{lead}x") for lead in ("\t", "\r")] == ["'\tx", "'\rx"]


# -- crashes of documented features (failure 7) ----------------------------------------------


@pytest.mark.parametrize("fmt", ["html", "md", "text", "json"])
def test_baseline_in_every_format_that_shows_it(tiny: Path, fmt: str) -> None:
    earlier = TINY_SCHEME.replace("A2: {rating: strong}", "A2: {rating: weak}")
    (tiny / "earlier.yaml").write_text(earlier.replace("2025-02-01", "2024-02-01"))
    result = assess(tiny, "-f", fmt, "--baseline", "earlier.yaml")
    assert result.exit_code == 0, result.output
    assert "A2" in result.stdout
    assert "2024-02-01" in result.stdout


@pytest.mark.parametrize("spelling", ["scheme.yaml", "./scheme.yaml", "link.yaml"])
def test_report_over_its_own_input_is_refused(tiny: Path, spelling: str) -> None:
    (tiny / "link.yaml").symlink_to(tiny / "scheme.yaml")
    result = assess(tiny, "-f", "md", "-o", spelling)
    assert result.exit_code == 2
    assert re.match(r"Error: -o (\./)?(scheme|link)\.yaml is the input file", result.stderr)
    assert (tiny / "scheme.yaml").read_text() == TINY_SCHEME


def test_report_over_the_baseline_is_refused(tiny: Path) -> None:
    (tiny / "earlier.yaml").write_text(TINY_SCHEME)
    result = assess(tiny, "--baseline", "earlier.yaml", "-o", "earlier.yaml")
    assert result.exit_code == 2
    assert (tiny / "earlier.yaml").read_text() == TINY_SCHEME


@contextlib.contextmanager
def umask(mask: int) -> Iterator[None]:
    old = os.umask(mask)
    try:
        yield
    finally:
        os.umask(old)


@pytest.mark.parametrize(("mask", "mode"), [(0o022, 0o644), (0o027, 0o640), (0o077, 0o600)])
def test_a_new_report_has_the_mode_the_umask_gives(tiny: Path, mask: int, mode: int) -> None:
    with umask(mask):
        assert assess(tiny, "-o", "report.txt").exit_code == 0
    assert (tiny / "report.txt").stat().st_mode & 0o777 == mode


def test_an_existing_report_keeps_its_mode(tiny: Path) -> None:
    (tiny / "report.txt").write_text("old")
    (tiny / "report.txt").chmod(0o664)
    with umask(0o077):
        assert assess(tiny, "-o", "report.txt").exit_code == 0
    assert (tiny / "report.txt").stat().st_mode & 0o777 == 0o664
    assert (tiny / "report.txt").read_text() != "old"


def test_a_report_is_never_renamed_over_a_device(tiny: Path) -> None:
    os.mkfifo(tiny / "pipe")
    result = assess(tiny, "-o", "pipe")
    assert result.exit_code == 2
    assert result.stderr == "Error: cannot write pipe: it is not a regular file\n"
    assert (tiny / "pipe").is_fifo()


# -- tracebacks where a message belongs (failure 9) ------------------------------------------


def test_a_full_disk_is_a_message(tiny: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The temporary file is /dev/full, so the kernel itself says ENOSPC."""
    real = tempfile.mkstemp

    def full(*args: object, **kwargs: object) -> tuple[int, str]:
        handle, name = real(*args, **kwargs)  # type: ignore[call-overload]
        os.dup2(os.open("/dev/full", os.O_WRONLY), handle)
        return handle, name

    monkeypatch.setattr(tempfile, "mkstemp", full)
    (tiny / "report.txt").write_text("the last report")
    result = assess(tiny, "-o", "report.txt")
    assert result.exit_code == 2
    assert result.stderr == "Error: cannot write report.txt: No space left on device\n"
    assert (tiny / "report.txt").read_text() == "the last report"
    assert sorted(p.name for p in tiny.iterdir() if p.name.startswith(".report")) == []


def test_an_unwritable_folder_is_a_message(tiny: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """As a user without write permission meets it (the tests may run as root)."""

    def refuse(*args: object, **kwargs: object) -> tuple[int, str]:
        raise PermissionError(13, "Permission denied", str(tiny))

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    result = assess(tiny, "-o", "report.txt")
    assert result.exit_code == 2
    assert result.stderr == "Error: cannot write report.txt: Permission denied\n"


def test_nul_deep_in_yaml_is_located_by_line_and_column(tiny: Path) -> None:
    padding = "".join(f"# line {n}\n" for n in range(2000))
    text = TINY_SCHEME.replace("  name: Hillside Mentoring", "  name: Hill\x00side")
    (tiny / "scheme.yaml").write_text(padding + text, encoding="utf-8")
    result = assess(tiny)
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: scheme.yaml: 1 problem\n"
        "  scheme.yaml:2003:13: a NUL byte (0x00): YAML text cannot hold one; remove it\n"
    )


def test_a_fifo_is_refused_at_once(tiny: Path) -> None:
    """In a process of its own: reading a FIFO would wait for a writer for ever."""
    os.mkfifo(tiny / "answers.yaml")
    result = subprocess.run(
        [sys.executable, "-m", "guidebuild", "assess", "answers.yaml"],
        cwd=tiny,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr == (
        "Error: answers.yaml: 1 problem\n"
        "  answers.yaml: is not a regular file (a FIFO, device or socket): give a saved file\n"
    )


# -- workbooks and PDF forms ----------------------------------------------------------------


def _framework(tiny: Path):  # type: ignore[no-untyped-def]
    from guidebuild.framework.loader import load_framework

    return load_framework(tiny / "frameworks" / "tiny.yaml")


def test_ratings_as_formulas_without_saved_values_are_reported(tiny: Path) -> None:
    from openpyxl import load_workbook

    from guidebuild.forms import write_checklists

    (book,) = write_checklists(_framework(tiny), tiny / "forms", ["xlsx"])
    workbook = load_workbook(book)
    details = workbook["Scheme details"]
    for row in details.iter_rows(min_row=2):
        label = str(row[0].value)
        if label.startswith("Name of the scheme"):
            row[1].value = "Formula Scheme"
        elif label.startswith("Organisation"):
            row[1].value = "Formula Trust"
        elif label.startswith("Date of this assessment"):
            row[1].value = "2025-02-01"
    items = workbook["Items"]
    rating = [cell.value for cell in items[1]].index("Rating")
    for row in items.iter_rows(min_row=2):
        if row[0].value:
            row[rating].value = '="strong"'  # openpyxl, like many tools, saves no value
    workbook.save(tiny / "filled.xlsx")
    result = assess(tiny, scheme="filled.xlsx")
    assert result.exit_code == 2
    column = chr(ord("A") + rating)
    lines = result.stderr.splitlines()
    assert lines[0] == "Error: filled.xlsx: 4 problems"
    assert lines[1] == (
        f"  filled.xlsx: sheet 'Items', cell {column}2: holds the formula =\"strong\" but no "
        "saved value, so the answer cannot be read (the tool that saved the workbook did "
        "not calculate it): type the answer itself, or open the workbook in Excel or "
        "LibreOffice Calc and save it again"
    )


def test_a_compression_bomb_in_a_pdf_field_is_refused(tiny: Path) -> None:
    import zlib

    from pypdf import PdfWriter
    from pypdf.generic import EncodedStreamObject, NameObject

    from guidebuild.forms import write_checklists

    (form,) = write_checklists(_framework(tiny), tiny / "forms", ["pdf"])
    writer = PdfWriter(clone_from=form)
    field = writer._root_object["/AcroForm"]["/Fields"][0].get_object()
    bomb = EncodedStreamObject()
    packer = zlib.compressobj(9)
    bomb._data = packer.compress(b"\0" * (200 * 1024 * 1024)) + packer.flush()
    bomb[NameObject("/Filter")] = NameObject("/FlateDecode")
    field[NameObject("/V")] = writer._add_object(bomb)
    writer.write(tiny / "bomb.pdf")
    result = assess(tiny, scheme="bomb.pdf")
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: bomb.pdf: 1 problem\n"
        f"  bomb.pdf: field {field['/T']} (page 1): its value is a compressed stream that "
        "inflates beyond the size any answer could have (a compression bomb?)\n"
    )
