"""Start-up: ``assess`` imports none of the heavy engines, and a build none it does not use.

Issue 14 point 4. The figure itself is measured by benchmarks/bench_assess.py; this test
keeps the reason it is small: what ``assess -f text`` on a scheme YAML never needs.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, copy_project

HEAVY = ("sphinx", "docutils", "weasyprint", "jinja2", "openpyxl", "pypdf", "watchfiles")
HEAVY_STDLIB = ("importlib.metadata", "email", "zipfile", "csv", "json", "pickle")
"""Standard-library modules a text report does not need (importlib.metadata brings the
others; it is needed only when an installed package declares frameworks). json and
pickle: msgspec reads the manifest, and the C unpickler the compiled framework."""
NOT_FOR_ASSESS = ("guidebuild.commands", "dataclasses")
"""The other commands' definitions, and the dataclasses the model is no longer made of."""


def imported_by(*args: str, full: bool = False, cwd: Path = REPO) -> set[str]:
    names = "sys.modules" if full else "{m.split('.')[0] for m in sys.modules}"
    code = (  # the probe imports nothing itself: repr, not json
        "import sys\n"
        "from guidebuild.cli import main\n"
        "try:\n"
        f"    main({list(args)!r})\n"
        "except SystemExit as exit:\n"
        "    assert exit.code in (0, None), exit.code\n"
        f"sys.stderr.write(repr(sorted({names})))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True, check=True
    )
    return set(ast.literal_eval(done.stderr))


def test_assess_text_on_a_yaml_file_imports_no_heavy_module() -> None:
    example = REPO / "checklists" / "examples" / "middling.yaml"
    modules = imported_by("assess", str(example), "-f", "text")
    assert "guidebuild" in modules and "yaml" in modules  # the probe does see imports
    assert modules.isdisjoint(HEAVY), sorted(modules & set(HEAVY))
    every = imported_by("assess", str(example), "-f", "text", full=True)
    assert "guidebuild.report.text" in every
    assert every.isdisjoint(HEAVY_STDLIB), sorted(every & set(HEAVY_STDLIB))
    assert every.isdisjoint(NOT_FOR_ASSESS), sorted(every & set(NOT_FOR_ASSESS))


def test_every_command_is_still_there_and_listed() -> None:
    from click.testing import CliRunner

    from guidebuild.cli import main

    listed = CliRunner().invoke(main, ["--help"]).stdout
    for name in ("assess", "build", "check", "checklist", "frameworks", "new", "release"):
        assert f"  {name} " in listed, name
    assert "guidebuild.commands" in imported_by("schema", full=True)
    assert "guidebuild.commands" in imported_by("--help", full=True)


def test_the_probe_sees_a_heavy_module_when_one_is_needed() -> None:
    # The same probe on html output must see Jinja2: the test above can fail.
    example = REPO / "checklists" / "examples" / "middling.yaml"
    assert "jinja2" in imported_by("assess", str(example), "-f", "html")


UNUSED_BY_A_BUILD = ("requests", "doctest", "sphinx.builders.latex", "sphinx.builders.epub3")
"""What Sphinx would import for builders and features a guidance build never uses."""
UNUSED_BY_A_SITE = ("weasyprint", "openpyxl")
"""What only the PDF and the checklists need."""


def test_an_html_build_sets_up_only_the_builders_it_runs(tmp_path: Path) -> None:
    project = copy_project("tiny", tmp_path)
    every = imported_by("build", str(project), "-q", "--no-pdf", full=True, cwd=project)
    assert "sphinx.builders.html" in every  # the probe sees Sphinx's modules
    unused = {*UNUSED_BY_A_BUILD, *UNUSED_BY_A_SITE}
    assert every.isdisjoint(unused), sorted(every & unused)
    assert (project / "_build" / "html" / "index.html").is_file()


def test_a_deferred_module_loads_when_first_used() -> None:
    code = (
        "import sys\n"
        "from guidebuild.build.sphinx import defer_imports\n"
        "defer_imports(('sphinx.util.requests',))\n"
        "from sphinx.util import requests\n"
        "assert 'requests' not in sys.modules\n"
        "assert callable(requests.get) and 'requests' in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=REPO, check=True)


def test_the_command_runs_with_the_collector_on_and_its_start_up_frozen(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import gc

    from guidebuild import entry

    seen: dict[str, object] = {}

    def command() -> None:
        seen.update(enabled=gc.isenabled(), frozen=gc.get_freeze_count())

    monkeypatch.setattr("guidebuild.cli.main", command)
    try:
        entry.run()
    finally:
        gc.unfreeze()  # this test process is long-lived: let it collect again
    assert seen["enabled"] is True
    assert isinstance(seen["frozen"], int) and seen["frozen"] > 10_000


def test_the_installed_command_is_the_entry_that_freezes() -> None:
    from importlib.metadata import entry_points

    (command,) = entry_points(group="console_scripts", name="guidebuild")
    assert command.value == "guidebuild.entry:run"
