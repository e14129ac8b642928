"""How closely raters who fill in the checklist agree with each other and with a reviewer.

Usage (from the repository root, with the project's virtual environment):

    python benchmarks/validity/agreement.py                 # table to stdout and RESULTS.md
    python benchmarks/validity/agreement.py --trials DIR --results-out FILE

Inputs:
    benchmarks/validity/schemes/NN-slug/reviewer-<version>.yaml   the reviewer's ratings
    benchmarks/validity/schemes/NN-slug/expected.yaml             the expected band per version
    benchmarks/validity/trials/<version>/<rater>/<form>/NN-slug.yaml
        the files raters filled in, form being `full` (from description.md) or `brief`
        (from brief.md); a rater may have done any subset.

Every file is scored by guidebuild itself (`guidebuild assess -f json`, the stable JSON
contract), so the figures are about what the tool makes of the answers, not about what a
rater typed. How item ratings are compared:

    - An item's value is its score in the report: absent 0, weak 1, adequate 2, strong 3.
      That is the rating as the tool counts it, so `not-known` and an unanswered item count
      as absent, `practised` (1.1) and an adequate rating without evidence count as weak,
      and an item forced to absent by a red flag (1.1) is absent.
    - `n/a` and `not-yet-due` have no score. They agree exactly only with the same answer,
      and never "within one level" of a scored rating. Quadratic-weighted kappa is computed
      over the pairs where both sides have a score; pairs where only one side is n/a or
      not-yet-due are counted as disagreements in the exact and within-one figures, and
      their number is shown in the "n/a mismatches" column.

Domain verdicts are compared as the report gives them (strong, adequate, weak, absent or
not assessable). A band is right when it equals the band of the reviewer's file (which must
equal expected.yaml; the script stops if it does not). For brief versions a band is
"confidently wrong" when it differs from the reviewer's and the result is not marked
uncertain (framework 1.1's rule: the band is uncertain when the items answered not-known,
rated strong instead, would give another band; see :func:`is_uncertain`). Each table also
names the items whose values most often differ from the reviewer's, to show which wording
the figures turn on.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import os
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
SCHEMES = HERE / "schemes"
TRIALS = HERE / "trials"
RESULTS = HERE / "RESULTS.md"
FORMS = ("full", "brief")
REVIEWER = "reviewer"

LEVELS = ("absent", "weak", "adequate", "strong")
"""The ordinal scale, lowest first: an item's value is its index (its score)."""
UNSCORED = ("n/a", "not-yet-due")

# Targets from issue 12 point 11 (full descriptions; brief versions: no confidently wrong
# band). Printed beside the figures so a reader sees at once which are met.
TARGET_KAPPA = 0.9
TARGET_DOMAINS = 95.0
TARGET_BANDS = 100.0
TOP_ITEMS = 8
"""How many of the most often disputed items each table names."""


# --------------------------------------------------------------------------------------
# Statistics


def quadratic_weighted_kappa(a: Sequence[int], b: Sequence[int], categories: int) -> float | None:
    """Cohen's kappa with quadratic weights for two raters' ordinal ratings 0..categories-1.

    kappa = 1 - sum(w * observed) / sum(w * expected), with w_ij = (i - j)^2 / (k - 1)^2,
    observed the joint proportions and expected the product of the two raters' marginal
    proportions (Cohen 1968; Fleiss and Cohen 1973). Returns None when it is undefined:
    no pairs, or both raters used a single and the same category (0 / 0).
    """
    if len(a) != len(b):
        raise ValueError("the two rating lists differ in length")
    n = len(a)
    if n == 0 or categories < 2:
        return None
    observed = [[0.0] * categories for _ in range(categories)]
    for x, y in zip(a, b, strict=True):
        observed[x][y] += 1 / n
    row = [sum(observed[i]) for i in range(categories)]
    col = [sum(observed[i][j] for i in range(categories)) for j in range(categories)]
    scale = (categories - 1) ** 2
    disagreement = expected = 0.0
    for i in range(categories):
        for j in range(categories):
            w = (i - j) ** 2 / scale
            disagreement += w * observed[i][j]
            expected += w * row[i] * col[j]
    if expected == 0:
        return None
    return 1 - disagreement / expected


@dataclass
class Pairing:
    """Item-by-item comparison of two sides over the schemes both rated."""

    items: int = 0
    exact: int = 0
    within_one: int = 0
    unscored_mismatch: int = 0
    scored_a: list[int] = field(default_factory=list)
    scored_b: list[int] = field(default_factory=list)

    def add(self, x: int | str, y: int | str) -> None:
        """Add one item: an int is a score 0..3, a str is n/a or not-yet-due."""
        self.items += 1
        if isinstance(x, int) and isinstance(y, int):
            self.scored_a.append(x)
            self.scored_b.append(y)
            self.exact += x == y
            self.within_one += abs(x - y) <= 1
        elif x == y:
            self.exact += 1
            self.within_one += 1
        else:
            self.unscored_mismatch += 1

    def kappa(self) -> float | None:
        return quadratic_weighted_kappa(self.scored_a, self.scored_b, len(LEVELS))


# --------------------------------------------------------------------------------------
# Results of guidebuild assess


@dataclass(frozen=True)
class Result:
    """What agreement needs from one report."""

    source: Path
    items: dict[str, int | str]
    verdicts: dict[str, str]
    band: str
    provisional: bool
    uncertain: bool


def item_value(item: dict[str, object]) -> int | str:
    """An item's value for comparison: its score, or n/a / not-yet-due."""
    score = item.get("score")
    if isinstance(score, int):
        return score
    counted = str(item.get("counted_as") or item.get("rating") or "")
    if counted in UNSCORED:
        return counted
    raise ValueError(f"item {item.get('id')} has neither a score nor an unscored rating")


def is_uncertain(report: dict[str, object]) -> bool:
    """Whether a report marks its band as uncertain because too much is not known.

    Framework 1.1's rule (README, "How a scheme is scored"; `scoring:` in the framework
    file): the band is uncertain when the items answered not-known, rated strong instead of
    absent, would give another band. The JSON report then has `overall.uncertain` true and
    names that other band in `overall.band_if_not_known_were_strong`. A 1.0 report has
    neither, so its band is always a confident one.
    """
    overall = report.get("overall")
    if not isinstance(overall, dict):
        return False
    if overall.get("uncertain"):
        return True
    other = overall.get("band_if_not_known_were_strong")
    return bool(other) and other != overall.get("band")


def to_result(source: Path, report: dict[str, object]) -> Result:
    items: dict[str, int | str] = {}
    verdicts: dict[str, str] = {}
    domains = report["domains"]
    assert isinstance(domains, list)
    for domain in domains:
        verdicts[domain["id"]] = str(domain["verdict"])
        for item in domain["items"]:
            items[item["id"]] = item_value(item)
    overall = report["overall"]
    assert isinstance(overall, dict)
    return Result(
        source=source,
        items=items,
        verdicts=verdicts,
        band=str(overall["band"]),
        provisional=bool(overall.get("provisional")),
        uncertain=is_uncertain(report),
    )


class AssessError(Exception):
    """guidebuild refused a file (its message is kept for the table's notes)."""


def assess(files: Sequence[Path]) -> dict[Path, Result | AssessError]:
    """Score files with guidebuild, in one process when all are valid, else one by one."""
    out: dict[Path, Result | AssessError] = {}
    if not files:
        return out
    reports = _run_assess(files)
    if isinstance(reports, AssessError):
        for f in files:
            single = _run_assess([f])
            out[f] = single if isinstance(single, AssessError) else to_result(f, single[0])
        return out
    for f, report in zip(files, reports, strict=True):
        out[f] = to_result(f, report)
    return out


def _run_assess(files: Sequence[Path]) -> list[dict[str, object]] | AssessError:
    cmd = [
        sys.executable,
        "-m",
        "guidebuild",
        "assess",
        "-f",
        "json",
        "-q",
        "--frameworks",
        str(ROOT / "checklists"),
        *map(str, files),
    ]
    env = {**os.environ, "NO_COLOR": "1"}
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, env=env, check=False)
    if proc.returncode == 2 or not proc.stdout.strip():
        return AssessError(proc.stderr.strip() or f"guidebuild exited with {proc.returncode}")
    data = json.loads(proc.stdout)
    reports = data.get("results", [data])
    if len(reports) != len(files):
        return AssessError(f"expected {len(files)} results, got {len(reports)}")
    return list(reports)


# --------------------------------------------------------------------------------------
# Collecting the files


def scheme_dirs() -> list[Path]:
    return sorted(p for p in SCHEMES.iterdir() if p.is_dir() and (p / "description.md").is_file())


def versions() -> list[str]:
    found = {p.stem.removeprefix("reviewer-") for p in SCHEMES.glob("*/reviewer-*.yaml")}
    return sorted(found, key=lambda v: tuple(int(x) for x in v.split(".")))


def expected_band(scheme: Path, version: str) -> tuple[str, bool] | None:
    """The band (and whether it is provisional) that expected.yaml gives for a version."""
    path = scheme / "expected.yaml"
    if not path.is_file():
        return None
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    entry = data.get(version)
    if not isinstance(entry, dict) or "band" not in entry:
        return None
    return str(entry["band"]), bool(entry.get("provisional", False))


def trial_files(trials: Path, version: str) -> dict[tuple[str, str], dict[str, Path]]:
    """(rater, form) -> {scheme slug: file}, for the raters who did this version."""
    out: dict[tuple[str, str], dict[str, Path]] = {}
    base = trials / version
    if not base.is_dir():
        return out
    for rater_dir in sorted(p for p in base.iterdir() if p.is_dir()):
        for form in FORMS:
            files = sorted((rater_dir / form).glob("*.yaml"))
            if files:
                out[(rater_dir.name, form)] = {f.stem: f for f in files}
    return out


# --------------------------------------------------------------------------------------
# The table


@dataclass
class Row:
    """One rater (or pair of raters) on one form of one version."""

    label: str
    files: int = 0
    refused: int = 0
    items: Pairing = field(default_factory=Pairing)
    domains: int = 0
    domains_same: int = 0
    bands: int = 0
    bands_right: int = 0
    confidently_wrong: int = 0
    uncertain: int = 0
    wrong: list[str] = field(default_factory=list)
    differing: Counter[str] = field(default_factory=Counter)
    """How many schemes each item's value differed on, to show where wording matters."""


def compare(row: Row, a: Result, b: Result, slug: str, *, bands: bool) -> None:
    for item_id in sorted(set(a.items) | set(b.items)):
        x, y = a.items.get(item_id, 0), b.items.get(item_id, 0)
        row.items.add(x, y)
        row.differing[item_id] += x != y
    for domain_id in b.verdicts:
        row.domains += 1
        row.domains_same += a.verdicts.get(domain_id) == b.verdicts[domain_id]
    if bands:
        row.bands += 1
        row.uncertain += a.uncertain
        if a.band == b.band:
            row.bands_right += 1
        else:
            row.wrong.append(f"{slug}: {a.band} (reviewer {b.band})")
            row.confidently_wrong += not a.uncertain


def _band(band: str, provisional: bool) -> str:
    return f"{band} (provisional)" if provisional else band


def pct(n: int, d: int) -> str:
    return f"{100 * n / d:.1f} %" if d else "-"


def fmt_kappa(k: float | None) -> str:
    return "-" if k is None else f"{k:.3f}"


def reviewer_results(version: str) -> tuple[dict[str, Result], list[str]]:
    """The reviewer's results for a version, and the fatal problems with them.

    Fatal: a reviewer's file refused, or scoring another band than expected.yaml says,
    which makes every figure of the version suspect.
    """
    fatal: list[str] = []
    schemes = {p.name: p / f"reviewer-{version}.yaml" for p in scheme_dirs()}
    schemes = {slug: f for slug, f in schemes.items() if f.is_file()}
    assessed = assess(list(schemes.values()))
    reviewer: dict[str, Result] = {}
    for slug, f in schemes.items():
        res = assessed[f]
        if isinstance(res, AssessError):
            fatal.append(f"{version}: the reviewer's file for {slug} is refused: {res}")
            continue
        reviewer[slug] = res
        want = expected_band(SCHEMES / slug, version)
        if want is None:
            fatal.append(f"{version}: {slug}/expected.yaml gives no band for {version}")
        elif want != (res.band, res.provisional):
            fatal.append(
                f"{version}: {slug}: the reviewer's file scores {_band(res.band, res.provisional)}"
                f", expected.yaml says {_band(*want)}"
            )
    return reviewer, fatal


def version_section(version: str, trials: Path) -> tuple[list[str], list[str], list[str]]:
    """The Markdown lines for one version, the problems found, and the fatal ones."""
    reviewer, fatal = reviewer_results(version)
    problems: list[str] = []
    lines = [f"## Framework {version}", ""]
    lines.append(
        f"{len(reviewer)} schemes. Reviewer's bands: "
        + ", ".join(
            f"{slug[:2]} {_band(r.band, r.provisional)}" for slug, r in sorted(reviewer.items())
        )
        + "."
    )
    lines.append("")
    by_rater = trial_files(trials, version)
    if not by_rater:
        lines += [f"No rater files yet in `{_rel(trials / version)}`.", ""]
        return lines, problems, fatal
    for form in FORMS:
        raters = {r: files for (r, f), files in by_rater.items() if f == form}
        if raters:
            section, found = form_section(f"{version}/{form}", form, raters, reviewer)
            lines += section
            problems += found
    return lines, problems, fatal


def form_section(
    where: str, form: str, raters: dict[str, dict[str, Path]], reviewer: dict[str, Result]
) -> tuple[list[str], list[str]]:
    """The tables for one form of one version: each rater against the reviewer, then pairs."""
    problems: list[str] = []
    results: dict[str, dict[str, Result]] = {}
    rows: list[Row] = []
    for rater, files in raters.items():
        row = Row(label=f"{rater} vs reviewer")
        assessed = assess(list(files.values()))
        results[rater] = {}
        for slug, f in files.items():
            res = assessed[f]
            row.files += 1
            if isinstance(res, AssessError):
                row.refused += 1
                problems.append(f"{where}/{rater}/{slug}: refused: {res}")
            elif slug not in reviewer:
                problems.append(f"{where}/{rater}/{slug}: no reviewer file for this scheme")
            else:
                results[rater][slug] = res
                compare(row, res, reviewer[slug], slug, bands=True)
        rows.append(row)
    lines = [f"### {form.capitalize()} descriptions", ""]
    lines += _rater_table(rows, brief=form == "brief")
    pairs = list(itertools.combinations(sorted(results), 2))
    if pairs:
        lines += [
            "",
            "Between raters:",
            "",
            "| pair | items | exact | within one | weighted kappa | domain verdicts same "
            "| bands same |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for r1, r2 in pairs:
            row = Row(label=f"{r1} vs {r2}")
            both = sorted(set(results[r1]) & set(results[r2]))
            for slug in both:
                compare(row, results[r1][slug], results[r2][slug], slug, bands=False)
            same_band = sum(results[r1][s].band == results[r2][s].band for s in both)
            lines.append(
                f"| {row.label} | {row.items.items} | {pct(row.items.exact, row.items.items)}"
                f" | {pct(row.items.within_one, row.items.items)}"
                f" | {fmt_kappa(row.items.kappa())}"
                f" | {pct(row.domains_same, row.domains)} | {same_band}/{len(both)} |"
            )
    differing: Counter[str] = Counter()
    for r in rows:
        differing.update(r.differing)
    top = [(item, n) for item, n in differing.most_common(TOP_ITEMS) if n]
    if top:
        lines += [
            "",
            "Items that most often differ from the reviewer's (schemes x raters): "
            + ", ".join(f"{item} {n}" for item, n in top)
            + ".",
        ]
    wrong = [f"{r.label.split(' vs ')[0]}: {w}" for r in rows for w in r.wrong]
    if wrong:
        lines += ["", "Bands that differ from the reviewer's: " + "; ".join(wrong) + "."]
    lines.append("")
    return lines, problems


def _rater_table(rows: Iterable[Row], *, brief: bool) -> list[str]:
    head = (
        "| rater | files | items | exact | within one | weighted kappa | n/a mismatches | "
        "domain verdicts | bands right |"
    )
    rule = "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
    if brief:
        head += " marked uncertain | confidently wrong |"
        rule += " ---: | ---: |"
    out = [head, rule]
    for r in rows:
        line = (
            f"| {r.label} | {r.files - r.refused}"
            + (f" ({r.refused} refused)" if r.refused else "")
            + f" | {r.items.items} | {pct(r.items.exact, r.items.items)}"
            f" | {pct(r.items.within_one, r.items.items)} | {fmt_kappa(r.items.kappa())}"
            f" | {r.items.unscored_mismatch} | {pct(r.domains_same, r.domains)}"
            f" | {r.bands_right}/{r.bands} |"
        )
        if brief:
            line += f" {r.uncertain} | {r.confidently_wrong} |"
        out.append(line)
    return out


def _rel(p: Path) -> str:
    try:
        return str(p.relative_to(ROOT))
    except ValueError:
        return str(p)


def tool_version() -> str:
    proc = subprocess.run(
        [sys.executable, "-m", "guidebuild", "--version"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    return proc.stdout.strip() or "guidebuild (version unknown)"


def render(trials: Path, command: str) -> tuple[str, list[str]]:
    """The whole Markdown report, and the fatal problems (empty when the figures hold)."""
    lines = [
        "# Agreement on the checklist: raters against the reviewer",
        "",
        f"Made {dt.date.today().isoformat()} with `{command}` ({tool_version()}).",
        "Item values are the scores guidebuild counts (absent 0 ... strong 3; not-known as "
        "absent; practised and unevidenced ratings as weak); n/a and not-yet-due agree only "
        "with themselves and are left out of the kappa. Targets on full descriptions: "
        f"weighted kappa >= {TARGET_KAPPA}, domain verdicts >= {TARGET_DOMAINS:.0f} %, bands "
        f"{TARGET_BANDS:.0f} %; on brief versions, no confidently wrong band. "
        "How the figures are made: the docstring of `benchmarks/validity/agreement.py`.",
        "",
    ]
    problems: list[str] = []
    fatal: list[str] = []
    for version in versions():
        section, found, stop = version_section(version, trials)
        lines += section
        problems += stop + found
        fatal += stop
    if problems:
        lines += ["## Problems", ""] + [f"- {p}" for p in problems] + [""]
    return "\n".join(lines).rstrip() + "\n", fatal


def write_atomically(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        Path(tmp).replace(path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--trials",
        type=Path,
        default=TRIALS,
        help="folder of rater files: <version>/<rater>/<form>/NN-slug.yaml",
    )
    parser.add_argument(
        "--results-out",
        type=Path,
        default=RESULTS,
        help="where to write the Markdown table (default: RESULTS.md here)",
    )
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args(argv)
    shown = ["python benchmarks/validity/agreement.py"]
    if args.trials != TRIALS:
        shown += ["--trials", _rel(args.trials.resolve())]
    text, fatal = render(args.trials, " ".join(shown))
    sys.stdout.write(text)
    if not args.no_write:
        write_atomically(args.results_out, text)
    for problem in fatal:
        print(f"agreement.py: {problem}", file=sys.stderr)
    return 1 if fatal else 0


if __name__ == "__main__":
    raise SystemExit(main())
