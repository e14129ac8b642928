"""Assemble a rater's packet for one framework version and one form of the descriptions.

Usage (from the repository root, with the project's virtual environment):

    python benchmarks/validity/packet.py VERSION FORM DEST
    python benchmarks/validity/packet.py 1.1 full /tmp/rater-a

FORM is `full` (description.md, 300-600 words) or `brief` (brief.md, 80-120 words). DEST
must not exist or must be an empty folder: nothing of the user's is overwritten. The
packet holds exactly what benchmarks/validity/raters/README.md lists, and nothing else:

    INSTRUCTIONS.md                          raters/instructions.md, filled in
    README-organisers.md                     the README's organisers' section, as it is now
    mentoring-schemes-VERSION-checklist.yaml the YAML template, made by guidebuild now
    descriptions/NN-slug.md                  one per scheme, in the chosen form
    answers/                                 empty: the rater's files go here

The README section and the template are made at the time the packet is assembled, from
README.md and the framework file of that version, so a trial always tests the current
wording. The packet is written to a temporary folder beside DEST and renamed into place,
so a failure leaves nothing half-made.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
SCHEMES = HERE / "schemes"
FORMS = {
    "full": ("description.md", "full descriptions of 300 to 600 words"),
    "brief": ("brief.md", "brief notes of 80 to 120 words, by someone who knows only part"),
}
SECTION = "organisers"


class PacketError(Exception):
    """A problem the user can fix: shown as a message, exit code 2."""


def organisers_section(readme: Path) -> str:
    """The README's organisers' section, between its section markers, markers left out."""
    text = readme.read_text(encoding="utf-8")
    start, end = f"<!-- section: {SECTION} -->", f"<!-- /section: {SECTION} -->"
    if start not in text or end not in text:
        raise PacketError(f"{readme}: no '{start}' ... '{end}' markers")
    body = text.split(start, 1)[1].split(end, 1)[0]
    return body.strip() + "\n"


def framework_file(version: str) -> Path:
    """The framework file of the given version of mentoring-schemes in checklists/."""
    found = []
    for path in sorted((ROOT / "checklists").glob("mentoring-schemes*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if isinstance(data, dict):
            found.append(str(data.get("version")))
            if str(data.get("version")) == version:
                return path
    raise PacketError(
        f"no framework mentoring-schemes@{version} in checklists/ "
        f"(versions there: {', '.join(found) or 'none'})"
    )


def make_template(version: str, out: Path) -> Path:
    """Write the YAML template of the version into out, with guidebuild, and return it."""
    with tempfile.TemporaryDirectory() as frameworks:
        # Only this version in the folder, so the template is the one asked for even when
        # it is not the default.
        shutil.copy(framework_file(version), Path(frameworks) / f"mentoring-schemes@{version}.yaml")
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "guidebuild",
                "checklist",
                "--format",
                "yaml",
                "-q",
                "--frameworks",
                frameworks,
                "--out",
                str(out),
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
    if proc.returncode != 0:
        raise PacketError(f"guidebuild checklist failed: {proc.stderr.strip()}")
    made = sorted(out.glob("*.yaml"))
    if len(made) != 1:
        raise PacketError(f"expected one template, guidebuild wrote {[p.name for p in made]}")
    return made[0]


def build(version: str, form: str, dest: Path) -> list[Path]:
    """Assemble the packet in dest; returns the files written, relative to dest."""
    if form not in FORMS:
        raise PacketError(f"form must be one of {', '.join(FORMS)}, not {form!r}")
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise PacketError(f"{dest} exists and is not an empty folder; choose another")
    source_name, form_words = FORMS[form]
    schemes = sorted(p for p in SCHEMES.iterdir() if (p / source_name).is_file())
    if not schemes:
        raise PacketError(f"no {source_name} in {SCHEMES}")

    dest.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(dir=dest.parent, prefix=f".{dest.name}."))
    try:
        template = make_template(version, work)
        (work / "README-organisers.md").write_text(
            "# From the README of guidebuild: for organisers of mentoring schemes\n\n"
            + organisers_section(ROOT / "README.md"),
            encoding="utf-8",
        )
        instructions = (HERE / "raters" / "instructions.md").read_text(encoding="utf-8")
        (work / "INSTRUCTIONS.md").write_text(
            instructions.format(
                version=version, template=template.name, count=len(schemes), form_words=form_words
            ),
            encoding="utf-8",
        )
        (work / "descriptions").mkdir()
        for scheme in schemes:
            shutil.copy(scheme / source_name, work / "descriptions" / f"{scheme.name}.md")
        (work / "answers").mkdir()
        if dest.exists():
            dest.rmdir()  # empty, checked above
        work.rename(dest)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return sorted(p.relative_to(dest) for p in dest.rglob("*"))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("version", help="framework version, for example 1.1")
    parser.add_argument("form", choices=sorted(FORMS), help="which descriptions to include")
    parser.add_argument("dest", type=Path, help="new or empty folder for the packet")
    args = parser.parse_args(argv)
    try:
        files = build(args.version, args.form, args.dest)
    except PacketError as exc:
        print(f"packet.py: {exc}", file=sys.stderr)
        return 2
    print(f"packet for mentoring-schemes@{args.version} ({args.form}) in {args.dest}:")
    for f in files:
        print(f"  {f}{os.sep if (args.dest / f).is_dir() else ''}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
