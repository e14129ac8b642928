"""The checklist as a commented YAML scheme file, ready to fill in and assess.

Every item is listed with its question, what each level looks like, the ratings it allows
and the kind of evidence that supports it, all as comments, followed by empty answer keys.
The scheme details hold placeholders (the framework's), which ``assess`` refuses until
they are replaced; an item without a rating counts as absent.
"""

from __future__ import annotations

import datetime as dt
import json
import textwrap
from pathlib import Path

from guidebuild.fields import DATE_HINT, finished_text
from guidebuild.framework.model import RED_FLAG_EFFECT, Framework, Item

WIDTH = 92
"""Comment lines wrap at this width, which every editor shows without scrolling."""


def write_yaml_template(
    framework: Framework, target: Path, *, epoch: int | None = None, contact: str | None = None
) -> None:
    """Write the template of ``framework`` to ``target``, dated by ``epoch`` or today."""
    today = (
        dt.datetime.fromtimestamp(epoch, dt.UTC).date() if epoch is not None else dt.date.today()
    )
    text = render_yaml_template(framework, today, contact)
    target.write_text(text, encoding="utf-8", newline="\n")


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


def render_yaml_template(framework: Framework, today: dt.date, contact: str | None = None) -> str:
    """The template's text; ``today`` is the date of the assessment where the framework
    gives it no placeholder (framework 1.0)."""
    out = _header(framework, contact)
    out += ["", f"framework: {framework.key}", "", "scheme:"]
    out += _details(framework, today)
    out += _red_flags(framework)
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
            out += _item(item, framework)
    return "\n".join(out) + "\n"


def _header(framework: Framework, contact: str | None) -> list[str]:
    """How to fill it in, the tie-break, what to do when finished, and the scale."""
    out: list[str] = []
    out += _comment(f"Self-assessment checklist. {framework.title}.")
    out += _comment(f"Framework {framework.id}, version {framework.version}.")
    out.append("#")
    kinds = framework.rules.evidence.kinds
    evidence_help = (
        "Adequate or strong needs evidence: the documents, records or links that show it "
        "(one, or a list of several). Without evidence the item counts as weak."
    )
    if kinds:
        labels = ", ".join(f"{k.label}:" for k in kinds)
        evidence_help = (
            "Adequate or strong needs evidence, each piece starting with its kind ("
            + labels
            + '), for example  evidence: "document: scheme handbook, section 2". '
            "Without evidence the item counts as weak; with only a practice seen it counts "
            "as done but not written down."
        )
    out += _comment(
        "How to fill in: replace the placeholders under scheme, then give each item a rating "
        f"from the ones listed above it. {evidence_help} An item left without a rating "
        "counts as absent."
    )
    if framework.rules.tie_break:
        out += _comment(framework.rules.tie_break)
    out += _comment(finished_text(contact, fmt="yaml"))
    out.append("#")
    out += _comment("The rating scale:")
    for entry in framework.rules.scale.entries:
        label = f"{entry.rating.value}:".ljust(13)
        out += _comment(entry.meaning, prefix=f"  {label}", hang=" " * 15)
    return out


def _details(framework: Framework, today: dt.date) -> list[str]:
    out: list[str] = []
    for field in framework.details:
        help_text = field.label + (" (required)" if field.required else "")
        if field.hint:
            help_text += f": {field.hint}"
        if field.date:
            help_text += f". A date, {DATE_HINT}"
        out += _comment(help_text, indent="  ")
        if field.placeholder:
            out.append(f"  {field.key}: {_quote(field.placeholder)}")
        elif field.key == "assessed_on":
            out.append(f"  {field.key}: {today.isoformat()}  # change it to the assessment's date")
        elif field.date:
            # An empty date is an error, so an optional date starts as a comment.
            out.append(f"  # {field.key}:  # remove the first # and give the date")
        else:
            out.append(f"  {field.key}:")
    return out


def _red_flags(framework: Framework) -> list[str]:
    if not framework.red_flags:
        return []
    out = [""]
    out += _comment(
        f"Red flags: practices that make a {framework.subject.one} something other than "
        "what this checklist assesses. List the ones that are true, for example "
        f"red_flags: [{framework.red_flags[0].id}]. {RED_FLAG_EFFECT} The report then "
        f"begins: {framework.red_flag_warning.strip()}"
    )
    for flag in framework.red_flags:
        out += _comment(f"{flag.id}: {flag.text}", prefix="  ", hang="    ")
    out.append("red_flags: []")
    return out


def _item(item: Item, framework: Framework) -> list[str]:
    out: list[str] = []
    heading = f"{item.id}: {item.title}" + ("  [must meet]" if item.must_meet else "")
    out += _comment(heading, indent="  ")
    out += _comment(item.question, indent="  ")
    for name, text in (
        ("absent", item.descriptors.absent),
        ("weak", item.descriptors.weak),
        ("adequate", item.descriptors.adequate),
        ("strong", item.descriptors.strong),
    ):
        if text:
            out += _comment(text, indent="  ", prefix=f"  {name}: ".ljust(13), hang=" " * 13)
    if item.essential:
        essential = "; ".join(item.essential)
        out += _comment(f"Adequate needs all of: {essential}.", indent="  ", prefix="  ", hang="  ")
    if item.designs:
        out += _comment(item.designs, indent="  ", prefix="  Other designs: ", hang=" " * 4)
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
        scale = framework.rules.scale
        needed = [r.value for r in item.ratings if not r.applies and scale.needs(r, "reason")]
        needed_text = f" (needed for {' and '.join(needed)})" if needed else ""
        out.append(f"    reason:  # why the item is {optional}{needed_text}")
    return out
