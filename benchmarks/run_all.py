"""Every benchmark of guidebuild, side by side in one run: `python benchmarks/run_all.py`.

    .venv/bin/python benchmarks/run_all.py [--runs 5] [--require-idle]

Build figures (bench_build.py), serve figures (bench_serve.py), then assess figures
(bench_assess.py). Each comparison runs both sides alternately, run by run, and prints
min, median and max of each side, the ratio of medians, its target and the load average.
The machine should be idle: a busy one is reported at the start (with --require-idle,
the run is refused), and the load is printed with every figure.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import idle_check, load

HERE = Path(__file__).resolve().parent

if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs of each side of each figure")
    parser.add_argument("--require-idle", action="store_true", help="refuse on a busy machine")
    args = parser.parse_args()
    idle_check(require=args.require_idle)
    print(f"machine: {os.uname().machine}, {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    started = time.perf_counter()
    # The start-up figure wants many short runs; the rest are long ones.
    for script, runs in (
        ("bench_build.py", args.runs),
        ("bench_serve.py", args.runs),
        ("bench_assess.py", max(21, args.runs)),
    ):
        print(f"\n== {script} (load average {load():.2f})", flush=True)
        subprocess.run([sys.executable, str(HERE / script), "--runs", str(runs)], check=True)
    print(f"\nall benchmarks in {time.perf_counter() - started:.0f} s")
