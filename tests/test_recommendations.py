"""The recommendation directive and role, with Sphinx's own testing application."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from sphinx.testing.util import SphinxTestApp

CONF = 'extensions = ["guidebuild.sphinxext"]\nguidebuild_published = "2004-12-06"\n'
INDEX = """\
Guide
=====

.. toctree::
   :numbered: 1

   one
   two
"""
ONE = """\
Chapter one
===========

.. recommendation:: First
   :id: first-rec
   :status: new 2004

   Do this first.

.. recommendation:: Second
   :id: second-rec
   :status: [amended 2005]

   Then this; see :rec:`third-rec`.
"""
TWO = """\
Chapter two
===========

Section
-------

.. recommendation:: Third
   :id: third-rec

   And this, after :rec:`first-rec`.
"""

Build = Callable[..., tuple[SphinxTestApp, str]]


@pytest.fixture
def build(tmp_path: Path) -> Build:
    def _build(**files: str) -> tuple[SphinxTestApp, str]:
        src = tmp_path / "src"
        src.mkdir(exist_ok=True)
        pages = {"conf.py": CONF, "index.rst": INDEX, "one.rst": ONE, "two.rst": TWO, **files}
        for name, text in pages.items():
            (src / name.replace("_", ".", 1) if "_" in name else src / name).write_text(text)
        warnings = io.StringIO()
        app = SphinxTestApp("html", srcdir=src, warning=warnings, status=io.StringIO())
        try:
            app.build()
        finally:
            app.cleanup()
        return app, warnings.getvalue()

    return _build


def test_numbered_by_chapter(build: Build) -> None:
    app, warnings = build()
    assert warnings == ""
    one = (app.outdir / "one.html").read_text()
    two = (app.outdir / "two.html").read_text()
    numbers = re.findall(r'class="gb-rec-number">([^<]+)<', one + two)
    assert numbers == ["1.1", "1.2", "2.1"]


def test_anchor_is_the_permanent_id_with_a_permalink(build: Build) -> None:
    app, _ = build()
    one = (app.outdir / "one.html").read_text()
    assert re.search(r'<div[^>]*class="gb-recommendation"[^>]*id="first-rec"', one) or re.search(
        r'<div[^>]*id="first-rec"[^>]*class="gb-recommendation"', one
    )
    # The accessible name starts with the visible ID (WCAG 2.5.3, label in name).
    assert re.search(
        r'<a class="gb-permalink" href="#first-rec"><span aria-hidden="true">#</span>'
        r'<span class="gb-rec-id">first-rec</span><span class="gb-visually-hidden"> '
        r"\(permanent link to recommendation 1\.1\)</span></a>",
        one,
    )
    assert '<span class="gb-rec-status">[new 2004]</span>' in one
    # The brackets of a status given as "[amended 2005]" are not doubled.
    assert '<span class="gb-rec-status">[amended 2005]</span>' in one


def test_role_renders_the_number_as_a_link(build: Build) -> None:
    app, _ = build()
    one = (app.outdir / "one.html").read_text()
    two = (app.outdir / "two.html").read_text()
    assert re.search(
        r'<a class="[^"]*gb-rec-ref[^"]*" href="two.html#third-rec"[^>]*>'
        r"recommendation 2\.1</a>",
        one,
    )
    assert re.search(r'href="one.html#first-rec"[^>]*>recommendation 1\.1</a>', two)


def test_duplicate_id_names_file_and_line(build: Build, tmp_path: Path) -> None:
    _, warnings = build(two_rst=TWO + "\n.. recommendation:: Again\n   :id: first-rec\n\n   X.\n")
    src = tmp_path / "src"
    assert f"{src / 'two.rst'}:12: ERROR: duplicate recommendation ID 'first-rec' " in warnings
    assert f"(first used at {src / 'one.rst'}:4)" in warnings


def test_missing_id_names_file_and_line(build: Build, tmp_path: Path) -> None:
    _, warnings = build(two_rst=TWO + "\n.. recommendation:: No ID\n\n   X.\n")
    assert f"{tmp_path / 'src' / 'two.rst'}:12: ERROR: recommendation has no :id:" in warnings


def test_unknown_reference_names_file_and_line(build: Build, tmp_path: Path) -> None:
    _, warnings = build(two_rst=TWO + "\nSee :rec:`nowhere`.\n")
    assert (
        f"{tmp_path / 'src' / 'two.rst'}:12: ERROR: reference to unknown recommendation 'nowhere'"
    ) in warnings


def test_bad_id_and_bad_status(build: Build, tmp_path: Path) -> None:
    extra = (
        "\n.. recommendation:: Bad\n   :id: Bad_ID\n\n   X.\n"
        "\n.. recommendation:: Worse\n   :id: fine-id\n   :status: someday\n\n   X.\n"
    )
    _, warnings = build(two_rst=TWO + extra)
    path = tmp_path / "src" / "two.rst"
    assert f"{path}:12: ERROR: recommendation ID 'Bad_ID' must be lower-case words" in warnings
    assert f'{path}:17: ERROR: Error in "recommendation" directive' in warnings
    assert "status must look like 'new 2004'" in warnings


def test_list_of_recommendations(build: Build) -> None:
    index = INDEX + "   list\n"
    app, warnings = build(index_rst=index, list_rst="All\n===\n\n.. recommendation-list::\n")
    assert warnings == ""
    page = (app.outdir / "list.html").read_text()
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", page, flags=re.S)
    assert len(rows) == 4  # header and three recommendations
    assert re.search(r'href="one.html#first-rec"[^>]*>First</a>', rows[1])
    assert "<th" in rows[0]
    # With any status in the guidance, the list has a status column, empty where unset.
    assert "Status" in rows[0]
    assert "[new 2004]" in rows[1] and "[" not in re.sub(r"<[^>]+>", "", rows[3])


def test_based_on_line_is_shown_but_not_part_of_the_text(build: Build) -> None:
    one = ONE.replace(
        "   :status: new 2004\n",
        "   :based-on: good practice; see :rec:`third-rec` and *SCOPME 1998*.\n",
    )
    app, warnings = build(one_rst=one)
    assert warnings == ""
    page = (app.outdir / "one.html").read_text()
    basis = re.findall(r'<p class="gb-rec-basis">(.*?)</p>', page, flags=re.S)
    assert len(basis) == 1
    # Inline markup works in it, :rec: included; it sits inside the box, after the text.
    assert basis[0].startswith("Based on: good practice; see <a ")
    assert re.search(r'href="two.html#third-rec"[^>]*>recommendation 2\.1</a>', basis[0])
    assert "<em>SCOPME 1998</em>" in basis[0]
    assert page.index("Do this first.") < page.index("gb-rec-basis") < page.index('id="second-rec"')
    manifest = json.loads((app.outdir / "recommendations.json").read_text())
    assert manifest[0]["text"] == "Do this first."


def test_list_has_no_status_column_when_nothing_has_a_status(build: Build) -> None:
    one = ONE.replace("   :status: new 2004\n", "").replace("   :status: [amended 2005]\n", "")
    index = INDEX + "   list\n"
    list_rst = "All\n===\n\n.. recommendation-list::\n"
    app, warnings = build(one_rst=one, index_rst=index, list_rst=list_rst)
    assert warnings == ""
    page = (app.outdir / "list.html").read_text()
    header = re.findall(r"<th[^>]*>(.*?)</th>", page, flags=re.S)
    assert [re.sub(r"<[^>]+>", "", cell).strip() for cell in header] == [
        "Number",
        "Recommendation",
    ]
    assert "gb-rec-status" not in (app.outdir / "one.html").read_text()
