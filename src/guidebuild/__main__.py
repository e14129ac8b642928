"""Allow ``python -m guidebuild``."""

import os
import sys

# `python -m` puts the current folder first on sys.path, so a click.py or yaml.py in the
# folder being assessed would be imported instead of the real one, and run. guidebuild
# itself has been found by now; nothing else may come from that folder. (os and sys are
# loaded with the interpreter; pathlib is not, so it must not be imported before this.)
if not sys.flags.safe_path and sys.path and sys.path[0] in ("", os.getcwd()):  # noqa: PTH109
    del sys.path[0]

from guidebuild.entry import run

if __name__ == "__main__":
    run()
