"""What a reader sees: a real headless Chromium on the served site."""

from __future__ import annotations

import pytest

from .browser import browser_page, running_site
from .conftest import EVENTS, ROOT, SEEDS

pytestmark = [pytest.mark.slow, pytest.mark.browser]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    db = tmp_path_factory.mktemp("browser") / "armstimeline.db"
    with running_site(db, EVENTS, SEEDS, ROOT / "metadata.yml") as base:
        yield base


def test_facet_click_shows_the_right_events(site, tmp_path):
    """Open the events page, click the Turkey country facet, see Turkey's events only."""
    with browser_page() as page:
        page.goto(site + "/armstimeline/events")
        assert "events" in page.title()
        facet = page.locator(".facet-info[data-column='countries']")
        facet.get_by_role("link", name="TUR", exact=False).first.click()
        page.wait_for_url("**_through=**")
        titles = page.locator("table.rows-and-columns td.col-title").all_inner_texts()
        assert any("S-400" in t for t in titles), titles
        assert any("F-35" in t for t in titles), titles
        assert not any("Myanmar" in t for t in titles), titles
        shot = tmp_path / "events-turkey.png"
        page.screenshot(path=str(shot), full_page=True)
        assert shot.stat().st_size > 10_000
        print(f"screenshot: {shot}")


def test_row_page_shows_links(site):
    with browser_page() as page:
        page.goto(site + "/armstimeline/events/turkey-s400-purchase-2019")
        body = page.locator("body").inner_text()
        assert "Turkey buys Russia's S-400" in body
        assert "citations" in body and "relations" in body
