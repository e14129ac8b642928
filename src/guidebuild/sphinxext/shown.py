"""What one page shows of others: kept from build to build, to write again only the pages
whose view of the others changed.

Sphinx writes a page again when its own source changed, and the parent of a changed page's
toctree. A page that shows what other pages hold (numbers, titles, links, the whole
navigation) must also be written when that changed, or an incremental build (and
``serve``) differs from a clean one. Each kind of view keeps a record of what the last
build showed, on the environment, which Sphinx saves with it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from sphinx.application import Sphinx

if TYPE_CHECKING:
    from sphinx.environment import BuildEnvironment

Shown = TypeVar("Shown")


def last_shown(env: BuildEnvironment, name: str, now: Shown) -> Shown | None:
    """Record ``now`` as what this build shows under ``name``; give the last build's record,
    or None when there is none (the first build, which writes every page anyway)."""
    before: Shown | None = env.__dict__.get(name)
    env.__dict__[name] = now
    return before


def changed_keys(before: dict[str, object] | None, now: dict[str, object]) -> set[str]:
    """The keys whose values differ between two records (every key without an earlier one)."""
    if before is None:
        return set(now)
    return {key for key in before.keys() | now.keys() if before.get(key) != now.get(key)}


NAVIGATION_RECORD = "guidebuild_navigation_shown"


def _navigation(env: BuildEnvironment) -> dict[str, object]:
    """What every page's navigation shows of each page: its title, its headings (the
    contents list goes two levels deep), its section numbers and the pages it includes;
    and its figure and table numbers, which a reference from any page shows."""
    return {
        docname: (
            env.titles[docname].astext() if docname in env.titles else "",
            env.tocs[docname].pformat() if docname in env.tocs else "",
            sorted(env.toc_secnumbers.get(docname, {}).items()),
            env.toctree_includes.get(docname, []),
            sorted(
                (kind, sorted(numbers.items()))
                for kind, numbers in env.toc_fignumbers.get(docname, {}).items()
            ),
        )
        for docname in env.all_docs
    }


def pages_with_new_navigation(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """Every page, when a title, heading, number or the order of pages changed: each page's
    contents list and previous and next links show them (and references, numbers)."""
    now = _navigation(env)
    before = last_shown(env, NAVIGATION_RECORD, now)
    if before is None or before == now:
        return []
    return sorted(env.all_docs)


def setup_shown(app: Sphinx) -> None:
    app.connect("env-get-updated", pages_with_new_navigation)
