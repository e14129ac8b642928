"""Every route by which a source could read a file from outside the project is refused.

Issue 10 found five routes past the old list of guarded directives; these tests try
those and every other route we know of, each in a fresh copy of the tiny project with a
secret file beside it. A refused build exits 1 naming what asked, publishes nothing, and
no file anywhere in the build folder holds the secret.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import run_cli
from tests.hostile import attacks

pytestmark = pytest.mark.slow


def _attack(make_project, tmp_path: Path, name: str) -> tuple[Path, Path]:  # type: ignore[no-untyped-def]
    project = make_project("tiny")
    secrets = attacks.make_secrets(tmp_path / "outside")
    {**attacks.ALL, **attacks.CONF_ATTACKS}[name](project, secrets)
    return project, secrets


def _assert_refused(project: Path, output: str, exit_code: int) -> None:
    assert exit_code == 1, output
    assert "Traceback" not in output
    assert not (project / "_build" / "html").exists()
    assert not (project / "_build" / "pdf").exists()
    if (project / "_build").exists():
        assert attacks.leaked(project / "_build") == []


# What each refusal names: the source and line, or the file itself.
WHERE = {
    "include_stdlib_form": r"second\.rst:24: guidebuild refuses to read <?\.\./.*secret\.txt",
    "include_relative": r"second\.rst:24: guidebuild refuses to read \.\./\.\./outside/secret\.txt",
    "download_role": r"second\.rst:24: guidebuild refuses to read \.\./\.\./outside/secret\.txt",
    "csv_table_absolute": r"second\.rst:24: guidebuild refuses to read .*secret\.csv",
    "symlinked_rst": r"guidance/leak\.rst: is a symbolic link to .*/outside/secret\.rst, outside",
    "symlinked_folder": r"guidance/more: is a symbolic link to .*/outside/tree, outside",
    "glob_image_symlink": r"guidance/pictures/pic\.png: is a symbolic link to .*secret\.png",
    "literalinclude": r"second\.rst:24: guidebuild refuses to read \.\./\.\./outside/secret\.txt",
    "svg_external_reference": r"guidance/evil\.svg:1: names file://.*/outside/secret\.svg",
    "css_import": r"guidance/second\.rst:26: names file://.*/outside/secret\.css",
    "raw_html_file": r"second\.rst:24: guidebuild refuses to read \.\./\.\./outside/secret\.txt",
    "figure_relative": r"second\.rst:24: guidebuild refuses to read \.\./\.\./outside/secret\.png",
    "theme_static_symlink": r"static/extra\.css \(that is, .*/outside/secret\.css\): outside",
    "hard_link": r"guidance/notes\.txt: is a hard link",
    "fifo_source": r"guidance/pipe\.rst: is not a regular file \(a device, FIFO or socket\)",
    "dev_zero_source": r"guidance/zero\.rst: is a symbolic link to /dev/zero, outside the project",
    "raw_remote_image": r"guidance/second\.rst:26: names http://127\.0\.0\.1:9/pixel\.png",
    "conf_extra_path": r"guidebuild refuses to read .*/outside/tree: outside the project",
    "conf_intersphinx": r"guidebuild refuses to connect to 127\.0\.0\.1 port 9",
}


# A FIFO or /dev/zero in guidance/ would hang an unbounded build: test_bounds.py tries
# those in a process of its own, under limits.
IN_PROCESS = [n for n in [*attacks.ALL, *attacks.CONF_ATTACKS] if n not in attacks.SPECIAL]


@pytest.mark.parametrize("name", IN_PROCESS)
def test_route_is_refused(make_project, tmp_path: Path, name: str) -> None:  # type: ignore[no-untyped-def]
    project, _ = _attack(make_project, tmp_path, name)
    result = run_cli(project, "build", "-q")
    _assert_refused(project, result.output, result.exit_code)
    assert re.search(WHERE[name], result.output), result.output


@pytest.mark.parametrize("name", ["raw_remote_image", "css_import", "download_role"])
def test_no_pdf_refuses_as_the_full_build_does(make_project, tmp_path: Path, name: str) -> None:  # type: ignore[no-untyped-def]
    project, _ = _attack(make_project, tmp_path, name)
    result = run_cli(project, "build", "-q", "--no-pdf")
    _assert_refused(project, result.output, result.exit_code)
    assert re.search(WHERE[name], result.output), result.output


def test_a_refusal_leaves_the_last_good_output(make_project, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    project = make_project("tiny")
    assert run_cli(project, "build", "-q").exit_code == 0
    page = (project / "_build" / "html" / "second.html").read_bytes()
    attacks.download_role(project, attacks.make_secrets(tmp_path / "outside"))
    result = run_cli(project, "build", "-q")
    assert result.exit_code == 1
    assert (project / "_build" / "html" / "second.html").read_bytes() == page
    assert attacks.leaked(project / "_build") == []


def test_links_inside_the_project_still_build(make_project) -> None:  # type: ignore[no-untyped-def]
    """The sandbox refuses what leaves the project, not symbolic links within it."""
    project = make_project("tiny")
    (project / "shared").mkdir()
    (project / "shared" / "note.txt").write_text("A shared note.\n")
    (project / "guidance" / "note.txt").symlink_to(project / "shared" / "note.txt")
    attacks.append(project, ".. literalinclude:: note.txt")
    result = run_cli(project, "build", "-q", "--no-pdf")
    assert result.exit_code == 0, result.output
    page = (project / "_build" / "html" / "second.html").read_text()
    assert "A shared note." in re.sub(r"<[^>]+>", "", page)  # highlighting splits the words


def test_staged_output_holding_a_link_is_not_published(tmp_path: Path) -> None:
    from guidebuild.errors import BuildError
    from guidebuild.sandbox import check_output

    stage = tmp_path / "stage"
    (stage / "html").mkdir(parents=True)
    (stage / "html" / "index.html").write_text("<p>fine</p>")
    (stage / "html" / "leak.txt").symlink_to("/etc/hostname")
    outside = tmp_path / "outside.txt"
    outside.write_text(attacks.SECRET)
    (stage / "html" / "hard.txt").hardlink_to(outside)
    with pytest.raises(BuildError) as caught:
        check_output(stage)
    assert [str(p.path.relative_to(stage)) for p in caught.value.problems] == [
        "html/hard.txt",
        "html/leak.txt",
    ]
    assert [p.message for p in caught.value.problems] == [
        "is a hard link to a file elsewhere",
        "is a symbolic link to /etc/hostname",
    ]


@pytest.mark.parametrize("name", ["include_stdlib_form", "csv_table_absolute", "download_role"])
def test_plain_sphinx_build_is_kept_in_too(make_project, tmp_path: Path, name: str) -> None:  # type: ignore[no-untyped-def]
    """Without guidebuild's audit hook, the extension's own guards refuse these routes."""
    from sphinx.cmd.build import build_main

    project, _ = _attack(make_project, tmp_path, name)
    out = tmp_path / "plain"
    warnings = tmp_path / "warnings.txt"
    code = build_main(
        ["-q", "-b", "html", "-c", str(project), "-w", str(warnings), str(project / "guidance"),
         str(out)]
    )  # fmt: skip
    logged = re.sub(r":(\d+): (ERROR|WARNING): ", r":\1: ", warnings.read_text())
    assert re.search(WHERE[name], logged), logged
    assert attacks.leaked(out) == [], code
