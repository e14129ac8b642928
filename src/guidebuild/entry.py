"""The ``guidebuild`` command's entry point: a start-up the garbage collector leaves alone.

Start-up makes tens of thousands of objects that live as long as the process (the modules,
classes and functions of Click, msgspec and ours) and frees almost none, so the
collections it sets off find nothing, and each later collection of the oldest generation
walks them all again. They are made with the collector off and then frozen, moved out of
its reach for good (as the gc module's documentation advises before a fork, which the build
and ``assess`` batches also do); the collector is on again for the command's own work. It
saves a tenth of the instructions of ``assess`` on one file.
"""

import gc


def run() -> None:
    """Import the command line with the collector off, freeze what it made, and run it."""
    gc.disable()
    try:
        from guidebuild.cli import main

        gc.freeze()
    finally:
        gc.enable()
    main()
