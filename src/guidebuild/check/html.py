"""Accessibility and link checks on built HTML pages, each problem with file and line."""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from guidebuild.errors import Problem

_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}


@dataclass
class _OpenLink:
    href: str
    line: int
    column: int
    named: bool


class _PageChecker(HTMLParser):
    """Collects images without alt text, skipped heading levels and empty links."""

    def __init__(self, path: Path) -> None:
        super().__init__(convert_charrefs=True)
        self.path = path
        self.problems: list[Problem] = []
        self.last_heading = 0
        self.link: _OpenLink | None = None
        self.hidden_depth = 0
        self.stack: list[str] = []
        self.ids: set[str] = set()

    def _problem(self, message: str) -> None:
        line, column = self.getpos()
        self.problems.append(Problem(self.path, message, line, column + 1))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        anchor = attributes.get("id")
        if anchor:
            if anchor in self.ids:
                self._problem(f"id {anchor!r} is used twice: links to it may land on either")
            self.ids.add(anchor)
        if tag not in _VOID:
            self.stack.append(tag)
        if tag == "img":
            alt = attributes.get("alt")
            if alt is None:
                self._problem(f"image {attributes.get('src', '')!r} has no alt text")
            if self.link is not None and alt:
                self.link.named = True
        elif len(tag) == 2 and tag[0] == "h" and tag[1] in "123456":
            level = int(tag[1])
            if self.last_heading and level > self.last_heading + 1:
                self._problem(f"heading level skips from h{self.last_heading} to h{level}")
            self.last_heading = level
        elif tag == "a" and "href" in attributes:
            named = any(attributes.get(k) for k in ("aria-label", "aria-labelledby", "title"))
            line, column = self.getpos()
            self.link = _OpenLink(attributes["href"] or "", line, column + 1, named)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.stack:
            while self.stack and self.stack.pop() != tag:
                pass
        if tag == "a" and self.link is not None:
            link, self.link = self.link, None
            if not link.named:
                message = f"link to {link.href!r} has no text a reader could follow"
                self.problems.append(Problem(self.path, message, link.line, link.column))

    def handle_data(self, data: str) -> None:
        if self.link is not None and data.strip():
            self.link.named = True


def check_page(path: Path) -> list[Problem]:
    checker = _PageChecker(path)
    checker.feed(path.read_text(encoding="utf-8"))
    checker.close()
    return checker.problems


def check_site(site: Path) -> list[Problem]:
    """Every page of a built site; Sphinx's generated index pages are checked too."""
    problems: list[Problem] = []
    for page in sorted(site.rglob("*.html")):
        problems.extend(check_page(page))
    return problems
