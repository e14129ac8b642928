"""The site's search index after edits equals a clean build's (issue 10, smaller defects)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import run_cli


def search_index(site: Path) -> dict[str, object]:
    text = (site / "searchindex.js").read_text(encoding="utf-8")
    data: dict[str, object] = json.loads(text.removeprefix("Search.setIndex(").removesuffix(")"))
    return data


def test_words_that_are_gone_leave_the_index_and_it_equals_a_clean_build(
    make_project, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    project = make_project("tiny")
    chapter = project / "guidance" / "second.rst"
    original = chapter.read_text()
    chapter.write_text(original + "\nZanzibarian quokkas index here.\n\n.. index:: Quokka\n")
    assert run_cli(project, "build", "-q", "--no-pdf").exit_code == 0
    site = project / "_build" / "html"
    assert "zanzibarian" in search_index(site)["terms"]  # type: ignore[operator]

    # Remove the words; touch another page too, so some pages are kept from the last build.
    chapter.write_text(original + "\n.. index:: Quokka\n")
    first = project / "guidance" / "first.rst"
    first.write_text(first.read_text() + "\nA new paragraph about wombats.\n")
    assert run_cli(project, "build", "-q", "--no-pdf").exit_code == 0
    incremental = search_index(site)
    assert "zanzibarian" not in incremental["terms"]  # type: ignore[operator]
    assert "wombat" in incremental["terms"]  # type: ignore[operator]

    clean = tmp_path / "clean"
    assert run_cli(project, "build", "-q", "--no-pdf", "--out", str(clean)).exit_code == 0
    assert incremental == search_index(clean / "html")
    assert (site / "searchindex.js").read_bytes() == (
        clean / "html" / "searchindex.js"
    ).read_bytes()


def test_index_entries_of_pages_not_rebuilt_are_kept(make_project, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    project = make_project("tiny")
    chapter = project / "guidance" / "second.rst"
    chapter.write_text(chapter.read_text() + "\n.. index:: Quokka\n")
    assert run_cli(project, "build", "-q", "--no-pdf").exit_code == 0
    first = project / "guidance" / "first.rst"
    first.write_text(first.read_text() + "\nAn edit elsewhere.\n")
    assert run_cli(project, "build", "-q", "--no-pdf").exit_code == 0
    entries = search_index(project / "_build" / "html")["indexentries"]
    assert "quokka" in entries  # type: ignore[operator]
