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

from guidebuild.errors import BuildError
from guidebuild.framework.model import Framework
from guidebuild.resources import package_dir

FOLDER = "compiled"
"""Beside the bundled frameworks, in ``guidebuild/frameworks/``."""
MAKERS = ("yamlsafe.py", "framework/model.py", "framework/loader.py")
"""The modules whose code decides what a framework file becomes."""


@functools.cache
def _makers_checksum() -> int:
    checksum = 0
    for maker in MAKERS:
        checksum = zlib.crc32(package_dir().joinpath(maker).read_bytes(), checksum)
    return checksum


def compiled_path(name: str, data: bytes) -> Path | None:
    """Where the compiled form of the bundled framework ``name`` with bytes ``data`` is.

    None when guidebuild's own files are not there to check it against (a sourceless or
    zipped install).
    """
    try:
        makers = _makers_checksum()
        folder = package_dir("frameworks", FOLDER)
    except (OSError, BuildError):
        return None
    stem = name.removesuffix(".yaml")
    return folder / f"{stem}.{zlib.crc32(data, makers):08x}.pickle"


def load_compiled(path: Path, data: bytes) -> Framework | None:
    """The checked model of ``data``, read from ``path``, if it is a bundled framework."""
    try:
        bundled = package_dir("frameworks")
        # Exactly the bundled file's bytes (a checksum alone could match another file);
        # read again only when ``data`` came from elsewhere, such as a project's copy.
        if path.parent != bundled and (bundled / path.name).read_bytes() != data:
            return None
        compiled = compiled_path(path.name, data)
        if compiled is None:
            return None
        framework = loads(compiled.read_bytes())  # noqa: S301 - guidebuild's own file
    except (OSError, BuildError):  # not a bundled name, or no form made by this code
        return None
    if not isinstance(framework, Framework):
        return None
    return structs.replace(framework, source=path)
