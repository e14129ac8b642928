"""What every benchmark here shares: interleaved runs, min/median/max, and the load.

Both sides of a comparison are run in one process, run by run, alternating which goes
first (A B, B A, A B, ...), so that a change in the machine's state during the benchmark
falls on both. Each figure is printed with min, median and max per side and the load
average when it was taken: figures taken on a busy machine are not comparable.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field

IDLE_LOAD = 0.5
"""The 1-minute load average per core below which the machine counts as idle."""


def load() -> float:
    return os.getloadavg()[0]


def idle_check(*, require: bool) -> None:
    """Warn (or with ``require`` refuse) when the machine is busy at the start."""
    now, cores = load(), os.cpu_count() or 1
    if now <= IDLE_LOAD * cores:
        print(f"load average {now:.2f} on {cores} cores: idle", flush=True)
        return
    message = (
        f"the machine is busy: load average {now:.2f} on {cores} cores "
        f"(idle is at most {IDLE_LOAD * cores:.1f}); the figures will be noisy"
    )
    if require:
        sys.exit(f"refusing to benchmark: {message} (drop --require-idle to go on)")
    print(f"WARNING: {message}", flush=True)


@dataclass
class Side:
    """One side of a comparison: its name and its times."""

    name: str
    times: list[float] = field(default_factory=list)

    def summary(self, unit: str = "s") -> str:
        scale = 1000 if unit == "ms" else 1
        low, mid, high = (scale * x for x in (min(self.times), self.median, max(self.times)))
        digits = 0 if unit == "ms" else 2
        return f"{low:.{digits}f} / {mid:.{digits}f} / {high:.{digits}f} {unit}"

    @property
    def median(self) -> float:
        return statistics.median(self.times)


@dataclass
class Figure:
    """Two sides measured together, and the target for their ratio."""

    measure: str
    ours: Side
    theirs: Side
    target: str
    load: float = 0.0

    @property
    def ratio(self) -> float:
        return self.ours.median / self.theirs.median

    def report(self, unit: str = "s") -> str:
        return (
            f"{self.measure}\n"
            f"  ours   {self.ours.name:<44} {self.ours.summary(unit)}\n"
            f"  theirs {self.theirs.name:<44} {self.theirs.summary(unit)}\n"
            f"  ratio of medians {self.ratio:.2f}  (target {self.target}; "
            f"load average {self.load:.2f} at the start, {load():.2f} at the end; "
            f"min / median / max of {len(self.ours.times)} runs each)"
        )


def interleaved(
    measure: str,
    target: str,
    ours: tuple[str, Callable[[], float]],
    theirs: tuple[str, Callable[[], float]],
    runs: int,
) -> Figure:
    """Run both sides ``runs`` times, alternating which goes first; each job gives its time."""
    figure = Figure(measure, Side(ours[0]), Side(theirs[0]), target, load())
    jobs = [(figure.ours, ours[1]), (figure.theirs, theirs[1])]
    for run in range(runs):
        for side, job in jobs if run % 2 == 0 else reversed(jobs):
            side.times.append(job())
    return figure


def timed(job: Callable[[], object]) -> float:
    start = time.perf_counter()
    job()
    return time.perf_counter() - start
