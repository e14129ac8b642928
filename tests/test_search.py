"""The site's search in a real browser, opened from disk as readers do.

A search for "allocation" or "e-mail" lists each page once, with a snippet, under a
sentence-case heading; the first hit leads to an element that exists; and on that page
only whole words are highlighted.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser import browser, offline

pytestmark = pytest.mark.browser


def search(page: Any, site: Path, query: str) -> list[dict[str, str]]:
    page.goto(f"{site.as_uri()}/search.html?q={query}")
    page.wait_for_function(
        "document.querySelector('#search-results .search-summary')"
        " && document.querySelector('#search-results .search-summary').textContent"
    )
    # Snippets are added as each hit is shown; wait for the last one.
    page.wait_for_function(
        "[...document.querySelectorAll('ul.search > li')]"
        ".every(li => li.dataset.gbSnippet !== undefined)"
    )
    hits: list[dict[str, str]] = page.evaluate(
        """[...document.querySelectorAll('ul.search > li')].map(li => ({
            title: li.querySelector('a').textContent,
            href: li.querySelector('a').getAttribute('href'),
            snippet: (li.querySelector('.gb-snippet') || {}).textContent || ''}))"""
    )
    return hits


@pytest.mark.parametrize(("query", "word"), [("allocation", "allocation"), ("e-mail", "e-mail")])
def test_first_hit_lands_on_an_element_that_exists(guidance: Path, query: str, word: str) -> None:
    site = guidance / "_build" / "html"
    with browser() as chromium:
        page = chromium.new_page()
        attempted = offline(page)
        hits = search(page, site, query)
        assert hits, f"no results for {query!r}"
        assert page.inner_text("#search-results > h2") == "Search results"
        keys = [(hit["href"].split("#")[0], hit["title"]) for hit in hits]
        assert len(keys) == len(set(keys)), f"a page is listed twice: {keys}"
        assert all(hit["snippet"] for hit in hits), hits
        assert any(word in hit["snippet"].lower() for hit in hits), hits

        first = hits[0]["href"]
        page.click("ul.search > li:first-child > a")
        page.wait_for_load_state("load")
        if "#" in first:
            anchor = first.split("#", 1)[1]
            assert page.evaluate("(id) => !!document.getElementById(id)", anchor), first
        marked = page.eval_on_selector_all(
            "main span.highlighted", "spans => spans.map(s => s.textContent.toLowerCase())"
        )
        assert marked, f"nothing highlighted after following {first}"
        assert set(marked) == {word}, marked
        assert attempted == []


def test_recommendation_hits_link_to_their_permanent_ids(guidance: Path) -> None:
    import json
    import re

    manifest = json.loads((guidance / "_build" / "recommendations.json").read_text())
    urls = {entry["url"] for entry in manifest}
    site = guidance / "_build" / "html"
    with browser() as chromium:
        page = chromium.new_page()
        offline(page)
        hits = search(page, site, "e-mail")  # 8.2 Take care with e-mail
    numbered = [hit for hit in hits if re.match(r"\d+\.\d+ ", hit["title"])]
    assert numbered, hits
    assert all(hit["href"] in urls for hit in numbered), numbered
