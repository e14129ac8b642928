"""The agreement benchmark (benchmarks/validity/): its statistics, its scheme set, a dry run.

The figures in RESULTS.md are only as trustworthy as the kappa behind them, so the kappa is
checked on a textbook table and against an independent closed form; and the benchmark's
own material (descriptions, reviewer files, expected bands) is checked for what the issue
requires of it.
"""

from __future__ import annotations

import importlib.util
import random
import re
import shutil
import sys
from pathlib import Path
from types import ModuleType

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
VALIDITY = ROOT / "benchmarks" / "validity"


def _load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"validity_{name}", VALIDITY / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    # dataclasses resolve the module's annotations through sys.modules.
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


agreement = _load("agreement")


def _expand(table: list[list[int]]) -> tuple[list[int], list[int]]:
    a: list[int] = []
    b: list[int] = []
    for i, row in enumerate(table):
        for j, count in enumerate(row):
            a += [i] * count
            b += [j] * count
    return a, b


def test_kappa_on_the_textbook_two_by_two_table() -> None:
    # The worked example of Cohen's kappa (50 proposals, two readers: 20 yes-yes, 5 yes-no,
    # 10 no-yes, 15 no-no): p_o = 0.7, p_e = 0.5, kappa = 0.4. With two categories the
    # quadratic weights are 0 and 1, so the weighted kappa is the plain one.
    a, b = _expand([[20, 5], [10, 15]])
    assert agreement.quadratic_weighted_kappa(a, b, 2) == pytest.approx(0.4)


def test_kappa_is_one_for_identical_and_minus_one_for_reversed_ratings() -> None:
    levels = [0, 1, 2, 3] * 5
    assert agreement.quadratic_weighted_kappa(levels, levels, 4) == pytest.approx(1.0)
    reversed_levels = [3 - x for x in levels]
    assert agreement.quadratic_weighted_kappa(levels, reversed_levels, 4) == pytest.approx(-1.0)


def test_kappa_matches_the_closed_form_for_quadratic_weights() -> None:
    # Fleiss and Cohen (1973): with quadratic weights, kappa equals
    # 2 cov(a, b) / (var a + var b + (mean a - mean b)^2), population moments.
    rng = random.Random(20041206)  # noqa: S311 - reproducible test data, not secrets
    for _ in range(50):
        n = rng.randint(5, 60)
        a = [rng.randint(0, 3) for _ in range(n)]
        b = [min(3, max(0, x + rng.choice([-2, -1, 0, 0, 0, 1]))) for x in a]
        ma, mb = sum(a) / n, sum(b) / n
        va = sum((x - ma) ** 2 for x in a) / n
        vb = sum((y - mb) ** 2 for y in b) / n
        cov = sum((x - ma) * (y - mb) for x, y in zip(a, b, strict=True)) / n
        denominator = va + vb + (ma - mb) ** 2
        if denominator == 0:
            continue
        got = agreement.quadratic_weighted_kappa(a, b, 4)
        assert got == pytest.approx(2 * cov / denominator)


def test_kappa_is_undefined_without_variation_or_pairs() -> None:
    assert agreement.quadratic_weighted_kappa([2, 2, 2], [2, 2, 2], 4) is None
    assert agreement.quadratic_weighted_kappa([], [], 4) is None
    with pytest.raises(ValueError, match="differ in length"):
        agreement.quadratic_weighted_kappa([1], [1, 2], 4)


def test_unscored_answers_agree_only_with_themselves_and_stay_out_of_the_kappa() -> None:
    pairing = agreement.Pairing()
    pairing.add("n/a", "n/a")
    pairing.add("n/a", 0)
    pairing.add("not-yet-due", "n/a")
    pairing.add(2, 3)
    pairing.add(1, 1)
    assert (pairing.items, pairing.exact, pairing.within_one) == (5, 2, 3)
    assert pairing.unscored_mismatch == 2
    assert (pairing.scored_a, pairing.scored_b) == ([2, 1], [3, 1])


def test_uncertain_is_read_from_the_report() -> None:
    assert not agreement.is_uncertain({"overall": {"band": "meets"}})
    assert agreement.is_uncertain({"overall": {"band": "meets", "uncertain": True}})
    other = {"band": "meets", "band_if_not_known_were_strong": "exemplary"}
    assert agreement.is_uncertain({"overall": other})
    same = {"band": "meets", "uncertain": False, "band_if_not_known_were_strong": "meets"}
    assert not agreement.is_uncertain({"overall": same})


# --------------------------------------------------------------------------------------
# The benchmark's material


SCHEMES = sorted(p for p in (VALIDITY / "schemes").iterdir() if p.is_dir())
LEVEL_WORDS = (
    "absent",
    "weak",
    "adequate",
    "strong",
    "exemplary",
    "practised",
    "not-known",
    "not-yet-due",
    "n/a",
    "meets",
)
# Nothing that did not exist in England in 2004-2005.
OUT_OF_PERIOD = ("video", "revalidation", "foundation year", "skype", "smartphone", "app ")


def _body_words(path: Path) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    body = [
        line
        for line in lines
        if not line.startswith("#") and not (line.startswith("*") and line.rstrip().endswith("*"))
    ]
    return len(" ".join(body).split())


def _checklist_titles() -> set[str]:
    titles: set[str] = set()
    for path in (ROOT / "checklists").glob("mentoring-schemes*.yaml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for domain in data["domains"]:
            titles.add(domain["title"].lower())
            titles.update(item["title"].lower() for item in domain["items"])
    return titles


def test_there_are_enough_schemes_each_complete() -> None:
    assert len(SCHEMES) >= 10
    for scheme in SCHEMES:
        assert re.fullmatch(r"\d\d-[a-z0-9-]+", scheme.name), scheme.name
        for name in ("description.md", "brief.md", "reviewer-1.0.yaml", "expected.yaml"):
            assert (scheme / name).is_file(), f"{scheme.name}/{name}"
        assert 300 <= _body_words(scheme / "description.md") <= 600, scheme.name
        assert 80 <= _body_words(scheme / "brief.md") <= 120, scheme.name


@pytest.mark.parametrize("scheme", SCHEMES, ids=lambda p: p.name)
def test_descriptions_avoid_the_checklists_wording_and_anachronisms(scheme: Path) -> None:
    titles = _checklist_titles()
    for name in ("description.md", "brief.md"):
        text = " ".join((scheme / name).read_text(encoding="utf-8").lower().split())
        for word in LEVEL_WORDS:
            assert not re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", text), (name, word)
        for title in titles:
            assert title not in text, (name, title)
        for word in OUT_OF_PERIOD:
            assert word not in text, (name, word)


def test_every_reviewer_file_scores_the_expected_band() -> None:
    versions = agreement.versions()
    assert "1.0" in versions
    bands: set[str] = set()
    for version in versions:
        reviewer, fatal = agreement.reviewer_results(version)
        assert fatal == []
        assert len(reviewer) == len(SCHEMES)
        bands |= {r.band for r in reviewer.values()}
    # The set covers the whole range of bands.
    assert bands == {"exemplary", "meets", "partially-meets", "does-not-meet"}


def test_dry_run_with_the_reviewer_as_a_rater(tmp_path: Path) -> None:
    trials = tmp_path / "trials"
    copy = trials / "1.0" / "copy" / "full"
    other = trials / "1.0" / "other" / "full"
    copy.mkdir(parents=True)
    other.mkdir(parents=True)
    for scheme in SCHEMES:
        shutil.copy(scheme / "reviewer-1.0.yaml", copy / f"{scheme.name}.yaml")
        shutil.copy(scheme / "reviewer-1.0.yaml", other / f"{scheme.name}.yaml")
    # The other rater marks the exemplary scheme's strongest must-meet item absent.
    first = other / f"{SCHEMES[0].name}.yaml"
    text = first.read_text(encoding="utf-8")
    changed = re.sub(r"(  C1:\n    rating: )\w+", r"\1absent", text, count=1)
    assert changed != text
    first.write_text(changed, encoding="utf-8")

    out = tmp_path / "RESULTS.md"
    assert agreement.main(["--trials", str(trials), "--results-out", str(out)]) == 0
    table = out.read_text(encoding="utf-8")
    rows = {line.split(" | ")[0]: line for line in table.splitlines() if " vs " in line}
    n = len(SCHEMES)
    assert "| 100.0 % | 100.0 % | 1.000 | 0 | 100.0 % |" in rows["| copy vs reviewer"]
    assert f"| {n}/{n} |" in rows["| copy vs reviewer"]
    assert "1.000" not in rows["| other vs reviewer"]
    assert f"| {n - 1}/{n} |" in rows["| other vs reviewer"]
    assert f"{SCHEMES[0].name}: " in table  # the wrong band is named
    assert "most often differ from the reviewer's (schemes x raters): C1 1." in table


# --------------------------------------------------------------------------------------
# Rater packets

packet = _load("packet")


@pytest.mark.parametrize(
    ("version", "form", "source"), [("1.0", "full", "description.md"), ("1.1", "brief", "brief.md")]
)
def test_a_packet_holds_exactly_what_a_rater_gets(
    tmp_path: Path, version: str, form: str, source: str
) -> None:
    dest = tmp_path / "packet"
    packet.build(version, form, dest)
    template = f"mentoring-schemes-{version}-checklist.yaml"
    expected = {"INSTRUCTIONS.md", "README-organisers.md", template, "descriptions", "answers"}
    expected |= {f"descriptions/{s.name}.md" for s in SCHEMES}
    assert {str(p.relative_to(dest)) for p in dest.rglob("*")} == expected
    for scheme in SCHEMES:
        assert (dest / "descriptions" / f"{scheme.name}.md").read_bytes() == (
            scheme / source
        ).read_bytes()
    # The README section is today's, between the markers, and nothing from other sections.
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("<!-- section: organisers -->")[1].split("<!-- /section")[0]
    got = (dest / "README-organisers.md").read_text(encoding="utf-8")
    assert section.strip() in got
    assert "## For editors" not in got and "## For developers" not in got
    assert f"framework: mentoring-schemes@{version}" in (dest / template).read_text("utf-8")
    instructions = (dest / "INSTRUCTIONS.md").read_text(encoding="utf-8")
    assert template in instructions and "{" not in instructions
    # Nothing of the reviewer's reaches a rater.
    for path in dest.rglob("*"):
        assert "reviewer" not in path.name and "expected" not in path.name
        if path.is_file():
            assert "Reviewer (validity benchmark)" not in path.read_text(encoding="utf-8")


def test_a_packet_never_overwrites_a_folder_in_use(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dest = tmp_path / "in-use"
    dest.mkdir()
    (dest / "mine.txt").write_text("keep me", encoding="utf-8")
    assert packet.main(["1.1", "full", str(dest)]) == 2
    assert "not an empty folder" in capsys.readouterr().err
    assert [p.name for p in dest.iterdir()] == ["mine.txt"]
    assert packet.main(["9.9", "full", str(tmp_path / "new")]) == 2
    assert "no framework mentoring-schemes@9.9" in capsys.readouterr().err
    assert not (tmp_path / "new").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["in-use"]  # no temporary folder left


def test_brief_bands_that_are_wrong_count_as_confident_unless_marked_uncertain(
    tmp_path: Path,
) -> None:
    # Two stand-in raters of the brief form on 1.1: one answers every item of the first
    # scheme not-known (a wrong band, but the result says it is uncertain), the other
    # answers them absent (the same wrong band, stated with confidence).
    trials = tmp_path / "trials"
    scheme = SCHEMES[0]
    reviewer = yaml.safe_load((scheme / "reviewer-1.1.yaml").read_text(encoding="utf-8"))
    for rater, rating in (("unsure", "not-known"), ("sure", "absent")):
        folder = trials / "1.1" / rater / "brief"
        folder.mkdir(parents=True)
        answers = {item: {"rating": rating} for item in reviewer["answers"]}
        data = {**reviewer, "red_flags": [], "answers": answers}
        (folder / f"{scheme.name}.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    out = tmp_path / "RESULTS.md"
    assert agreement.main(["--trials", str(trials), "--results-out", str(out)]) == 0
    rows = {
        line.split(" | ")[0]: line.split(" | ")
        for line in out.read_text(encoding="utf-8").splitlines()
        if " vs reviewer" in line
    }
    # ... | bands right | marked uncertain | confidently wrong |
    assert rows["| unsure vs reviewer"][-3:] == ["0/1", "1", "0 |"]
    assert rows["| sure vs reviewer"][-3:] == ["0/1", "0", "1 |"]
