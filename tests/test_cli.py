"""The command line: version, help, exit codes and exact messages."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from guidebuild import __version__
from guidebuild.cli import main
from tests.conftest import run_cli


def test_version() -> None:
    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0
    assert result.output == f"guidebuild, version {__version__}\n"


def test_every_command_has_help_with_an_example() -> None:
    for name in main.list_commands(None):  # type: ignore[arg-type]
        result = CliRunner().invoke(main, [name, "--help"])
        assert result.exit_code == 0, name
        assert "Example" in result.output, f"{name} --help shows no example"


def test_help_imports_neither_sphinx_nor_weasyprint() -> None:
    code = (
        "import sys\n"
        "from guidebuild.cli import main\n"
        "try:\n"
        "    main(['build', '--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('sphinx', 'weasyprint'))\n"
        "print(heavy, file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], check=False, capture_output=True, text=True)
    assert done.stderr.strip() == "[]"


def test_python_dash_m() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "guidebuild", "--version"],
        check=False,
        capture_output=True,
        text=True,
    )
    assert done.stdout == f"guidebuild, version {__version__}\n"


def test_outside_a_project(tmp_path: Path) -> None:
    result = run_cli(tmp_path, "build")
    assert result.exit_code == 2
    assert result.output == (
        f"Error: no guidebuild project here: no folder at or above {tmp_path.resolve()} "
        "holds conf.py and guidance/\n"
    )


def test_bad_settings_are_all_reported(make_project) -> None:  # type: ignore[no-untyped-def]
    project = make_project("tiny")
    conf = project / "conf.py"
    text = conf.read_text().replace('"final"', '"published"').replace('"2005-03-01"', '"March"')
    conf.write_text(text)
    result = run_cli(project, "build")
    assert result.exit_code == 2
    assert result.output == (
        f"Error: {conf}: the publication settings are wrong\n"
        f"  {conf}: guidebuild_published must be a date as YYYY-MM-DD, not 'March'\n"
        f"  {conf}: guidebuild_status must be one of draft, consultation, final, not 'published'\n"
    )


def test_conf_syntax_error_names_the_line(make_project) -> None:  # type: ignore[no-untyped-def]
    project = make_project("tiny")
    conf = project / "conf.py"
    conf.write_text(conf.read_text() + "\nproject = (\n")
    result = run_cli(project, "build")
    assert result.exit_code == 2
    assert f"  {conf}:" in result.output
    assert "Traceback" not in result.output


def test_unknown_option_is_a_usage_error(make_project) -> None:  # type: ignore[no-untyped-def]
    result = run_cli(make_project("tiny"), "build", "--drfat")
    assert result.exit_code == 2
    assert result.output == (
        "Usage: guidebuild build [OPTIONS] [PROJECT]\n"
        "Try 'guidebuild build --help' for help.\n\n"
        "Error: No such option '--drfat'. (Did you mean one of: '--draft', '--pdf'?)\n"
    )


def test_sources_that_do_not_build_exit_1(make_project) -> None:  # type: ignore[no-untyped-def]
    project = make_project("tiny")
    chapter = project / "guidance" / "second.rst"
    chapter.write_text(chapter.read_text() + "\nSee :rec:`no-such-thing`.\n")
    result = run_cli(project, "build", "-q", "--no-pdf")
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0] == "Error: the guidance does not build"
    assert lines[1] == (
        f"  {chapter}:{len(chapter.read_text().splitlines())}: "
        "reference to unknown recommendation 'no-such-thing' [guidebuild.unknown-rec]"
    )
