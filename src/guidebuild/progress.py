"""Stage-by-stage progress on the terminal; plain lines when not a terminal."""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TextIO


@dataclass
class Progress:
    stream: TextIO | None
    tty: bool = False

    @classmethod
    def for_stream(cls, stream: TextIO, *, quiet: bool = False) -> Progress:
        if quiet:
            return cls(None)
        return cls(stream, tty=stream.isatty() and "NO_COLOR" not in os.environ)

    def say(self, text: str) -> None:
        if self.stream is not None:
            print(text, file=self.stream, flush=True)

    @contextlib.contextmanager
    def stage(self, name: str) -> Iterator[None]:
        """Announce a stage, then say how long it took."""
        start = time.perf_counter()
        if self.stream is not None and self.tty:
            print(f"\033[1m…\033[0m {name}", end="\r", file=self.stream, flush=True)
        yield
        elapsed = time.perf_counter() - start
        if self.stream is None:
            return
        if self.tty:
            print(f"\033[32m✓\033[0m {name} ({elapsed:.1f} s)\033[K", file=self.stream, flush=True)
        else:
            print(f"{name}: done in {elapsed:.1f} s", file=self.stream, flush=True)
