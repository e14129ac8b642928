"""The numbers of the rules are the framework's: Python, the web form and the workbook follow.

A copy of the framework with other thresholds gives other verdicts and bands in all three
at once. And no mentoring words are built into guidebuild: they come from the framework
file and the guidance.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from guidebuild.answers import read_answers
from guidebuild.fields import DETAILS_SHEET, ITEMS_SHEET, SCORES_SHEET
from guidebuild.forms import write_checklists
from guidebuild.forms.html_form import framework_data
from guidebuild.framework.loader import Catalogue
from guidebuild.framework.model import Framework
from guidebuild.framework.scoring import assess
from guidebuild.resources import Templates
from tests.test_workbook_scores import recalculate

REPO = Path(__file__).resolve().parent.parent
CHECKLISTS = REPO / "checklists"


def lowered_copy(tmp_path: Path) -> Path:
    """The 1.1 framework in a folder of its own, with strong and exemplary from 60 %."""
    folder = tmp_path / "lowered"
    folder.mkdir()
    text = (CHECKLISTS / "mentoring-schemes.yaml").read_text(encoding="utf-8")
    changed = text.replace(
        "verdicts: {strong: 80, adequate: 50, weak: 20}",
        "verdicts: {strong: 60, adequate: 50, weak: 20}",
    ).replace("exemplary: {overall_at_least: 80}", "exemplary: {overall_at_least: 60}")
    assert changed.count("60") >= text.count("60") + 2
    (folder / "mentoring-schemes.yaml").write_text(changed, encoding="utf-8")
    return folder


def answers_for(framework: Framework) -> dict[str, dict[str, Any]]:
    """Every item adequate: every domain and the overall at 66.6 %, between 60 and 80 %."""
    return {
        item.id: {"rating": "adequate", "evidence": ["document: the handbook"]}
        for item in framework.items.values()
    }


def scheme_yaml(framework: Framework, answers: dict[str, dict[str, Any]]) -> str:
    lines = [
        f"framework: {framework.key}",
        "scheme:\n  name: Test\n  organisation: Test\n  assessed_on: 2005-02-14",
        "answers:",
    ]
    for item_id, answer in answers.items():
        lines.append(f"  {item_id}: {{rating: {answer['rating']}, evidence: 'document: x'}}")
    return "\n".join(lines) + "\n"


def python_result(folder: Path, tmp_path: Path) -> tuple[list[str], str]:
    catalogue = Catalogue(folder)
    framework = catalogue.default()
    path = tmp_path / f"{folder.name}.yaml"
    path.write_text(scheme_yaml(framework, answers_for(framework)), encoding="utf-8")
    answers, read = read_answers(path, catalogue)
    result = assess(read, answers)
    return [d.verdict.value for d in result.domains], result.band_name


def js_result(framework: Framework) -> tuple[list[str], str]:
    script = (
        Templates(None).find("forms/html", "scoring.js").read_text(encoding="utf-8")
        + "\nconst [framework, answers] = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
        + "\nconst r = GuidebuildScoring.assess(framework, answers, []);"
        + "\nconsole.log(JSON.stringify([r.domains.map(d => d.verdict), r.overall.band]));"
    )
    done = subprocess.run(
        ["node", "-e", script],
        input=json.dumps([framework_data(framework), answers_for(framework)]),
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    verdicts, band = json.loads(done.stdout)
    return verdicts, band


def workbook_file(framework: Framework, folder: Path, name: str) -> Path:
    (template,) = write_checklists(framework, folder / name, ["xlsx"], epoch=0)
    book = load_workbook(template)
    details = book[DETAILS_SHEET]
    keys = {row[3].value: row[1] for row in details.iter_rows(min_row=2) if row[3].value}
    keys["name"].value = keys["organisation"].value = "Test"
    keys["assessed_on"].value = "14 February 2005"
    items = book[ITEMS_SHEET]
    header = [c.value for c in items[1]]
    answers = answers_for(framework)
    for row in items.iter_rows(min_row=2):
        answer = answers[row[header.index("ID")].value]
        row[header.index("Rating")].value = answer["rating"]
        row[header.index("Evidence")].value = answer["evidence"][0]
    target = folder / f"{name}.xlsx"
    book.save(target)
    return target


def workbook_results(paths: list[Path], out: Path, count: int) -> list[tuple[list[str], str]]:
    results = []
    for path in recalculate(paths, out):
        rows = list(load_workbook(path, data_only=True)[SCORES_SHEET].iter_rows(values_only=True))
        band = next(r[1] for r in rows if r[0] == "Band")
        results.append(([r[4] for r in rows[1 : 1 + count]], band))
    return results


@pytest.mark.skipif(shutil.which("soffice") is None or shutil.which("node") is None,
                    reason="needs LibreOffice and node")  # fmt: skip
def test_a_changed_threshold_is_followed_by_python_the_web_form_and_the_workbook(
    tmp_path: Path,
) -> None:
    original = Catalogue(CHECKLISTS).default()
    lowered = Catalogue(lowered_copy(tmp_path)).default()
    assert lowered.rules.verdicts == (60, 50, 20)
    count = len(original.domains)
    before = python_result(CHECKLISTS, tmp_path)
    after = python_result(tmp_path / "lowered", tmp_path)
    assert set(before[0]) == {"adequate"} and before[1] == "meets"
    assert set(after[0]) == {"strong"} and after[1] == "exemplary"
    assert js_result(original) == before
    assert js_result(lowered) == after
    books = [
        workbook_file(original, tmp_path, "original"),
        workbook_file(lowered, tmp_path, "lowered-book"),
    ]
    assert workbook_results(books, tmp_path / "recalculated", count) == [before, after]


# -- no mentoring words built in -----------------------------------------------------------------

WORDS = re.compile(r"mentor|doctor|\bschemes?\b(?=.*\b(?:name|assess your)\b)", re.IGNORECASE)
SUBJECT_WORDS = re.compile(r"mentor|doctor", re.IGNORECASE)


def shipped_text_files() -> list[Path]:
    """Every code, template and theme file guidebuild ships, wherever they live now."""
    roots = [REPO / "src" / "guidebuild", REPO / "templates"]  # the package, any left over
    suffixes = {".py", ".js", ".j2", ".html", ".css", ".toml", ".txt", ".svg", ".conf", ".cfg"}
    files = []
    for root in roots:
        if not root.is_dir():
            continue
        for path in sorted(root.rglob("*")):
            # Frameworks shipped as data (a package's checklists/) are the framework's own.
            if "checklists" in path.parts or "frameworks" in path.parts:
                continue
            if path.is_file() and path.suffix in suffixes:
                files.append(path)
    return files


def test_no_mentoring_words_are_built_into_code_templates_or_themes() -> None:
    files = shipped_text_files()
    assert len(files) > 40  # the walk found the package, its templates and its themes
    found = [
        f"{path.relative_to(REPO)}:{number}: {line.strip()}"
        for path in files
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if SUBJECT_WORDS.search(line)
    ]
    assert found == []
    # The phrases issue 11 named, in any shipped file.
    for phrase in (
        "mentoring, doctors, guidance",
        "Assess your mentoring scheme",
        "Self-assessment of a mentoring scheme",
        "Name of the scheme",
    ):
        assert not [p for p in files if phrase in p.read_text(encoding="utf-8")], phrase


def test_the_words_come_from_the_framework_and_conf(tmp_path: Path) -> None:
    framework = Catalogue(CHECKLISTS).default()
    assert framework.subject.heading == "Assess your mentoring scheme"
    assert framework.details[0].label == "Name of the scheme"
    assert "mentoring" in framework.keywords
    conf = (REPO / "conf.py").read_text(encoding="utf-8")
    assert 'guidebuild_keywords = "mentoring, doctors, guidance"' in conf
