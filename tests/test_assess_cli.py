"""`guidebuild assess` and `guidebuild schema` through the command line, with exact output."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from guidebuild.cli import _progress_printer, _use_color, main
from guidebuild.report import pipeline
from tests.conftest import searched
from tests.frameworks import with_rules

REPO = Path(__file__).resolve().parent.parent
CHECKLISTS = REPO / "checklists"
EXAMPLES = CHECKLISTS / "examples"

TINY_FRAMEWORK = with_rules(
    """\
id: tiny
version: "1.0"
title: Tiny framework
domains:
  - id: aims
    title: Aims
    core: true
    items:
      - id: A1
        title: Aims written
        question: Are the aims written down?
        must_meet: true
        weight: 2
        descriptors: {weak: w, adequate: a, strong: s}
        action: Write the aims down.
        recommendations: [write-down-aims]
      - id: A2
        title: Mentoring defined
        question: Is mentoring defined?
        weight: 1
        descriptors: {weak: w, adequate: a, strong: s}
        action: Define mentoring.
        recommendations: [define-mentoring, keep-mentoring-separate]
  - id: resources
    title: Resources
    items:
      - id: R1
        title: A named lead
        question: Is there a named lead?
        weight: 1
        descriptors: {weak: w, adequate: a, strong: s}
        action: Name a lead.
        recommendations: [name-who-runs-the-scheme]
      - id: R2
        title: Links
        question: Links to other schemes?
        weight: 1
        allows: [n/a]
        descriptors: {weak: w, adequate: a, strong: s}
        action: Link up.
        recommendations: [look-at-existing-schemes]
"""
)

TINY_SCHEME = """\
framework: tiny@1.0
scheme:
  name: Hillside Mentoring
  organisation: Hillside Trust
  assessed_on: 2025-02-01
answers:
  A1: {rating: adequate, evidence: Handbook}
  A2: {rating: strong}
  R1: {rating: absent}
  R2: {rating: n/a, reason: The only scheme around}
"""


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    """A folder with the tiny framework in frameworks/ and a scheme file."""
    (tmp_path / "frameworks").mkdir()
    (tmp_path / "frameworks" / "tiny.yaml").write_text(TINY_FRAMEWORK, encoding="utf-8")
    (tmp_path / "scheme.yaml").write_text(TINY_SCHEME, encoding="utf-8")
    return tmp_path


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False, env=env)


def run_tiny(tiny: Path, *args: str) -> Result:
    return run("assess", str(tiny / "scheme.yaml"), "--frameworks", str(tiny / "frameworks"), *args)


def test_text_report_exact(tiny: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Outside any project, and the tiny framework ships no manifest: bare IDs.
    monkeypatch.chdir(tiny)
    result = run_tiny(tiny)
    assert result.exit_code == 0
    assert result.stderr == ""
    # aims: A1 adequate 2 x 2 = 4, A2 strong without evidence counts weak 1: 5 of 9 = 55.5 %.
    # resources: R1 absent 0, R2 n/a left out: 0 of 3 = 0 %, absent.
    # overall: (2 x 5/9 + 0) / 3 = 37.0 %; no limiter applies, below 50: partially-meets.
    # The bar has one cell per 5 %: 11 for 55.5 %.
    assert result.stdout == (
        "Hillside Mentoring\n"
        "Hillside Trust · assessed 2025-02-01 · framework tiny@1.0\n"
        "\n"
        "Overall 37.0%  partially-meets\n"
        "\n"
        f"Domain     {' ' * 20}   Score  Verdict\n"
        f"Aims *     {'█' * 11}{'░' * 9}   55.5%  adequate\n"
        f"Resources  {'░' * 20}    0.0%  absent\n"
        "* core domain: counts double in the overall\n"
        "\n"
        "Must-meet items below adequate: none\n"
        "Rated adequate or strong without evidence (counted as weak): A2\n"
        "\n"
        "Top actions\n"
        " 1. red    R1 A named lead (now absent)\n"
        "    Name a lead.\n"
        "    Guidance: name-who-runs-the-scheme\n"
        " 2. amber  A2 Mentoring defined (rated strong, counted as weak)\n"
        "    Define mentoring.\n"
        "    Guidance: define-mentoring; keep-mentoring-separate\n"
    )


def test_json_report_contract(tiny: Path) -> None:
    result = run_tiny(tiny, "-f", "json")
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    assert list(report) == [
        "report_version", "tool", "source", "framework", "scheme", "overall", "red_flags",
        "red_flag_warning", "not_known", "counts", "domains", "must_meet_failures",
        "unanswered", "actions", "warnings",
    ]  # fmt: skip
    assert report["framework"] == {"id": "tiny", "version": "1.0", "title": "Tiny framework"}
    assert report["overall"] == {
        "percent": 37.0, "band": "partially-meets", "provisional": False, "uncertain": False,
        "band_if_not_known_were_strong": None,
    }  # fmt: skip
    assert (report["red_flags"], report["red_flag_warning"], report["not_known"]) == ([], None, [])
    assert report["counts"] == {
        "not_known": 0, "unanswered": 0, "red_flags": 0, "forced_absent": 0, "no_evidence": 1,
        "practised": 0,
    }  # fmt: skip
    aims, resources = report["domains"]
    assert {k: aims[k] for k in ("id", "percent", "verdict", "points", "ceiling")} == {
        "id": "aims", "percent": 55.5, "verdict": "adequate", "points": 5, "ceiling": 9,
    }  # fmt: skip
    assert resources["items"][1] == {
        "id": "R2", "title": "Links", "question": "Links to other schemes?", "rating": "n/a",
        "counted_as": "n/a", "score": None, "weight": 1, "must_meet": False, "unanswered": False,
        "no_evidence": False, "rag": None, "evidence": [], "note": "",
        "reason": "The only scheme around", "recommendations": ["look-at-existing-schemes"],
        "not_known": False, "forced_by": [], "practice_only": False, "evidence_kinds": [],
    }  # fmt: skip
    assert report["actions"][0] == {
        "item": "R1", "title": "A named lead", "domain": "resources",
        "recommendations": ["name-who-runs-the-scheme"], "rating": "absent",
        "rating_given": "absent", "counted_as": "absent", "kind": "do",
        "action": "Name a lead.", "rag": "red", "owner": "", "due": None,
    }  # fmt: skip
    assert report["warnings"] == [
        {"kind": "no-evidence", "subject": "A2",
         "message": "A2 is rated strong without evidence: counted as weak"},
    ]  # fmt: skip


def test_csv_report(tiny: Path) -> None:
    result = run_tiny(tiny, "-f", "csv")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == 1
    assert rows[0]["overall_percent"] == "37.0"
    assert rows[0]["aims_percent"] == "55.5"
    assert rows[0]["resources_verdict"] == "absent"
    assert rows[0]["band"] == "partially-meets"


def test_report_file_is_written_atomically(tiny: Path) -> None:
    out = tiny / "reports" / "report.html"
    out.parent.mkdir()
    result = run_tiny(tiny, "-f", "html", "-o", str(out))
    assert result.exit_code == 0
    assert result.stdout == ""
    assert result.stderr == f"Report written to {out}\n"
    assert list(out.parent.iterdir()) == [out]
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_output_into_a_missing_folder(tiny: Path) -> None:
    result = run_tiny(tiny, "-o", str(tiny / "nowhere" / "r.txt"))
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: cannot write {tiny / 'nowhere' / 'r.txt'}: the folder {tiny / 'nowhere'} "
        "does not exist\n"
    )


def test_fail_under(tiny: Path) -> None:
    result = run_tiny(tiny, "--fail-under", "40")
    assert result.exit_code == 1
    assert result.stdout.startswith("Hillside Mentoring\n")  # the report is still shown
    assert result.stderr == f"Error: below --fail-under 40%: {tiny / 'scheme.yaml'} (37.0%)\n"
    assert run_tiny(tiny, "--fail-under", "37").exit_code == 0
    # The exact overall is 1000/27 = 37.037 %: shown as 37.0, compared exactly.
    assert run_tiny(tiny, "--fail-under", "37.03").exit_code == 0
    assert run_tiny(tiny, "--fail-under", "37.04").exit_code == 1


def test_fail_under_in_a_batch_counts_the_schemes() -> None:
    result = run("assess", str(EXAMPLES), "-f", "csv", "--fail-under", "50")
    assert result.exit_code == 1
    low = [row for row in csv.DictReader(io.StringIO(result.stdout))
           if float(row["overall_percent"]) < 50]  # fmt: skip
    count = len(list(EXAMPLES.glob("*.yaml")))
    assert result.stderr.startswith(f"Error: {len(low)} of {count} below --fail-under 50%: ")


def test_baseline_shows_the_changes(tiny: Path) -> None:
    earlier = tiny / "earlier.yaml"
    earlier.write_text(
        TINY_SCHEME.replace("2025-02-01", "2024-02-01").replace(
            "R1: {rating: absent}", "R1: {rating: weak}"
        ),
        encoding="utf-8",
    )
    result = run_tiny(tiny, "--baseline", str(earlier))
    assert result.exit_code == 0
    # resources went from 1 of 3 (33.3 %, weak) to 0 of 3 (absent); overall 48.1 -> 37.0.
    tail = result.stdout.split("\n\n")[-1]
    assert tail == (
        f"Since 2024-02-01 ({earlier}, tiny@1.0)\n"
        "Overall 48.1% -> 37.0% (-11.1), band partially-meets -> partially-meets\n"
        "  Aims        55.5% ->  55.5%    +0.0  adequate\n"
        "  Resources   33.3% ->   0.0%   -33.3  weak -> absent\n"
        "Items that changed:\n"
        "  R1    weak -> absent (worse)\n"
    )
    data = json.loads(run_tiny(tiny, "-f", "json", "--baseline", str(earlier)).stdout)
    assert data["baseline"]["items"] == [
        {"id": "R1", "earlier_id": "R1", "before": "weak", "after": "absent", "change": "worse"}
    ]


def test_baseline_needs_one_file_and_no_csv(tiny: Path) -> None:
    scheme = str(tiny / "scheme.yaml")
    result = run_tiny(tiny, scheme, "--baseline", scheme)
    assert (result.exit_code, result.stderr) == (
        2,
        "Error: --baseline compares one scheme file with an earlier one: give one file\n",
    )
    result = run_tiny(tiny, "--baseline", scheme, "-f", "csv")
    assert (result.exit_code, result.stderr) == (
        2,
        "Error: --baseline is shown in the text, json, html and md reports, not csv\n",
    )


def test_bad_guidance_url_is_an_option_error(tiny: Path) -> None:
    result = CliRunner().invoke(
        main, ["assess", str(tiny / "scheme.yaml"), "--guidance-url", "javascript:alert(1)"]
    )
    assert result.exit_code == 2
    assert (
        "Invalid value for '--guidance-url': the guidance URL must start with http://, "
        "https:// or file://, not 'javascript:alert(1)'" in result.stderr
    )


# -- the examples --------------------------------------------------------------------------------


def declared_band(path: Path) -> tuple[str, bool]:
    """The band an example's header comment says it should get, and whether provisional."""
    match = re.search(r"Expected band: ([a-z-]+)( \(provisional\))?\.", path.read_text())
    assert match, path
    return match.group(1), bool(match.group(2))


def test_examples_get_the_bands_they_were_written_for() -> None:
    result = run("assess", str(EXAMPLES), "-f", "json")
    assert result.exit_code == 0
    reports = json.loads(result.stdout)["results"]
    got = {Path(r["source"]).name: (r["overall"]["band"], r["overall"]["provisional"])
           for r in reports}  # fmt: skip
    expected = {p.name: declared_band(p) for p in sorted(EXAMPLES.glob("*.yaml"))}
    assert got == expected
    assert len({band for band, _ in got.values()}) >= 3
    assert {"strong.yaml", "middling.yaml", "allocates-mentors.yaml", "new-scheme.yaml"} <= set(got)
    allocates = next(r for r in reports if r["source"].endswith("allocates-mentors.yaml"))
    assert allocates["must_meet_failures"] == ["C1"]
    new = next(r for r in reports if r["source"].endswith("new-scheme.yaml"))
    assert [d["id"] for d in new["domains"] if d["provisional"]] == ["success-criteria"]


def test_batch_text_ends_with_a_summary() -> None:
    result = run("assess", str(EXAMPLES / "strong.yaml"), str(EXAMPLES / "middling.yaml"))
    assert result.exit_code == 0
    summary = result.stdout.split("\n\n")[-1]
    lines = summary.splitlines()
    assert lines[0] == "Summary of 2 schemes"
    assert [line.split()[-1] for line in lines[2:4]] == ["exemplary", "meets"]
    assert lines[-1] == "exemplary 1 · meets 1"


def test_batch_in_worker_processes_matches_one_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for copy in range(4):
        for example in EXAMPLES.glob("*.yaml"):
            (tmp_path / f"{copy}-{example.name}").write_bytes(example.read_bytes())
    sequential = run("assess", str(tmp_path), "-f", "csv", "-j", "1")
    monkeypatch.setattr(pipeline, "PARALLEL_FROM", 5)
    seen: list[tuple[int, int]] = []
    monkeypatch.setattr(
        "guidebuild.cli._progress_printer", lambda _quiet: lambda d, t: seen.append((d, t))
    )
    parallel = run("assess", str(tmp_path), "-f", "csv", "-j", "2")
    assert parallel.exit_code == 0
    assert parallel.stdout == sequential.stdout
    files = 4 * len(list(EXAMPLES.glob("*.yaml")))
    assert len(parallel.stdout.splitlines()) == files + 1
    assert seen[-1] == (files, files)


def test_html_batch_has_a_heat_map_and_every_scheme() -> None:
    result = run("assess", str(EXAMPLES), "-f", "html")
    page = result.stdout
    count = len(list(EXAMPLES.glob("*.yaml")))
    assert page.count('<section class="assessment"') == count
    assert '<table class="heatmap">' in page
    heat = page.split('<table class="heatmap">')[1].split("</table>")[0]
    assert heat.count("<tr>") == count + 1  # a header row and one row per scheme
    assert 'class="verdict-strong"' in heat


# -- colour and progress -----------------------------------------------------------------------


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_colour_only_on_a_terminal_and_never_with_no_color() -> None:
    assert _use_color(None, FakeTerminal(), {})
    assert not _use_color(None, FakeTerminal(), {"NO_COLOR": "1"})
    assert _use_color(None, FakeTerminal(), {"NO_COLOR": ""})  # an empty NO_COLOR is unset
    assert not _use_color(None, io.StringIO(), {})
    assert not _use_color(Path("report.txt"), FakeTerminal(), {})


def test_progress_on_a_terminal_only(monkeypatch: pytest.MonkeyPatch) -> None:
    terminal = FakeTerminal()
    monkeypatch.setattr("sys.stderr", terminal)
    show = _progress_printer(quiet=False)
    assert show is not None
    for done in range(1, 201):
        show(done, 200)
    written = terminal.getvalue()
    assert written.startswith("\rAssessed 1 of 200 files")
    assert written.endswith("\rAssessed 200 of 200 files\n")
    assert written.count("\r") <= 101
    assert _progress_printer(quiet=True) is None
    monkeypatch.setattr("sys.stderr", io.StringIO())
    assert _progress_printer(quiet=False) is None


def test_checklist_makes_an_earlier_versions_forms_when_named(tmp_path: Path) -> None:
    """The build offers only the newest version's forms; an earlier one is still to be had."""
    out = tmp_path / "forms"
    result = run(
        "checklist", "--framework", "mentoring-schemes@1.0", "--format", "yaml", "--out", str(out)
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["mentoring-schemes-1.0-checklist.yaml"]
    assert (
        "framework: mentoring-schemes@1.0"
        in (out / "mentoring-schemes-1.0-checklist.yaml").read_text()
    )
    unknown = run("checklist", "--framework", "mentoring-schemes@9.9", "--out", str(tmp_path / "x"))
    assert unknown.exit_code == 2
    assert "framework mentoring-schemes@9.9 is not known" in unknown.stderr
    assert not (tmp_path / "x").exists()


# -- schema and help -----------------------------------------------------------------------------


def test_schema_command() -> None:
    result = run("schema")
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["properties"]["framework"]["const"] == "mentoring-schemes@1.1"
    again = run("schema", "--framework", "mentoring-schemes@1.1")
    assert again.stdout == result.stdout


def test_schema_for_an_unknown_framework() -> None:
    result = run("schema", "--framework", "mentoring-schemes@9.9")
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: framework mentoring-schemes@9.9 is not known; "
        f"known frameworks: mentoring-schemes@1.1, mentoring-schemes@1.0{searched('project')}\n"
    )
    result = CliRunner().invoke(main, ["schema", "--framework", "mentoring-schemes"])
    assert result.exit_code == 2
    assert "write it as id@version, e.g. my-checklist@1.0" in result.stderr


@pytest.mark.parametrize("command", ["assess", "schema"])
def test_help_has_examples_and_the_readme_names_the_command(command: str) -> None:
    result = run(command, "--help")
    assert result.exit_code == 0
    assert "Examples:" in result.stdout
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    organisers = readme.split("<!-- section: organisers -->")[1].split("<!-- /section")[0]
    assert f"guidebuild {command}" in organisers


# -- framework versions and broken frameworks ------------------------------------------------


def test_baseline_across_versions_needs_a_declared_mapping(tiny: Path) -> None:
    frameworks = tiny / "frameworks"
    (frameworks / "tiny@1.0.yaml").write_text(TINY_FRAMEWORK, encoding="utf-8")
    v2 = TINY_FRAMEWORK.replace('version: "1.0"', 'version: "2.0"')
    (frameworks / "tiny.yaml").write_text(v2, encoding="utf-8")
    current = tiny / "current.yaml"
    current.write_text(TINY_SCHEME.replace("tiny@1.0", "tiny@2.0"), encoding="utf-8")
    args = ["assess", str(current), "--frameworks", str(frameworks), "-f", "json"]
    result = CliRunner().invoke(main, [*args, "--baseline", str(tiny / "scheme.yaml")])
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: cannot compare: {tiny / 'scheme.yaml'} uses tiny@1.0 and {current} uses "
        "tiny@2.0, and neither version of the framework declares a mapping from the other\n"
    )
    # Declare that R1 became R1 again and nothing else changed: now they compare.
    (frameworks / "tiny.yaml").write_text(
        v2 + 'mappings:\n  - from: "1.0"\n    items: {R1: R1}\n', encoding="utf-8"
    )
    result = run(*args, "--baseline", str(tiny / "scheme.yaml"))
    baseline = json.loads(result.stdout)["baseline"]
    assert baseline["framework"] == {"id": "tiny", "version": "1.0"}
    assert baseline["items"] == []
    assert baseline["overall"]["change"] == 0.0


def test_a_broken_framework_is_reported_not_raised(tiny: Path) -> None:
    framework = tiny / "frameworks" / "tiny.yaml"
    framework.write_text(TINY_FRAMEWORK.replace("weight: 2", "weight: two"), encoding="utf-8")
    result = run_tiny(tiny, "-o", str(tiny / "report.txt"))
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: {framework}: 1 problem\n"
        f"  {framework}:13:17: item 'A1': the weight must be 2 for a must-meet item, "
        "not 'two'\n"
    )
    assert not (tiny / "report.txt").exists()
