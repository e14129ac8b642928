"""Incremental builds: nothing changed costs nothing; an edit redoes what depends on it."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from guidebuild.build.publish import clear_leftovers, staging
from guidebuild.resources import theme_dir
from tests.conftest import copy_repository_project, run_cli, tree_digest


def mtimes(folder: Path) -> dict[str, int]:
    return {str(p.relative_to(folder)): p.stat().st_mtime_ns for p in folder.rglob("*")}


def test_no_change_does_no_sphinx_or_weasyprint_work(make_project) -> None:  # type: ignore[no-untyped-def]
    project = make_project("tiny")
    assert run_cli(project, "build", "-q").exit_code == 0
    before = mtimes(project / "_build" / "html") | mtimes(project / "_build" / "pdf")
    code = (
        "import sys\n"
        "from guidebuild.cli import main\n"
        "try:\n"
        "    main(['build'])\n"
        "except SystemExit as exit:\n"
        "    assert exit.code in (0, None), exit.code\n"
        "heavy = sorted({m.split('.')[0] for m in sys.modules} & {'sphinx', 'weasyprint'})\n"
        "print(heavy)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=project, check=True, capture_output=True, text=True
    )
    assert done.stdout.strip() == "[]"
    assert "Nothing has changed since the last build" in done.stderr
    after = mtimes(project / "_build" / "html") | mtimes(project / "_build" / "pdf")
    assert after == before


def test_a_theme_edit_rebuilds_the_site_but_not_the_pdf(make_project) -> None:  # type: ignore[no-untyped-def]
    project = make_project("tiny")
    assert run_cli(project, "build", "-q").exit_code == 0
    pdf = project / "_build" / "pdf" / "tiny-guidance.pdf"
    pdf_time = pdf.stat().st_mtime_ns
    # A project's templates/guidebuild/ overrides the site theme's files one by one.
    css = project / "templates" / "guidebuild" / "static" / "guidebuild.css"
    css.parent.mkdir(parents=True)
    package_css = theme_dir("guidebuild") / "static" / "guidebuild.css"
    css.write_text(package_css.read_text() + "\n/* edited */\n")
    result = run_cli(project, "build")
    assert result.exit_code == 0, result.output
    assert "Building the HTML site" in result.output
    assert "Writing the PDF" not in result.output
    assert pdf.stat().st_mtime_ns == pdf_time
    site_css = (project / "_build" / "html" / "_static" / css.name).read_text()
    assert "/* edited */" in site_css
    # The site still shows the size of the PDF it did not rebuild.
    index = (project / "_build" / "html" / "index.html").read_text()
    assert "@@GB_PDF_SIZE@@" not in index


def test_a_source_edit_rebuilds_both(make_project) -> None:  # type: ignore[no-untyped-def]
    project = make_project("tiny")
    assert run_cli(project, "build", "-q").exit_code == 0
    chapter = project / "guidance" / "second.rst"
    chapter.write_text(chapter.read_text() + "\nA brand new paragraph.\n")
    result = run_cli(project, "build")
    assert result.exit_code == 0, result.output
    assert "Writing the PDF" in result.output
    assert "A brand new paragraph." in (project / "_build" / "html" / "second.html").read_text()


def test_parallel_and_serial_builds_are_identical(make_project, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    project = make_project("tiny")
    one, two = tmp_path / "serial", tmp_path / "parallel"
    assert run_cli(project, "build", "-q", "-j", "1", "--out", str(one)).exit_code == 0
    assert run_cli(project, "build", "-q", "-j", "2", "--out", str(two)).exit_code == 0
    assert tree_digest(one) == tree_digest(two)


def test_a_live_builds_staging_folder_is_left_alone(tmp_path: Path) -> None:
    parent = tmp_path / ".staging-1"  # pid 1 is always alive
    parent.mkdir()
    dead = tmp_path / f".staging-{2**22 + 12345}"
    dead.mkdir()
    clear_leftovers(tmp_path)
    with staging(tmp_path) as mine:
        assert mine.name == f".staging-{os.getpid()}"
    assert parent.exists()
    assert not dead.exists()


def test_installed_versions_agree_with_importlib_metadata() -> None:
    from importlib import metadata

    from guidebuild.build.fingerprint import installed_version

    for name in ("sphinx", "docutils", "weasyprint", "pydyf"):
        assert installed_version(name) == metadata.version(name)
    assert installed_version("no-such-distribution-here") == "missing"


def theme_override(project: Path) -> Path:
    """The project's own copy of the site stylesheet (templates/ overrides the package)."""
    css = project / "templates" / "guidebuild" / "static" / "guidebuild.css"
    css.parent.mkdir(parents=True, exist_ok=True)
    css.write_text((theme_dir("guidebuild") / "static" / "guidebuild.css").read_text())
    return css


def test_after_a_theme_edit_every_page_equals_a_clean_builds(make_project, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    project = make_project("tiny")
    assert run_cli(project, "build", "-q", "--no-pdf").exit_code == 0
    css = theme_override(project)
    css.write_text(css.read_text() + "\n/* edited */\n")
    assert run_cli(project, "build", "-q", "--no-pdf").exit_code == 0
    clean = tmp_path / "clean"
    assert run_cli(project, "build", "-q", "--no-pdf", "--out", str(clean)).exit_code == 0
    # Every page links the stylesheet with its checksum: none may keep the old one.
    assert tree_digest(project / "_build" / "html") == tree_digest(clean / "html")


def test_an_edit_that_keeps_the_files_time_is_still_rebuilt(make_project) -> None:  # type: ignore[no-untyped-def]
    # File times are coarse, and a save can land while Sphinx reads: what counts is the
    # text, not the time (build/sphinx.py, watch_contents).
    project = make_project("tiny")
    assert run_cli(project, "build", "-q", "--no-pdf").exit_code == 0
    chapter = project / "guidance" / "second.rst"
    stat = chapter.stat()
    chapter.write_text(chapter.read_text() + "\nWritten within the same tick.\n")
    os.utime(chapter, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert run_cli(project, "build", "-q", "--no-pdf").exit_code == 0
    assert "Written within the same tick." in (project / "_build/html/second.html").read_text()


def test_a_remote_image_added_by_an_edit_is_refused_though_other_pages_are_not_reread(
    make_project,
) -> None:  # type: ignore[no-untyped-def]
    project = make_project("tiny")
    assert run_cli(project, "build", "-q", "--no-pdf").exit_code == 0
    assert (project / "_build" / ".cache" / "site-clean.json").is_file()
    before = tree_digest(project / "_build" / "html")
    chapter = project / "guidance" / "second.rst"
    chapter.write_text(
        chapter.read_text() + "\n.. raw:: html\n\n   <img src='https://example.org/x.png'>\n"
    )
    result = run_cli(project, "build", "-q", "--no-pdf")
    assert result.exit_code == 1, result.output
    assert "https://example.org/x.png" in result.output
    assert tree_digest(project / "_build" / "html") == before


@pytest.mark.slow
def test_a_guidance_edit_keeps_the_checklists_a_framework_edit_writes_them(tmp_path: Path) -> None:
    project = copy_repository_project(tmp_path / "project")
    out = project / "_build"
    assert run_cli(project, "build", "-q").exit_code == 0
    forms = sorted((out / "checklists").iterdir())
    assert forms
    times = {form.name: form.stat().st_mtime_ns for form in forms}
    chapter = next((project / "guidance").glob("meeting.rst"))
    chapter.write_text(chapter.read_text() + "\nAn edit of the guidance only.\n")
    result = run_cli(project, "build")
    assert result.exit_code == 0, result.output
    assert "Writing the PDF" in result.output
    assert "Writing the fillable checklists" not in result.output
    assert {f.name: f.stat().st_mtime_ns for f in (out / "checklists").iterdir()} == times
    downloads = out / "html" / "downloads"
    for form in forms:
        assert (downloads / form.name).read_bytes() == form.read_bytes()

    framework = project / "checklists" / "mentoring-schemes.yaml"
    framework.write_text(framework.read_text() + "\n# a comment\n")
    result = run_cli(project, "build")
    assert result.exit_code == 0, result.output
    assert "Writing the fillable checklists" in result.output


def built_after_edit_equals_clean(
    project: Path, tmp_path: Path, edit: Callable[[], None]
) -> dict[str, bytes]:
    """Build the site, ``edit``, build again; the site must equal a clean build's. Give it."""
    assert run_cli(project, "build", "-q", "--no-pdf").exit_code == 0
    edit()
    assert run_cli(project, "build", "-q", "--no-pdf").exit_code == 0
    clean = tmp_path / "clean"
    assert run_cli(project, "build", "-q", "--no-pdf", "--out", str(clean)).exit_code == 0
    built = tree_digest(project / "_build" / "html")
    assert built == tree_digest(clean / "html")
    return built


def test_pages_naming_a_moved_recommendation_are_written_with_its_new_number(
    make_project, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    # second.rst names first-thing, whose number changes when first.rst swaps its two
    # recommendations; second.rst itself is not edited, and must not keep the old number.
    project = make_project("tiny")
    chapter = project / "guidance" / "first.rst"

    def swap() -> None:
        text = chapter.read_text()
        start, middle = (text.index(f".. recommendation:: Do the {n}") for n in ("first", "second"))
        end = text.index("A figure")
        chapter.write_text(text[:start] + text[middle:end] + text[start:middle] + text[end:])

    built = built_after_edit_equals_clean(project, tmp_path, swap)
    assert "recommendation 1.1</a>" not in built["second.html"].decode()


def test_an_edit_that_changes_nothing_shown_elsewhere_writes_only_its_own_pages(
    make_project,
) -> None:  # type: ignore[no-untyped-def]
    project = make_project("tiny")
    assert run_cli(project, "build", "-q", "--no-pdf").exit_code == 0
    cache = project / "_build" / ".cache" / "html"
    before = mtimes(cache)
    chapter = project / "guidance" / "second.rst"
    chapter.write_text(chapter.read_text() + "\nA paragraph that names nothing.\n")
    assert run_cli(project, "build", "-q", "--no-pdf").exit_code == 0
    after = mtimes(cache)
    written = {name for name in after if name.endswith(".html") and after[name] != before.get(name)}
    assert "second.html" in written
    # The list of recommendations and the first chapter show nothing that changed.
    assert written.isdisjoint({"all-recommendations.html", "first.html"}), written


def test_a_renamed_chapter_is_renamed_in_every_pages_navigation(
    make_project, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    # Every page's contents list and previous/next links show the chapter titles; Sphinx
    # itself writes again only the renamed page and its toctree's parent.
    project = make_project("tiny")
    chapter = project / "guidance" / "second.rst"

    def rename() -> None:
        lines = chapter.read_text().splitlines()
        heading = next(i for i, line in enumerate(lines) if line and set(line) == {"="}) - 1
        lines[heading] += " renamed"
        lines[heading + 1] = "=" * len(lines[heading])
        chapter.write_text("\n".join(lines) + "\n")

    built = built_after_edit_equals_clean(project, tmp_path, rename)
    assert "renamed" in built["first.html"].decode()


def test_a_changed_reference_entry_is_shown_anew_where_another_page_cites_it(
    make_project, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    # Citations read "(Author year)", taken from the entry: second.rst cites first.rst's.
    project = make_project("tiny")
    second, first = project / "guidance" / "second.rst", project / "guidance" / "first.rst"
    second.write_text(second.read_text() + "\nAs shown before [REF2004]_.\n")

    def change_entry() -> None:
        assert "(Test Authors 2004)" in (project / "_build/html/second.html").read_text()
        first.write_text(first.read_text().replace("Test Authors (2004)", "Other Authors (2005)"))

    built = built_after_edit_equals_clean(project, tmp_path, change_entry)
    assert "(Other Authors 2005)" in built["second.html"].decode()
