"""Frameworks from installed packages (entry point group ``guidebuild.frameworks``)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from guidebuild.framework.loader import FRAMEWORKS_ENTRY_POINT

REPO = Path(__file__).resolve().parent.parent


def frameworks_listed(cwd: Path, pythonpath: Path | None) -> str:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    if pythonpath is not None:
        env["PYTHONPATH"] = str(pythonpath)
    done = subprocess.run(
        [sys.executable, "-m", "guidebuild", "frameworks"],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_an_installed_package_adds_its_frameworks_and_none_is_looked_for_otherwise(
    tmp_path: Path,
) -> None:
    # What `pip install` of a package declaring the group leaves: a dist-info folder with
    # entry_points.txt, and the package holding the framework file.
    site = tmp_path / "site"
    package = site / "trustframeworks"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    text = (REPO / "checklists" / "mentoring-schemes.yaml").read_text(encoding="utf-8")
    (package / "trust-schemes.yaml").write_text(
        text.replace("\nid: mentoring-schemes\n", "\nid: trust-schemes\n", 1), encoding="utf-8"
    )
    info = site / "trustframeworks-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: trustframeworks\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(
        f"[{FRAMEWORKS_ENTRY_POINT}]\ntrust = trustframeworks\n", encoding="utf-8"
    )
    empty = tmp_path / "folder"
    empty.mkdir()
    listed = frameworks_listed(empty, site)
    assert "trust-schemes" in listed
    assert "package trust" in listed
    # Without it, only the bundled frameworks.
    assert "trust-schemes" not in frameworks_listed(empty, None)


def test_the_look_for_plug_ins_never_opens_a_fifo_or_device(tmp_path: Path) -> None:
    """A FIFO would wait for a writer for ever, and a device never ends."""
    site = tmp_path / "site"
    (site / "stuck-1.0.dist-info").mkdir(parents=True)
    os.mkfifo(site / "stuck-1.0.dist-info" / "entry_points.txt")
    (site / "endless-1.0.dist-info").mkdir()
    (site / "endless-1.0.dist-info" / "entry_points.txt").symlink_to("/dev/zero")
    empty = tmp_path / "folder"
    empty.mkdir()
    listed = frameworks_listed(empty, site)  # within its timeout
    assert "mentoring-schemes" in listed and "package " not in listed
