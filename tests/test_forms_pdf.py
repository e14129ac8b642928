"""The fillable PDF checklist: its fields, accessibility, size, paper, and bad filled forms.

Structure is asserted with pypdf (fields, tags, metadata) and poppler (text as printed),
never by comparing bytes, except for reproducibility. Round trips through outside clients
are in test_roundtrip.py.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from guidebuild.errors import BuildError
from guidebuild.forms import write_checklists
from guidebuild.forms.fonts import FIELD_FONT_FAMILY
from guidebuild.forms.pdf_form import MAX_BYTES, write_pdf_form
from guidebuild.framework.loader import Catalogue
from guidebuild.framework.model import Framework, Rating
from guidebuild.resources import Templates, package_dir
from tests.conftest import SEARCHED, assert_refused

REPO = Path(__file__).resolve().parent.parent
CHECKLISTS = REPO / "checklists"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "forms"
EPOCH = 1_735_689_600
READ_ONLY = 1
MULTILINE = 1 << 12
COMBO = 1 << 17


@pytest.fixture(scope="module")
def framework() -> Framework:
    return Catalogue(CHECKLISTS).default()


@pytest.fixture(scope="module")
def form(framework: Framework, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_checklists(framework, tmp_path_factory.mktemp("pdf"), ["pdf"], epoch=EPOCH)[0]


@pytest.fixture(scope="module")
def reader(form: Path) -> PdfReader:
    return PdfReader(form)


@pytest.fixture(scope="module")
def fields(reader: PdfReader) -> dict[str, Any]:
    found = reader.get_fields()
    assert found is not None
    return found


def expected_fields(framework: Framework) -> set[str]:
    names = {"framework"} | {f"scheme_{field.key}" for field in framework.details}
    names |= {f"redflag_{flag.id}" for flag in framework.red_flags}
    for item_id, item in framework.items.items():
        names |= {f"{item_id}_rating", f"{item_id}_evidence", f"{item_id}_note"}
        if item.allows:
            names.add(f"{item_id}_reason")
    return names


def test_name_size_and_pages(form: Path, reader: PdfReader) -> None:
    assert form.name == "mentoring-schemes-1.1-checklist.pdf"
    assert form.stat().st_size <= MAX_BYTES == 300 * 1024
    for page in reader.pages:
        assert [round(float(v)) for v in page.mediabox] == [0, 0, 595, 842]  # A4


def test_every_field_is_there_once(framework: Framework, fields: dict[str, Any]) -> None:
    assert set(fields) == expected_fields(framework)
    # No buttons: WeasyPrint 70 writes them corrupt, and radio groups malformed.
    assert {str(field.get("/FT")) for field in fields.values()} == {"/Tx", "/Ch"}


def test_ratings_are_choices_with_exact_export_values(
    framework: Framework, fields: dict[str, Any]
) -> None:
    for item_id, item in framework.items.items():
        field = fields[f"{item_id}_rating"]
        assert field["/FT"] == "/Ch"
        assert int(field["/Ff"]) & COMBO
        exports = [str(option[0]) for option in field["/Opt"]]
        assert exports == ["", *(rating.value for rating in item.ratings)]
        assert field.get("/V") == ""
    r4 = [str(option[0]) for option in fields["R4_rating"]["/Opt"]]
    s4 = [str(option[0]) for option in fields["S4_rating"]["/Opt"]]
    a1 = [str(option[0]) for option in fields["A1_rating"]["/Opt"]]
    assert r4[-1] == "n/a"
    assert s4[-1] == "not-yet-due"
    assert a1[-2:] == ["practised", "not-known"]
    for flag in framework.red_flags:
        options = [str(o[0]) for o in fields[f"redflag_{flag.id}"]["/Opt"]]
        assert options == ["", "yes", "no"]


def test_text_fields(framework: Framework, fields: dict[str, Any]) -> None:
    for name, field in fields.items():
        if name.endswith(("_evidence", "_note", "_reason")) or name == "scheme_notes":
            assert field["/FT"] == "/Tx"
            assert int(field["/Ff"]) & MULTILINE, name


def test_framework_is_recorded_read_only(
    framework: Framework, fields: dict[str, Any], reader: PdfReader
) -> None:
    field = fields["framework"]
    assert field["/V"] == framework.key == "mentoring-schemes@1.1"
    assert int(field["/Ff"]) & READ_ONLY
    assert reader.metadata is not None
    assert reader.metadata["/GuidebuildFramework"] == framework.key


def test_every_field_has_an_accessible_name(reader: PdfReader) -> None:
    labels: dict[str, str] = {}
    for page in reader.pages:
        for annotation in page.get("/Annots", []):
            widget = annotation.get_object()
            assert widget["/Subtype"] == "/Widget"
            labels[str(widget["/T"])] = str(widget["/TU"])
            assert "/StructParent" in widget  # tagged: a Form structure element
    assert labels["A1_rating"] == "A1 rating"
    assert labels["R4_reason"] == "R4 reason"
    assert labels["scheme_assessed_on"] == "Date of this assessment (required)"
    assert all(label.strip() for label in labels.values())


def test_pdf_ua(reader: PdfReader) -> None:
    root = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"])
    assert str(root["/Lang"]) == "en-GB"
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])
    assert "/StructTreeRoot" in root
    metadata = root["/Metadata"].get_data().decode()
    assert 'pdfuaid:part="1"' in metadata
    assert reader.metadata is not None
    assert reader.metadata.title == (
        "Self-assessment framework for formal mentoring schemes for doctors: checklist, version 1.1"
    )


def test_fields_use_the_small_font(reader: PdfReader, form: Path) -> None:
    """A form embeds its field font whole: the fields must use our small subset font."""
    fonts = subprocess.run(["pdffonts", form], capture_output=True, text=True, check=True).stdout
    assert FIELD_FONT_FAMILY.replace(" ", "-") in fonts
    # Typed text is drawn with a simple WinAnsi TrueType font, one byte a character, which
    # pdftk, pypdf and poppler can write; WeasyPrint's own /DA names a CID font.
    acroform = reader.trailer["/Root"]["/AcroForm"]
    font = acroform["/DR"]["/Font"]["/GBFormSans"]
    assert font["/Subtype"] == "/TrueType"
    assert font["/Encoding"] == "/WinAnsiEncoding"
    assert len(font["/Widths"]) == 224
    assert len(font["/FontDescriptor"]["/FontFile2"].get_data()) < 40_000
    for page in reader.pages:
        for widget in page.get("/Annots", []):
            appearance = str(widget.get_object()["/DA"])
            assert re.fullmatch(r"/GBFormSans 12 Tf [\d.]+ [\d.]+ [\d.]+ rg", appearance)


def _printed_text(form: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", form, "-"], capture_output=True, text=True, check=True
    ).stdout


def test_every_option_is_printed_beside_each_item(framework: Framework, form: Path) -> None:
    """On paper a choice field shows only its value: the table lists every option."""
    text = _printed_text(form)
    ids = list(framework.items)
    for index, (item_id, item) in enumerate(framework.items.items()):
        start = text.index(f"What each rating looks like for {item_id}.")
        end = text.index(f"{ids[index + 1]} ", start) if index + 1 < len(ids) else len(text)
        block = text[start:end]
        for rating in item.ratings:
            assert re.search(rf"^\s*{re.escape(rating.value)}\b", block, re.MULTILINE), (
                item_id,
                rating,
            )
        for rating in set(Rating) - set(item.ratings):
            assert not re.search(rf"^\s*{re.escape(rating.value)}\s", block, re.MULTILINE)
        assert f"{item_id} rating" in block
        assert " ".join(item.descriptors.adequate.split()[:4]) in " ".join(block.split())


def test_reproducible_with_an_epoch(framework: Framework, form: Path, tmp_path: Path) -> None:
    again = write_checklists(framework, tmp_path, ["pdf"], epoch=EPOCH)[0]
    assert again.read_bytes() == form.read_bytes()


def test_the_template_cannot_read_outside_its_folder(framework: Framework, tmp_path: Path) -> None:
    page = tmp_path / "templates" / "forms" / "pdf" / "checklist.html"
    page.parent.mkdir(parents=True)
    page.write_text(
        (package_dir("templates", "forms", "pdf") / "checklist.html")
        .read_text()
        .replace(
            '<link rel="stylesheet" href="checklist.css">',
            '<link rel="stylesheet" href="checklist.css">\n'
            '<link rel="stylesheet" href="file:///etc/passwd">',
        )
    )
    with pytest.raises(BuildError) as caught:
        write_pdf_form(framework, tmp_path / "form.pdf", templates=Templates(tmp_path))
    assert "outside its folder" in caught.value.message
    assert [p.message for p in caught.value.problems] == ["names file:///etc/passwd"]


# -- bad filled forms --------------------------------------------------------------------------

BAD_PDFS: dict[str, list[str]] = {
    "truncated.pdf": [
        "the PDF is incomplete (it does not end with %%EOF): it was probably cut short while "
        "being saved, copied or sent; save or send the whole file again"
    ],
    "encrypted.pdf": [
        "the PDF is encrypted (password-protected), so its answers cannot be read: save a "
        "copy without a password or security settings and assess that"
    ],
    "flattened.pdf": [
        "the PDF has no form fields, so it is not a filled checklist form (was it printed to "
        "PDF or flattened?): fill in the checklist form itself"
    ],
    "other-version.pdf": [
        "field framework (page 1): framework mentoring-schemes@2.0 is not known; known "
        f"frameworks: mentoring-schemes@1.1, mentoring-schemes@1.0{SEARCHED}"
    ],
    "changed-framework.pdf": [
        "field framework (page 1): the form says 'mentoring-schemes@0.9' but the document "
        "says it was made from 'mentoring-schemes@1.0': the read-only framework field has "
        "been changed; fill in a fresh copy of the checklist"
    ],
    "bad-rating.pdf": [
        "field A1_rating (page 3): A1: rating must be one of absent, weak, adequate, strong, "
        "not text 'excellent'"
    ],
    "rating-not-allowed.pdf": [
        "field A1_rating (page 3): A1 does not allow n/a; it takes absent, weak, adequate, strong",
        "field A1_rating (page 3): A1: n/a needs a reason: say why the item does not apply",
        "field R4_rating (page 5): R4 does not allow not-yet-due; it takes absent, weak, "
        "adequate, strong, n/a",
    ],
}


def test_a_date_typed_as_people_type_it_reads(tmp_path: Path) -> None:
    """31/03/2025 was refused when dates had to be YYYY-MM-DD; it is read day first now."""
    from guidebuild.answers import read_answers

    answers, _ = read_answers(FIXTURES / "bad-date.pdf", Catalogue(CHECKLISTS))
    assert answers.scheme.as_dict()["assessed_on"] == "2025-03-31"


@pytest.mark.parametrize("name", BAD_PDFS)
def test_bad_filled_form(name: str, tmp_path: Path) -> None:
    assert_refused(FIXTURES / name, BAD_PDFS[name], fmt="html", out=tmp_path / "report.html")


def test_any_damage_gives_our_error_never_a_traceback(form: Path, tmp_path: Path) -> None:
    """Overwrite slices of a filled form with junk: a result or our error, never a crash."""
    from guidebuild.answers import read_answers
    from guidebuild.errors import InputError

    data = bytearray((FIXTURES / "bad-date.pdf").read_bytes())
    catalogue = Catalogue(CHECKLISTS)
    step = max(1, len(data) // 40)
    for start in range(0, len(data) - 64, step):
        damaged = bytearray(data)
        damaged[start : start + 48] = b"\x00garbage)>>]endobj xref 0 9 trailer<</Root 99 0 R"[:48]
        path = tmp_path / "damaged.pdf"
        path.write_bytes(bytes(damaged))
        try:
            read_answers(path, catalogue)
        except InputError as error:
            assert error.problems, error.message


# -- what other tools do to forms ------------------------------------------------------------


def _synthetic_form(path: Path) -> None:
    """A form as other tools write them: radio groups, stale values, /Opt pairs, CR lines."""
    from pypdf import PdfWriter
    from pypdf.generic import (
        ArrayObject,
        DictionaryObject,
        NameObject,
        NumberObject,
        TextStringObject,
    )

    writer = PdfWriter()
    page = writer.add_blank_page(595, 842)
    fields = ArrayObject()
    annotations = ArrayObject()

    def add(entries: dict[str, Any], kids: list[dict[str, Any]] | None = None) -> None:
        field = DictionaryObject({NameObject(k): v for k, v in entries.items()})
        reference = writer._add_object(field)
        if kids is None:
            field[NameObject("/Subtype")] = NameObject("/Widget")
            field[NameObject("/P")] = page.indirect_reference
            annotations.append(reference)
        else:
            kid_refs = ArrayObject()
            for kid in kids:
                widget = DictionaryObject({NameObject(k): v for k, v in kid.items()})
                widget[NameObject("/Subtype")] = NameObject("/Widget")
                widget[NameObject("/Parent")] = reference
                widget[NameObject("/P")] = page.indirect_reference
                kid_ref = writer._add_object(widget)
                kid_refs.append(kid_ref)
                annotations.append(kid_ref)
            field[NameObject("/Kids")] = kid_refs
        fields.append(reference)

    def text(name: str, value: str) -> None:
        add({"/T": TextStringObject(name), "/FT": NameObject("/Tx"),
             "/V": TextStringObject(value)})  # fmt: skip

    def opts(*values: str | tuple[str, str]) -> ArrayObject:
        return ArrayObject(
            ArrayObject([TextStringObject(v[0]), TextStringObject(v[1])])
            if isinstance(v, tuple)
            else TextStringObject(v)
            for v in values
        )

    text("framework", "mentoring-schemes@1.0")
    text("scheme_name", "Synthetic")
    text("scheme_organisation", "Tools Trust")
    text("scheme_assessed_on", "2025-01-31")
    radio = NumberObject((1 << 14) + (1 << 15))
    # A radio group whose states are indices into /Opt; the parent /V was left stale.
    add(
        {"/T": TextStringObject("A1_rating"), "/FT": NameObject("/Btn"), "/Ff": radio,
         "/V": NameObject("/Off"), "/Opt": opts("absent", "weak", "adequate", "strong")},
        [{"/AS": NameObject(state)} for state in ("/Off", "/Off", "/2", "/Off")],
    )  # fmt: skip
    # A radio group with named states: the widget says strong, the parent still says weak.
    add(
        {"/T": TextStringObject("A2_rating"), "/FT": NameObject("/Btn"), "/Ff": radio,
         "/V": NameObject("/weak")},
        [{"/AS": NameObject(state)} for state in ("/Off", "/Off", "/Off", "/strong")],
    )  # fmt: skip
    # A choice whose tool stored the text shown rather than the export value.
    add({"/T": TextStringObject("A3_rating"), "/FT": NameObject("/Ch"),
         "/Ff": NumberObject(1 << 17), "/V": TextStringObject("Weak: partial"),
         "/Opt": opts(("absent", "Absent"), ("weak", "Weak: partial"))})  # fmt: skip
    text("A3_evidence", "First\r\nSecond\rThird\n\n")
    # A choice field without /Opt: its value is taken as it is.
    add({"/T": TextStringObject("A4_rating"), "/FT": NameObject("/Ch"),
         "/V": TextStringObject("absent")})  # fmt: skip
    page[NameObject("/Annots")] = annotations
    writer._root_object[NameObject("/AcroForm")] = DictionaryObject({NameObject("/Fields"): fields})
    with path.open("wb") as stream:
        writer.write(stream)


def test_reading_what_other_tools_write(tmp_path: Path) -> None:
    from guidebuild.answers import read_answers

    path = tmp_path / "synthetic.pdf"
    _synthetic_form(path)
    answers, _ = read_answers(path, Catalogue(CHECKLISTS))
    got = {item: answer.rating.value for item, answer in answers.answers.items()}
    assert got == {"A1": "adequate", "A2": "strong", "A3": "weak", "A4": "absent"}
    assert answers.answers["A3"].evidence == ("First", "Second", "Third")
    assert answers.scheme.organisation == "Tools Trust"


@pytest.mark.parametrize("client", ["pdftk", "pypdf"])
def test_tools_draw_the_typed_text_legibly(client: str, form: Path, tmp_path: Path) -> None:
    """pdftk and pypdf draw values one byte a character: the field font must be simple."""
    from tests.fixtures.forms import clients

    filled = tmp_path / "filled.pdf"
    values = {"A1_rating": "adequate", "A1_evidence": "Terms of reference"}
    fill = clients.fill_pdftk_xfdf if client == "pdftk" else clients.fill_pypdf
    fill(form, values, filled)
    drawn = {}
    for page in PdfReader(filled).pages:
        for annotation in page.get("/Annots", []):
            widget = annotation.get_object()
            if str(widget["/T"]) in values:
                drawn[str(widget["/T"])] = widget["/AP"]["/N"].get_object().get_data()
    assert b"(adequate)" in drawn["A1_rating"]
    assert b"(Terms of reference)" in drawn["A1_evidence"]


def test_a_projects_own_templates_are_used(framework: Framework, tmp_path: Path) -> None:
    # File by file: the project overrides the page only; the stylesheet is the package's.
    page = tmp_path / "templates" / "forms" / "pdf" / "checklist.html"
    page.parent.mkdir(parents=True)
    original = (package_dir("templates", "forms", "pdf") / "checklist.html").read_text()
    page.write_text(original.replace("<h1>Self-assessment checklist</h1>", "<h1>Ours</h1>"))
    form = write_checklists(framework, tmp_path / "out", ["pdf"], templates=Templates(tmp_path))[0]
    assert _printed_text(form).lstrip().startswith("Ours\n")
