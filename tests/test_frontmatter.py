"""The Reader Information box and the imprint: every set field shown, unset ones left out."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.conftest import run_cli

pytestmark = pytest.mark.slow

SETTINGS = """
guidebuild_policy_areas = ["Clinical", "HR/Workforce"]
guidebuild_document_purpose = "Best practice guidance"
guidebuild_gateway_ref = "4321"
guidebuild_description = "What the guidance is about."
guidebuild_contact_name = "A Person"
guidebuild_contact_telephone = "020 7000 0000"
guidebuild_contact_email = "a.person@example.org"
guidebuild_logo_text = "Test Organisation"
guidebuild_copyright = "Test copyright"
guidebuild_produced_by = "the Test Organisation"
guidebuild_licence = "You may copy it for personal or in-house use."
guidebuild_publications_address = "www.example.org/publications"
"""


def rows(html: str) -> dict[str, str]:
    found = re.findall(r'<th class="stub">\s*<p>(.*?)</p>\s*</th>\s*<td>(.*?)</td>', html, re.S)
    return {
        label: " ".join(unescape(re.sub(r"<[^>]+>", " ", cell)).split()) for label, cell in found
    }


def test_set_fields_are_shown_and_unset_ones_left_out(make_project) -> None:  # type: ignore[no-untyped-def]
    project: Path = make_project("tiny")
    (project / "conf.py").write_text((project / "conf.py").read_text() + SETTINGS)
    result = run_cli(project, "build", "-q")
    assert result.exit_code == 0, result.output
    html = (project / "_build" / "html" / "index.html").read_text()
    box = rows(html)
    assert box["Gateway reference"] == "4321"
    assert box["Document purpose"] == "Best practice guidance"  # conf.py wins over :purpose:
    assert box["Target audience"] == "The test suite."  # from the directive
    assert "A Person" in box["Contact details"]
    assert "Telephone: 020 7000 0000" in box["Contact details"]
    # Sphinx cloaks the address from harvesters with spans; readers see it whole.
    assert "E-mail: a.person@example.org" in unescape(re.sub(r"<[^>]+>", "", html))
    for unset in ("ROCR reference", "Circulation list", "Timing", "Action required"):
        assert unset not in box
    assert "☒ Clinical" in box["Policy areas"] and "☐ Estates" in box["Policy areas"]
    assert '<h2 class="gb-infobox-title" id="reader-information">Reader information</h2>' in html

    pdf = PdfReader(project / "_build" / "pdf" / "tiny-guidance.pdf")
    cover, imprint = (pdf.pages[i].extract_text() for i in (0, 1))
    assert "Test Organisation" in cover
    for line in (
        "© Test copyright 2005",
        "First published March 2005",
        "Produced by the Test Organisation",
        "You may copy it for personal or in-house use.",
        "Available from www.example.org/publications",
        "Telephone: 020 7000 0000",
    ):
        assert line in imprint, imprint
    assert pdf.trailer["/Root"]["/PageMode"] == "/UseOutlines"


def test_a_wrong_setting_is_refused_with_its_name(make_project) -> None:  # type: ignore[no-untyped-def]
    project: Path = make_project("tiny")
    (project / "conf.py").write_text(
        (project / "conf.py").read_text() + 'guidebuild_policy_areas = "Clinical"\n'
        "guidebuild_gateway_ref = 4321\n"
    )
    result = run_cli(project, "build", "-q")
    assert result.exit_code == 2, result.output
    assert "guidebuild_policy_areas must be a list of texts, not 'Clinical'" in result.output
    assert "guidebuild_gateway_ref must be a string, not 4321" in result.output
