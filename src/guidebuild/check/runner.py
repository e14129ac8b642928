"""Run every launch check and gather all their problems, rather than stop at the first."""

from __future__ import annotations

from pathlib import Path

from guidebuild.build.pipeline import BuildOptions, BuildResult, build_project
from guidebuild.check.html import check_page, check_site
from guidebuild.check.pdf import check_pdf
from guidebuild.errors import BuildError, Problem
from guidebuild.progress import Progress
from guidebuild.project import load_settings

CHECK_OUT = ".check"


def check_project(root: Path, progress: Progress) -> list[Problem]:
    """Build afresh into _build/.check and inspect everything; [] means ready to publish."""
    settings = load_settings(root)
    out = root / "_build" / CHECK_OUT
    problems: list[Problem] = []
    result: BuildResult | None = None
    try:
        # A fresh build every time: a check must see every warning, not a cached success.
        result = build_project(root, BuildOptions(out=out, force=True), progress)
        problems.extend(result.warnings)  # strict: every Sphinx warning counts
    except BuildError as error:
        problems.extend(error.problems or (Problem(root, error.message),))
    with progress.stage("Checking the framework against the guidance"):
        problems.extend(check_framework(root, result))
    if result is not None and result.html_dir is not None:
        with progress.stage("Checking the site's pages"):
            problems.extend(check_site(result.html_dir))
            single = out / ".cache" / "singlehtml" / "index.html"
            if single.is_file():
                # The page the PDF is made from: a duplicate id there misroutes PDF links.
                problems.extend(p for p in check_page(single) if "used twice" in p.message)
    if result is not None and result.pdf_path is not None:
        with progress.stage("Checking the PDF's structure"):
            problems.extend(check_pdf(result.pdf_path))
    del settings
    return problems


def check_framework(root: Path, result: BuildResult | None) -> list[Problem]:
    """Every framework item must point at recommendations the guidance defines."""
    if result is None or not result.recommendations:
        return []
    try:
        from guidebuild.framework.crosscheck import coverage
        from guidebuild.framework.loader import Catalogue
    except ImportError:  # pragma: no cover (the framework package is part of guidebuild)
        return []
    known = [entry["id"] for entry in result.recommendations]
    problems: list[Problem] = []
    for framework in Catalogue(root / "checklists").all():
        found, _notes = coverage(framework, known)
        problems.extend(found)
    return problems
