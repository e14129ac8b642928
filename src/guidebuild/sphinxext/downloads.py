"""``.. download-list::``: the guidance PDF and the fillable checklists, with their sizes.

The files are written after Sphinx (the PDF from Sphinx's own single page), so each size
is a marker, ``%%GB_SIZE:<file name>%%``, that the build replaces once the file exists.
"""

from __future__ import annotations

from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

from guidebuild.formats import CHECKLIST_FORMATS
from guidebuild.sphinxext.tables import make_table

DOWNLOADS = "downloads"


def size_marker(name: str) -> str:
    return f"%%GB_SIZE:{name}%%"


class DownloadList(SphinxDirective):
    """A table of what can be downloaded: the guidance as PDF, then each checklist."""

    def run(self) -> list[nodes.Node]:
        rows: list[tuple[str, str, str]] = []
        pdf_name = f"{self.config.guidebuild_pdf_name}.pdf"
        rows.append((pdf_name, f"{self.config.project} (PDF)", "the whole guidance, to print"))
        checklists = Path(self.config.guidebuild_root) / "checklists"
        if checklists.is_dir():
            from guidebuild.fields import checklist_name
            from guidebuild.framework.loader import Catalogue

            for path in sorted(checklists.glob("*.yaml")):
                self.env.note_dependency(str(path))
            for framework in Catalogue(checklists).current():
                for fmt in CHECKLIST_FORMATS:
                    name = checklist_name(framework, fmt.name)
                    rows.append((name, f"Self-assessment checklist: {fmt.label}", fmt.use))
        depth = self.env.docname.count("/")
        prefix = "../" * depth + DOWNLOADS
        table = make_table(
            [
                (
                    nodes.reference("", label, refuri=f"{prefix}/{name}"),
                    use,
                    size_marker(name),
                )
                for name, label, use in rows
            ],
            widths=(5, 5, 2),
            classes=["gb-downloads"],
            header=("File", "What it is for", "Size"),
        )
        return [table]


def setup_downloads(app: Sphinx) -> None:
    app.add_directive("download-list", DownloadList)
