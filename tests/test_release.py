"""`guidebuild release`: reproducible bundles, archival copy, previous release checked."""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path

from pypdf import PdfReader

from tests.conftest import run_cli


def test_release_twice_gives_identical_bundles(make_project, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    project = make_project("tiny")
    one, two = tmp_path / "one", tmp_path / "two"
    first = run_cli(project, "release", "1.0", "-q", "--out", str(one))
    assert first.exit_code == 0, first.output
    assert first.output == f"{one / 'tiny-guidance-1.0.zip'} (33 files, SHA-256 manifest inside)\n"
    assert run_cli(project, "release", "1.0", "-q", "--out", str(two)).exit_code == 0
    bundle = (one / "tiny-guidance-1.0.zip").read_bytes()
    assert bundle == (two / "tiny-guidance-1.0.zip").read_bytes()


def test_bundle_contents_and_manifest(make_project, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    project = make_project("tiny")
    assert run_cli(project, "release", "1.0", "-q", "--out", str(tmp_path)).exit_code == 0
    with zipfile.ZipFile(tmp_path / "tiny-guidance-1.0.zip") as bundle:
        names = bundle.namelist()
        sums = bundle.read("SHA256SUMS").decode().splitlines()
        for line in sums:
            digest, name = line.split("  ", 1)
            assert hashlib.sha256(bundle.read(name)).hexdigest() == digest
        about = json.loads(bundle.read("RELEASE.json"))
        archive = bundle.read("pdf/tiny-guidance-archive.pdf")
    assert len(sums) == len(names) - 2  # all but the manifest and RELEASE.json
    assert "html/index.html" in names
    assert "pdf/tiny-guidance.pdf" in names
    assert about == {
        "edition": "Second edition",
        "guidebuild": about["guidebuild"],
        "published": "2005-03-01",
        "release": "1.0",
        "title": "Tiny guidance",
    }
    # The final build: no draft mark, dated by the edition.
    (tmp_path / "archive.pdf").write_bytes(archive)
    reader = PdfReader(tmp_path / "archive.pdf")
    assert "/OutputIntents" in reader.trailer["/Root"]  # PDF/A
    assert "/StructTreeRoot" in reader.trailer["/Root"]  # and still tagged
    assert not any("DRAFT" in page.extract_text() for page in reader.pages)
    # Recorded for the next release.
    recorded = json.loads((project / "releases" / "1.0" / "recommendations.json").read_text())
    assert [entry["id"] for entry in recorded] == ["first-thing", "second-thing", "third-thing"]


def test_next_release_may_not_lose_a_recommendation(make_project, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    project = make_project("tiny")
    assert run_cli(project, "release", "1.0", "-q", "--out", str(tmp_path)).exit_code == 0
    for name in ("first.rst", "second.rst"):
        chapter = project / "guidance" / name
        chapter.write_text(chapter.read_text().replace("third-thing", "renamed-thing"))
    result = run_cli(project, "release", "1.1", "-q", "--out", str(tmp_path))
    assert result.exit_code == 1
    recorded = project / "releases" / "1.0" / "recommendations.json"
    assert f"  {recorded}: third-thing is gone\n" in result.output
    assert not (tmp_path / "tiny-guidance-1.1.zip").exists()
    assert not (project / "releases" / "1.1").exists()


def test_bad_version_is_refused(make_project) -> None:  # type: ignore[no-untyped-def]
    result = run_cli(make_project("tiny"), "release", "../../etc")
    assert result.exit_code == 2
    assert result.output == (
        "Error: release version must start with a digit and hold only letters, digits, "
        "'.', '+' and '-' (e.g. 1.0 or 2004.1), not '../../etc'\n"
    )


def test_the_guidance_keeps_every_recommendation_of_release_1_0(
    guidance: Path, tmp_path: Path
) -> None:
    """Release 1.0 is recorded: its IDs are frozen, so every later build is checked."""
    recorded = Path(__file__).resolve().parent.parent / "releases" / "1.0" / "recommendations.json"
    old = {entry["id"] for entry in json.loads(recorded.read_text(encoding="utf-8"))}
    assert len(old) == 30
    out = ("--out", str(tmp_path / "out"))  # the shared build stays as it is
    result = run_cli(guidance, "build", "-q", "--no-pdf", *out, "--previous", str(recorded))
    assert result.exit_code == 0, result.output
    # The check can fail: a release with an ID this guidance lacks is refused.
    changed = tmp_path / "changed.json"
    changed.write_text(
        json.dumps([*json.loads(recorded.read_text(encoding="utf-8")), {"id": "gone-since-1-0"}]),
        encoding="utf-8",
    )
    refused = run_cli(guidance, "build", "-q", "--no-pdf", *out, "--previous", str(changed))
    assert refused.exit_code != 0
    assert "gone-since-1-0 is gone" in refused.output
