"""The reader's pages (``/events``, an event, a country, a system, the timeline): what they
show, that names work wherever codes do, and that a bad parameter is a sentence, never a
server error."""

from __future__ import annotations

import re
import shutil
import sqlite3
import urllib.parse
from pathlib import Path

import pytest
from datasette.app import Datasette
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from armstimeline.database import build
from armstimeline.importing import import_sipri
from armstimeline.site.serve import site_options
from armstimeline.timeline import load as load_timeline

from .conftest import EVENTS, ROOT, SEEDS
from .sipri_fixture import ROWS_1, register

TIMELINE = load_timeline(EVENTS, SEEDS)
pytestmark = pytest.mark.asyncio


def site(db: Path, name: str | None = None) -> Datasette:
    """Datasette on a built database; ``name`` serves it under another file name."""
    if name is not None:
        other = db.parent / name
        shutil.copyfile(db, other)
        db = other
    return Datasette(immutables=[str(db)], **site_options(db, ROOT / "metadata.yml"),
                     settings={"suggest_facets": False})  # fmt: skip


@pytest.fixture(scope="module")
def db_path(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("pages") / "armstimeline.db"
    build(EVENTS, SEEDS, path)
    return path


@pytest.fixture(scope="module")
def ds(db_path) -> Datasette:
    return site(db_path)


@pytest.fixture(scope="module")
def joined(tmp_path_factory) -> Datasette:
    """The curated events with a register imported beside them (21 rows)."""
    root = tmp_path_factory.mktemp("joined-pages")
    shutil.copytree(EVENTS, root / "events")
    shutil.copytree(SEEDS, root / "seeds")
    (root / "r.csv").write_bytes(register(ROWS_1).encode("latin-1"))
    import_sipri(root / "r.csv", root / "events")
    build(root / "events", root / "seeds", root / "armstimeline.db")
    return site(root / "armstimeline.db")


def listed_ids(page: str) -> list[str]:
    """The event ids a browser page lists, in order."""
    return re.findall(r'<h2 class="event-title"><a href="/events/([^"]+)">', page)


async def html(ds: Datasette, path: str, status: int = 200) -> str:
    response = await ds.client.get(path)
    assert response.status_code == status, (path, response.status_code, response.text[:400])
    return response.text


async def all_ids(ds: Datasette, query: str) -> list[str]:
    """Every id a browser view lists, page after page."""
    ids: list[str] = []
    page = 1
    while True:
        text = await html(ds, f"/events?{query}&page={page}" if query else f"/events?page={page}")
        ids += listed_ids(text)
        if 'rel="next"' not in text:
            return ids
        page += 1


async def test_the_browser_lists_every_event_in_timeline_order(ds):
    assert await all_ids(ds, "") == list(TIMELINE.ids)
    newest = listed_ids(await html(ds, "/events?order=newest"))
    assert newest == list(reversed(TIMELINE.ids))[: len(newest)]


@pytest.mark.parametrize("query", ["", "origin=all&kind=deal", "kind=deal", "order=newest"])
async def test_a_view_of_most_events_is_listed_by_walking_the_timeline_the_same(
    db_path, joined, query, monkeypatch
):
    """A view holding most of the events is listed by walking the timeline's index (a
    batch of ``_WALK`` rows at a time) rather than by its rowids: the same events, in the
    same order, page after page."""
    from pyroaring import BitMap

    from armstimeline.site import selection

    # what counts as most: a page found within one batch of the walk
    assert selection.listed_by_walking(BitMap(range(20_000)), 20_000, 51)
    assert not selection.listed_by_walking(BitMap(range(0, 20_000, 200)), 20_000, 51)
    assert not selection.listed_by_walking(BitMap(range(60)), 60, 51)  # small: rowids
    for ds_of in (lambda: site(db_path), lambda: joined):
        by_rowids = await all_ids(ds_of(), query)
        walked: list[int] = []

        def every_view(view, total, rows, walked=walked):  # type: ignore[no-untyped-def]
            walked.append(rows)
            return True

        monkeypatch.setattr(selection, "listed_by_walking", every_view)
        assert await all_ids(ds_of(), query) == by_rowids and by_rowids
        assert walked, "the timeline was walked"
        monkeypatch.undo()


@pytest.mark.parametrize("name", ["TUR", "TR", "Turkey", "Türkiye", "turkey", "tur"])
async def test_a_country_is_found_by_any_of_its_names(ds, name):
    expected = list(TIMELINE.filter(countries="TUR").ids)
    assert await all_ids(ds, urllib.parse.urlencode({"country": name})) == expected
    page = await html(ds, "/events?" + urllib.parse.urlencode({"country": name}))
    assert "Events with Türkiye" in page and "Remove filter Country: Türkiye" in page


async def test_a_name_that_is_no_country_gets_the_command_lines_suggestions(ds):
    page = await html(ds, "/events?country=Turkei", 400)
    assert "did you mean" in page and "Traceback" not in page
    # SIPRI's spelling is a name of the country, as in the command line
    assert "Türkiye" in await html(ds, "/events?country=Turkiye", 200)


async def test_filters_mean_what_the_library_means(ds):
    """Each filter gives the events the library's own filter gives."""
    cases = [
        ("kind=deal", TIMELINE.filter(kinds="deal")),
        ("system=SA-21", TIMELINE.filter(systems="S-400")),  # an alias
        ("country=ARM&country=RUS", [e for e in TIMELINE.filter(countries="ARM")
                                      if "RUS" in {a.country for a in e.actors}]),
        ("from=2016&to=2017", TIMELINE.filter(start="2016", end="2017")),
        ("q=iskander", TIMELINE.filter(text="iskander")),
        ("region=south-caucasus&kind=deal", TIMELINE.filter(regions="south-caucasus",
                                                            kinds="deal")),
    ]  # fmt: skip
    for query, expected in cases:
        assert await all_ids(ds, query) == [e.id for e in expected], query


@pytest.mark.parametrize(
    ("query", "says"),
    [
        ("from=abc", "'from' takes a year"),
        ("to=2010&from=2020", "comes before"),
        ("page=0", "'page' takes a page number"),
        ("order=sideways", "'order' takes oldest or newest"),
        ("kind=dael", "did you mean 'deal'"),
        ("system=S400x", "is not known"),
        ("tag=nope", "is not used by any event"),
        ("_child=%7Bbroken", ""),  # Datasette's own parameters are not the reader's: ignored
        ("colour=red", "do not take 'colour'"),
    ],
)
async def test_a_bad_parameter_is_a_sentence(ds, query, says):
    status = 200 if not says else 400
    page = await html(ds, "/events?" + query, status)
    assert says in page.replace("&#39;", "'")


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(
    key=st.sampled_from(["country", "system", "kind", "tag", "region", "from", "to", "q",
                         "origin", "order", "page", "lanes", "format", "_sort", "_child"]),
    value=st.text(max_size=30),
    path=st.sampled_from(["/events", "/timeline", "/countries/TUR", "/systems/Iskander"]),
)  # fmt: skip
async def test_no_parameter_makes_a_server_error(ds, key, value, path):
    response = await ds.client.get(path + "?" + urllib.parse.urlencode({key: value}))
    assert response.status_code in (200, 301, 302, 400), (key, value, response.text[:300])


async def test_curated_events_first_and_register_rows_one_click_away(joined):
    page = await html(joined, "/events?country=ARM")
    curated = [e.id for e in TIMELINE.filter(countries="ARM")]
    assert listed_ids(page) == curated
    assert "Register rows (" in page
    link = re.search(r'<a href="([^"]+)">Register rows \((\d+)\)</a>', page)
    assert link is not None
    rows = listed_ids(await html(joined, link.group(1).replace("&amp;", "&")))
    assert rows and len(rows) == int(link.group(2))
    assert all(r.startswith("sipri-") for r in rows)
    both = listed_ids(await html(joined, "/events?country=ARM&origin=all"))
    assert set(both) == set(curated) | set(rows)


async def test_the_event_page_has_a_real_title_and_links_to_readers_pages(ds):
    page = await html(ds, "/events/bangladesh-arms-loan-2013")
    event = TIMELINE.get("bangladesh-arms-loan-2013")
    assert f"<title>{event.title} · armstimeline</title>" in page.replace("&#39;", "'")
    assert 'href="/countries/BGD"' in page
    assert 'href="/events/gazprom-bangladesh-gas-wells-2013"' in page
    missing = await html(ds, "/events/no-such-event", 404)
    assert "There is no event" in missing


async def test_every_source_links_to_where_it_can_be_read(ds, db_path):
    with sqlite3.connect(db_path) as conn:
        rows = conn.execute(
            "select c.event_id, s.url from citations c join sources s on s.id = c.source_id "
            "where s.url is not null limit 5"
        ).fetchall()
    for event_id, url in rows:
        page = await html(ds, f"/events/{event_id}")
        assert f'href="{url}"' in page.replace("&amp;", "&"), (event_id, url)


async def test_country_and_system_pages_have_one_address_each(ds):
    for asked in ("Turkey", "TR", "Türkiye"):
        response = await ds.client.get("/countries/" + urllib.parse.quote(asked))
        assert response.status_code == 302 and response.headers["location"] == "/countries/TUR"
    page = await html(ds, "/countries/TUR")
    assert "<h1>Türkiye</h1>" in page
    assert listed_ids(page) == list(TIMELINE.filter(countries="TUR").ids)
    alias = await ds.client.get("/systems/SA-21")
    assert alias.status_code == 302
    system = await html(ds, alias.headers["location"])
    assert listed_ids(system) == list(TIMELINE.filter(systems="S-400").ids)
    # a facet chosen on a country's page keeps the country
    deal = await html(ds, "/countries/TUR?kind=deal")
    assert listed_ids(deal) == list(TIMELINE.filter(countries="TUR", kinds="deal").ids)
    await html(ds, "/countries/Narnia", 400)


async def test_the_lists_of_countries_and_systems_count_their_events(ds):
    page = await html(ds, "/countries")
    tur = re.search(r'<a href="/countries/TUR">Türkiye</a> <span class="n">(\d+) events', page)
    assert tur is not None and int(tur.group(1)) == len(TIMELINE.filter(countries="TUR"))
    systems = await html(ds, "/systems")
    assert 'href="/systems/Iskander"' in systems


async def test_the_database_is_found_by_what_it_holds_not_its_name(db_path):
    other = site(db_path, "other.db")
    page = await html(other, "/events?country=TUR")
    assert listed_ids(page) == list(TIMELINE.filter(countries="TUR").ids)
    assert "/other/events.ics" in page  # downloads name the database as served
    moved = await other.client.get("/other/events/bangladesh-arms-loan-2013")
    assert moved.status_code == 301


async def test_the_timeline_keeps_every_filter_in_its_form(ds):
    page = await html(ds, "/timeline?country=ARM&country=RUS&kind=deal&from=2010&q=iskander")
    form = page[page.index('<form class="timeline-filters"'): page.index("</form>")]
    assert '<option value="ARM" selected>' in form
    assert '<option value="deal" selected>' in form
    assert 'name="country" value="RUS"' in form  # a second country rides along
    assert 'value="2010"' in form and 'value="iskander"' in form
    ids = re.findall(r'data-id="([^"]+)"', page)
    expected = [e.id for e in TIMELINE.filter(countries="ARM", kinds="deal", start="2010",
                                              text="iskander")
                if "RUS" in {a.country for a in e.actors}]  # fmt: skip
    assert sorted(set(ids)) == sorted(expected)
    # on a phone the same events are a vertical list, each a link
    assert page.count('class="vevent') == len(expected)


async def test_old_timeline_addresses_redirect_with_their_filters(ds):
    import json

    through = json.dumps({"table": "actors", "column": "country", "value": "ARM"})
    for old in ("/-/timeline", "/armstimeline/-/timeline"):
        response = await ds.client.get(old, params={"_through": through, "kind": "deal"})
        assert response.status_code == 301
        assert response.headers["location"] == "/timeline?country=ARM&kind=deal"
    bad = await ds.client.get("/armstimeline/-/timeline?_through=garbage")
    assert bad.status_code == 400 and "These filters do not work" in bad.text


async def test_reader_pages_write_nothing_another_visitor_could_read(ds):
    """Nothing the pages do leaves state on a connection (a temp table) that SQL sent by
    another visitor could read."""
    for path in ("/events?country=TUR", "/events/bangladesh-arms-loan-2013", "/timeline",
                 "/events?q=iskander"):  # fmt: skip
        await html(ds, path)
    db = ds.get_database("armstimeline")
    for _ in range(4):  # each of the connections the pages used
        temp = await db.execute("select name from temp.sqlite_master")
        assert list(temp.rows) == []


async def test_the_browser_maps_the_events_of_its_page(ds):
    """Each listed event with a place is on the page's map, its title as the popup's text."""
    import html as html_module
    import json

    page = await html(ds, "/events?country=MMR")
    found = re.search(r"data-places='([^']*)'", page)
    assert found is not None
    places = json.loads(html_module.unescape(found.group(1)))
    placed = [e for e in TIMELINE.filter(countries="MMR") if e.places]
    assert placed and {p["name"] for p in places} == {e.title for e in placed}
    assert "eventmap.js" in page
