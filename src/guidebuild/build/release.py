"""``guidebuild release``: a final edition that can be signed off, archived and rebuilt.

A release is a final build dated by the edition (``SOURCE_DATE_EPOCH`` is the
publication date), plus an archival PDF/A copy of the guidance, bundled in one zip with
a SHA-256 manifest inside. Its recommendation manifest is checked against the previous
release's, kept in ``releases/<version>/recommendations.json`` in the project so that the
next release can be checked against it. Building the same release twice gives the same
bytes.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from guidebuild import __version__
from guidebuild.build.pipeline import (
    MANIFEST_NAME,
    BuildOptions,
    build_project,
    check_previous,
    epoch_of,
)
from guidebuild.errors import InputError
from guidebuild.progress import Progress
from guidebuild.project import load_settings

# Matched whole (fullmatch): with `$`, "1.0\n" would pass, since `$` matches before a
# final newline. The version names folders and files, so it is kept short.
VERSION_PATTERN = re.compile(r"[0-9][0-9A-Za-z.+-]*")
MAX_VERSION_LENGTH = 64
RELEASES = "releases"
# PDF/A-3a: archival, and still tagged for assistive technology.
ARCHIVE_VARIANT = "pdf/a-3a"


@dataclass(frozen=True)
class Release:
    bundle: Path
    files: int
    previous: Path | None


def _version_key(name: str) -> tuple[tuple[int, str], ...]:
    return tuple((int(p), "") if p.isdigit() else (-1, p) for p in re.split(r"[.+-]", name))


def previous_release(root: Path, version: str) -> Path | None:
    """The manifest of the latest release before this one, if any was recorded."""
    folder = root / RELEASES
    if not folder.is_dir():
        return None
    earlier = [
        path
        for path in folder.glob(f"*/{MANIFEST_NAME}")
        if path.parent.name != version and _version_key(path.parent.name) < _version_key(version)
    ]
    return max(earlier, key=lambda p: _version_key(p.parent.name), default=None)


@contextlib.contextmanager
def fixed_epoch(epoch: int) -> Iterator[None]:
    old = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(epoch)
    try:
        yield
    finally:
        if old is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = old


def write_bundle(target: Path, members: dict[str, Path], epoch: int, about: dict[str, str]) -> int:
    """A zip that depends only on its members' bytes: sorted, fixed dates and modes."""
    stamp = dt.datetime.fromtimestamp(max(epoch, 315532800), tz=dt.UTC).timetuple()[:6]
    sums = []
    temp = target.with_name(f".{target.name}.tmp")
    with zipfile.ZipFile(temp, "w") as bundle:

        def add(name: str, data: bytes) -> None:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            bundle.writestr(info, data, compresslevel=9)

        for name in sorted(members):
            data = members[name].read_bytes()
            sums.append(f"{hashlib.sha256(data).hexdigest()}  {name}\n")
            add(name, data)
        add("RELEASE.json", (json.dumps(about, indent=2, sort_keys=True) + "\n").encode())
        add("SHA256SUMS", "".join(sums).encode())
    temp.replace(target)
    return len(members) + 2


def release_project(
    root: Path,
    version: str,
    progress: Progress,
    *,
    out: Path | None = None,
    previous: Path | None = None,
) -> Release:
    if not VERSION_PATTERN.fullmatch(version):
        raise InputError(
            f"release version must start with a digit and hold only letters, digits, "
            f"'.', '+' and '-' (e.g. 1.0 or 2004.1), not {version!r}"
        )
    if len(version) > MAX_VERSION_LENGTH:
        raise InputError(
            f"release version is {len(version)} characters long; the limit is "
            f"{MAX_VERSION_LENGTH} (e.g. 1.0 or 2004.1)"
        )
    settings = load_settings(root)
    epoch = epoch_of(settings)
    if out is None:
        from guidebuild.build.publish import adopt

        adopt(root / "_build")
        adopt(root / "_build" / "release")
    out = (out or root / "_build" / "release").resolve()
    work = out / version
    previous = previous or previous_release(root, version)

    with fixed_epoch(epoch):
        result = build_project(root, BuildOptions(out=work, draft=False, force=True), progress)
        if previous is not None:
            with progress.stage(f"Checking recommendation IDs against {previous}"):
                check_previous(previous, result.recommendations, result.withdrawn)
        with progress.stage("Writing the archival PDF/A copy"):
            from guidebuild.pdf import write_pdf

            assert result.pdf_path is not None
            archive = result.pdf_path.with_name(f"{settings.pdf_name}-archive.pdf")
            write_pdf(
                work / ".cache" / "singlehtml" / "index.html",
                archive,
                allowed_roots=(root, work),
                sources=(settings.source_dir, settings.templates_dir),
                epoch=epoch,
                variant=ARCHIVE_VARIANT,
            )

    with progress.stage("Bundling"):
        members = {
            str(path.relative_to(work)): path
            for folder in ("html", "pdf", "checklists")
            for path in sorted((work / folder).rglob("*"))
            if path.is_file()
        }
        members[MANIFEST_NAME] = work / MANIFEST_NAME
        about = {
            "title": settings.title,
            "edition": settings.edition,
            "published": settings.published.isoformat(),
            "release": version,
            "guidebuild": __version__,
        }
        bundle = out / f"{settings.pdf_name}-{version}.zip"
        count = write_bundle(bundle, members, epoch, about)
    _record(root, version, work / MANIFEST_NAME)
    return Release(bundle=bundle, files=count, previous=previous)


def _record(root: Path, version: str, manifest: Path) -> None:
    """Keep this release's manifest in the project for the next release's check."""
    target = root / RELEASES / version / MANIFEST_NAME
    data = manifest.read_bytes()
    if target.is_file() and target.read_bytes() != data:
        raise InputError(
            f"{target}: release {version} was recorded with other recommendations; "
            "give this release a new version"
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = target.with_name(f".{target.name}.tmp")
    temp.write_bytes(data)
    temp.replace(target)
