"""``--out`` never deletes what guidebuild did not make (issue 10, build point 2)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from guidebuild.build.publish import MARKER_NAME
from tests.conftest import copy_repository_project, run_cli, tree_digest


def snapshot(folder: Path) -> dict[str, bytes]:
    return tree_digest(folder)


def test_out_dot_in_a_copy_of_the_project_refuses_and_deletes_nothing(tmp_path: Path) -> None:
    project = copy_repository_project(tmp_path / "project")
    before = snapshot(project)
    result = run_cli(project, "build", "--no-pdf", "--out", ".")
    assert result.exit_code == 2, result.output
    assert "is the project folder" in result.output
    assert "Traceback" not in result.output
    assert snapshot(project) == before
    assert not (project / MARKER_NAME).exists()


@pytest.mark.parametrize(
    ("out", "says"),
    [
        ("..", "holds the project's sources"),
        ("guidance/site", "inside the project's sources"),
        ("checklists", "inside the project's sources"),
        ("templates/x", "inside the project's sources"),
        ("conf.py", "is a file"),
    ],
)
def test_out_holding_or_inside_the_sources_is_refused(make_project, out: str, says: str) -> None:  # type: ignore[no-untyped-def]
    project = make_project("tiny")
    before = snapshot(project.parent)
    result = run_cli(project, "build", "--no-pdf", "--out", out)
    assert result.exit_code == 2, result.output
    assert says in result.output
    assert snapshot(project.parent) == before


def test_a_users_folder_without_the_marker_is_never_touched(make_project, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    project = make_project("tiny")
    users = tmp_path / "D"
    (users / "pdf").mkdir(parents=True)
    (users / "pdf" / "x.pdf").write_bytes(b"%PDF-1.4 the user's own file")
    (users / "html").mkdir()
    (users / "html" / "notes.html").write_text("<p>mine</p>")
    before = snapshot(users)
    result = run_cli(project, "build", "--out", str(users))
    assert result.exit_code == 2, result.output
    assert "not empty and was not made by guidebuild" in result.output
    assert "html" in result.output and "pdf" in result.output
    assert snapshot(users) == before
    assert sorted(p.name for p in users.iterdir()) == ["html", "pdf"]  # no lock, no marker


def test_an_empty_or_new_folder_is_claimed_and_rebuilt_into(make_project, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    project = make_project("tiny")
    empty = tmp_path / "empty"
    empty.mkdir()
    for out in (empty, tmp_path / "new" / "deeper"):
        assert run_cli(project, "build", "-q", "--no-pdf", "--out", str(out)).exit_code == 0
        assert (out / "html" / "index.html").is_file()
        marker = json.loads((out / MARKER_NAME).read_text())
        assert marker["entries"] == ["html", "recommendations.json"]
    # A second build into a folder guidebuild made is fine.
    chapter = project / "guidance" / "first.rst"
    chapter.write_text(chapter.read_text() + "\nOne more paragraph.\n")
    assert run_cli(project, "build", "-q", "--no-pdf", "--out", str(empty)).exit_code == 0
    assert "One more paragraph." in (empty / "html" / "first.html").read_text()


def test_inside_its_own_folder_guidebuild_replaces_only_its_entries(
    make_project, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    project = make_project("tiny")
    out = tmp_path / "site"
    assert run_cli(project, "build", "-q", "--no-pdf", "--out", str(out)).exit_code == 0
    (out / "README.txt").write_text("the user's note beside the outputs")
    chapter = project / "guidance" / "first.rst"
    chapter.write_text(chapter.read_text() + "\nA later paragraph.\n")
    assert run_cli(project, "build", "-q", "--no-pdf", "--out", str(out)).exit_code == 0
    assert (out / "README.txt").read_text() == "the user's note beside the outputs"

    # An entry guidebuild would publish but did not make here is the user's: refused.
    (out / "pdf").mkdir()
    (out / "pdf" / "x.pdf").write_bytes(b"%PDF-1.4 mine")
    chapter.write_text(chapter.read_text() + "\nAnd another.\n")
    result = run_cli(project, "build", "-q", "--out", str(out))
    assert result.exit_code == 2, result.output
    assert "pdf was not made by guidebuild" in result.output
    assert (out / "pdf" / "x.pdf").read_bytes() == b"%PDF-1.4 mine"


def test_an_output_folder_of_an_earlier_guidebuild_is_adopted(make_project) -> None:  # type: ignore[no-untyped-def]
    project = make_project("tiny")
    out = project / "_build"
    assert run_cli(project, "build", "-q", "--no-pdf").exit_code == 0
    site = tree_digest(out / "html")
    # What guidebuild before the marker left: real folders and its cache record.
    (out / MARKER_NAME).unlink()
    legacy = out / "html"
    legacy.unlink()
    (out / ".current" / "html").rename(legacy)
    (out / ".cache" / "fingerprints.json").write_text("{}")  # where its record was kept
    chapter = project / "guidance" / "first.rst"
    chapter.write_text(chapter.read_text() + "\nAdopted.\n")
    assert run_cli(project, "build", "-q", "--no-pdf").exit_code == 0
    assert (out / "html").is_symlink()
    assert "Adopted." in (out / "html" / "first.html").read_text()
    assert tree_digest(out / "html").keys() == site.keys()


def test_checklist_into_the_default_folder_then_build_is_not_refused(make_project) -> None:  # type: ignore[no-untyped-def]
    project = make_project("tiny")
    result = run_cli(project, "checklist", "--format", "yaml", "-q")
    assert result.exit_code == 0, result.output
    written = sorted((project / "_build" / "checklists").iterdir())
    assert written
    result = run_cli(project, "build", "-q", "--no-pdf")
    assert result.exit_code == 0, result.output
    # Made by guidebuild, so still there: `build --no-pdf` does not write checklists.
    assert sorted((project / "_build" / "checklists").iterdir())[0].name == written[0].name
