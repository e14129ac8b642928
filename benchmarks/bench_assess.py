"""Time `guidebuild assess` against its two targets, measured side by side in one run.

    .venv/bin/python benchmarks/bench_assess.py [--runs 21] [--files 10000] [--require-idle]

1. Start-up: `guidebuild assess one.yaml` against `python -c "import click, yaml"`, run
   alternately so that both see the same machine state; min, median and max of each and
   the ratio of medians (target: at most 1.5x). Where valgrind is installed, also the
   ratio of the instructions each executes (callgrind): the same on an idle or a busy
   machine, so a change can be judged by it when the seconds are noisy.
2. Batch: --files generated scheme files (random but reproducible answers) assessed to
   one CSV file, against `yaml.safe_load` of the same files in one process (target: under
   10 s; ideally at most 1.5x safe_load). The batch is run twice and the faster run kept,
   so that both figures are for a warm file cache.

Generated files are kept in benchmarks/_work/ (ignored by git) and reused. The package is
byte-compiled first, as an installed package is: with PYTHONDONTWRITEBYTECODE set, every
start-up would otherwise compile the sources again and the figure would measure that.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import Figure, idle_check, interleaved

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
WORK = REPO / "benchmarks" / "_work"
EXAMPLE = REPO / "checklists" / "examples" / "middling.yaml"
RATINGS = ("absent", "weak", "adequate", "strong")


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=REPO, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def startup(runs: int) -> Figure:
    floor = [sys.executable, "-c", "import click, yaml"]
    assess = [str(BIN / "guidebuild"), "assess", str(EXAMPLE)]
    timed(floor), timed(assess)  # warm the file cache and the bytecode
    return interleaved(
        "start-up: assess one scheme file",
        "<= 1.5",
        (f"guidebuild assess {EXAMPLE.name}", lambda: timed(assess)),
        ("python -c 'import click, yaml'", lambda: timed(floor)),
        runs,
    )


def instructions(command: list[str]) -> int:
    """Instructions ``command`` executes, counted by callgrind (repeatable to 0.1%)."""
    done = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *command],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    counted = re.search(r"Collected : (\d+)", done.stderr)
    if counted is None:
        sys.exit(f"valgrind printed no instruction count:\n{done.stderr}")
    return int(counted[1])


def startup_instructions() -> str:
    floor = instructions([sys.executable, "-c", "import click, yaml"])
    # The console script through the same interpreter: valgrind follows no #! line.
    ours = instructions([sys.executable, str(BIN / "guidebuild"), "assess", str(EXAMPLE)])
    rows = (
        ("ours   ", f"guidebuild assess {EXAMPLE.name}", ours),
        ("theirs ", "python -c 'import click, yaml'", floor),
    )
    lines = [f"  {side}{name:<44} {count / 1e6:7.1f} M" for side, name, count in rows]
    return "\n".join(
        [
            "start-up in instructions (callgrind, one run each)",
            *lines,
            f"  ratio {ours / floor:.2f}  (target <= 1.5)",
        ]
    )


def scheme_text(
    rng: random.Random, index: int, key: str, items: list[tuple[str, tuple[str, ...]]]
) -> str:
    lines = [
        f"framework: {key}",
        "scheme:",
        f"  name: Benchmark scheme {index}",
        f"  organisation: Trust {index % 97}",
        f"  contact: lead{index}@example.org",
        f"  assessed_on: 2025-{1 + index % 12:02d}-{1 + index % 28:02d}",
        "  started_on: 2020-01-01",
        "  first_cycle_ends: 2026-06",
        "answers:",
    ]
    for item_id, allows in items:
        choice = rng.choice(RATINGS + allows)
        lines += [f"  {item_id}:", f"    rating: {choice}"]
        if choice in ("adequate", "strong") and rng.random() < 0.9:
            section = rng.randint(1, 12)
            lines.append(f"    evidence: 'document: scheme handbook section {section}, 2024'")
        if choice in ("n/a", "not-yet-due"):
            lines.append("    reason: The scheme started this year.")
        if rng.random() < 0.3:
            lines.append(f"    note: Discussed at the steering group on {index % 28 + 1} March.")
    return "\n".join(lines) + "\n"


def make_files(count: int) -> Path:
    source = (REPO / "checklists" / "mentoring-schemes.yaml").read_bytes()
    # Made once per framework text and generator: a folder from an earlier framework would
    # hold files today's one refuses.
    stamp = hashlib.sha256(source + Path(__file__).read_bytes()).hexdigest()[:12]
    folder = WORK / f"schemes-{count}-{stamp}"
    if folder.is_dir() and len(list(folder.glob("*.yaml"))) == count:
        return folder
    for stale in [WORK / f"schemes-{count}", *WORK.glob(f"schemes-{count}-*")]:
        if stale.is_dir() and not stale.is_symlink():
            shutil.rmtree(stale)
    folder.mkdir(parents=True)
    framework = yaml.safe_load(source)
    key = f"{framework['id']}@{framework['version']}"
    items = [
        (item["id"], tuple(item.get("allows", [])))
        for domain in framework["domains"]
        for item in domain["items"]
    ]
    rng = random.Random(4)  # noqa: S311 - reproducible test data, not secrets
    for index in range(count):
        (folder / f"scheme-{index:05d}.yaml").write_text(scheme_text(rng, index, key, items))
    return folder


def batch(folder: Path) -> tuple[float, float, int]:
    out = WORK / "all.csv"
    command = [str(BIN / "guidebuild"), "assess", str(folder), "-f", "csv", "-o", str(out), "-q"]
    best = min(timed(command) for _ in range(2))
    rows = len(out.read_text(encoding="utf-8").splitlines()) - 1
    files = sorted(folder.glob("*.yaml"))
    start = time.perf_counter()
    for path in files:
        yaml.safe_load(path.read_text(encoding="utf-8"))
    safe_load = time.perf_counter() - start
    return best, safe_load, rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21, help="start-up runs of each command")
    parser.add_argument("--files", type=int, default=10_000, help="scheme files in the batch")
    parser.add_argument("--require-idle", action="store_true", help="refuse on a busy machine")
    args = parser.parse_args()
    idle_check(require=args.require_idle)
    print(
        f"machine: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}, "
        f"libyaml {'yes' if yaml.__with_libyaml__ else 'no'}"
    )

    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(REPO / "src" / "guidebuild")], check=True
    )
    print(startup(args.runs).report("ms"), flush=True)
    if shutil.which("valgrind"):
        print(startup_instructions(), flush=True)

    folder = make_files(args.files)
    seconds, safe_load, rows = batch(folder)
    print(f"\nBatch of {args.files:,} scheme files to CSV ({rows:,} rows):")
    print(f"  guidebuild assess DIR -f csv -o    {seconds:7.2f} s   (target < 10 s)")
    print(f"  yaml.safe_load of the same files    {safe_load:7.2f} s")
    print(f"  ratio                               {seconds / safe_load:7.2f}x  (ideal <= 1.5x)")


if __name__ == "__main__":
    main()
