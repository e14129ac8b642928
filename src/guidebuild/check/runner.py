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
    # A framework item pointing at a recommendation the guidance lacks fails the build
    # itself (located in the framework file), so it is among the problems above.
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
