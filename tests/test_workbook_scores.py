"""The workbook works out its scores live: LibreOffice's results equal ``assess``'s.

Random answer sets are typed into copies of the checklist workbook (as an organiser would,
with openpyxl standing in for the keyboard), LibreOffice recalculates them all in one
headless run (``soffice --convert-to xlsx``), and every recalculated score, verdict,
overall percent and band is compared with what ``guidebuild assess`` says of the same
filled workbook.
"""

from __future__ import annotations

import datetime as dt
import random
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from guidebuild.answers import read_answers
from guidebuild.fields import ACTIONS_SHEET, DETAILS_SHEET, ITEMS_SHEET, SCORES_SHEET
from guidebuild.forms import write_checklists
from guidebuild.forms.xlsx import OVERALL_LABELS
from guidebuild.framework.loader import Catalogue
from guidebuild.framework.model import Framework
from guidebuild.framework.scoring import Assessment, assess

REPO = Path(__file__).resolve().parent.parent
CHECKLISTS = REPO / "checklists"
SETS = 200

EVIDENCE = [
    "document: Scheme handbook, section 2",
    "record: Attendance register 2004",
    "practice seen: pairs meet in the library",
    "Practice Seen: the lead rings each pair",
    " record : minutes of the steering group",
    "   ",
]

pytestmark = pytest.mark.skipif(shutil.which("soffice") is None, reason="needs LibreOffice")


def recalculate(files: list[Path], out: Path) -> list[Path]:
    """Recalculate every workbook in one LibreOffice run; return the recalculated copies."""
    out.mkdir()
    profile = out.parent / "lo-profile"
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(out),
            *map(str, files),
        ],
        check=True,
        capture_output=True,
        timeout=600,
    )
    return [out / f.name for f in files]


def fill(template: Path, target: Path, framework: Framework, rng: random.Random) -> None:
    """Type a random set of answers into a copy of the workbook."""
    book = load_workbook(template)
    details = book[DETAILS_SHEET]
    keys = {row[3].value: row[1] for row in details.iter_rows(min_row=2) if row[3].value}
    keys["name"].value = "Test scheme"
    keys["organisation"].value = "Test trust"
    keys["assessed_on"].value = rng.choice([dt.datetime(2005, 2, 14), "14 February 2005"])
    keys["first_cycle_ends"].value = rng.choice(["2006-01", dt.datetime(2005, 12, 31)])
    for flag in framework.red_flags:
        keys[f"redflag_{flag.id}"].value = rng.choice(["yes"] + ["no", None] * 8)
    items = book[ITEMS_SHEET]
    header = [c.value for c in items[1]]
    column = {name: header.index(name) for name in ("ID", "Rating", "Evidence", "Reason")}
    mood = rng.random() ** 0.3
    for row in items.iter_rows(min_row=2):
        item = framework.items[row[column["ID"]].value]
        if rng.random() < 0.1 * (1 - mood):
            continue
        good = rng.random() < mood
        rating = rng.choice(["adequate", "strong"] if good else [r.value for r in item.ratings])
        if rng.random() < 0.05:
            rating = f" {rating.upper()} "  # typed by hand: the reader takes it as meant
        lines = (
            [EVIDENCE[0]]
            if good and rng.random() < 0.8
            else rng.sample(EVIDENCE, rng.choice([0, 1, 2]))
        )
        row[column["Rating"]].value = rating
        row[column["Evidence"]].value = "\n".join(lines) or None
        row[column["Reason"]].value = "Not here"
    book.save(target)


def expected(result: Assessment) -> dict[str, Any]:
    framework = result.framework
    return {
        "domains": [
            (d.domain.title, "not assessable" if d.percent is None else d.percent, d.verdict.value)
            for d in result.domains
        ],
        "overall": result.overall_percent,
        "band": framework.band_name(result.band),
        "provisional": "yes" if result.provisional else "no",
        "uncertain": "yes" if result.uncertain else "no",
        "best": framework.band_name(result.best_band) if result.best_band else None,
        "not_known": len(result.not_known),
        "failures": len(result.must_meet_failures),
        "warning": framework.red_flag_warning.strip() if result.red_flags else None,
        "items": [
            (r.item.id, r.counted_as.value, r.score, r.rag.value if r.rag else "n/a")
            for d in result.domains
            for r in d.items
        ],
    }


def recalculated(path: Path, framework: Framework) -> dict[str, Any]:
    book = load_workbook(path, data_only=True)
    scores = book[SCORES_SHEET]
    rows = list(scores.iter_rows(values_only=True))
    domains = [(r[0], r[3], r[4]) for r in rows[1 : 1 + len(framework.domains)]]
    overall = {r[0]: r[1] for r in rows if r and r[0] in OVERALL_LABELS}
    items = book[ITEMS_SHEET]
    header = [c.value for c in items[1]]
    ident, counted, score = (header.index(n) for n in ("ID", "Counts as", "Score"))
    plan = book[ACTIONS_SHEET]
    plan_header = [c.value for c in plan[1]]
    rags = {
        r[plan_header.index("ID")]: r[plan_header.index("RAG")]
        for r in plan.iter_rows(min_row=2, values_only=True)
    }
    return {
        "domains": [(t, p if isinstance(p, str) else round(p, 1), v) for t, p, v in domains],
        "overall": round(overall["Overall score"], 1),
        "band": overall["Band"],
        "provisional": overall["Provisional"],
        "uncertain": overall["Uncertain"],
        "best": overall["Band if the items not known were strong"] or None,
        "not_known": overall["Items not known"],
        "failures": overall["Must-meet items below adequate"],
        "warning": overall["Warning"] or None,
        "items": [
            (
                r[ident],
                r[counted],
                None if r[score] in ("", None) else int(r[score]),
                rags[r[ident]],
            )
            for r in items.iter_rows(min_row=2, values_only=True)
        ],
    }


def run_sets(framework: Framework, folder: Path, count: int, seed: int) -> list[tuple[Any, Any]]:
    template = write_checklists(framework, folder / "template", ["xlsx"], epoch=0)[0]
    rng = random.Random(seed)  # noqa: S311 - test data
    filled = []
    for index in range(count):
        target = folder / f"set-{index:03}.xlsx"
        fill(template, target, framework, rng)
        filled.append(target)
    catalogue = _Catalogue(framework)
    wanted = []
    for path in filled:
        answers, read = read_answers(path, catalogue)  # type: ignore[arg-type]
        wanted.append(expected(assess(read, answers)))
    got = [recalculated(p, framework) for p in recalculate(filled, folder / "recalculated")]
    return list(zip(wanted, got, strict=True))


class _Catalogue:
    def __init__(self, framework: Framework) -> None:
        self.framework = framework

    def get(self, framework_id: str, version: str) -> Framework | None:
        return self.framework if self.framework.key == f"{framework_id}@{version}" else None

    def unknown(self, framework_id: str, version: str) -> str:
        return f"not {framework_id}@{version}"


def test_workbook_scores_match_assess_on_random_answer_sets(tmp_path: Path) -> None:
    framework = Catalogue(CHECKLISTS).default()
    pairs = run_sets(framework, tmp_path, SETS, seed=20050214)
    bands = set()
    mismatches = [(i, w, g) for i, (w, g) in enumerate(pairs) if w != g]
    assert mismatches == [], mismatches[:1]
    for wanted, _ in pairs:
        bands.add(wanted["band"])
    assert len(pairs) == SETS
    # Every band turns up, and the red flags, not-known and uncertainty rules are used.
    assert bands == {"exemplary", "meets", "partially-meets", "does-not-meet"}
    assert any(w["warning"] for w, _ in pairs)
    assert any(w["uncertain"] == "yes" for w, _ in pairs)
    assert any(w["not_known"] for w, _ in pairs)
