"""Time and memory bounds of the readers, checked under ``resource`` limits, not timers.

Each hostile input is given to guidebuild in a process of its own whose address space
(RLIMIT_AS) and CPU time (RLIMIT_CPU) are capped well above what the input needs when
read with bounds, and well below what it took before: a reader that loses its bounds
is killed (or fails with MemoryError) instead of passing slowly.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import copy_project
from tests.hostile import attacks, workbooks
from tests.test_assess_cli import TINY_FRAMEWORK, TINY_SCHEME

MiB = 1024 * 1024


def run_limited(
    cwd: Path, *args: str, memory: int, cpu: int, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    """``python -m guidebuild ARGS`` with at most ``memory`` bytes and ``cpu`` seconds."""

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))

    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    return subprocess.run(
        [sys.executable, "-m", "guidebuild", *args],
        cwd=cwd,
        preexec_fn=limit,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        check=False,
    )


def _checklist(tmp_path: Path, fmt: str) -> Path:
    from guidebuild.forms import write_checklists
    from guidebuild.framework.loader import load_framework

    (tmp_path / "frameworks").mkdir(exist_ok=True)
    (tmp_path / "frameworks" / "tiny.yaml").write_text(TINY_FRAMEWORK, encoding="utf-8")
    (form,) = write_checklists(
        load_framework(tmp_path / "frameworks" / "tiny.yaml"), tmp_path / "forms", [fmt]
    )
    return form


def test_a_workbook_of_wide_rows_stays_in_bounds(tmp_path: Path) -> None:
    """36 KB of rows with a cell in column XFD: 1.7 GB and minutes before streaming."""
    book = workbooks.wide_rows(_checklist(tmp_path, "xlsx"), tmp_path / "wide.xlsx")
    assert book.stat().st_size < 100_000
    result = run_limited(
        tmp_path, "assess", "wide.xlsx", "--frameworks", "frameworks", memory=700 * MiB, cpu=30
    )
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("Error: wide.xlsx: ")


def test_a_workbook_of_many_cells_is_refused_in_bounds(tmp_path: Path) -> None:
    book = workbooks.many_cells(
        _checklist(tmp_path, "xlsx"), tmp_path / "many.xlsx", rows=5000, columns=12
    )
    result = run_limited(
        tmp_path, "assess", book.name, "--frameworks", "frameworks", memory=700 * MiB, cpu=30
    )
    assert result.returncode == 2, result.stderr
    assert result.stderr == (
        "Error: many.xlsx: 1 problem\n"
        "  many.xlsx: the workbook holds more than 200,000 cells: this is not the "
        "checklist workbook\n"
    )


def test_a_workbook_sheet_too_large_to_size_is_refused(tmp_path: Path) -> None:
    book = workbooks.many_cells(
        _checklist(tmp_path, "xlsx"), tmp_path / "huge.xlsx", rows=60_000, columns=12
    )
    result = run_limited(
        tmp_path, "assess", book.name, "--frameworks", "frameworks", memory=700 * MiB, cpu=30
    )
    assert result.returncode == 2, result.stderr
    assert "xl/worksheets/sheet3.xml unpacks to" in result.stderr
    assert "(the limit is 2,097,152): not a checklist" in result.stderr


def test_yaml_of_many_unknown_keys_is_reported_in_linear_time(tmp_path: Path) -> None:
    """941 KB of unknown keys took 336 s: each problem's place was found by a scan."""
    lines = [
        "framework: tiny@1.0",
        "scheme:",
        "  name: Hillside",
        "  organisation: Hillside Trust",
        "  assessed_on: 2025-02-01",
        "answers:",
        "  A1:",
        "    rating: strong",
    ]
    count = 0
    while sum(len(line) + 1 for line in lines) < 941_000:
        lines.append(f"    unknown{count:06d}: value")
        count += 1
    (tmp_path / "frameworks").mkdir()
    (tmp_path / "frameworks" / "tiny.yaml").write_text(TINY_FRAMEWORK, encoding="utf-8")
    (tmp_path / "many.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run_limited(
        tmp_path, "assess", "many.yaml", "--frameworks", "frameworks", memory=1024 * MiB, cpu=20
    )
    assert result.returncode == 2, result.stderr[-500:]
    problems = result.stderr.splitlines()
    assert problems[0] == f"Error: many.yaml: {count} problems"
    assert problems[-1].startswith(
        f"  many.yaml:{count + 8}:5: unknown key 'unknown{count - 1:06d}'"
    )


@pytest.mark.slow
@pytest.mark.parametrize("name", ["fifo_source", "dev_zero_source"])
def test_a_special_file_in_guidance_is_refused_at_once(tmp_path: Path, name: str) -> None:
    """A FIFO hung the build; /dev/zero was read without end."""
    project = copy_project("tiny", tmp_path)
    attacks.ALL[name](project, attacks.make_secrets(tmp_path / "outside"))
    result = run_limited(project, "build", "-q", memory=3072 * MiB, cpu=120, timeout=240)
    assert result.returncode == 1, result.stderr
    expected = {
        "fifo_source": "guidance/pipe.rst: is not a regular file (a device, FIFO or socket)",
        "dev_zero_source": "guidance/zero.rst: is a symbolic link to /dev/zero, outside the "
        "project",
    }[name]
    assert result.stderr == (
        f"Error: the guidance holds files guidebuild will not read\n  {project}/{expected}\n"
    )


def test_the_limits_leave_room_for_a_genuine_checklist(tmp_path: Path) -> None:
    """The same limits, a filled-in scheme: the bounds above are not met by honest input."""
    (tmp_path / "frameworks").mkdir()
    (tmp_path / "frameworks" / "tiny.yaml").write_text(TINY_FRAMEWORK, encoding="utf-8")
    (tmp_path / "scheme.yaml").write_text(TINY_SCHEME, encoding="utf-8")
    result = run_limited(
        tmp_path, "assess", "scheme.yaml", "--frameworks", "frameworks", "-f", "json",
        memory=700 * MiB, cpu=30,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert '"band": "partially-meets"' in result.stdout
