"""The checklist as a commented YAML scheme file, ready to fill in and assess.

Every item is listed with its question, what weak, adequate and strong look like, the
ratings it allows and the kind of evidence that supports it, all as comments, followed by
empty answer keys. The template assesses as it is, without an error: the scheme details
hold placeholders to replace, and an item without a rating counts as absent.
"""

from __future__ import annotations

import datetime as dt
import json
import textwrap
from pathlib import Path

from guidebuild.fields import DATE_HINT, RATING_MEANINGS, SCHEME_FIELDS
from guidebuild.framework.model import SCORED_RATINGS, Framework, Item, Rating

WIDTH = 92
"""Comment lines wrap at this width, which every editor shows without scrolling."""

PLACEHOLDERS = {
    "name": "Name of the scheme (replace this)",
    "organisation": "Organisation that runs it (replace this)",
}


def write_yaml_template(framework: Framework, target: Path, *, epoch: int | None = None) -> None:
    """Write the template of ``framework`` to ``target``, dated by ``epoch`` or today."""
    today = (
        dt.datetime.fromtimestamp(epoch, dt.UTC).date() if epoch is not None else dt.date.today()
    )
    target.write_text(render_yaml_template(framework, today), encoding="utf-8", newline="\n")


def _quote(text: str) -> str:
    """A YAML double-quoted scalar: JSON's string syntax is valid YAML."""
    return json.dumps(text, ensure_ascii=False)


def _comment(text: str, indent: str = "", prefix: str = "", hang: str = "") -> list[str]:
    lines = textwrap.wrap(
        " ".join(text.split()),
        width=WIDTH - len(indent) - 2,
        initial_indent=prefix,
        subsequent_indent=hang or " " * len(prefix),
        break_on_hyphens=False,
    )
    return [f"{indent}# {line}".rstrip() for line in lines] or [f"{indent}#"]


def render_yaml_template(framework: Framework, today: dt.date) -> str:
    """The template's text; ``today`` is the placeholder date of the assessment."""
    out: list[str] = []
    out += _comment(f"Self-assessment checklist. {framework.title}.")
    out += _comment(f"Framework {framework.id}, version {framework.version}.")
    out.append("#")
    out += _comment(
        "How to fill in: replace the placeholders under scheme, then give each item a rating "
        "from the ones listed above it. Adequate or strong needs evidence: the documents, "
        "records or links that show it (one, or a list of several). Without evidence the "
        "item counts as weak. An item left without a rating counts as absent."
    )
    out += _comment(
        "Then score it:  guidebuild assess THIS-FILE.yaml   (keep the framework line as it "
        "is: it says which version of the framework the answers are for)."
    )
    out.append("#")
    out += _comment("The rating scale:")
    for rating in (*SCORED_RATINGS, Rating.NA, Rating.NOT_YET_DUE):
        label = f"{rating.value}:".ljust(13)
        out += _comment(RATING_MEANINGS[rating], prefix=f"  {label}", hang=" " * 15)
    out.append("")
    out.append(f"framework: {framework.key}")
    out.append("")
    out.append("scheme:")
    for field in SCHEME_FIELDS:
        help_text = field.label + (" (required)" if field.required else "")
        if field.hint:
            help_text += f": {field.hint}"
        out += _comment(help_text, indent="  ")
        if field.key in PLACEHOLDERS:
            out.append(f"  {field.key}: {_quote(PLACEHOLDERS[field.key])}")
        elif field.key == "assessed_on":
            out.append(f"  {field.key}: {today.isoformat()}  # change it to the assessment's date")
        elif field.date:
            # An empty date is an error, so an optional date starts as a comment.
            out.append(f"  # {field.key}: {DATE_HINT}  # remove the first # to give the date")
        else:
            out.append(f"  {field.key}:")
    out.append("")
    out.append("answers:")
    for domain in framework.domains:
        out.append("")
        title = f"{domain.title}" + (" (core domain)" if domain.core else "")
        out.append(f"  # {'=' * (WIDTH - 4)}")
        out += _comment(title.upper(), indent="  ")
        if domain.summary:
            out += _comment(domain.summary, indent="  ")
        out.append(f"  # {'=' * (WIDTH - 4)}")
        for item in domain.items:
            out.append("")
            out += _item(item)
    return "\n".join(out) + "\n"


def _item(item: Item) -> list[str]:
    out: list[str] = []
    heading = f"{item.id}: {item.title}" + ("  [must meet]" if item.must_meet else "")
    out += _comment(heading, indent="  ")
    out += _comment(item.question, indent="  ")
    for name, text in (
        ("weak", item.descriptors.weak),
        ("adequate", item.descriptors.adequate),
        ("strong", item.descriptors.strong),
    ):
        out += _comment(text, indent="  ", prefix=f"  {name}: ".ljust(13), hang=" " * 13)
    if item.evidence_hint:
        out += _comment(item.evidence_hint, indent="  ", prefix="Evidence: ", hang=" " * 10)
    allowed = " | ".join(rating.value for rating in item.ratings)
    out += _comment(f"Rating: {allowed}", indent="  ")
    out.append(f"  {item.id}:")
    out.append("    rating:")
    out.append("    evidence:")
    out.append("    note:")
    if item.allows:
        optional = " or ".join(rating.value for rating in item.ratings if not rating.applies)
        needed = " (needed for n/a)" if Rating.NA in item.allows else ""
        out.append(f"    reason:  # why the item is {optional}{needed}")
    return out
