"""Publishing: every output of a build appears at once, and nothing of the user's is lost.

An output folder (``_build/`` or ``--out``) looks like this::

    html -> .current/html                  the entries readers use: fixed symlinks
    pdf -> .current/pdf
    checklists -> .current/checklists
    recommendations.json -> .current/recommendations.json
    .current -> .versions/7                the one link a publication swaps
    .versions/7/{html,pdf,checklists,recommendations.json}
    .guidebuild-output                     the marker: guidebuild made this folder
    .cache/, .lock

A build writes its outputs in a staging folder, moves them into a new version folder
(outputs it did not rebuild are carried over as hard links), and then replaces the
``.current`` link with one ``rename``. A reader, or a build killed at any instant, sees
every output old or every output new, never a mix.

guidebuild writes only into a folder it made: an empty or new one, or one with its marker
file. It refuses the project itself, a folder holding the sources or inside them, and a
non-empty folder without the marker, so ``--out`` can never delete a user's files.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import json
import os
import shutil
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from guidebuild.errors import InputError

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100

MARKER_NAME = ".guidebuild-output"
OUTPUTS = ("html", "pdf", "checklists", "recommendations.json")
"""The entries a build publishes, in the order a reader would look for them."""
CURRENT = ".current"
VERSIONS = ".versions"
INTERNAL = (MARKER_NAME, CURRENT, VERSIONS, ".cache", ".lock")
"""Our own bookkeeping in an output folder (with ``.staging-*`` and ``.current-*``)."""
_LEGACY_RECORD = Path(".cache") / "fingerprints.json"
"""What an output folder of guidebuild before the marker holds."""

PAUSE_ENV = "GUIDEBUILD_TEST_PUBLISH_PAUSE"
"""Tests only: ``STEP:FILE`` makes the publisher touch FILE at STEP and wait to be killed."""


def _renameat2() -> ctypes._CFuncPtr | None:  # type: ignore[name-defined]
    if not sys.platform.startswith("linux"):
        return None
    libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    return getattr(libc, "renameat2", None)


def exchange(a: Path, b: Path) -> bool:
    """Swap two existing paths atomically; False if the system cannot."""
    func = _renameat2()
    if func is None:
        return False
    result = func(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    return bool(result == 0)


def replace_path(new: Path, published: Path) -> None:
    """Put ``new`` at ``published`` (file or folder) atomically and remove the old one."""
    if new.is_file() or not published.exists():
        published.parent.mkdir(parents=True, exist_ok=True)
        if published.is_dir() and new.is_file():
            shutil.rmtree(published)
        new.replace(published)
        return
    if exchange(new, published):
        shutil.rmtree(new, ignore_errors=True)  # ``new`` now holds the old output
        return
    old = published.with_name(f".old-{published.name}-{os.getpid()}")
    published.replace(old)
    new.replace(published)
    shutil.rmtree(old, ignore_errors=True)


# --- whose folder is it -----------------------------------------------------------------


def _ours(name: str) -> bool:
    return name in INTERNAL or name.startswith((".staging-", ".current-"))


def _read_marker(out: Path) -> set[str] | None:
    """The outputs the marker says guidebuild made here; None if there is no marker."""
    marker = out / MARKER_NAME
    if not marker.is_file():
        return None
    try:
        data = json.loads(marker.read_text(encoding="utf-8"))
        return {str(name) for name in data.get("entries", [])} & set(OUTPUTS)
    except (OSError, ValueError, AttributeError, TypeError):
        return set()  # a damaged marker still marks the folder; it claims no outputs


def _write_marker(out: Path, entries: Iterable[str]) -> None:
    data = {"made-by": "guidebuild", "entries": sorted(set(entries) & set(OUTPUTS))}
    temp = out / f".{MARKER_NAME}.tmp"
    temp.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    temp.replace(out / MARKER_NAME)


def _is_output_folder(path: Path) -> bool:
    return path.is_dir() and not path.is_symlink() and (path / MARKER_NAME).is_file()


def check_out_folder(out: Path, root: Path, sources: Iterable[Path]) -> None:
    """Refuse an output folder where publishing could delete what guidebuild did not make.

    ``out`` and ``root`` are resolved paths; ``sources`` are the project's source folders
    and files (guidance/, checklists/, templates/, conf.py).
    """
    where = f"--out {out}"
    if out == root:
        raise InputError(f"{where} is the project folder; give a folder of its own (e.g. _build)")
    for given in sources:
        source = given.resolve()
        if out.is_relative_to(source):
            raise InputError(f"{where} is inside the project's sources ({source}); refusing")
        if source.is_relative_to(out):
            raise InputError(f"{where} holds the project's sources ({source}); refusing")
    if out.exists() and not out.is_dir():
        raise InputError(f"{where} is not a folder")
    if not out.is_dir():
        return
    entries = set(_read_marker(out) or ())
    if (out / MARKER_NAME).is_file():
        strangers = [
            name
            for name in OUTPUTS
            if name not in entries and (out / name).exists() and not _links_to_current(out, name)
        ]
        if strangers:
            raise InputError(
                f"{where}: {', '.join(strangers)} was not made by guidebuild; "
                "move it away or choose another folder"
            )
        return
    if (out / _LEGACY_RECORD).is_file():
        return  # made by an earlier guidebuild; adopted when the lock is held
    foreign = [
        path.name
        for path in sorted(out.iterdir())
        if not _ours(path.name) and not _is_output_folder(path)
    ]
    if foreign:
        shown = ", ".join(foreign[:5]) + (", ..." if len(foreign) > 5 else "")
        raise InputError(
            f"{where} is not empty and was not made by guidebuild (it holds {shown}); "
            "guidebuild replaces what it publishes, so give an empty or new folder"
        )


def claim(out: Path, made: Iterable[str] = ()) -> None:
    """Mark ``out`` as guidebuild's (after ``check_out_folder`` and with the lock held).

    ``made``: outputs the caller is about to write there other than by ``publish``.
    """
    out.mkdir(parents=True, exist_ok=True)
    if (out / MARKER_NAME).is_file():
        if made:
            _write_marker(out, (_read_marker(out) or set()) | set(made))
        return
    # A folder of an earlier guidebuild: the outputs it holds are ours.
    legacy = (
        [name for name in OUTPUTS if (out / name).exists()]
        if (out / _LEGACY_RECORD).is_file()
        else []
    )
    _write_marker(out, [*legacy, *made])


def adopt(out: Path, made: Iterable[str] = ()) -> None:
    """Mark the project's own build folder when a command other than build writes in it.

    ``release`` and ``checklist`` write into ``_build/`` by default; marked, the folder
    (and what they made in it) is not taken for a user's by the next ``build``. A folder
    guidebuild may not claim is left unmarked.
    """
    with contextlib.suppress(InputError):
        check_out_folder(out, out.parent, ())
        claim(out, made)


def _links_to_current(out: Path, name: str) -> bool:
    path = out / name
    return path.is_symlink() and str(path.readlink()) == f"{CURRENT}/{name}"


# --- locking and staging ----------------------------------------------------------------


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@contextlib.contextmanager
def locked(out: Path, on_wait: Callable[[], None] | None = None) -> Iterator[None]:
    """Hold the output folder's lock: two builds into one folder run one after the other."""
    import fcntl

    out.mkdir(parents=True, exist_ok=True)
    with (out / ".lock").open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if on_wait is not None:
                on_wait()
            fcntl.flock(handle, fcntl.LOCK_EX)
        HELD_LOCKS.append(handle.fileno())
        try:
            yield
        finally:
            HELD_LOCKS.remove(handle.fileno())
            fcntl.flock(handle, fcntl.LOCK_UN)


HELD_LOCKS: list[int] = []
"""Descriptors of the output folders' locks this process holds."""


def forked_child() -> None:
    """In a process forked from a build: let go of its locks, and die with it.

    A lock is held by every copy of its descriptor: a forked helper that outlived a
    killed build would otherwise keep the next build waiting for ever.
    """
    for descriptor in HELD_LOCKS:
        with contextlib.suppress(OSError):
            os.close(descriptor)
    HELD_LOCKS.clear()
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        pr_set_pdeathsig, sigkill = 1, 9
        libc.prctl(pr_set_pdeathsig, sigkill)


def clear_leftovers(out: Path) -> None:
    """Remove what killed builds left in ``out`` (their processes gone); under the lock."""
    for stale in [*out.glob(".staging-*"), *out.glob(".current-*")]:
        pid = stale.name.partition("-")[2].partition("-")[0]
        if not pid.isdigit() or not _alive(int(pid)):
            if stale.is_dir() and not stale.is_symlink():
                shutil.rmtree(stale, ignore_errors=True)
            else:
                stale.unlink(missing_ok=True)
    # A version that is not current was never published, or was replaced before the kill.
    current = current_version(out)
    if current is not None:
        for other in (out / VERSIONS).iterdir():
            if other != current:
                shutil.rmtree(other, ignore_errors=True)


@contextlib.contextmanager
def staging(out: Path) -> Iterator[Path]:
    """A fresh staging folder inside ``out`` (same file system, so renames are atomic).

    Removed on the way out, whether or not the build succeeded; leftovers from a killed
    build are cleared by :func:`clear_leftovers`.
    """
    out.mkdir(parents=True, exist_ok=True)
    folder = out / f".staging-{os.getpid()}"
    folder.mkdir()
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


# --- publishing -------------------------------------------------------------------------


def _pause(step: str) -> None:
    """The kill test's hook: stop at ``step`` until killed. Unset in normal use."""
    wanted = os.environ.get(PAUSE_ENV)
    if not wanted or wanted.partition(":")[0] != step:
        return
    Path(wanted.partition(":")[2]).touch()
    time.sleep(600)


def _link_tree(source: Path, target: Path) -> None:
    """Carry a published output into a new version without copying its bytes."""
    if source.is_dir():
        shutil.copytree(source, target, copy_function=_link_or_copy)
    else:
        _link_or_copy(str(source), str(target))


def _link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def current_version(out: Path) -> Path | None:
    """The version folder the outputs point at now, if any."""
    link = out / CURRENT
    if not link.is_symlink():
        return None
    target = out / link.readlink()
    return target if target.is_dir() else None


def published(out: Path, name: str) -> Path | None:
    """Where output ``name`` is published now (through the links or, in an old folder, not)."""
    path = out / name
    return path if path.exists() else None


def _entry_links(out: Path, made: Iterable[str]) -> list[str]:
    """Make the reader's entries links into ``.current``; give those that are real folders.

    Made before the swap, the links point at nothing until it (so a first publication also
    appears all at once). Real folders are from an earlier guidebuild.
    """
    legacy = []
    for name in sorted(made):
        path = out / name
        if path.is_symlink() or not path.exists():
            if not _links_to_current(out, name):
                temp = out / f".current-{os.getpid()}-{name}"
                temp.unlink(missing_ok=True)
                temp.symlink_to(f"{CURRENT}/{name}")
                temp.replace(path)
        else:
            legacy.append(name)
    return legacy


def publish(
    stage_dir: Path, out: Path, carry: Iterable[str] = OUTPUTS, bookkeeping: Iterable[str] = ()
) -> Path:
    """Publish the outputs in ``stage_dir`` and those of ``carry`` it lacks, in one step.

    The files named in ``bookkeeping`` (such as the record of what the outputs were built
    from) go into the version too, so they are published exactly when the outputs are.
    Returns the new version folder.
    """
    versions = out / VERSIONS
    versions.mkdir(exist_ok=True)
    numbers = [int(p.name) for p in versions.iterdir() if p.name.isdigit()]
    version = versions / str(max(numbers, default=0) + 1)
    version.mkdir()
    for name in OUTPUTS:
        staged = stage_dir / name
        if staged.exists():
            staged.rename(version / name)
        elif name in carry and (old := published(out, name)) is not None:
            _link_tree(old, version / name)
    for name in bookkeeping:
        (stage_dir / name).rename(version / name)
    made = {name for name in OUTPUTS if (version / name).exists()}
    entries = (_read_marker(out) or set()) | made
    _write_marker(out, entries)
    legacy = _entry_links(out, made)
    _pause("before-swap")
    temp = out / f".current-{os.getpid()}"
    temp.unlink(missing_ok=True)
    temp.symlink_to(f"{VERSIONS}/{version.name}")
    temp.replace(out / CURRENT)  # the one step that publishes everything
    _pause("after-swap")
    # An output folder of an earlier guidebuild held real folders: move to links, once.
    for name in legacy:
        path = out / name
        old = out / f".staging-{os.getpid()}-old-{name}"
        path.rename(old)
        (out / name).symlink_to(f"{CURRENT}/{name}")
        if old.is_dir():
            shutil.rmtree(old, ignore_errors=True)
        else:
            old.unlink()
    for other in versions.iterdir():
        if other != version:
            shutil.rmtree(other, ignore_errors=True)
    return version
