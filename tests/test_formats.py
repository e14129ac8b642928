"""The format registries: every use of a checklist or report format reads them."""

from __future__ import annotations

import click
import pytest

from guidebuild import answers, forms
from guidebuild.cli import main
from guidebuild.formats import CHECKLIST_FORMATS, NAMES, READ_SUFFIXES, load
from guidebuild.report.formats import REPORT_FORMATS


def test_every_writer_and_reader_named_exists() -> None:
    for fmt in CHECKLIST_FORMATS:
        assert callable(load(fmt.writer)), fmt.name
        if fmt.reader is not None:
            assert callable(load(fmt.reader)), fmt.name
            assert fmt.suffixes, fmt.name
    for kind in REPORT_FORMATS:
        assert callable(load(kind.renderer)), kind.name


def _choices(command: str, option: str) -> list[str]:
    ctx = click.Context(main)
    sub = main.get_command(ctx, command)
    assert sub is not None
    (param,) = [p for p in sub.params if option in getattr(p, "opts", ())]
    assert isinstance(param.type, click.Choice)
    return list(param.type.choices)


def test_the_commands_offer_the_registered_formats() -> None:
    assert _choices("checklist", "--format") == list(NAMES) == ["pdf", "xlsx", "html", "yaml"]
    assert _choices("assess", "-f") == [kind.name for kind in REPORT_FORMATS]
    assert forms.FORMATS == NAMES


def test_assess_looks_for_the_registered_suffixes() -> None:
    assert answers.SUFFIXES == READ_SUFFIXES == (".pdf", ".xlsx", ".yaml", ".yml")


@pytest.mark.parametrize("kind", [k for k in REPORT_FORMATS if not k.baseline])
def test_baseline_is_refused_where_the_registry_says(kind, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from click.testing import CliRunner

    from tests.conftest import REPO

    scheme = REPO / "checklists" / "examples" / "strong.yaml"
    result = CliRunner().invoke(
        main, ["assess", str(scheme), "--baseline", str(scheme), "-f", kind.name]
    )
    assert result.exit_code == 2
    assert f"not {kind.name}" in result.stderr
