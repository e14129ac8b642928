"""WCAG 2.2 AA in a real browser: axe-core on every page of the built site.

The site is opened from file:// in Debian's Chromium with the network refused, at a
desktop width and at 320 CSS pixels (reflow, WCAG 1.4.10).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser import axe_violations, browser, describe, offline

WIDTHS = (1280, 320)


@pytest.mark.browser
def test_every_page_has_no_wcag_violations(guidance: Path) -> None:
    site = guidance / "_build" / "html"
    pages = sorted(site.rglob("*.html"))
    assert len(pages) >= 15
    failures = []
    with browser() as chromium:
        for width in WIDTHS:
            context = chromium.new_context(viewport={"width": width, "height": 900})
            page = context.new_page()
            attempted = offline(page)
            for path in [*pages, site / "search.html?q=mentor"]:
                url = path.as_uri() if path.exists() else f"{site.as_uri()}/search.html?q=mentor"
                page.goto(url)
                page.wait_for_load_state("load")
                found = axe_violations(page)
                if found:
                    failures.append(f"{path.name} at {width}px:\n{describe(found)}")
                scroll = page.evaluate("document.documentElement.scrollWidth")
                if scroll > width:
                    failures.append(f"{path.name} at {width}px scrolls sideways ({scroll}px)")
            context.close()
            assert attempted == [], f"the site reached for the network: {attempted}"
    assert failures == [], "\n\n".join(failures)


@pytest.mark.browser
def test_axe_does_find_violations(tmp_path: Path) -> None:
    """The control: a page with known faults must fail, or the test above proves nothing."""
    bad = tmp_path / "bad.html"
    bad.write_text(
        "<!DOCTYPE html><html><head><title>Bad</title></head><body>"
        "<img src='x.png'><p style='color:#ccc;background:#fff'>faint</p>"
        "<a href='#'></a></body></html>"
    )
    with browser() as chromium:
        page = chromium.new_page()
        offline(page)
        page.goto(bad.as_uri())
        found = {violation["id"] for violation in axe_violations(page)}
    assert {"image-alt", "color-contrast", "link-name", "html-has-lang"} <= found
