"""The bundled frameworks, checked once when they are made: a framework file's ``.pyc``.

Reading and checking a framework is the largest step of ``assess`` on one file: the YAML
of the 52 KB framework alone takes about 5 ms, and its unpickled model half a millisecond.
``make frameworks`` therefore stores each bundled framework, once checked, in
``frameworks/compiled/``. :func:`load_compiled` gives that model back when the file read
holds exactly the bytes of the bundled file of the same name, so a project's copy of the
framework (``guidebuild new`` makes one) is fast too, and an edited copy is parsed.

A compiled file's name carries a checksum of the framework's bytes and of the code that
turns YAML into the model (:data:`MAKERS`). A change to that code is therefore never
answered with a form made by the old code: the framework is parsed instead, and
``tests/test_product.py`` says the shipped forms are stale until ``make frameworks``.

Only files inside the installed package are unpickled, never one of the project or of the
folder ``assess`` runs in: they are guidebuild's own code, as its ``.py`` files are.
"""

from __future__ import annotations

import functools
import zlib
from pathlib import Path

from msgspec import structs

# The C unpickler itself: pickle.py around it is a pure-Python pickler we never use, and
# costs more to import than the framework costs to unpickle.
try:
    from _pickle import loads
except ImportError:  # pragma: no cover - an interpreter without the C pickle module
    from pickle import loads

import guidebuild
from guidebuild.framework.model import Framework

FOLDER = "compiled"
"""Beside the bundled frameworks, in ``guidebuild/frameworks/``."""
MAKERS = ("yamlsafe.py", "framework/model.py", "framework/loader.py")
"""The modules whose code decides what a framework file becomes."""

_PACKAGE = Path(guidebuild.__file__).parent
_BUNDLED = _PACKAGE / "frameworks"


@functools.cache
def _makers_checksum() -> int | None:
    checksum = 0
    try:
        for maker in MAKERS:
            checksum = zlib.crc32((_PACKAGE / maker).read_bytes(), checksum)
    except OSError:
        return None
    return checksum


def compiled_path(name: str, data: bytes) -> Path | None:
    """Where the compiled form of the bundled framework ``name`` with bytes ``data`` is.

    None when guidebuild's sources are not there to check it against (a sourceless install).
    """
    makers = _makers_checksum()
    if makers is None:
        return None
    stem = name.removesuffix(".yaml")
    return _BUNDLED / FOLDER / f"{stem}.{zlib.crc32(data, makers):08x}.pickle"


def load_compiled(path: Path, data: bytes) -> Framework | None:
    """The checked model of ``data``, read from ``path``, if it is a bundled framework."""
    try:
        # Exactly the bundled file's bytes: a checksum alone could match another file.
        if (_BUNDLED / path.name).read_bytes() != data:
            return None
        compiled = compiled_path(path.name, data)
        if compiled is None:
            return None
        framework = loads(compiled.read_bytes())  # noqa: S301 - guidebuild's own file
    except OSError:  # not a bundled name, or no form made by this code: parse it
        return None
    if not isinstance(framework, Framework):
        return None
    return structs.replace(framework, source=path)
