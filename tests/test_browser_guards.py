"""The site's guards in a real headless Chromium (issue 30): a place name is text in the
map's popup, and every page works under its Content-Security-Policy."""

from __future__ import annotations

import shutil
import urllib.parse

import pytest

from .browser import browser_page, running_site
from .conftest import EVENTS, ROOT, SEEDS

pytestmark = [pytest.mark.slow, pytest.mark.browser]

HOSTILE_NAME = '<img src=x onerror="window.armstimelinePwned = 1">Dhaka'
EVENT = "bangladesh-arms-loan-2013"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile-site")
    events = root / "events"
    shutil.copytree(EVENTS, events)
    shutil.copytree(SEEDS, root / "seeds")
    path = events / f"{EVENT}.yml"
    text = path.read_text("utf-8")
    assert "- {name: Moscow," in text
    path.write_text(text.replace("- {name: Moscow,", f"- {{name: '{HOSTILE_NAME}',"), "utf-8")
    with running_site(root / "armstimeline.db", events, root / "seeds",
                      ROOT / "metadata.yml") as base:  # fmt: skip
        yield base


def watch_policy(page) -> list[str]:
    """Every Content-Security-Policy violation the page reports."""
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text)
            if "Content Security Policy" in m.text else None)  # fmt: skip
    return violations


def test_a_place_name_is_text_in_the_map_popup(site):
    with browser_page() as page:
        violations = watch_policy(page)
        page.goto(f"{site}/events/{EVENT}")
        marker = page.locator("#armstimeline-map .leaflet-marker-icon").first
        marker.wait_for(timeout=10_000)
        marker.click()
        popup = page.locator(".leaflet-popup-content")
        popup.wait_for()
        assert popup.inner_text() == HOSTILE_NAME
        assert popup.locator("img").count() == 0
        assert page.evaluate("window.armstimelinePwned") is None
        assert violations == []


@pytest.mark.parametrize(
    "path",
    ["/", "/events", f"/events/{EVENT}", "/countries/BGD", "/timeline", "/armstimeline/events",
     "/armstimeline?" + urllib.parse.urlencode(
         {"sql": "select 40.18 as latitude, 44.5 as longitude, 'x' as name"})],
)  # fmt: skip
def test_pages_work_under_their_policy(site, path):
    """No script or style the page needs is blocked (Chromium logs each violation)."""
    with browser_page() as page:
        violations = watch_policy(page)
        response = page.goto(site + path)
        assert response is not None and response.status == 200
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
        page.wait_for_load_state("networkidle")
        if path.startswith("/armstimeline?"):  # the map of a query with coordinates
            page.locator(".leaflet-container").first.wait_for(timeout=10_000)
        assert violations == [], path
