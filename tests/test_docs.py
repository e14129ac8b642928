"""The README keeps up with the tool: every command documented, the quick start true."""

from __future__ import annotations

import re

from guidebuild.cli import main
from tests.conftest import REPO

README = (REPO / "README.md").read_text()


def test_every_command_appears_in_the_readme() -> None:
    commands = main.list_commands(None)  # type: ignore[arg-type]
    assert {"build", "assess", "checklist", "check", "release", "serve", "schema"} <= set(commands)
    missing = [name for name in commands if f"guidebuild {name}" not in README]
    assert missing == []


def test_quick_start_has_exactly_two_commands_and_ci_runs_the_test_one() -> None:
    quick = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```sh\n(.*?)```", quick, flags=re.S)
    assert block is not None
    commands = [line.split("#")[0].strip() for line in block[1].splitlines() if line.strip()]
    assert commands == ["make build", "make test"]
    assert "make test" in (REPO / ".ci" / "run").read_text()
