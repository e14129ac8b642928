"""The HTML checklist form, in Debian's Chromium: live scores, saving, loading, WCAG 2.2 AA.

The form's JavaScript scoring must give the numbers ``guidebuild assess`` gives, and the
YAML file it saves must assess exactly like the same answers typed into a file by hand.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from msgspec import structs

from guidebuild.answers.build import build_answers
from guidebuild.cli import main
from guidebuild.errors import Problem
from guidebuild.forms.html_form import render_html_form, write_html_form
from guidebuild.framework.answers import Format
from guidebuild.framework.loader import load_framework
from guidebuild.framework.model import SCALE_ORDER, Domain, Framework, Item, Rating
from guidebuild.framework.scoring import assess
from guidebuild.report.data import assessment_to_dict
from tests.browser import axe_violations, browser, describe, offline
from tests.frameworks import with_rules

REPO = Path(__file__).resolve().parent.parent
CHECKLISTS = REPO / "checklists"
FRAMEWORK = load_framework(CHECKLISTS / "mentoring-schemes.yaml")
RANDOM_SETS = 200

# Evidence as people type it, and whitespace that Python's strip() and JavaScript's trim()
# treat differently (U+001C and U+0085 are space to Python only, U+FEFF to JavaScript only).
EVIDENCE = [
    "document: Scheme handbook, section 2",
    "record: https://example.org/terms",
    "practice seen:  padded  ",
    "Practice Seen: pairs meet in the library",
    " record : attendance register",
    "",
    "   ",
    "\u3000",
    "document: \ufeff",
    "document: Minutes: 'board' \"approved\" #3",
]


def seeded(seed: int) -> random.Random:
    """A reproducible source of test data."""
    return random.Random(seed)  # noqa: S311 - test data, not secrets


# --- fixtures --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    with browser() as launched:
        yield launched


@pytest.fixture(scope="module")
def form_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("form") / "checklist.html"
    write_html_form(FRAMEWORK, path)
    return path


@pytest.fixture
def page(chromium: Any, form_path: Path) -> Iterator[Any]:
    context = chromium.new_context(viewport={"width": 1100, "height": 900}, accept_downloads=True)
    tab = context.new_page()
    attempted = offline(tab)
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    tab.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    tab.goto(form_path.as_uri())
    yield tab
    context.close()
    assert errors == [], errors
    assert attempted == [], f"the form reached for the network: {attempted}"


# --- helpers ---------------------------------------------------------------------------


def random_flags(framework: Framework, rng: random.Random) -> list[str]:
    """Red flags ticked at random: none in most sets."""
    return [f.id for f in framework.red_flags if rng.random() < 0.08]


def random_answers(framework: Framework, rng: random.Random) -> dict[str, dict[str, Any]]:
    """Answers in the shape the form's scoring takes: {item: {rating, evidence, reason}}."""
    answers: dict[str, dict[str, Any]] = {}
    # Some sets mostly good, some mostly poor, so that every band and verdict turns up.
    mood = rng.random() ** 0.3
    for item in framework.items.values():
        if rng.random() < 0.1 * (1 - mood):
            continue  # unanswered
        good = rng.random() < mood
        rating = rng.choice(["adequate", "strong"] if good else [r.value for r in item.ratings])
        if good and rng.random() < 0.9:
            evidence = [EVIDENCE[0]]
        else:
            evidence = [rng.choice(EVIDENCE) for _ in range(rng.choice([0, 1, 1, 2]))]
        answers[item.id] = {"rating": rating, "evidence": evidence, "reason": "No such scheme"}
    return answers


class _Plain:
    """Parsed data with no file behind it, for build_answers (the readers' one checker)."""

    path = "test.yaml"

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data

    def problem(self, keys: Any, message: str, *, key: bool = False) -> Problem:
        return Problem(self.path, f"{keys}: {message}")


class _One:
    """A catalogue of one framework."""

    def __init__(self, framework: Framework) -> None:
        self.framework = framework

    def get(self, framework_id: str, version: str) -> Framework | None:
        return self.framework if self.framework.key == f"{framework_id}@{version}" else None

    def unknown(self, framework_id: str, version: str) -> str:
        return f"not {framework_id}@{version}"


def python_report(
    framework: Framework, answers: dict[str, dict[str, Any]], flags: list[str] | None = None
) -> dict[str, Any]:
    """Python's JSON report for the same answers, read by the readers' own checks."""
    data = {
        "framework": framework.key,
        "scheme": {
            "name": "Test",
            "organisation": "Test",
            "assessed_on": dt.date(2005, 1, 1),
            "first_cycle_ends": dt.date(2006, 1, 1),
        },
        "red_flags": flags or [],
        "answers": answers,
    }
    built, _ = build_answers(_Plain(data), Format.YAML, _One(framework))  # type: ignore[arg-type]
    return assessment_to_dict(assess(framework, built))


def essentials(report: dict[str, Any]) -> dict[str, Any]:
    """What the form shows and must agree on, from the JSON report or the form's own result."""
    return {
        "overall": {
            k: report["overall"][k]
            for k in (
                "percent",
                "band",
                "provisional",
                "uncertain",
                "band_if_not_known_were_strong",
            )
        },
        "not_known": report["not_known"],
        "domains": [
            {
                **{
                    k: d[k]
                    for k in (
                        "id",
                        "percent",
                        "verdict",
                        "provisional",
                        "capped",
                        "points",
                        "ceiling",
                    )
                },
                "items": [
                    {
                        k: i[k]
                        for k in (
                            "id",
                            "counted_as",
                            "score",
                            "no_evidence",
                            "unanswered",
                            "rag",
                            "not_known",
                            "forced_by",
                            "practice_only",
                        )
                    }
                    for i in d["items"]
                ],
            }
            for d in report["domains"]
        ],
        "must_meet_failures": report["must_meet_failures"],
        "actions": [
            {k: a[k] for k in ("item", "domain", "rating", "rating_given", "kind", "rag")}
            for a in report["actions"]
        ],
    }


def js_reports(
    page: Any, answer_sets: list[dict[str, Any]], flags: list[list[str]] | None = None
) -> list[dict[str, Any]]:
    pairs = [[a, f] for a, f in zip(answer_sets, flags or [[]] * len(answer_sets), strict=True)]
    return page.evaluate(  # type: ignore[no-any-return]
        "pairs => pairs.map(p => window.guidebuildForm.assess(p[0], p[1]))", pairs
    )


def fill_scheme(page: Any, details: dict[str, str]) -> None:
    for key, value in details.items():
        page.fill(f"#scheme-{key}", value)


def fill_answers(page: Any, answers: dict[str, dict[str, Any]]) -> None:
    for item_id, answer in answers.items():
        slug = "na" if answer["rating"] == "n/a" else answer["rating"]
        page.check(f"#{item_id}-rating-{slug}")
        if answer.get("evidence"):
            page.fill(f"#{item_id}-evidence", "\n".join(answer["evidence"]))
        if answer.get("note"):
            page.fill(f"#{item_id}-note", answer["note"])
        if answer.get("reason"):
            page.fill(f"#{item_id}-reason", answer["reason"])


def save(page: Any, folder: Path) -> Path:
    with page.expect_download() as info:
        page.click("#gb-save")
    download = info.value
    target = folder / download.suggested_filename
    download.save_as(target)
    return target


def assess_json(path: Path) -> dict[str, Any]:
    result = CliRunner().invoke(
        main,
        ["assess", "--frameworks", str(CHECKLISTS), "-f", "json", str(path)],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    report: dict[str, Any] = json.loads(result.output)
    report.pop("source")
    return report


def spread_framework() -> Framework:
    """A framework with a domain that can become not assessable, and odd weights."""
    base = FRAMEWORK
    resources = base.domain("resources")
    assert resources is not None
    na = frozenset({Rating.NA})
    both = frozenset({Rating.NA, Rating.NOT_YET_DUE})
    always = base.rules.scale.always

    def allowing(item: Item, allows: frozenset[Rating]) -> Item:
        ratings = tuple(r for r in SCALE_ORDER if r in always or r in allows)
        return structs.replace(item, allows=allows, ratings=ratings)

    items = tuple(
        allowing(item, na if i % 2 == 0 else both) for i, item in enumerate(resources.items)
    )
    domains = tuple(
        structs.replace(d, items=items) if d.id == "resources" else d for d in base.domains
    )
    extra = Domain(
        "extra",
        "Extra",
        core=False,
        summary="",
        weight=base.rules.weights.domain,
        items=(
            allowing(
                Item(
                    "X1",
                    "x",
                    "x?",
                    base.items["A1"].descriptors,
                    weight=2,
                    must_meet=True,
                    allows=na,
                    evidence_hint="",
                    action="x",
                    recommendations=("x",),
                ),
                na,
            ),
        ),
    )
    return structs.replace(base, domains=(*domains, extra))


# --- the page itself (tests marked browser drive Debian's Chromium) ------------------------


def test_page_is_self_contained(form_path: Path) -> None:
    page = form_path.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert not re.search(r"<link\b|\bsrc=|@import|url\(", page), "the page loads something"
    hrefs = re.findall(r'href="([^"]*)"', page)
    assert hrefs
    assert all(h.startswith("#") for h in hrefs), [h for h in hrefs if not h.startswith("#")]
    assert 'lang="en-GB"' in page
    # Every item, every allowed rating and nothing more.
    for item in FRAMEWORK.items.values():
        values = re.findall(rf'name="{item.id}-rating" value="([^"]*)"', page)
        assert values == ["", *(r.value for r in item.ratings)], item.id
    assert page.count('value="n/a"') == 3  # MT1, MT3 (e-mentoring by design) and R4
    assert page.count('value="not-yet-due"') == 1  # S4 only: monitoring runs from the start


def test_write_is_atomic_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "form.html"
    target.write_text("old")
    write_html_form(FRAMEWORK, target)
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert [p.name for p in tmp_path.iterdir()] == ["form.html"]


@pytest.mark.browser
def test_framework_text_is_escaped(chromium: Any, tmp_path: Path) -> None:
    hostile = "</script><script>window.pwned=1</script><img src=x onerror=window.pwned=2>&amp;"
    a1 = structs.replace(FRAMEWORK.items["A1"], question=hostile, evidence_hint=hostile)
    aims = FRAMEWORK.domains[0]
    domains = (
        structs.replace(aims, title=hostile, items=(a1, *aims.items[1:])),
        *FRAMEWORK.domains[1:],
    )
    framework = structs.replace(FRAMEWORK, title=hostile, description=hostile, domains=domains)
    html = render_html_form(framework)
    assert "<script>window.pwned" not in html
    path = tmp_path / "hostile.html"
    path.write_text(html, encoding="utf-8")
    tab = chromium.new_page()
    tab.goto(path.as_uri())
    assert tab.evaluate("window.pwned") is None
    assert hostile in tab.text_content("#item-A1 legend")
    assert tab.evaluate("document.querySelectorAll('img').length") == 0
    tab.close()


# --- scoring: the JavaScript port against Python -------------------------------------------


@pytest.mark.browser
def test_scoring_matches_python_on_random_answer_sets(page: Any) -> None:
    rng = seeded(20250430)
    sets = [random_answers(FRAMEWORK, rng) for _ in range(RANDOM_SETS)]
    flags = [random_flags(FRAMEWORK, rng) for _ in sets]
    sets += [{}, {i: {"rating": "strong", "evidence": ["document: x"]} for i in FRAMEWORK.items}]
    flags += [[], []]
    results = js_reports(page, sets, flags)
    bands = set()
    seen: set[str] = set()
    agreed = 0
    for answers, ticked, js in zip(sets, flags, results, strict=True):
        report = python_report(FRAMEWORK, answers, ticked)
        expected = essentials(report)
        assert essentials(js) == expected, (answers, ticked)
        bands.add(expected["overall"]["band"])
        seen.update(k for k, v in report["counts"].items() if v)
        seen.update(["uncertain"] if report["overall"]["uncertain"] else [])
        agreed += 1
    assert agreed == RANDOM_SETS + 2
    # The sample exercises every band and every rule of 1.1, so agreement is not
    # agreement on one easy case.
    assert bands == {"exemplary", "meets", "partially-meets", "does-not-meet"}
    assert {"not_known", "red_flags", "practised", "no_evidence", "uncertain"} <= seen


@pytest.mark.browser
def test_scoring_matches_python_when_domains_are_not_assessable(
    chromium: Any, tmp_path: Path
) -> None:
    framework = spread_framework()
    path = tmp_path / "spread.html"
    write_html_form(framework, path)
    tab = chromium.new_page()
    tab.goto(path.as_uri())
    rng = seeded(7)
    sets = [random_answers(framework, rng) for _ in range(RANDOM_SETS)]
    verdicts = set()
    for answers, js in zip(sets, js_reports(tab, sets), strict=True):
        expected = essentials(python_report(framework, answers))
        assert essentials(js) == expected, answers
        verdicts.update(d["verdict"] for d in expected["domains"])
    tab.close()
    assert "not-assessable" in verdicts


@pytest.mark.browser
def test_the_page_shows_the_numbers_assess_gives(page: Any) -> None:
    rng = seeded(99)
    for _ in range(3):
        page.reload()
        answers = random_answers(FRAMEWORK, rng)
        fill_answers(page, answers)
        report = python_report(FRAMEWORK, answers)
        for domain in report["domains"]:
            row = page.locator(f"#result-{domain['id']}")
            shown = row.locator('[data-cell="percent"]').text_content()
            expected = (
                "not assessable" if domain["percent"] is None else f"{domain['percent']:.1f}%"
            )
            assert shown == expected
            verdict = row.locator('[data-cell="verdict"]').text_content()
            assert verdict == domain["verdict"].replace("-", " ")
        overall = report["overall"]
        assert page.text_content("#gb-overall-percent") == f"{overall['percent']:.1f}%"
        assert page.text_content("#gb-overall-band") == overall["band"].replace("-", " ")


# --- saving --------------------------------------------------------------------------------

HAND_WRITTEN = """\
framework: mentoring-schemes@1.1
scheme:
  name: 'Northern "Fells": mentoring #1'
  organisation: Northern Fells Health Board
  contact: Dr Zoë Ó Briain <zoe@example.org>
  assessed_on: 2005-04-30
  started_on: 2005-01
  first_cycle_ends: 2006-01-05
  notes: "Two lines:\\nthe second - yes"
red_flags: [appointed-mentor]
answers:
  A1:
    rating: adequate
    evidence:
      - "document: Pilot proposal: approved"
      - 'record: - a dash, then # a hash'
  A2:
    rating: strong
  C1:
    rating: weak
    note: "yes"
  R4:
    rating: n/a
    reason: There are no other schemes in the region.
  S4:
    rating: not-yet-due
    reason: First cycle ends in January.
  R3:
    rating: not-known
  K1:
    rating: absent
    note: "null"
"""


@pytest.mark.browser
def test_saved_file_assesses_like_the_same_answers_typed_by_hand(page: Any, tmp_path: Path) -> None:
    fill_scheme(
        page,
        {
            "name": 'Northern "Fells": mentoring #1',
            "organisation": "Northern Fells Health Board",
            "contact": "Dr Zoë Ó Briain <zoe@example.org>",
            "assessed_on": "30 April 2005",
            "started_on": "January 2005",
            "first_cycle_ends": "5/1/2006",
            "notes": "Two lines:\nthe second - yes",
        },
    )
    page.check("#redflag-appointed-mentor")
    fill_answers(
        page,
        {
            "A1": {
                "rating": "adequate",
                "evidence": [
                    "document: Pilot proposal: approved",
                    "",
                    "record: - a dash, then # a hash",
                ],
            },
            "A2": {"rating": "strong"},
            "C1": {"rating": "weak", "note": "yes"},
            "R4": {"rating": "n/a", "reason": "There are no other schemes in the region."},
            "S4": {"rating": "not-yet-due", "reason": "First cycle ends in January."},
            "R3": {"rating": "not-known"},
            "K1": {"rating": "absent", "note": "null"},
        },
    )
    saved = save(page, tmp_path)
    assert saved.name == "northern-fells-mentoring-1-2005-04-30.yaml"
    assert (
        page.text_content("#gb-save-status") == f"Saved as {saved.name} in your downloads folder."
    )
    by_hand = tmp_path / "by-hand.yaml"
    by_hand.write_text(HAND_WRITTEN, encoding="utf-8")
    from_form = assess_json(saved)
    assert from_form == assess_json(by_hand)
    assert from_form["scheme"]["notes"] == "Two lines:\nthe second - yes"
    assert from_form["overall"]["provisional"] is True
    assert from_form["red_flags"][0]["id"] == "appointed-mentor"
    assert from_form["scheme"]["started_on"] == "2005-01"


@pytest.mark.browser
def test_saved_random_answers_assess_as_python_scores_them(page: Any, tmp_path: Path) -> None:
    rng = seeded(11)
    for index in range(3):
        page.reload()
        answers = random_answers(FRAMEWORK, rng)
        for answer in answers.values():
            answer["note"] = rng.choice(["", "yes", "a: b # c", "é\u2028x", '"\\'])
            if answer["rating"] not in ("n/a", "not-yet-due") and rng.random() < 0.5:
                answer["reason"] = ""
        details = {
            "name": f"Scheme {index}",
            "organisation": "Org",
            "assessed_on": "2005-02-03",
            "first_cycle_ends": "2006-02-03",
        }
        fill_scheme(page, details)
        fill_answers(page, answers)
        saved = save(page, tmp_path / str(index))
        typed = tmp_path / f"typed-{index}.yaml"
        typed.write_text(
            yaml.safe_dump(
                {
                    "framework": FRAMEWORK.key,
                    "scheme": details,
                    "answers": answers,
                },
                allow_unicode=True,
            ),
            encoding="utf-8",
        )
        from_form = assess_json(saved)
        assert from_form == assess_json(typed)
        assert essentials(from_form) == essentials(python_report(FRAMEWORK, answers))


@pytest.mark.browser
def test_errors_are_shown_announced_and_block_saving(page: Any) -> None:
    downloads: list[Any] = []
    # Playwright cannot wrap a bound builtin such as downloads.append: hence the lambda.
    page.on("download", lambda download: downloads.append(download))  # noqa: PLW0108
    fill_answers(page, {"R4": {"rating": "n/a"}})
    page.click("#gb-save")
    summary = page.locator("#gb-errors")
    assert summary.is_visible()
    assert summary.get_attribute("role") == "alert"
    assert page.evaluate("document.activeElement.id") == "gb-errors"
    links = summary.locator("a")
    assert links.all_text_contents() == [
        "Enter the name of the scheme",
        "Enter the organisation",
        "Enter the date of this assessment",
        "R4: give the reason why the item does not apply",
    ]
    reason = page.locator("#R4-reason")
    assert reason.get_attribute("aria-invalid") == "true"
    described = reason.get_attribute("aria-describedby") or ""
    message = page.locator(f"#{described.split()[0]}")
    assert message.text_content() == "Error: R4: give the reason why the item does not apply"
    links.nth(3).click()
    assert page.evaluate("document.activeElement.id") == "R4-reason"
    # Putting it right clears the message as the user types.
    page.fill("#R4-reason", "No other schemes nearby")
    assert reason.get_attribute("aria-invalid") is None
    assert links.count() == 3
    assert downloads == []


@pytest.mark.browser
def test_not_yet_due_after_the_first_cycle_is_refused(page: Any) -> None:
    fill_scheme(
        page,
        {
            "name": "S",
            "organisation": "O",
            "assessed_on": "2025-06-01",
            "first_cycle_ends": "2025-05-01",
        },
    )
    fill_answers(page, {"S4": {"rating": "not-yet-due", "reason": "Review in May"}})
    page.click("#gb-save")
    assert page.locator("#gb-errors a").all_text_contents() == [
        "S4: not yet due is only for a scheme whose first full cycle ends after the date of "
        "this assessment: give that date, or choose another rating"
    ]
    assert "gb-item--error" in (page.get_attribute("#item-S4", "class") or "")
    # A reason is needed too (framework 1.1), and a month is enough where it is surely later.
    page.fill("#scheme-first_cycle_ends", "July 2025")
    page.fill("#S4-reason", "")
    assert page.locator("#gb-errors a").all_text_contents() == [
        "S4: say under Reason what will be done, and when"
    ]


# --- loading -------------------------------------------------------------------------------


@pytest.mark.browser
def test_a_saved_file_loads_back(page: Any, tmp_path: Path) -> None:
    fill_scheme(
        page,
        {
            "name": "Loop",
            "organisation": "Org",
            "assessed_on": "2005-03-04",  # saved as typed: already the normal form
            "first_cycle_ends": "2005-09",
        },
    )
    page.check("#redflag-compulsory")
    answers = {
        "A1": {
            "rating": "strong",
            "evidence": ["document: One", "record: Two: 'three'"],
            "note": 'a "quote"\nline',
        },
        "R4": {"rating": "n/a", "reason": "None"},
        "S4": {"rating": "not-yet-due", "reason": "Review after September"},
    }
    fill_answers(page, answers)
    saved = save(page, tmp_path)
    before = page.evaluate("JSON.stringify(window.guidebuildForm.collect())")
    page.reload()
    page.set_input_files("#gb-load-file", str(saved))
    page.wait_for_function("document.getElementById('gb-load-status').textContent !== ''")
    assert page.text_content("#gb-load-status") == f"Loaded the answers from {saved.name}."
    assert page.evaluate("JSON.stringify(window.guidebuildForm.collect())") == before
    assert page.is_checked("#R4-rating-na")
    assert page.is_checked("#redflag-compulsory")


@pytest.mark.browser
@pytest.mark.browser
@pytest.mark.parametrize("example", sorted((CHECKLISTS / "examples").glob("*.yaml")), ids=str)
def test_hand_written_examples_load_and_score_as_assess_does(page: Any, example: Path) -> None:
    page.set_input_files("#gb-load-file", str(example))
    page.wait_for_function("document.getElementById('gb-load-status').textContent !== ''")
    assert page.text_content("#gb-load-status") == f"Loaded the answers from {example.name}."
    report = assess_json(example)
    assert page.text_content("#gb-overall-percent") == f"{report['overall']['percent']:.1f}%"
    assert page.text_content("#gb-overall-band") == report["overall"]["band"].replace("-", " ")


@pytest.mark.browser
def test_a_file_for_another_framework_is_refused_and_changes_nothing(
    page: Any, tmp_path: Path
) -> None:
    page.check("#A1-rating-weak")
    other = tmp_path / "other.yaml"
    other.write_text("framework: mentoring-schemes@0.9\nscheme:\n  name: x\n", encoding="utf-8")
    page.set_input_files("#gb-load-file", str(other))
    page.wait_for_function("document.getElementById('gb-load-status').textContent !== ''")
    assert "not mentoring-schemes@1.1" in page.text_content("#gb-load-status")
    assert page.is_checked("#A1-rating-weak")


# --- accessibility ---------------------------------------------------------------------------


@pytest.mark.browser
def test_no_wcag_violations_empty_filled_and_with_errors(page: Any) -> None:
    assert (found := axe_violations(page)) == [], describe(found)
    fill_answers(page, {"A1": {"rating": "adequate"}, "R4": {"rating": "n/a"}})
    page.click("#gb-save")  # errors shown
    assert (found := axe_violations(page)) == [], describe(found)
    page.set_viewport_size({"width": 320, "height": 800})
    assert (found := axe_violations(page)) == [], describe(found)
    assert page.evaluate("document.documentElement.scrollWidth") <= 320


@pytest.mark.browser
def test_keyboard_only(page: Any) -> None:
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "gb-skip-link"
    page.keyboard.press("Enter")
    page.focus("#A1-rating-none")
    page.keyboard.press("ArrowRight")  # radios: arrows move and choose
    page.keyboard.press("ArrowRight")
    assert page.is_checked("#A1-rating-weak")
    assert page.text_content("#result-aims [data-cell='percent']") == "11.1%"
    # A visible focus indicator on the radio: an outline or a ring.
    style = page.evaluate(
        "(() => { const s = getComputedStyle(document.activeElement);"
        " return [s.outlineStyle, s.outlineWidth, s.boxShadow]; })()"
    )
    assert style[0] == "solid" and style[1] == "3px" and style[2] != "none"
    page.focus("#gb-save")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "gb-errors"


@pytest.mark.browser
def test_targets_are_at_least_24_pixels(page: Any) -> None:
    small = page.evaluate(
        """() => [...document.querySelectorAll('input, textarea, button, .gb-radio label')]
            .map(e => [e.id || e.htmlFor || e.textContent, e.getBoundingClientRect()])
            .filter(([, r]) => r.width < 24 || r.height < 24)
            .map(([name, r]) => `${name}: ${r.width}x${r.height}`)"""
    )
    assert small == []


@pytest.mark.browser
def test_live_region_summarises_changes(page: Any) -> None:
    page.check("#C1-rating-strong")
    page.fill("#C1-evidence", "Profiles")
    page.wait_for_function("document.getElementById('gb-live').textContent.includes('Choice')")
    text = page.text_content("#gb-live")
    assert text is not None
    assert text.startswith("Choice of mentor and matching: ")
    assert "Overall " in text


# --- the checklist appendix in the guidance (guidebuild.sphinxext.checklist) ----------------
# These build a tiny project with Sphinx: no browser.

APPENDIX_FRAMEWORK = with_rules(
    """\
id: tiny
version: "1.0"
title: Tiny framework
domains:
  - id: aims
    title: Aims <and> "scope"
    core: true
    items:
      - id: A1
        title: Aims written
        question: Are the aims <written> down?
        must_meet: true
        weight: 2
        descriptors: {weak: w-A1, adequate: a-A1, strong: s-A1}
        action: Write the aims down.
        recommendations: [first-thing, third-thing]
  - id: resources
    title: Resources
    items:
      - id: R1
        title: Links
        question: Links to other schemes?
        weight: 1
        allows: [n/a]
        descriptors: {weak: w-R1, adequate: a-R1, strong: s-R1}
        action: Link up.
        recommendations: [first-thing]
"""
)

APPENDIX = """\
Appendix
========

.. checklist-downloads::

The checklist
-------------

.. checklist::{options}
"""


@pytest.fixture
def appendix_project(tmp_path: Path) -> Path:
    from tests.conftest import copy_project

    project = copy_project("tiny", tmp_path)
    (project / "checklists").mkdir()
    (project / "checklists" / "tiny.yaml").write_text(APPENDIX_FRAMEWORK, encoding="utf-8")
    (project / "guidance" / "appendix.rst").write_text(
        APPENDIX.format(options=""), encoding="utf-8"
    )
    index = project / "guidance" / "index.rst"
    index.write_text(
        index.read_text(encoding="utf-8").replace(
            "   all-recommendations\n", "   all-recommendations\n   appendix\n"
        ),
        encoding="utf-8",
    )
    return project


def plain(text: str) -> str:
    """Without the terminal colour codes Sphinx may put in its log."""
    return re.sub(r"\x1b\[[0-9;]*m", "", text)


def sphinx(project: Path, builder: str = "html", **overrides: Any) -> Any:
    from guidebuild.build.sphinx import run_sphinx

    return run_sphinx(
        srcdir=project / "guidance",
        confdir=project,
        outdir=project / "out" / builder,
        doctreedir=project / "out" / f"doctrees-{builder}",
        builder=builder,
        overrides=overrides,
    )


@pytest.mark.slow
def test_appendix_renders_the_framework_with_links_both_ways(appendix_project: Path) -> None:
    run = sphinx(appendix_project)
    assert run.errors == [] and run.warnings == [], run.errors + run.warnings
    page = (appendix_project / "out" / "html" / "appendix.html").read_text(encoding="utf-8")
    row = page[page.index('id="checklist-A1"') :]
    row = row[: row.index("</tr>")]
    assert "<strong>A1</strong> <em>(must meet)</em> Are the aims &lt;written&gt; down?" in row
    assert [cell for cell in ("w-A1", "a-A1", "s-A1") if cell not in row] == []
    links = re.findall(
        r'<a class="[^"]*gb-checklist-rec[^"]*" href="([^"]*)"[^>]*>([^<]*)</a>', row
    )
    assert links == [
        ("first.html#first-thing", "recommendation 1.1"),
        ("second.html#third-thing", "recommendation 2.1"),
    ]
    assert 'id="checklist-R1"' in page and "May be rated n/a." in page
    assert '<section class="gb-checklist-domain" id="checklist-domain-aims">' in page
    assert "Aims &lt;and&gt; “scope”" in page  # escaped, and Sphinx's smart quotes
    assert page.count("<p>Item (core domain: counts twice)</p>") == 1  # aims, not resources
    assert 'href="downloads/tiny-1.0-checklist.pdf"' in page
    assert 'href="downloads/tiny-1.0-checklist.html"' in page
    first = (appendix_project / "out" / "html" / "first.html").read_text(encoding="utf-8")
    backlinks = re.findall(r'<p class="gb-rec-checked">(.*?)</p>', first)
    assert len(backlinks) == 1  # first-thing only: second-thing is checked by no item
    assert backlinks[0] == (
        'Checked by checklist items <a class="reference internal" href="appendix.html#checklist-A1"'
        ' title="Checklist item A1">A1</a> and <a class="reference internal"'
        ' href="appendix.html#checklist-R1" title="Checklist item R1">R1</a>.'
    )


@pytest.mark.slow
def test_appendix_in_the_single_page_links_within_it(appendix_project: Path) -> None:
    run = sphinx(appendix_project, "singlehtml")
    assert run.errors == [] and run.warnings == [], run.errors + run.warnings
    page = (appendix_project / "out" / "singlehtml" / "index.html").read_text(encoding="utf-8")
    assert 'href="#checklist-A1"' in page
    assert re.search(r'href="#first-thing"[^>]*>recommendation 1.1<', page)
    assert "a PDF form (tiny-1.0-checklist.pdf)" in page  # no site URL: names, not links
    project = appendix_project
    run = sphinx(project, "singlehtml", guidebuild_site_url="https://example.org/tiny/")
    page = (project / "out" / "singlehtml" / "index.html").read_text(encoding="utf-8")
    assert 'href="https://example.org/tiny/downloads/tiny-1.0-checklist.pdf"' in page


@pytest.mark.slow
def test_unknown_recommendation_is_an_error_in_the_framework_file(
    appendix_project: Path,
) -> None:
    framework = appendix_project / "checklists" / "tiny.yaml"
    framework.write_text(
        APPENDIX_FRAMEWORK.replace("[first-thing]", "[frist-thing]"), encoding="utf-8"
    )
    run = sphinx(appendix_project)
    line = APPENDIX_FRAMEWORK.splitlines().index("        recommendations: [first-thing]") + 1
    assert [(plain(str(p.path)), p.line, plain(p.message)) for p in run.errors] == [
        (
            str(framework.resolve()),
            line,
            "checklist item R1 checks recommendation 'frist-thing', which the guidance does "
            "not define (did you mean 'first-thing'?) [guidebuild.unknown-rec]",
        )
    ]


@pytest.mark.slow
def test_editing_the_framework_rebuilds_the_appendix_and_the_back_links(
    appendix_project: Path,
) -> None:
    assert sphinx(appendix_project).warnings == []
    framework = appendix_project / "checklists" / "tiny.yaml"
    text = APPENDIX_FRAMEWORK.replace("Are the aims <written> down?", "Aims in writing?")
    framework.write_text(text.replace("[first-thing]", "[second-thing]"), encoding="utf-8")
    run = sphinx(appendix_project)
    assert run.errors == [] and run.warnings == []
    out = appendix_project / "out" / "html"
    assert "Aims in writing?" in (out / "appendix.html").read_text(encoding="utf-8")
    first = (out / "first.html").read_text(encoding="utf-8")
    backlinks = re.findall(r'<p class="gb-rec-checked">(.*?)</p>', first)
    assert [re.sub(r"<[^>]+>", "", b) for b in backlinks] == [
        "Checked by checklist item A1.",
        "Checked by checklist item R1.",
    ]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("option", "expected"),
    [
        ("tiny", None),
        ("tiny@1.0", None),
        ("/../checklists/tiny.yaml", None),
        ("tiny@2.0", "framework tiny@2.0 is not known; known frameworks: tiny@1.0"),
        ("nope.yaml", "framework file 'nope.yaml' not found"),
    ],
)
def test_the_framework_option(appendix_project: Path, option: str, expected: str | None) -> None:
    (appendix_project / "guidance" / "appendix.rst").write_text(
        APPENDIX.format(options=f"\n   :framework: {option}"), encoding="utf-8"
    )
    run = sphinx(appendix_project)
    problems = [plain(p.message) for p in run.errors + run.warnings]
    if expected is None:
        assert problems == []
    else:
        assert any(expected in message for message in problems), problems
