"""Atomic publishing: build in a staging folder, then swap it in.

On Linux ``renameat2(RENAME_EXCHANGE)`` swaps two folders in one step, so a reader (or a
build killed at any moment) sees either the old output or the new, never a mix or nothing.
Elsewhere we fall back to two renames, leaving a window of microseconds.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import shutil
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


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
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextlib.contextmanager
def staging(out: Path) -> Iterator[Path]:
    """A fresh staging folder inside ``out`` (same file system, so renames are atomic).

    Removed on the way out, whether or not the build succeeded; leftovers from a killed
    build (its process gone) are cleared the next time.
    """
    out.mkdir(parents=True, exist_ok=True)
    for stale in out.glob(".staging-*"):
        pid = stale.name.removeprefix(".staging-")
        if not pid.isdigit() or not _alive(int(pid)):
            shutil.rmtree(stale, ignore_errors=True)
    folder = out / f".staging-{os.getpid()}"
    folder.mkdir()
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
