"""What a reader sees: a real headless Chromium on the served site."""

from __future__ import annotations

import pytest

from armstimeline.timeline import load

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
        page.wait_for_url("**_child=**")
        titles = page.locator("table.rows-and-columns td.col-title").all_inner_texts()
        assert any("S-400" in t for t in titles), titles
        assert any("F-35" in t for t in titles), titles
        assert not any("Myanmar" in t for t in titles), titles
        shot = tmp_path / "events-turkey.png"
        page.screenshot(path=str(shot), full_page=True)
        assert shot.stat().st_size > 10_000
        print(f"screenshot: {shot}")


def test_row_page_shows_links(site):
    """The event page names its relations both ways, and the stored row stays reachable."""
    with browser_page() as page:
        page.goto(site + "/armstimeline/events/turkey-s400-purchase-2019")
        body = page.locator("body").inner_text()
        assert "Russia delivers the first S-400 systems to Turkey" in body
        assert "caused → The United States suspends Turkey from the F-35 programme" in body
        assert "part of → Turkey agrees to buy Russia's S-400" in body
        assert "The row as stored" in body


def test_timeline_page_filtered_to_one_country(site, tmp_path):
    """The visual timeline filtered to Armenia shows its marks in order; a click opens one."""
    import json as _json
    import urllib.parse

    through = _json.dumps({"table": "actors", "column": "country", "value": "ARM"})
    url = site + "/armstimeline/-/timeline?" + urllib.parse.urlencode({"_through": through})
    with browser_page() as page:
        page.goto(url)
        lane = page.locator("a.mark[data-lane='ARM']")
        ids = [lane.nth(i).get_attribute("data-id") for i in range(lane.count())]
        assert ids == list(load(EVENTS, SEEDS).filter(countries="ARM").ids)
        assert ids.index("four-day-war-2016") < ids.index("kosachev-azerbaijan-arms-statement-2018")
        assert "myanmar-coup-2021" not in ids
        shot = tmp_path / "timeline-armenia.png"
        page.screenshot(path=str(shot), full_page=True)
        assert shot.stat().st_size > 10_000
        print(f"screenshot: {shot}")
        page.locator("a.mark[data-id='armenia-iskander-2016']").first.click()
        page.wait_for_url("**/events/armenia-iskander-2016")
        assert "Armenia obtains Russian Iskander" in page.locator("body").inner_text()


def test_table_actions_link_to_timeline(site):
    with browser_page() as page:
        page.goto(site + "/armstimeline/events?kind=basing")
        link = page.locator("a", has_text="Show as a visual timeline")
        href = link.first.get_attribute("href")
        assert "/-/timeline" in href and "kind=basing" in href
        page.goto(site + href)
        expected = len(load(EVENTS, SEEDS).filter(kinds="basing"))  # each event once
        assert page.locator("a.mark").count() == expected


def test_map_popup_links_only_http(site):
    """A javascript: link smuggled into a map popup through SQL is disarmed."""
    import urllib.parse

    sql = (
        "select 40.18 as latitude, 44.5 as longitude, "
        '\'{"title": "click me", "link": "javascript:alert(1)"}\' as popup'
    )
    with browser_page() as page:
        page.goto(site + "/armstimeline?" + urllib.parse.urlencode({"sql": sql}))
        marker = page.locator(".leaflet-marker-icon").first
        marker.wait_for()
        marker.click()
        link = page.locator(".leaflet-popup-content a").first
        link.wait_for(state="attached")
        page.wait_for_function(
            "() => !document.querySelector('.leaflet-popup-content a').hasAttribute('href')"
        )
        assert link.get_attribute("data-armstimeline-blocked") == "unsafe link removed"
        assert "click me" in page.locator(".leaflet-popup-content").inner_text()


def test_timeline_marks_open_and_qualified_dates(site, tmp_path):
    """Myanmar's deliveries 'since the 2000s' (200X/..) are drawn fading to the edge, and
    Azerbaijan's 'recent years' (2016~/2018-03) hatched; a reader finds both by their
    labels, and the legend says what the marks mean."""
    with browser_page() as page:
        page.set_viewport_size({"width": 1400, "height": 900})
        page.goto(site + "/armstimeline/-/timeline?countries__arraycontains=MMR")
        ongoing = page.get_by_role("link", name="open end").first
        assert "the 2000s – ongoing" in ongoing.get_attribute("aria-label")
        assert ongoing.locator("rect.open-end").count() == 1
        assert "fading: open or unknown end" in page.locator("svg .legend").text_content()
        shot = tmp_path / "timeline-myanmar.png"
        page.screenshot(path=str(shot), full_page=True)
        print(f"screenshot: {shot}")
        page.goto(site + "/armstimeline/-/timeline?countries__arraycontains=AZE")
        fuzzy = page.get_by_role("link", name="approximate").first
        assert "about 2016" in fuzzy.get_attribute("aria-label")
        assert fuzzy.locator("rect.fuzzy").count() == 1


@pytest.mark.parametrize("width", [1400, 390])
def test_front_page_reads_like_a_publication(site, tmp_path, width):
    """The front page says what the dataset is, in figures, and where to start."""
    with browser_page() as page:
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(site + "/")
        body = page.locator("body").inner_text()
        assert "Dated, sourced events" in body
        assert "events" in page.locator("ul.figures").inner_text()
        page.get_by_role("link", name="The visual timeline").first.click()
        page.wait_for_url("**/timeline")
        assert page.locator("svg.armstimeline-svg").count() == 1
        page.go_back()
        assert "build_info" not in page.content() and "facet_counts" not in page.content()
        wide = page.evaluate("document.documentElement.scrollWidth")
        assert wide <= width + 1, "no sideways scroll"
        shot = tmp_path / f"front-{width}.png"
        page.screenshot(path=str(shot), full_page=True)
        print(f"screenshot: {shot}")


@pytest.mark.parametrize("width", [1400, 390])
def test_event_page_reads_like_an_entry(site, tmp_path, width):
    """Bangladesh's arms loan: its quote, its source, 'US$1 billion', and a link to the gas
    wells that opens that event."""
    with browser_page() as page:
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(site + "/armstimeline/events/bangladesh-arms-loan-2013")
        article = page.locator("article.armstimeline-event")
        text = article.inner_text()
        assert "pledged to lend Bangladesh $1 billion to buy weapons" in text
        assert "Understanding Russia’s Foreign Policy Through International Arms Sales" in text
        assert "US$1 billion" in text and "the day is known" in text
        page.locator("#armstimeline-map.leaflet-container").wait_for(timeout=10_000)
        assert page.locator("#armstimeline-map .leaflet-marker-icon").count() == 1
        assert page.evaluate("document.documentElement.scrollWidth") <= width + 1
        shot = tmp_path / f"event-{width}.png"
        page.screenshot(path=str(shot), full_page=True)
        print(f"screenshot: {shot}")
        article.get_by_role("link", name="Gazprom signs contracts to drill ten gas wells").click()
        page.wait_for_url("**/gazprom-bangladesh-gas-wells-2013")
        assert "ten gas wells" in page.locator("h1").inner_text()


@pytest.mark.parametrize("width", [1400, 390])
def test_events_browser_for_readers(site, tmp_path, width):
    """The first screen shows the search box and events, not column descriptions; names
    that open the country's page; filters at the top as chips a click removes."""
    with browser_page() as page:
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(site + "/events")
        first = page.locator("ol.events li.event").first
        assert first.is_visible()
        assert first.bounding_box()["y"] < 600, "the first event is on the first screen"
        assert "[\"" not in page.locator("ol.events").inner_text(), "no raw JSON"
        assert page.evaluate("document.documentElement.scrollWidth") <= width + 1
        shot = tmp_path / f"events-{width}.png"
        page.screenshot(path=str(shot), full_page=False)
        print(f"screenshot: {shot}")
        page.locator("ol.events a", has_text="Türkiye").first.click()
        page.wait_for_url("**/countries/TUR")
        titles = page.locator("ol.events .event-title").all_inner_texts()
        assert titles and all("Myanmar" not in t for t in titles)
        page.locator("aside.facets a", has_text="deal").first.click()
        page.wait_for_url("**kind=deal**")
        chip = page.get_by_role("link", name="Remove filter Kind: deal")
        assert chip.bounding_box()["y"] < page.locator("ol.events").bounding_box()["y"]
        chip.click()
        page.wait_for_url("**/countries/TUR")
        page.goto(site + "/events")
        page.get_by_label("Search the events").fill("Iskander")
        page.get_by_role("button", name="Search").click()
        page.wait_for_url("**q=Iskander**")
        assert "Iskander" in page.locator("ol.events").inner_text()


def test_timeline_has_filters_labels_and_a_way_back(site, tmp_path):
    with browser_page() as page:
        page.set_viewport_size({"width": 1400, "height": 900})
        page.goto(site + "/armstimeline/-/timeline")  # the old address redirects
        page.wait_for_url("**/timeline")
        form = page.get_by_role("form", name="Filter the timeline")
        form.get_by_label("Country").select_option("TUR")
        form.get_by_role("button", name="Show").click()
        page.wait_for_url("**country=TUR**")
        first_lane = page.locator("svg g.lane").first.get_attribute("data-lane")
        assert first_lane == "TUR"
        ids = page.locator("a.mark").evaluate_all("ms => ms.map(m => m.dataset.id)")
        assert len(ids) == len(set(ids)), "each event once"
        labels = page.locator("a.mark text").all_text_contents()
        assert any("S-400" in label for label in labels)
        assert "Türkiye" in page.locator("h1 + p").inner_text() or "TUR" in page.content()
        shot = tmp_path / "timeline-turkey.png"
        page.screenshot(path=str(shot), full_page=True)
        print(f"screenshot: {shot}")
        page.get_by_role("link", name="These events as a list").click()
        page.wait_for_url("**/events?**")
        assert page.locator("ol.events li.event").count() == len(ids)


AXE_PAGES = {
    "front page": "/",
    "events": "/events",
    "filtered events": "/events?kind=deal&country=Turkey",
    "searched events": "/events?q=iskander&order=newest",
    "events with a map": "/events?country=MMR",
    "event page": "/events/bangladesh-arms-loan-2013",
    "countries": "/countries",
    "a country": "/countries/TUR",
    "systems": "/systems",
    "a system": "/systems/Iskander",
    "timeline": "/timeline",
    "filtered timeline": "/timeline?country=ARM",
    "a refusal": "/events?from=abc",
}


@pytest.mark.parametrize("width", [1400, 390])
@pytest.mark.parametrize("name", list(AXE_PAGES))
def test_no_serious_accessibility_violations(site, name, width):
    """axe-core, run in Chromium, finds no serious or critical violation on the pages a
    reader uses, on a laptop and on a phone."""
    from .browser import axe_script

    with browser_page(bypass_csp=True) as page:  # axe is a script the site does not serve
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(site + AXE_PAGES[name])
        page.add_script_tag(path=str(axe_script()))
        found = page.evaluate(
            """async () => (await axe.run()).violations
                .filter(v => v.impact === 'serious' || v.impact === 'critical')
                .map(v => `${v.id} (${v.impact}): ${v.nodes.length} ${v.help}`)"""
        )
        print(f"axe {name}: {found or 'no serious or critical violations'}")
        assert found == []
