"""The report renderers: text, csv, html and md (escaping above all), the chart and links."""

from __future__ import annotations

import datetime as dt
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from msgspec import structs

from guidebuild.errors import InputError
from guidebuild.framework.answers import Answer, Answers, Format, Scheme
from guidebuild.framework.model import Rating
from guidebuild.framework.scoring import Assessment, assess
from guidebuild.report.chart import domain_chart
from guidebuild.report.csv_report import render_csv
from guidebuild.report.data import assessment_to_dict, summary_row, summary_to_dict
from guidebuild.report.links import Recommendations, check_base_url
from guidebuild.report.markup import MarkupRenderer, md_escape
from guidebuild.report.pipeline import write_atomically
from guidebuild.report.text import bar, render_text
from guidebuild.resources import Templates
from tests.test_scoring import make_domain, make_framework, make_item

REPO = Path(__file__).resolve().parent.parent
TEMPLATES = Templates(None)
EVIL = '<script>alert("x")</script> [click](javascript:alert(1)) | *bold* & "q"'

FRAMEWORK = make_framework(
    make_domain("aims", [make_item("A1", must=True), make_item("A2")], core=True),
    make_domain("resources", [make_item("R1", allows=["n/a"]), make_item("R2", allows=["n/a"])]),
)


def hostile_assessment() -> Assessment:
    """A scheme file whose every text field tries to break out of the report."""
    answers = Answers(
        source="evil.yaml",
        format=Format.YAML,
        framework_id=FRAMEWORK.id,
        framework_version=FRAMEWORK.version,
        scheme=Scheme(
            name=EVIL,
            organisation=EVIL,
            assessed_on=dt.date(2025, 1, 1),
            contact=EVIL,
            assessed_by=EVIL,
            notes="# heading\n1. list " + EVIL,
        ),
        answers={
            "A1": Answer("A1", Rating.WEAK, evidence=(EVIL,), note=EVIL, owner=EVIL),
            "A2": Answer("A2", Rating.STRONG, evidence=(EVIL,)),
            "R1": Answer("R1", Rating.NA, reason=EVIL),
            "R2": Answer("R2", Rating.NA, reason=EVIL),
        },
    )
    return assess(FRAMEWORK, answers)


def renderer(kind: str, entries: dict[str, dict[str, str]] | None = None) -> MarkupRenderer:
    return MarkupRenderer(TEMPLATES, kind, Recommendations(entries or {}, None))


def render(kind: str, assessment: Assessment, links: Recommendations | None = None) -> str:
    markup = MarkupRenderer(TEMPLATES, kind, links or Recommendations({}, None))
    section = markup.section(assessment_to_dict(assessment), index=1, batch=False)
    return markup.page([section], None)


# -- text ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("percent", "full"),
    [(None, 0), (0.0, 0), (4.9, 0), (5.0, 1), (55.5, 11), (99.9, 19), (100.0, 20)],
)
def test_bar_has_one_cell_per_five_percent(percent: float | None, full: int) -> None:
    drawn = bar(percent)
    assert len(drawn) == 20
    assert drawn.count("█") == full


def test_colour_adds_escapes_but_no_words() -> None:
    assessment = hostile_assessment()
    plain = render_text(assessment, color=False)
    coloured = render_text(assessment, color=True)
    assert "\x1b[" not in plain
    assert "\x1b[31mred" in coloured
    assert re.sub(r"\x1b\[[0-9;]*m", "", coloured) == plain


def test_text_marks_capped_and_not_assessable_domains() -> None:
    text = render_text(hostile_assessment())
    assert "capped: must-meet item below adequate" in text
    assert "   n/a  not-assessable" in text


# -- json and csv ----------------------------------------------------------------------------


def test_json_is_plain_data_that_round_trips() -> None:
    data = assessment_to_dict(hostile_assessment())
    assert json.loads(json.dumps(data)) == data
    assert data["domains"][1]["percent"] is None
    assert data["domains"][1]["verdict"] == "not-assessable"
    assert data["must_meet_failures"] == ["A1"]


def test_csv_neutralises_formulas_and_unions_domains() -> None:
    assessment = hostile_assessment()
    row = structs.replace(summary_row(assessment), name='=HYPERLINK("http://x")', organisation="+1")
    other = structs.replace(row, domains=row.domains[:1], source="b.yaml")
    text = render_csv([row, other])
    header, first, second = text.splitlines()
    assert header.split(",")[8:12] == [
        "aims_percent", "aims_verdict", "resources_percent", "resources_verdict"
    ]  # fmt: skip
    assert first.startswith('evil.yaml,"\'=HYPERLINK(""http://x"")",\'+1,')
    assert ",,not-assessable," in first
    assert second.count(",,") >= 1  # the missing domain's cells are empty


def test_summary_counts_bands() -> None:
    row = summary_row(hostile_assessment())
    assert summary_to_dict([row, row])["bands"] == {row.band: 2}


# -- html ------------------------------------------------------------------------------------


class Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.hrefs: list[str] = []
        self.attrs: dict[str, list[dict[str, str | None]]] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs.setdefault(tag, []).append(dict(attrs))
        self.hrefs += [v or "" for k, v in attrs if k == "href"]


def test_html_escapes_everything_from_the_scheme_file() -> None:
    page = render("html", hostile_assessment())
    parsed = Collector()
    parsed.feed(page)
    assert "script" not in parsed.tags
    assert not any("javascript:" in href for href in parsed.hrefs)
    assert "&lt;script&gt;" in page
    assert EVIL not in page


def test_html_is_a_self_contained_accessible_page() -> None:
    page = render("html", hostile_assessment())
    parsed = Collector()
    parsed.feed(page)
    assert parsed.attrs["html"] == [{"lang": "en-GB"}]
    assert parsed.tags.count("h1") == 1
    assert "link" not in parsed.tags  # styles are inline
    assert not re.search(r'src="http', page)
    (svg,) = parsed.attrs["svg"]
    assert svg["role"] == "img"
    assert svg["aria-labelledby"] == "scheme-1-chart-title scheme-1-chart-desc"
    assert all("scope" in th for th in parsed.attrs["th"])
    assert "@media print" in page


def test_html_links_actions_to_the_guidance() -> None:
    links = Recommendations(
        {
            "rec-a1": {"number": "4.1", "title": "Write down the aims", "url": "schemes.html#a1"},
            "rec-r1": {"number": "9.9", "title": "Bad", "url": "javascript:alert(1)"},
        },
        check_base_url("https://example.org/guide"),
    )
    page = render("html", hostile_assessment(), links)
    assert '<a href="https://example.org/guide/schemes.html#a1">4.1 Write down the aims</a>' in page


# -- md --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("<b>x</b>", "&lt;b&gt;x&lt;/b&gt;"),
        ("[a](javascript:x)", "\\[a\\](javascript:x)"),
        ("a | b", "a \\| b"),
        ("*x* _y_ `z`", "\\*x\\* \\_y\\_ \\`z\\`"),
        ("# not a heading", "\\# not a heading"),
        ("1. not a list", "\\1. not a list"),
        ("66.6%", "66.6%"),
        ("two\nlines", "two lines"),
    ],
)
def test_md_escape(text: str, escaped: str) -> None:
    assert md_escape(text) == escaped


def test_md_escapes_everything_from_the_scheme_file() -> None:
    page = render("md", hostile_assessment())
    assert "<script" not in page
    assert not re.search(r"(?<!\\)\]\(javascript:", page)  # only an escaped \]( remains
    assert "\\](javascript:" in page
    assert EVIL not in page
    # Every table row keeps its column count: pipes in the text are escaped.
    for line in page.splitlines():
        if line.startswith("| RAG"):
            assert line.count("|") == 9


def test_md_links_and_chart() -> None:
    links = Recommendations(
        {"rec-a1": {"number": "4.1", "title": "Write down the aims", "url": "schemes.html#a1"}},
        check_base_url("https://example.org/guide/"),
    )
    page = render("md", hostile_assessment(), links)
    assert "[4.1 Write down the aims](https://example.org/guide/schemes.html#a1)" in page
    assert "![Bar chart of the domain scores](data:image/svg+xml;base64," in page


# -- chart and links -------------------------------------------------------------------------


def test_chart_bars_labels_and_escaping() -> None:
    svg = domain_chart(
        [("Aims & <scope>", 62.5, "adequate"), ("Resources", None, "not-assessable")],
        ident="c",
        title="Scores",
    )
    assert svg.count("<rect") == 1
    assert 'width="187.5"' in svg  # 62.5 % of a 300-wide bar
    assert "Aims &amp; &lt;scope&gt;" in svg
    assert (
        '<desc id="c-desc">Aims &amp; &lt;scope&gt;: 62.5% adequate; Resources: not '
        "assessable not-assessable</desc>" in svg
    )


def test_recommendations_from_the_build(tmp_path: Path) -> None:
    (tmp_path / "_build").mkdir()
    (tmp_path / "_build" / "recommendations.json").write_text(
        json.dumps(
            [
                {
                    "id": "let-mentees-choose",
                    "number": "6.3",
                    "title": "Let mentees choose",
                    "url": "mentees.html#let-mentees-choose",
                }
            ]
        ),
        encoding="utf-8",
    )
    with_base = Recommendations.load(tmp_path, "file:///site/")
    link = with_base.get("let-mentees-choose")
    assert (link.label, link.url) == (
        "6.3 Let mentees choose",
        "file:///site/mentees.html#let-mentees-choose",
    )
    no_base = Recommendations.load(tmp_path, None).get("let-mentees-choose")
    assert (no_base.label, no_base.url) == ("6.3 Let mentees choose", None)
    unknown = with_base.get("other-id")
    assert (unknown.label, unknown.url) == ("other-id", None)
    nothing = Recommendations.load(tmp_path / "elsewhere", "https://x.org/").get("a")
    assert (nothing.label, nothing.url) == ("a", None)


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (b"[{", "not valid JSON"),
        (b"\xff\xfe[]", "not valid JSON"),
        (b"[" * 100_000, "nested too deeply"),
    ],
)
def test_a_broken_recommendations_file(tmp_path: Path, content: bytes, said: str) -> None:
    (tmp_path / "_build").mkdir()
    (tmp_path / "_build" / "recommendations.json").write_bytes(content)
    with pytest.raises(InputError, match=said):
        Recommendations.load(tmp_path, None)


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://x.org", "example.org", "/guide"])
def test_unsafe_base_urls_are_refused(url: str) -> None:
    with pytest.raises(InputError, match="must start with http://, https:// or file://"):
        check_base_url(url)


def test_safe_base_urls_end_with_a_slash() -> None:
    assert check_base_url("https://x.org/guide") == "https://x.org/guide/"
    assert check_base_url("file:///srv/site/") == "file:///srv/site/"


# -- writing ---------------------------------------------------------------------------------


def test_write_atomically_replaces_and_leaves_nothing_behind(tmp_path: Path) -> None:
    target = tmp_path / "report.md"
    target.write_text("old", encoding="utf-8")
    write_atomically(target, "new ✓")
    assert target.read_text(encoding="utf-8") == "new ✓"
    assert list(tmp_path.iterdir()) == [target]
    with pytest.raises(InputError, match="it is a folder"):
        write_atomically(tmp_path, "x")
