"""Sphinx configuration of guidance/, and the publication's settings.

Build with `guidebuild build`, or with plain `sphinx-build -c . guidance OUT`.
The `guidebuild_*` values are the publication's own settings: they appear on the cover,
in every page footer and in the PDF metadata.
"""

import sys
from pathlib import Path

# Let plain sphinx-build find our extension in a checkout that has not been installed.
sys.path.insert(0, str(Path(__file__).parent / "src"))

# -- The publication ------------------------------------------------------------------------
project = "Mentoring for doctors"
author = "Department of Health: Doctors' Forum"
language = "en_GB"

guidebuild_short_title = "Mentoring for doctors"
guidebuild_edition = "First edition"
guidebuild_published = "2004-12-06"
guidebuild_status = "final"  # draft, consultation or final
guidebuild_organisation = "Department of Health"
guidebuild_pdf_name = "mentoring-for-doctors"
guidebuild_contact = (
    "Doctors' Forum, Department of Health, Richmond House, 79 Whitehall, London SW1A 2NS"
)
guidebuild_supersedes = "None: this is the first national guidance on mentoring for doctors."

# -- Sphinx ---------------------------------------------------------------------------------
extensions = ["guidebuild.sphinxext"]
root_doc = "index"
exclude_patterns: list[str] = []
html_theme = "guidebuild"
html_title = project
html_last_updated_fmt = None  # the date comes from the change log, never the build clock
html_copy_source = False
html_show_sourcelink = False
html_show_sphinx = False
# The "#" after each heading is named for screen readers; the print theme drops it.
html_permalinks_icon = (
    '<span aria-hidden="true">#</span><span class="gb-visually-hidden">Link to this section</span>'
)
