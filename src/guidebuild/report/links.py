"""Resolve recommendation IDs to their number, title and link in the published guidance.

The build writes ``_build/recommendations.json`` (a list of ``{"id", "number", "title",
"text", "status", "chapter", "url"}`` with ``url`` relative to the site root). When it is
there, reports show "4.1 Write down the aims" and link it; outside a built
project the manifest shipped beside the framework (``recommendations.json``, with the
published guidance's address) does the same; without either they show the ID alone.
Links need a base, ``--guidance-url``, else the manifest's ``site_url``: conf.py is code,
and ``assess`` never runs it. Nothing here is read unless a report actually shows links.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote, urlsplit

from msgspec import DecodeError, Struct, json

from guidebuild.errors import InputError

RECOMMENDATIONS_FILE = Path("_build") / "recommendations.json"
_SAFE_SCHEMES = ("http", "https", "file")
MAX_MANIFEST_BYTES = 10 * 1024 * 1024
"""Largest recommendations.json read: the guidance's is a few tens of KB."""


class RecommendationLink(Struct, frozen=True):
    """How a report shows one recommendation."""

    id: str
    number: str
    """e.g. ``6.3``; empty when unknown."""
    title: str
    """Empty when unknown."""
    url: str | None
    """Absolute link into the guidance, or None when there is no base or no entry."""

    @property
    def label(self) -> str:
        """``6.3 Let mentees choose`` or, when unresolved, the ID."""
        if self.number and self.title:
            return f"{self.number} {self.title}"
        return self.id


def check_base_url(url: str) -> str:
    """Return ``url`` ending with ``/`` if it is a safe base for links; else raise."""
    parts = urlsplit(url.strip())
    if parts.scheme.lower() not in _SAFE_SCHEMES or not (parts.netloc or parts.scheme == "file"):
        raise InputError(
            f"the guidance URL must start with http://, https:// or file://, not {url!r}"
        )
    return url.strip().rstrip("/") + "/"


class Recommendations:
    """Recommendation IDs -> :class:`RecommendationLink`, from the build's manifest."""

    def __init__(self, entries: dict[str, dict[str, str]], base: str | None) -> None:
        self.entries = entries
        self.base = base

    @classmethod
    def load(cls, root: Path | None, base: str | None) -> Recommendations:
        """Read ``<root>/_build/recommendations.json`` if it exists."""
        path = root / RECOMMENDATIONS_FILE if root else None
        if path is not None and path.is_file():
            return cls.from_file(path, base)
        return cls({}, base)

    @classmethod
    def from_file(cls, path: Path, base: str | None) -> Recommendations:
        """Read a build's ``recommendations.json`` (a list) or a shipped manifest.

        A manifest shipped beside a framework is ``{"guidance": {"site_url", ...},
        "recommendations": [...]}``: its site URL is the base of its links unless ``base``
        (``--guidance-url``) is given.
        """
        from guidebuild.yamlsafe import read_bytes

        try:
            # msgspec's decoder is loaded already: importing json as well would be start-up
            # work for nothing.
            raw = json.decode(read_bytes(path, max_bytes=MAX_MANIFEST_BYTES))
        except DecodeError as error:
            message = f"{path}: not valid JSON ({error}); rebuild the guidance"
            raise InputError(message) from None
        except RecursionError:
            message = f"{path}: not a recommendations manifest (nested too deeply); rebuild"
            raise InputError(message) from None
        if isinstance(raw, dict):
            guidance = raw.get("guidance")
            site = guidance.get("site_url") if isinstance(guidance, dict) else None
            if base is None and isinstance(site, str) and site:
                base = check_base_url(site)
            raw = raw.get("recommendations")
        if not isinstance(raw, list):
            raise InputError(f"{path}: expected a list of recommendations; rebuild")
        entries: dict[str, dict[str, str]] = {}
        for entry in raw:
            if isinstance(entry, dict) and isinstance(entry.get("id"), str):
                entries[entry["id"]] = {
                    key: str(entry.get(key) or "") for key in ("number", "title", "url")
                }
        return cls(entries, base)

    def get(self, rec_id: str) -> RecommendationLink:
        entry = self.entries.get(rec_id)
        if entry is None:
            return RecommendationLink(rec_id, "", "", None)
        url = None
        if self.base and entry["url"]:
            relative = entry["url"].lstrip("/")
            if not urlsplit(relative).scheme:  # only paths inside the site, never javascript:
                url = self.base + quote(relative, safe="/#.-_~%")
        return RecommendationLink(rec_id, entry["number"], entry["title"], url)

    def as_dict(self, rec_ids: list[str]) -> dict[str, RecommendationLink]:
        return {rec_id: self.get(rec_id) for rec_id in rec_ids}
