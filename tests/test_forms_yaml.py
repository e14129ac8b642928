"""The YAML template: commented, complete, assessable untouched, and easy to fill in."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from guidebuild.answers import read_answers
from guidebuild.cli import main
from guidebuild.forms import write_checklists
from guidebuild.forms.yaml_template import WIDTH, render_yaml_template
from guidebuild.framework.loader import Catalogue
from guidebuild.framework.model import Framework, Rating
from guidebuild.yamlsafe import load_text

REPO = Path(__file__).resolve().parent.parent
CHECKLISTS = REPO / "checklists"
DAY = dt.date(2025, 1, 1)


@pytest.fixture(scope="module")
def framework() -> Framework:
    return Catalogue(CHECKLISTS).default()


@pytest.fixture(scope="module")
def template(framework: Framework) -> str:
    return render_yaml_template(framework, DAY)


def test_written_with_its_name_and_the_build_date(framework: Framework, tmp_path: Path) -> None:
    path = write_checklists(framework, tmp_path, ["yaml"], epoch=1_735_689_600)[0]
    assert path.name == "mentoring-schemes-1.1-checklist.yaml"
    assert path.read_text(encoding="utf-8") == render_yaml_template(framework, DAY)


def test_template_with_its_details_filled_assesses(framework: Framework, tmp_path: Path) -> None:
    """Untouched, it is refused for its placeholders (tests/test_framework_1_1.py); with
    the details filled in and no answer, every item counts as absent."""
    path = write_checklists(framework, tmp_path, ["yaml"])[0]
    path.write_text(_fill(path.read_text(encoding="utf-8"), {}), encoding="utf-8")
    answers, _ = read_answers(path, Catalogue(CHECKLISTS))
    assert answers.framework_key == framework.key
    assert answers.answers == {}  # every item unanswered: each counts as absent
    result = CliRunner().invoke(
        main, ["assess", "--frameworks", str(CHECKLISTS), "-f", "json", str(path)]
    )
    assert result.exit_code == 0, result.output
    assert '"band": "does-not-meet"' in result.stdout


def test_every_item_with_its_question_and_allowed_ratings(
    framework: Framework, template: str
) -> None:
    data = load_text(template, "template.yaml").data
    assert data["framework"] == "mentoring-schemes@1.1"
    assert list(data["answers"]) == list(framework.items)
    for item_id, item in framework.items.items():
        block = template.split(f"\n  {item_id}:\n", maxsplit=1)[0].rsplit("\n\n", 1)[-1]
        flat = " ".join(line.lstrip(" #") for line in block.splitlines())
        assert " ".join(item.question.split()) in " ".join(flat.split()), item_id
        assert f"Rating: {' | '.join(r.value for r in item.ratings)}" in block
        levels = item.descriptors
        for text in (levels.absent, levels.weak, levels.adequate, levels.strong):
            assert " ".join(text.split()) in " ".join(flat.split())
        if item.essential:
            assert "Adequate needs all of: " + "; ".join(item.essential) in " ".join(flat.split())
        keys = set(data["answers"][item_id])
        assert keys == ({"rating", "evidence", "note"} | ({"reason"} if item.allows else set()))
    assert "Rating: absent | weak | adequate | strong | practised | not-known | n/a\n" in template
    assert (
        "Rating: absent | weak | adequate | strong | practised | not-known | not-yet-due\n"
        in template
    )
    assert "\nred_flags: []\n" in template


def test_lines_fit_an_editor(template: str) -> None:
    assert all(len(line) <= WIDTH for line in template.splitlines())
    assert "\t" not in template


def _fill(template: str, answers: dict[str, dict[str, str]]) -> str:
    """Fill in the template as a person would in an editor: after each key's colon."""
    text = (
        template.replace('name: "Name of the scheme (replace this)"', 'name: "Filled by Hand"')
        .replace('"Organisation (replace this)"', "Test trust")
        .replace('"Date of this assessment (replace this)"', "1 May 2005")
        .replace("  # first_cycle_ends:  #", "  first_cycle_ends: December 2005  #")
    )
    for item_id, answer in answers.items():
        start = text.index(f"\n  {item_id}:\n")
        end = text.find("\n\n", start + 1)
        block = text[start:end]
        for key, value in answer.items():
            block = re.sub(rf"(\n    {key}:)[^\n]*", rf"\1 {value}", block)
        text = text[:start] + block + text[end:]
    return text


def test_filled_in_by_hand(framework: Framework, template: str, tmp_path: Path) -> None:
    path = tmp_path / "scheme.yaml"
    path.write_text(
        _fill(
            template,
            {
                "A1": {"rating": "adequate", "evidence": '"document: Terms of reference"'},
                "A2": {"rating": "strong", "note": "No evidence yet"},
                "S4": {"rating": "not-yet-due", "reason": "First cycle ends in December"},
                "R4": {"rating": "n/a", "reason": "No other scheme in the region"},
            },
        ),
        encoding="utf-8",
    )
    answers, _ = read_answers(path, Catalogue(CHECKLISTS))
    assert answers.scheme.name == "Filled by Hand"
    assert answers.scheme.first_cycle_ends == dt.date(2005, 12, 1)
    assert answers.scheme.as_dict()["first_cycle_ends"] == "2005-12"
    assert {item: a.rating for item, a in answers.answers.items()} == {
        "A1": Rating.ADEQUATE,
        "A2": Rating.STRONG,
        "S4": Rating.NOT_YET_DUE,
        "R4": Rating.NA,
    }
    assert answers.answers["A1"].evidence == ("Terms of reference",)
    assert answers.answers["R4"].reason == "No other scheme in the region"


def test_the_scheme_section_explains_itself(template: str) -> None:
    scheme = template.split("\nscheme:\n")[1].split("\nanswers:\n", maxsplit=1)[0]
    assert "# Name of the scheme (required)" in scheme
    assert "# Date of this assessment (required)" in scheme
    assert "  # started_on:  # remove the first # and give the date" in scheme
    assert "February 2005 if that is all you know" in scheme
