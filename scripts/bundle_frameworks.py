"""Copy the project's frameworks into the package, with the recommendation manifest.

guidebuild ships the frameworks of this guidance so that an organiser with only the
installed package can fill in and assess a checklist, and see "6.3 Let mentees choose
their mentor" with a link to the published guidance. The shipped copy is generated, never
edited: checklists/*.yaml is the one source of each framework, and the build's
recommendations.json the one source of the numbers and titles. Each framework is also
stored checked, in compiled/ (see guidebuild.framework.compiled), so that `assess` need
not parse it again.

    make frameworks      # guidebuild build --no-pdf, then this script
    python scripts/bundle_frameworks.py --check     # exit 1 if the shipped copy is stale

tests/test_product.py runs --check against a fresh build.
"""

from __future__ import annotations

import argparse
import json
import pickle
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from msgspec import structs

if TYPE_CHECKING:
    from guidebuild.framework.model import Framework

REPO = Path(__file__).resolve().parent.parent
TARGET = REPO / "src" / "guidebuild" / "frameworks"
COMPILED = "compiled"
"""The folder of the checked forms, in the target (guidebuild.framework.compiled.FOLDER)."""
KEEP = {"__init__.py"}
"""Files of the target folder that are not generated."""


def bundle(root: Path, recommendations: Path) -> dict[str, bytes]:
    """The generated files of the package's frameworks folder, by name."""
    sys.path.insert(0, str(root / "src"))
    from guidebuild.framework.loader import MANIFEST_NAME
    from guidebuild.project import load_settings

    settings = load_settings(root)
    files = {path.name: path.read_bytes() for path in sorted((root / "checklists").glob("*.yaml"))}
    entries = json.loads(recommendations.read_text(encoding="utf-8"))
    manifest = {
        "guidance": {
            "title": settings.title,
            "edition": settings.edition,
            "published": settings.published.isoformat(),
            "site_url": settings.site_url,
        },
        "recommendations": [
            {key: entry[key] for key in ("id", "number", "title", "status", "url")}
            for entry in entries
        ],
    }
    text = json.dumps(manifest, indent=1, ensure_ascii=False) + "\n"
    files[MANIFEST_NAME] = text.encode("utf-8")
    return files


def compiled(files: dict[str, bytes]) -> dict[str, Framework]:
    """The checked model of each framework file, by its compiled file's name."""
    from guidebuild.framework.compiled import compiled_path
    from guidebuild.framework.loader import parse_framework
    from guidebuild.yamlsafe import load_bytes

    forms = {}
    for name, data in files.items():
        if name.endswith(".yaml"):
            path = compiled_path(name, data)
            assert path is not None, "guidebuild's sources are missing"
            framework = parse_framework(load_bytes(data, name))
            forms[path.name] = structs.replace(framework, source=None)
    return forms


def _same_form(path: Path, wanted: Framework) -> bool:
    try:
        return bool(pickle.loads(path.read_bytes()) == wanted)  # noqa: S301 - made by us
    except Exception:  # a form the current code cannot read is stale
        return False


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--recommendations",
        type=Path,
        default=REPO / "_build" / "recommendations.json",
        help="the build's recommendations.json (default: _build/ of this repository)",
    )
    parser.add_argument("--check", action="store_true", help="only say whether it is current")
    args = parser.parse_args(argv)
    if not args.recommendations.is_file():
        parser.error(f"{args.recommendations} is missing: run `guidebuild build --no-pdf` first")
    wanted = bundle(REPO, args.recommendations)
    present = {p.name: p.read_bytes() for p in TARGET.iterdir() if p.is_file()}
    present = {name: data for name, data in present.items() if name not in KEEP}
    stale = sorted(
        name for name in wanted.keys() | present.keys() if wanted.get(name) != present.get(name)
    )
    # Compiled forms are compared as models: a pickle's bytes follow the order of sets,
    # which changes from one process to the next.
    forms = compiled(wanted)
    folder = TARGET / COMPILED
    made = {p.name for p in folder.glob("*.pickle")} if folder.is_dir() else set()
    stale_forms = sorted(
        name
        for name in forms.keys() | made
        if name not in forms or name not in made or not _same_form(folder / name, forms[name])
    )
    if args.check:
        for name in stale + [f"{COMPILED}/{name}" for name in stale_forms]:
            print(f"{TARGET / name}: not the same as the generated file")  # noqa: T201
        return 1 if stale or stale_forms else 0
    for name in stale:
        if name in wanted:
            (TARGET / name).write_bytes(wanted[name])
        else:
            (TARGET / name).unlink()
    folder.mkdir(exist_ok=True)
    for name in stale_forms:
        if name in forms:
            (folder / name).write_bytes(pickle.dumps(forms[name], protocol=5))
        else:
            (folder / name).unlink()
    return 0


if __name__ == "__main__":
    sys.exit(main())
