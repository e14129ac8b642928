"""guidebuild as a product: installed from its wheel, used from an empty folder.

The wheel test builds the wheel, installs it into a fresh virtual environment whose only
other packages are links to this environment's dependencies (never the editable
guidebuild, never the repository's src/), and runs from an empty folder outside the
repository every organiser command of the README, then ``new``, ``build`` and ``check``.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import sysconfig
import textwrap
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from guidebuild.cli import main
from guidebuild.fields import checklist_name
from guidebuild.formats import NAMES
from guidebuild.framework.loader import MANIFEST_NAME, Catalogue, search_path
from guidebuild.resources import package_dir
from tests.conftest import REPO, run_cli
from tests.fixtures.forms.clients import fill_pypdf, fill_workbook, pdf_values

README = (REPO / "README.md").read_text(encoding="utf-8")
EXAMPLES = REPO / "checklists" / "examples"


def readme_section(name: str) -> str:
    start = README.index(f"<!-- section: {name} -->")
    return README[start : README.index(f"<!-- /section: {name} -->", start)]


def readme_commands(section: str) -> list[str]:
    """Every ``guidebuild ...`` line of the section's sh blocks, without its comment."""
    commands = []
    for block in re.findall(r"```sh\n(.*?)```", section, flags=re.DOTALL):
        for line in block.splitlines():
            command = line.split("  #")[0].strip()
            if command.startswith("guidebuild "):
                commands.append(command)
    return commands


# -- the wheel, installed into a fresh environment ---------------------------------------------


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bin/ folder of a fresh virtual environment with only the wheel installed."""
    base = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "--quiet",
            "-w",
            str(base / "dist"),
            str(REPO),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = (base / "dist").glob("guidebuild-*.whl")
    env = base / "env"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(env)], check=True)
    python = env / "bin" / "python"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "--quiet",
            "--no-deps",
            "--no-index",
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    # The dependencies: this environment's site-packages, on the new one's path through a
    # .pth line. Python processes .pth files only in its own site folders, so the editable
    # install's .pth (which would put the repository's src/ on the path) stays inert, and
    # the wheel's copy in the new environment's own site-packages is the one imported.
    ours = Path(sysconfig.get_paths()["purelib"])
    site = Path(
        subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    (site / "deps.pth").write_text(f"{ours}\n", encoding="utf-8")
    return env / "bin"


def shell(bin_dir: Path, folder: Path, command: str) -> subprocess.CompletedProcess[str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME"}
    }
    env |= {"PATH": f"{bin_dir}:/usr/bin:/bin", "HOME": str(folder), "NO_COLOR": "1"}
    return subprocess.run(
        ["bash", "-c", command],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.mark.slow
def test_the_wheel_holds_the_templates_themes_and_frameworks(installed: Path) -> None:
    where = shell(
        installed,
        installed,
        "python -c 'import guidebuild, sys; print(guidebuild.__file__); print(sys.path)'",
    )
    assert where.returncode == 0, where.stderr
    package = Path(where.stdout.splitlines()[0]).parent
    # The installed copy, not the repository's src/.
    assert package.is_relative_to(installed.parent)
    assert str(REPO / "src") not in where.stdout
    for name in (
        "themes/guidebuild/theme.toml",
        "themes/print/static/print.css",
        "templates/forms/html/form.html.j2",
        "templates/forms/pdf/checklist.html",
        "templates/report/section.md.j2",
        "frameworks/mentoring-schemes.yaml",
        f"frameworks/{MANIFEST_NAME}",
        "starter/conf.py.in",
    ):
        assert (package / name).is_file(), name
    # The checked form of each bundled framework ships too, made by the installed code.
    probe = (
        "from guidebuild.framework.compiled import compiled_path as c; import guidebuild.resources"
        " as r; d = r.package_dir('frameworks'); print(*(c(p.name, p.read_bytes()).is_file()"
        " for p in sorted(d.glob('*.yaml'))))"
    )
    forms = shell(installed, installed, f'python -c "{probe}"')
    assert forms.returncode == 0, forms.stderr
    assert forms.stdout.split() == ["True", "True"]


@pytest.mark.slow
def test_an_organiser_with_only_the_wheel(installed: Path, tmp_path: Path) -> None:
    folder = tmp_path / "organiser"
    folder.mkdir()
    # What the organiser has filled in by then (the README tells them how).
    shutil.copy(EXAMPLES / "strong.yaml", folder / "scheme.yaml")
    shutil.copy(EXAMPLES / "middling.yaml", folder / "last-year.yaml")
    shutil.copytree(EXAMPLES, folder / "schemes")
    commands = readme_commands(readme_section("organisers"))
    run = {command: shell(installed, folder, command) for command in commands}
    failed = {c: r.stderr for c, r in run.items() if r.returncode != 0}
    assert failed == {}
    assert {"guidebuild frameworks", "guidebuild schema > scheme.schema.json"} <= set(commands)
    formats = {m for c in commands for m in re.findall(r"-f (\w+)", c)}
    assert formats == {"html", "md", "json", "csv"}  # and text, the default
    assert any(re.fullmatch(r"guidebuild assess \S+\.yaml", c) for c in commands)
    bundled = Catalogue(search_path(None, None)).default()
    written = sorted(p.name for p in (folder / "_build" / "checklists").iterdir())
    assert written == sorted(checklist_name(bundled, fmt) for fmt in NAMES)
    for name in ("report.html", "report.md", "all.csv", "scheme.schema.json"):
        assert (folder / name).stat().st_size > 0, name
    # The report names recommendations by number and title, from the shipped manifest.
    text = shell(installed, folder, "guidebuild assess last-year.yaml").stdout
    manifest = json.loads((package_dir("frameworks") / MANIFEST_NAME).read_text())
    shown = [r for r in manifest["recommendations"] if f"{r['number']} {r['title']}" in text]
    assert shown, text
    listed = run["guidebuild frameworks"].stdout.splitlines()
    row = listed.index(
        next(line for line in listed if line.split()[:2] == [bundled.id, bundled.version])
    )
    assert listed[row + 1].split()[:2] == ["from", "bundled:"]
    assert str(installed.parent) in listed[row + 1]

    # Every filled form assesses with the installed framework alone.
    forms = folder / "_build" / "checklists"
    data = yaml.safe_load((folder / "scheme.yaml").read_text(encoding="utf-8"))
    fill_pypdf(
        forms / checklist_name(bundled, "pdf"),
        pdf_values(data["scheme"], data["answers"]),
        folder / "filled.pdf",
    )
    fill_workbook(
        forms / checklist_name(bundled, "xlsx"),
        data["scheme"],
        data["answers"],
        folder / "filled.xlsx",
    )
    results = {}
    for name in ("scheme.yaml", "filled.pdf", "filled.xlsx"):
        done = shell(installed, folder, f"guidebuild assess {name} -f json")
        assert done.returncode == 0, done.stderr
        results[name] = json.loads(done.stdout)["overall"]
    assert results["filled.pdf"] == results["scheme.yaml"] == results["filled.xlsx"]


@pytest.mark.slow
def test_a_new_project_with_only_the_wheel(installed: Path, tmp_path: Path) -> None:
    folder = tmp_path / "editor"
    folder.mkdir()
    steps = [
        'guidebuild new ours --title "Safe discharge" --organisation "Fell Trust"',
        "cd ours && guidebuild build -q",
        "cd ours && guidebuild check -q",
        "cd ours && guidebuild checklist -q",
        "cd ours && guidebuild assess checklists/examples/example.yaml",
        "guidebuild build -q ours",
    ]
    for step in steps:
        done = shell(installed, folder, step)
        assert done.returncode == 0, (step, done.stdout, done.stderr)
    project = folder / "ours"
    assert (project / "_build" / "html" / "index.html").is_file()
    assert (project / "_build" / "pdf" / "safe-discharge.pdf").is_file()
    assert len(list((project / "_build" / "checklists").iterdir())) == 4
    # The new project's words are generic: nothing of the mentoring guidance.
    text = " ".join(
        p.read_text() for p in project.rglob("*") if p.is_file() and "_build" not in p.parts
    )
    assert not re.search(r"mentor|doctor", text, flags=re.IGNORECASE)


# -- themes and plain Sphinx -------------------------------------------------------------------


@pytest.mark.slow
def test_plain_sphinx_build_needs_only_the_extension_and_the_theme(tmp_path: Path) -> None:
    (tmp_path / "conf.py").write_text(
        'project = "Plain"\nextensions = ["guidebuild.sphinxext"]\nhtml_theme = "guidebuild"\n'
    )
    (tmp_path / "index.rst").write_text(
        textwrap.dedent(
            """\
            Plain
            =====

            .. recommendation:: Write it down
               :id: write-it-down

               Write it down.
            """
        )
    )
    assert not (tmp_path / "templates").exists()
    done = subprocess.run(
        [Path(sys.executable).parent / "sphinx-build", "-q", "-b", "html", ".", "out"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    page = (tmp_path / "out" / "index.html").read_text()
    assert "guidebuild.css" in page
    assert (tmp_path / "out" / "_static" / "guidebuild.css").is_file()


def test_the_themes_are_sphinx_entry_points() -> None:
    from importlib.metadata import entry_points

    found = {e.name: e.value for e in entry_points(group="sphinx.html_themes")}
    assert found["guidebuild"] == found["guidebuild-print"] == "guidebuild.themes"


# -- frameworks ---------------------------------------------------------------------------------


def test_frameworks_lists_every_source_in_order(tmp_path: Path) -> None:
    project = tmp_path / "project"
    (project / "guidance").mkdir(parents=True)
    (project / "conf.py").write_text("")
    shutil.copytree(REPO / "checklists", project / "checklists")
    extra = tmp_path / "extra"
    extra.mkdir()
    text = (REPO / "checklists" / "mentoring-schemes.yaml").read_text()
    (extra / "other.yaml").write_text(text.replace("id: mentoring-schemes", "id: other-schemes"))
    result = run_cli(project, "frameworks", "--frameworks", str(extra))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["id", "version", "title", "/", "from"]
    froms = [line.split("from ", 1)[1] for line in lines[2::2]]
    versions = len(Catalogue(REPO / "checklists").keys())
    assert froms == [
        f"--frameworks: {extra}",
        *[f"project: {project / 'checklists'}"] * versions,
        *[f"bundled: {package_dir('frameworks')} (not used: found earlier)"] * versions,
    ]


def test_the_bundled_framework_is_found_outside_any_project(tmp_path: Path) -> None:
    catalogue = Catalogue(search_path(None, None))
    # The bundled copy is this repository's checklists/, generated.
    assert catalogue.keys() == Catalogue(REPO / "checklists").keys()
    assert catalogue.manifest() == package_dir("frameworks") / MANIFEST_NAME
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(tmp_path)
        result = CliRunner().invoke(main, ["schema", "--framework", "mentoring-schemes@7.0"])
    assert result.exit_code == 2
    assert f"searched {package_dir('frameworks')} (bundled)" in result.stderr
    assert "--frameworks DIR" in result.stderr


def test_an_assessment_outside_a_project_links_the_published_guidance(tmp_path: Path) -> None:
    shutil.copy(EXAMPLES / "middling.yaml", tmp_path / "scheme.yaml")
    manifest = json.loads((package_dir("frameworks") / MANIFEST_NAME).read_text())
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(tmp_path)
        args = ["assess", "scheme.yaml", "-f", "html", "--guidance-url", "https://example.org/g"]
        html = CliRunner().invoke(main, args)
        text = CliRunner().invoke(main, ["assess", "scheme.yaml"])
    assert html.exit_code == text.exit_code == 0
    shown = [r for r in manifest["recommendations"] if f"{r['number']} {r['title']}" in text.stdout]
    assert shown, text.stdout
    for rec in shown:
        assert f'href="https://example.org/g/{rec["url"]}"' in html.stdout


@pytest.mark.slow
def test_the_shipped_frameworks_are_generated_from_checklists(guidance: Path) -> None:
    done = subprocess.run(
        [
            sys.executable,
            str(REPO / "scripts" / "bundle_frameworks.py"),
            "--check",
            "--recommendations",
            str(guidance / "_build" / "recommendations.json"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, f"stale; run `make frameworks`: {done.stdout}"


# -- guidebuild new -----------------------------------------------------------------------------


def test_new_refuses_a_folder_that_is_not_empty(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    result = CliRunner().invoke(main, ["new", str(tmp_path)])
    assert result.exit_code == 2
    assert "is not empty" in result.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


def test_new_writes_the_layout_with_the_title(tmp_path: Path) -> None:
    target = tmp_path / "ours"
    result = CliRunner().invoke(
        main, ["new", str(target), "--title", 'Say "no"', "--organisation", "Fell Trust"]
    )
    assert result.exit_code == 0, result.output
    files = sorted(str(p.relative_to(target)) for p in target.rglob("*") if p.is_file())
    assert files == [
        ".gitignore",
        "README.md",
        "checklists/examples/example.yaml",
        "checklists/self-assessment.yaml",
        "conf.py",
        "guidance/appendix-checklist.rst",
        "guidance/changelog.yaml",
        "guidance/downloads.rst",
        "guidance/index.rst",
        "guidance/planning.rst",
        "guidance/recommendations.rst",
        "guidance/running.rst",
        "guidance/update-information.rst",
        "templates/README.md",
    ]
    from guidebuild.project import load_settings

    settings = load_settings(target)
    assert (settings.title, settings.organisation, settings.pdf_name) == (
        'Say "no"',
        "Fell Trust",
        "say-no",
    )
    framework = Catalogue(target / "checklists").default()
    assert framework.title == 'Self-assessment against Say "no"'
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


@pytest.mark.slow
def test_a_new_project_builds_checks_and_assesses(tmp_path: Path) -> None:
    target = tmp_path / "ours"
    assert CliRunner().invoke(main, ["new", str(target)]).exit_code == 0
    # The project as an argument, from elsewhere.
    built = run_cli(tmp_path, "build", "-q", "ours")
    assert built.exit_code == 0, built.output
    check = run_cli(tmp_path, "check", "-q", "ours")
    assert check.exit_code == 0, check.output
    assessed = run_cli(target, "assess", "checklists/examples/example.yaml")
    assert assessed.exit_code == 0, assessed.output
    assert "Review the service every year" in assessed.stdout


def test_readme_organiser_commands_parse() -> None:
    commands = readme_commands(readme_section("organisers"))
    for command in commands:
        assert shlex.split(command)[1] in main.list_commands(None)  # type: ignore[arg-type]
