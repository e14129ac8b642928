"""Property: whatever mix of attacks a project holds, the secret never reaches an output.

Each example copies the tiny project, applies a random handful of the attack shapes of
:mod:`tests.hostile.attacks` (at random in the site-only or the full build) and builds it.
The build must fail (exit 1 or 2), and no file in the build folder, the PDF's streams
inflated, nor the message may hold the secret token from outside the project.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import copy_project, run_cli
from tests.hostile import attacks

pytestmark = pytest.mark.slow


@settings(
    max_examples=8,  # a full build is 1-3 s; the single routes are each tested elsewhere
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    chosen=st.lists(st.sampled_from(sorted(attacks.ALL)), min_size=1, max_size=4, unique=True),
    site_only=st.booleans(),
)
def test_no_mix_of_attacks_leaks_the_secret(chosen: list[str], site_only: bool) -> None:
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        project = copy_project("tiny", base)
        secrets = attacks.make_secrets(base / "outside")
        for name in chosen:
            attacks.ALL[name](project, secrets)
        result = run_cli(project, "build", "-q", *(["--no-pdf"] if site_only else []))
        assert result.exit_code in (1, 2), result.output
        assert "Traceback" not in result.output
        assert attacks.SECRET not in result.output
        if (project / "_build").exists():
            assert attacks.leaked(project / "_build") == []
        assert not (project / "_build" / "html").exists()
