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

# -- The Reader Information box (see the README's settings table) ---------------------------
# Every field is optional: one left unset is left out of the box. The Gateway reference, the
# ROCR reference and the contact's name, telephone and e-mail are the editor's to supply:
# `guidebuild check` warns while a final edition lacks them.
guidebuild_policy_areas = ["HR/Workforce"]
guidebuild_document_purpose = "Best practice guidance"
# guidebuild_rocr_ref = ""
# guidebuild_gateway_ref = ""
guidebuild_target_audience = (
    "Doctors at every career stage, as mentees and as mentors; people who set up or run "
    "mentoring schemes (trusts, deaneries, royal colleges and other bodies); and those who "
    "fund them."
)
guidebuild_description = (
    "National guidance on mentoring for doctors: what mentoring is, how informal mentoring "
    "and formal schemes work, and what a formal scheme needs to work well. It draws on a "
    "review of the literature, a survey of the schemes running in England in 2004 and the "
    "views of doctors who took part in them, and comes with a self-assessment checklist for "
    "schemes."
)
guidebuild_cross_ref = (
    "Mentoring for doctors: signposts to current practice for career grade doctors "
    "(Department of Health, Doctors' Forum, 2004)"
)
guidebuild_supersedes = "None: this is the first national guidance on mentoring for doctors."
# guidebuild_contact_name = ""
guidebuild_contact = (
    "Doctors' Forum, Department of Health, Richmond House, 79 Whitehall, London SW1A 2NS"
)
# guidebuild_contact_telephone = ""
# guidebuild_contact_email = ""

# -- The cover and the imprint page ----------------------------------------------------------
guidebuild_logo_text = "Department of Health"
guidebuild_copyright = "Crown copyright"
guidebuild_produced_by = "the Department of Health"
guidebuild_licence = (
    "The text of this document may be reproduced without formal permission or charge for "
    "personal or in-house use."
)
guidebuild_publications_address = "www.dh.gov.uk/publications"
# The PDF's keywords (its /Keywords): the guidance's own words, not guidebuild's.
guidebuild_keywords = "mentoring, doctors, guidance"

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
