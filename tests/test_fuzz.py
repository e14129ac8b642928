"""Fuzzing the answers readers: whatever the bytes, our own error or a result, nothing else."""

from __future__ import annotations

import functools
import tempfile
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from guidebuild.answers import read_answers
from guidebuild.errors import GuidebuildError
from guidebuild.framework.loader import Catalogue
from tests.conftest import REPO

CATALOGUE = Catalogue(REPO / "checklists")
VALID_YAML = (REPO / "checklists" / "examples" / "middling.yaml").read_bytes()
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def read(data: bytes, suffix: str = ".yaml") -> None:
    """Read ``data`` as a filled checklist: a result or our own error, never anything else."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"scheme{suffix}"
        path.write_bytes(data)
        try:
            read_answers(path, CATALOGUE)
        except GuidebuildError as error:
            assert str(error).strip(), "an error must say what is wrong"


def mutated(valid: bytes) -> st.SearchStrategy[bytes]:
    """A valid file with a few bytes changed, inserted or cut off."""

    def apply(edits: list[tuple[int, int, int]], cut: int) -> bytes:
        data = bytearray(valid)
        for kind, offset, value in edits:
            position = offset % max(len(data), 1)
            if kind == 0:
                data[position] = value
            elif kind == 1:
                data.insert(position, value)
            else:
                del data[position]
        return bytes(data[: max(cut, 1)])

    edit = st.tuples(st.integers(0, 2), st.integers(0, 10**6), st.integers(0, 255))
    return st.builds(apply, st.lists(edit, max_size=8), st.integers(1, len(valid) + 10))


scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True),
    st.text(max_size=30),
    st.dates(),
)
shapes: st.SearchStrategy[Any] = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=20,
)


@FUZZ
@given(st.binary(max_size=3000))
def test_any_bytes(data: bytes) -> None:
    read(data)


@FUZZ
@given(st.text(max_size=2000))
def test_any_text(text: str) -> None:
    read(text.encode("utf-8"))


@FUZZ
@given(mutated(VALID_YAML))
def test_damaged_scheme_yaml(data: bytes) -> None:
    read(data)


@FUZZ
@given(
    st.fixed_dictionaries(
        {},
        optional={
            "framework": st.one_of(st.just("mentoring-schemes@1.0"), shapes),
            "scheme": shapes,
            "answers": st.one_of(
                shapes,
                st.dictionaries(
                    st.sampled_from(["A1", "M2", "C1", "S4", "K1", "R4", "Z9"]),
                    st.one_of(
                        shapes,
                        st.fixed_dictionaries(
                            {},
                            optional={
                                "rating": st.one_of(
                                    st.sampled_from(
                                        [
                                            "absent",
                                            "weak",
                                            "adequate",
                                            "strong",
                                            "n/a",
                                            "not-yet-due",
                                            "great",
                                        ]
                                    ),
                                    shapes,
                                ),
                                "evidence": shapes,
                                "note": shapes,
                                "reason": shapes,
                            },
                        ),
                    ),
                ),
            ),
        },
    )
)
def test_scheme_files_of_any_shape(document: dict[str, Any]) -> None:
    read(yaml.safe_dump(document, allow_unicode=True).encode("utf-8"))


@functools.cache
def blank_form(fmt: str) -> bytes:
    """A checklist as written by guidebuild itself, to damage."""
    from guidebuild.forms import write_checklists

    framework = CATALOGUE.default()
    with tempfile.TemporaryDirectory() as folder:
        (path,) = write_checklists(framework, Path(folder), [fmt])
        return path.read_bytes()


FEW = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FEW
@given(st.data())
def test_damaged_pdf_form(data: st.DataObject) -> None:
    read(data.draw(mutated(blank_form("pdf"))), suffix=".pdf")


@FEW
@given(st.data())
def test_damaged_workbook(data: st.DataObject) -> None:
    read(data.draw(mutated(blank_form("xlsx"))), suffix=".xlsx")


@FEW
@given(st.binary(max_size=2000))
def test_pdf_and_zip_headers_with_anything_after(tail: bytes) -> None:
    read(b"%PDF-1.7\n" + tail, suffix=".pdf")
    read(b"PK\x03\x04" + tail, suffix=".xlsx")
