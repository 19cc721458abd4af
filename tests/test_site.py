"""The Datasette site, through Datasette's own test client, on a freshly built database."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from datasette.app import Datasette

from armstimeline.database import build
from armstimeline.site.adapter import takes_config
from armstimeline.site.serve import site_options
from armstimeline.timeline import load as load_timeline

from .conftest import EVENTS, ROOT, SEEDS
from .datasettes import ONE, get_calendar, old_sql_path_redirects, recorded_sql, sql_path

TIMELINE = load_timeline(EVENTS, SEEDS)


@pytest.fixture(scope="module")
def db_path(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("site") / "armstimeline.db"
    build(EVENTS, SEEDS, path)
    return path


@pytest.fixture(scope="module")
def ds(db_path) -> Datasette:
    return Datasette(
        immutables=[str(db_path)],
        **site_options(db_path, ROOT / "metadata.yml"),
        settings={"suggest_facets": False},
    )


def timed_out_facets(page: str) -> set[str]:
    """The facets a table page says timed out (Datasette 0.65 names them on the page only)."""
    found = re.search(r'class="facets-timed-out">These facets timed out: ([^<]*)<', page)
    assert found is not None, "no facet timed out"
    return set(found.group(1).split(", "))


def forbid_counting_alone(monkeypatch, counted_alone) -> None:
    """Make counting any one facet alone (the fallback after a joint count) fail."""
    from armstimeline.site import facets

    monkeypatch.setattr(facets.StoredFacet, "_count", counted_alone)
    monkeypatch.setattr(facets.ChildFacet, "_count", counted_alone)


# what Datasette 1.0 gives a table's JSON only when asked (0.65 gives it always)
EXTRAS = [("_extra", e) for e in ("count", "facet_results", "query", "human_description_en")]
TABLES = {"events", "timeline", "actors", "countries", "quid_pro_quo", "sources"}


async def get_json(ds: Datasette, path: str) -> dict:
    """A page's JSON as either Datasette gives it: extras asked for, redirects followed
    (1.0 serves SQL at /<db>/-/query), the row count under 0.65's name."""
    table = path.split("?")[0].removesuffix(".json").split("/")[-1]
    if takes_config() and path.split("?")[0].endswith(".json") and table in TABLES:
        path += ("&" if "?" in path else "?") + urlencode(EXTRAS)
    response = await ds.client.get(path, follow_redirects=True)
    assert response.status_code == 200, (path, response.text[:500])
    data = response.json()
    if isinstance(data, dict) and "count" in data and "filtered_table_rows_count" not in data:
        data["filtered_table_rows_count"] = data["count"]
    return data


def facet_list(data: dict) -> list[dict]:
    """The facets of a table's JSON, whichever shape this Datasette version gives them."""
    results = data["facet_results"]
    results = results.get("results", results) if isinstance(results, dict) else results
    return list(results.values()) if isinstance(results, dict) else list(results)


def facet_values(data: dict, name: str) -> dict[str, int]:
    facet = next(f for f in facet_list(data) if f["name"] == name)
    return {str(r["value"]): r["count"] for r in facet["results"]}


@pytest.mark.asyncio
class TestSite:
    async def test_events_table_loads_with_default_facets(self, ds):
        """The events page lists events and shows every configured facet."""
        data = await get_json(ds, "/armstimeline/events.json?_size=5")
        assert len(data["rows"]) == 5
        for name in ("kind", "decade", "year", "precision", "regions", "countries", "systems"):
            assert facet_values(data, name), name
        assert facet_values(data, "countries")["TUR"] >= 3
        response = await ds.client.get("/armstimeline/events")
        assert response.status_code == 200
        assert "Turkey" in response.text or "Türkiye" in response.text

    async def test_facet_array_countries_includes_turkey_for_s400(self, ds):
        """?_facet_array=countries works on the JSON column: the S-400 row carries TUR."""
        data = await get_json(
            ds,
            "/armstimeline/events.json?_facet_array=countries&id=turkey-s400-purchase-2019",
        )
        assert "TUR" in facet_values(data, "countries")
        filtered = await get_json(
            ds, "/armstimeline/events.json?countries__arraycontains=TUR&_shape=objects&_size=100"
        )
        assert "turkey-s400-purchase-2019" in {r["id"] for r in filtered["rows"]}

    async def test_child_facet_filters_through_actors(self, ds):
        """Clicking the country facet filters via the indexed actors table."""
        data = await get_json(ds, "/armstimeline/events.json?_shape=objects&_size=100")
        country = next(f for f in facet_list(data) if f["name"] == "countries")
        tur = next(r for r in country["results"] if r["value"] == "TUR")
        url = tur["toggle_url"].replace("http://localhost", "")
        rows = (await get_json(ds, url))["rows"]
        assert len(rows) == tur["count"]
        assert all("TUR" in json.loads(r["countries"]) for r in rows)
        assert {"turkey-s400-purchase-2019", "turkey-f35-suspension-2019"} <= {
            r["id"] for r in rows
        }

    async def test_search_finds_iskander(self, ds):
        data = await get_json(ds, "/armstimeline/events.json?_search=Iskander&_shape=objects")
        ids = {r["id"] for r in data["rows"]}
        assert "armenia-iskander-2016" in ids

    @pytest.mark.parametrize(
        ("query", "params", "expect"),
        [
            ("event_sources", "id=turkey-s400-purchase-2019", "Wavell Room"),
            ("between_countries", "country_a=RUS&country_b=TUR", "turkey-s400-purchase-2019"),
            ("quid_pro_quo_pairs", "", "gazprom-bangladesh-gas-wells-2013"),
            ("events_by_year_and_kind", "", "2016"),
            ("country_timeline", "country=mmr", "myanmar-coup-2021"),
        ],
    )
    async def test_canned_queries_return_rows(self, ds, query, params, expect):
        data = await get_json(ds, f"/armstimeline/{query}.json?_shape=array&{params}")
        assert data, query
        assert expect in json.dumps(data)

    async def test_timeline_view_is_in_date_order(self, ds):
        rows = await get_json(ds, "/armstimeline/timeline.json?_shape=array&_size=max")
        assert rows[0]["date"] == "1991"
        earliest = [r["earliest"] for r in rows]
        assert earliest == sorted(earliest)

    async def test_row_page_links_citations_and_relations(self, ds):
        """An event's page links to its citations and related events."""
        moved = await ds.client.get("/armstimeline/events/turkey-s400-purchase-2019")
        assert moved.status_code == 301  # the old address, in calendars and links
        assert moved.headers["location"] == "/events/turkey-s400-purchase-2019"
        response = await ds.client.get(moved.headers["location"])
        assert response.status_code == 200
        assert "<h2>Sources</h2>" in response.text and "<blockquote>" in response.text
        assert '<a href="/events/turkey-f35-suspension-2019">' in response.text
        assert "<title>Russia delivers the first S-400 systems to Turkey ·" in response.text
        stored = await ds.client.get("/armstimeline/events/turkey-s400-purchase-2019.json")
        assert stored.status_code == 200  # the row itself stays Datasette's
        other = await ds.client.get("/armstimeline/sources/wavell-room-arms-sales")
        assert other.status_code == 200 and "Links from other tables" in other.text

    async def test_writes_are_refused(self, ds, db_path):
        """SQL that writes is rejected, and the file is opened immutable."""
        before = db_path.read_bytes()
        await old_sql_path_redirects(ds, "delete from events")
        response = await ds.client.get(sql_path("delete from events", ".json", _shape="objects"))
        assert response.status_code == 400
        assert "Statement must be a SELECT" in response.text
        db = ds.get_database("armstimeline")
        assert db.is_mutable is False
        with pytest.raises(AssertionError):  # Datasette refuses writes to immutable files
            await db.execute_write("delete from events")
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            await db.execute_fn(lambda conn: conn.execute("delete from events"))
        assert db_path.read_bytes() == before


@pytest.mark.asyncio
class TestIcsRenderer:
    async def test_faceted_view_as_ics_has_only_those_events(self, ds):
        """The .ics of the events view filtered to TUR holds exactly Turkey's events."""
        import icalendar

        from armstimeline.export import export
        from armstimeline.timeline import load

        through = json.dumps({"table": "actors", "column": "country", "value": "TUR"})
        first = await get_calendar(ds, "/armstimeline/events.ics", {"_through": through})
        assert first.status_code == 200
        assert first.headers["content-type"].startswith("text/calendar")
        items = list(icalendar.Calendar.from_ical(first.content).walk("VEVENT"))
        uids = {str(i["uid"]) for i in items}
        expected = load(EVENTS, SEEDS).filter(countries="TUR")
        assert uids == {f"{e.id}@armstimeline" for e in expected}
        # the same UIDs, dates and summaries as the command-line export
        cli_items = icalendar.Calendar.from_ical(export(expected, "ics")).walk("VEVENT")
        by_uid = {str(i["uid"]): i for i in cli_items}
        for item in items:
            twin = by_uid[str(item["uid"])]
            assert item.decoded("dtstart") == twin.decoded("dtstart")
            assert item.decoded("dtend") == twin.decoded("dtend")
            assert str(item["summary"]) == str(twin["summary"])
        again = await get_calendar(ds, "/armstimeline/events.ics", {"_through": through})
        assert again.content == first.content

    async def test_array_filter_and_canned_query_as_ics(self, ds):
        r = await get_calendar(ds, "/armstimeline/events.ics?countries__arraycontains=ARM")
        assert r.status_code == 200
        assert b"armenia-iskander-2016@armstimeline" in r.content
        assert b"myanmar-coup-2021@armstimeline" not in r.content
        q = await get_calendar(ds, "/armstimeline/country_timeline.ics?country=MMR")
        assert q.status_code == 200
        assert b"myanmar-coup-2021@armstimeline" in q.content

    async def test_ics_link_offered_on_pages(self, ds):
        page = await ds.client.get("/armstimeline/events")
        assert "events.ics" in page.text


def test_serve_uses_recorded_counts(db_path, tmp_path):
    """serve hands Datasette the build's counts and fingerprint: no counting at start-up."""
    import sqlite3 as _sqlite3

    from armstimeline.site.serve import datasette_args, inspect_data

    data = inspect_data(db_path)["armstimeline"]
    conn = _sqlite3.connect(db_path)
    assert (
        data["tables"]["events"]["count"]
        == conn.execute("select count(*) from events").fetchone()[0]
    )
    assert (
        data["hash"]
        == conn.execute("select value from build_info where key = 'fingerprint'").fetchone()[0]
    )
    args = datasette_args(db_path, tmp_path / "m.json", "127.0.0.1", 8001, tmp_path / "i.json")
    assert args[:3] == ["serve", "--immutable", str(db_path)]
    assert args[-2:] == ["--inspect-file", str(tmp_path / "i.json")]


def _site(path: Path) -> Datasette:
    return Datasette(
        immutables=[str(path)],
        **site_options(path, ROOT / "metadata.yml"),
        settings={"suggest_facets": False},
    )


def marked_copy(db_path: Path, tmp_path: Path, facet: str, value: str) -> Path:
    """A copy of the database whose stored count for one value is 999, to tell which
    numbers a page shows: the stored ones or live ones."""
    marked = tmp_path / "armstimeline.db"
    marked.write_bytes(db_path.read_bytes())
    with sqlite3.connect(marked) as conn:
        conn.execute(
            "update facet_counts set count = 999 where facet = ? and value = ?", (facet, value)
        )
    return marked


@pytest.mark.asyncio
async def test_unfiltered_child_facets_read_stored_counts(db_path, tmp_path):
    """The unfiltered page reads the build's counts; filters and old databases count live."""
    live = facet_values(await get_json(_site(db_path), "/armstimeline/events.json"), "countries")
    marked = marked_copy(db_path, tmp_path, "actors.country", "TUR")
    ds = _site(marked)
    assert facet_values(await get_json(ds, "/armstimeline/events.json"), "countries")["TUR"] == 999
    filtered = facet_values(await get_json(ds, "/armstimeline/events.json?year=2019"), "countries")
    with sqlite3.connect(marked) as conn:
        (expected,) = conn.execute(
            "select count(distinct a.event_id) from actors a join events e on e.id = a.event_id "
            "where a.country = 'TUR' and e.year = 2019"
        ).fetchone()
    assert filtered["TUR"] == expected > 0
    # without the table (a database from elsewhere) the facet is counted live
    with sqlite3.connect(marked) as conn:
        conn.execute("drop table facet_counts")
    unstored = facet_values(await get_json(_site(marked), "/armstimeline/events.json"), "countries")
    assert unstored == live


@pytest.mark.asyncio
async def test_stored_column_facets(db_path, tmp_path):
    """kind, year... on the unfiltered page come from stored counts, shaped like Datasette's
    column facet (values keep their type, links filter with ?kind=...); filters count live."""
    facets = facet_list(await get_json(_site(db_path), "/armstimeline/events.json"))
    assert {"kind", "decade", "year", "precision", "qualifiers"} <= {f["name"] for f in facets}
    assert all(f["type"] == "column" for f in facets if f["name"] in ("kind", "year"))
    year = next(f for f in facets if f["name"] == "year")
    assert all(isinstance(r["value"], int) for r in year["results"])
    kind = next(f for f in facets if f["name"] == "kind")
    deal = next(r for r in kind["results"] if r["value"] == "deal")
    toggle = urlsplit(deal["toggle_url"])  # the request's own arguments (1.0's _extra) kept
    assert toggle.path.endswith("/armstimeline/events.json")
    assert [a for a in parse_qsl(toggle.query) if a[0] != "_extra"] == [("kind", "deal")]
    with sqlite3.connect(db_path) as conn:
        (deals,) = conn.execute("select count(*) from events where kind = 'deal'").fetchone()
    assert deal["count"] == deals
    ds = _site(marked_copy(db_path, tmp_path, "events.kind", "deal"))
    assert facet_values(await get_json(ds, "/armstimeline/events.json"), "kind")["deal"] == 999
    filtered = await get_json(ds, "/armstimeline/events.json?kind=deal")
    assert facet_values(filtered, "kind") == {"deal": deals}
    response = await ds.client.get("/armstimeline/events")
    assert response.status_code == 200 and "999" in response.text
    assert "(stored)" not in response.text, "readers see plain column facets"


@pytest.mark.asyncio
async def test_stored_counts_serve_only_the_events_table(db_path, tmp_path):
    """Stored counts are events per value of the events table; a facet on another table
    (whose facet key may look the same) counts that table's own rows, live."""
    with sqlite3.connect(db_path) as conn:
        sql = "select country, count(*) from actors where country is not null group by 1"
        rows_per_country = dict(conn.execute(sql))
    ds = _site(marked_copy(db_path, tmp_path, "actors.country", "TUR"))
    data = await get_json(ds, "/armstimeline/actors.json?_facet_stored=country&_facet_size=max")
    country = [f for f in facet_list(data) if f["name"] == "country"]
    assert country and all(
        {str(r["value"]): r["count"] for r in f["results"]} == rows_per_country for f in country
    )
    child = await get_json(ds, "/armstimeline/countries.json?_facet_child=actors.country")
    assert facet_values(child, "country").get("TUR") != 999


@pytest.mark.asyncio
class TestCalendarHoldsEveryRow:
    """The .ics of a view carries every row the view matches, not one page of it."""

    @staticmethod
    async def uids(ds, path: str, **params) -> set[str]:
        import icalendar

        response = await get_calendar(ds, path, params or None)
        assert response.status_code == 200, response.text[:300]
        calendar = icalendar.Calendar.from_ical(response.content)
        return {str(item["UID"]).split("@")[0] for item in calendar.walk("VEVENT")}

    async def test_table_past_its_page_size(self, ds):
        everything = {e.id for e in TIMELINE}
        assert len(everything) > 50  # the default page size
        assert await self.uids(ds, "/armstimeline/events.ics") == everything
        assert await self.uids(ds, "/armstimeline/events.ics", _size="3") == everything

    async def test_filtered_searched_and_queried_views(self, ds):
        turkey = {e.id for e in TIMELINE.filter(countries="TUR")}
        assert await self.uids(ds, "/armstimeline/events.ics", countries__arraycontains="TUR",
                               _size="2") == turkey  # fmt: skip
        found = {e.id for e in TIMELINE.filter(text="iskander")}
        assert await self.uids(ds, "/armstimeline/events.ics", _search="iskander",
                               _size="1") == found  # fmt: skip
        myanmar = {e.id for e in TIMELINE.filter(countries="MMR")}
        assert await self.uids(ds, "/armstimeline/country_timeline.ics", country="MMR") == myanmar
        assert await self.uids(ds, "/armstimeline/timeline.ics", _size="5") == {
            e.id for e in TIMELINE
        }
        sql = "select id from events where kind = :kind"
        deals = {e.id for e in TIMELINE.filter(kinds="deal")}
        assert await self.uids(ds, sql_path(sql, ".ics", kind="deal")) == deals

    async def test_a_tables_calendar_is_read_without_its_facets_and_count(self, ds, monkeypatch):
        """The table view behind a calendar counts no facets and no rows: the renderer
        reads neither (and a calendar holds the same events)."""
        from armstimeline.site import arrayfacet, facets

        async def no_facets(self):  # type: ignore[no-untyped-def]
            raise AssertionError("facets counted for a calendar")

        for kind in (facets.ChildFacet, facets.StoredFacet, arrayfacet.StoredArrayFacet):
            monkeypatch.setattr(kind, "facet_results", no_facets)
        await ds.client.get("/armstimeline/kinds.json")  # Datasette's first-request counts
        sent = recorded_sql(monkeypatch)
        turkey = {e.id for e in TIMELINE.filter(countries="TUR")}
        through = json.dumps({"table": "actors", "column": "country", "value": "TUR"})
        for params in ({"_through": through}, {"countries__arraycontains": "TUR", "_size": "2"}):
            sent.clear()
            assert await self.uids(ds, "/armstimeline/events.ics", **params) == turkey
            assert sent and not [sql for sql in sent if "count(" in sql.lower()], sent

    async def test_a_calendar_written_a_batch_at_a_time_is_the_same_calendar(
        self, db_path, monkeypatch
    ):
        """Events read and written ``CALENDAR_BATCH`` at a time make the calendar all of
        them at once make, byte for byte, in timeline order."""
        from armstimeline.site import ics

        path = "/armstimeline/events.ics"
        whole = await get_calendar(_site(db_path), path, {"_size": "3"})
        monkeypatch.setattr(ics, "CALENDAR_BATCH", 2)
        batched = await get_calendar(_site(db_path), path, {"_size": "3"})
        assert whole.status_code == batched.status_code == 200
        assert batched.content == whole.content
        assert whole.content.count(b"BEGIN:VEVENT") == len(TIMELINE) > 2
        uids = re.findall(rb"UID:([^@\r]+)@", whole.content)
        assert [u.decode() for u in uids] == [e.id for e in TIMELINE]  # timeline order
        empty = await get_calendar(_site(db_path), sql_path(
            "select 'no-such-event' as event_id", ".ics"))  # fmt: skip
        assert empty.status_code == 200 and b"BEGIN:VCALENDAR" in empty.content
        assert b"BEGIN:VEVENT" not in empty.content

    async def test_past_the_limit_it_says_so(self, ds, monkeypatch):
        from armstimeline.site import ics

        monkeypatch.setattr(ics, "MAX_ICS_EVENTS", 10)
        response = await get_calendar(ds, "/armstimeline/events.ics")
        assert response.status_code == 413
        assert "more than 10 events" in response.text



@pytest.mark.asyncio
class TestSmallSiteDefects:
    async def test_a_facet_asked_for_is_shown_once(self, ds):
        data = await get_json(ds, "/armstimeline/events.json?_facet=kind&_facet_array=countries")
        names = [f["name"] for f in facet_list(data)]
        assert names.count("kind") == 1 and names.count("countries") == 1, names
        assert sum(facet_values(data, "kind").values()) == len(TIMELINE)

    async def test_bad_timeline_filter_is_a_readable_page(self, ds):
        response = await ds.client.get("/armstimeline/-/timeline?_through=garbage")
        assert response.status_code == 400
        assert response.headers["content-type"].startswith("text/html")
        assert "These filters do not work" in response.text
        assert '{"ok"' not in response.text

    async def test_canned_queries_open_on_an_example(self, ds):
        for query in ("country_timeline", "between_countries", "event_sources"):
            response = await ds.client.get(f"/armstimeline/{query}")
            assert response.status_code == 302, query
            page = await ds.client.get(response.headers["location"])
            assert page.status_code == 200 and "0 results" not in page.text, query
        data = await get_json(ds, "/armstimeline/country_timeline.json?country=MMR")
        assert data["rows"]

    @pytest.mark.parametrize("name", ["TUR", "tur", "TR", "Turkey", "Türkiye"])
    async def test_canned_queries_take_names_as_the_command_line_does(self, ds, name):
        expected = {e.id for e in TIMELINE.filter(countries="TUR")}
        rows = await get_json(ds, "/armstimeline/country_timeline.json?_shape=array&"
                              + urlencode({"country": name}))  # fmt: skip
        assert {r["id"] for r in rows} == expected
        both = await get_json(ds, "/armstimeline/between_countries.json?_shape=array&"
                              + urlencode({"country_a": "Russia", "country_b": name}))  # fmt: skip
        assert {r["id"] for r in both} == {
            e.id for e in TIMELINE.filter(countries="TUR") if "RUS" in e.countries
        }
        nowhere = "/armstimeline/country_timeline.json?_shape=array&country=Narnia"
        assert await get_json(ds, nowhere) == []

    async def test_ids_in_query_results_link_to_events(self, ds):
        page = await ds.client.get("/armstimeline/quid_pro_quo_pairs")
        assert '<a href="/armstimeline/events/bangladesh-arms-loan-2013">' in page.text

    async def test_quid_pro_quo_pairs_read_given_then_traded_for(self, ds):
        rows = await get_json(ds, "/armstimeline/quid_pro_quo_pairs.json?_shape=array")
        pairs = {(r["given_id"], r["traded_for_id"]) for r in rows}
        assert ("bangladesh-arms-loan-2013", "gazprom-bangladesh-gas-wells-2013") in pairs
        assert ("iran-arms-deal-negotiations-2016", "hamedan-air-base-2016") in pairs
        view = await get_json(ds, "/armstimeline/quid_pro_quo.json?_shape=array&_size=max")
        assert {(r["event_id"], r["traded_for_id"]) for r in view} == pairs
        library = {(a.id, b.id) for a, b in TIMELINE.quid_pro_quo()}
        assert library == pairs

    async def test_the_quid_pro_quo_calendar_holds_both_sides(self, ds):
        import icalendar

        response = await get_calendar(ds, "/armstimeline/quid_pro_quo_events.ics")
        assert response.status_code == 200
        uids = {str(item["UID"]).split("@")[0]
                for item in icalendar.Calendar.from_ical(response.content).walk("VEVENT")}
        sides = {e.id for pair in TIMELINE.quid_pro_quo() for e in pair}
        assert uids == sides
        assert {"tartus-latakia-naval-facilities-2005", "hamedan-air-base-2016",
                "gazprom-bangladesh-gas-wells-2013"} <= uids  # traded for, not only given


@pytest.mark.asyncio
class TestOneCallIsBounded:
    """Datasette's time limit counts VM steps; one huge call is a single step."""

    @pytest.mark.parametrize(
        "sql",
        ["select length(randomblob(1000000000))", "select hex(randomblob(400000000))",
         "select length(zeroblob(1000000000))",
         "select length(replace(hex(zeroblob(200000)), '0', '000000'))"],
    )  # fmt: skip
    async def test_huge_values_fail_at_once(self, ds, sql):
        response = await ds.client.get(sql_path(sql, ".json"))
        assert response.status_code == 400
        assert "too big" in response.json()["error"]

    @pytest.mark.parametrize("fmt", ["%.*c", "%*c", "%.*d"])
    async def test_printf_padding_is_refused_before_it_runs(self, ds, fmt):
        def url(sql: str) -> str:
            return sql_path(sql, ".json", _shape="array")

        data = await get_json(ds, url(f"select printf('{fmt}', 1000000000, 'x') as out"))
        assert data == [{"out": None}]
        ok = await get_json(ds, url("select printf('%25.2f', 3.14159) as out"))
        assert ok == [{"out": " " * 21 + "3.14"}]

    async def test_every_connection_has_the_caps(self, ds):
        from armstimeline.site.sqllimits import MAX_VALUE_BYTES

        db = ds.get_database("armstimeline")
        limit = await db.execute_fn(lambda conn: conn.getlimit(sqlite3.SQLITE_LIMIT_LENGTH))
        assert limit == MAX_VALUE_BYTES
        longest = await db.execute("select max(length(cast(summary as blob)) + "
                                   "length(cast(quotes as blob))) from events")  # fmt: skip
        assert longest.rows[0][0] < MAX_VALUE_BYTES


@pytest.mark.asyncio
@pytest.mark.parametrize("key", ["_child", "_through"])
@pytest.mark.parametrize("share", [0.01, 2.0])
async def test_two_filter_views_count_what_both_filters_keep(ds, key, share, monkeypatch):
    """A column filter beside a country, system or tag filter keeps the events that pass
    both (Datasette's own _through bound both to one parameter: every such view was empty);
    old _through links read the same; common values (walked in order) and rare ones
    (looked up through the child table) alike."""
    from armstimeline.site import childfilter

    monkeypatch.setattr(childfilter, "COMMON_SHARE", share)
    timeline = load_timeline(EVENTS, SEEDS)
    cases = [
        ("kind=deal", "actors", "country", "TUR",
         lambda e: e.kind == "deal" and "TUR" in e.countries),
        ("precision=year", "event_systems", "system", "S-400 Triumf",
         lambda e: e.date.precision.label == "year" and "S-400 Triumf" in e.systems),
        ("kind=delivery", "event_tags", "tag", "missiles",
         lambda e: e.kind == "delivery" and "missiles" in e.tags),
    ]  # fmt: skip
    for column_filter, child, column, value, keep in cases:
        through = json.dumps({"table": child, "column": column, "value": value})
        query = f"{column_filter}&{urlencode({key: through})}&_size=max&_shape=objects"
        data = await get_json(ds, f"/armstimeline/events.json?{query}")
        expected = sorted(e.id for e in timeline if keep(e))
        assert expected, column_filter
        assert sorted(r["id"] for r in data["rows"]) == expected, column_filter
    # two child filters at once, too
    both = [json.dumps({"table": "actors", "column": "country", "value": c})
            for c in ("RUS", "TUR")]  # fmt: skip
    data = await get_json(ds, "/armstimeline/events.json?_size=max&_shape=objects&" + urlencode(
        [(key, b) for b in both]))  # fmt: skip
    assert sorted(r["id"] for r in data["rows"]) == sorted(
        e.id for e in timeline if {"RUS", "TUR"} <= set(e.countries)
    )


@pytest.mark.asyncio
@pytest.mark.parametrize("path", ["bitmaps", "live"])
@pytest.mark.parametrize(
    "query",
    ["kind=deal", "_search=Iskander", "precision=year&_search=arms",
     "_child=" + json.dumps({"table": "actors", "column": "country", "value": "RUS"}),
     "kind=delivery&_child=" + json.dumps({"table": "event_tags", "column": "tag",
                                           "value": "missiles"}),
     # written otherwise than stored, yet SQL matches it (the column is an integer)
     "year=02016", "kind__exact=deal&decade=2010", "year__gte=2016&_sort=date",
     "decade=2010&_next=10", "_child=" + json.dumps({"table": "event_regions",
                                                      "column": "region", "value": "europe"}),
     # searches as Datasette words them: escaped, raw, unbalanced, one column only
     "_search=S-400", '_search="Iskander', "_search=Iskander OR Tartus&_searchmode=raw",
     "_search_summary=arms", "kind=deal&_search=arms&_search_title=S-400"],
)  # fmt: skip
async def test_facets_counted_together_equal_each_counted_alone(
    ds, db_path, query, path, monkeypatch
):
    """Filtered and searched views count all their facets at once, from the build's bitmaps
    (or, without them, in one pass of live SQL); every count equals the one SQL gives for
    that facet alone over the view's rows (over all its pages: ``_next`` shows a later
    page of the same view)."""
    from armstimeline.site import bitmaps, facets

    used: list[str] = []
    if path == "live":

        async def none(*args):
            return None

        monkeypatch.setattr(bitmaps, "member_sets", none)
    real_view_counts = facets.view_counts

    async def spy_view_counts(facet):
        found = await real_view_counts(facet)
        if found is not None:
            used.append("bitmaps")
        return found

    monkeypatch.setattr(facets, "view_counts", spy_view_counts)
    from armstimeline.site.adapter import WatchedDatabase

    statements: list[str] = []
    real_execute = WatchedDatabase.execute

    async def spy_execute(self, sql, *args, **kwargs):
        statements.append(sql)
        return await real_execute(self, sql, *args, **kwargs)

    monkeypatch.setattr(WatchedDatabase, "execute", spy_execute)
    for name in ("columns_together", "children_together"):
        real = getattr(facets, name)

        async def spy(*args, _real=real, _name=name, **kwargs):
            found = await _real(*args, **kwargs)
            used.append(_name if found is not None else f"{_name} gave up")
            return found

        monkeypatch.setattr(facets, name, spy)
    data = await get_json(
        ds, f"/armstimeline/events.json?{query}&_size=max&_shape=objects&_facet_size=max"
    )
    own = list(statements)  # the faceted view's statements, not the check's below
    whole = query.replace("&_next=10", "")
    ids = [r["id"] for r in (await get_json(
        ds, f"/armstimeline/events.json?{whole}&_size=max&_shape=objects&_nofacet=1"))["rows"]]
    assert ids  # every facet is checked below: a timed-out one has no results to match
    assert data["filtered_table_rows_count"] == len(ids)
    marks = ",".join("?" * len(ids))
    with sqlite3.connect(db_path) as conn:
        for column in ("kind", "decade", "year", "precision", "qualifiers", "origin"):
            expected = dict(conn.execute(
                f"select {column}, count(*) from events where id in ({marks}) "
                f"and {column} is not null group by 1", ids).fetchall())  # fmt: skip
            got = facet_values(data, column)
            assert got == {str(k): v for k, v in expected.items()}, (query, column)
        for name, table, column in (("countries", "actors", "country"),
                                    ("systems", "event_systems", "system"),
                                    ("tags", "event_tags", "tag"),
                                    ("regions", "event_regions", "region")):  # fmt: skip
            expected = dict(conn.execute(
                f"select {column}, count(distinct event_id) from {table} where event_id in "
                f"({marks}) and {column} is not null group by 1", ids).fetchall())  # fmt: skip
            assert facet_values(data, name) == {str(k): v for k, v in expected.items()}, (
                query, name)  # fmt: skip
    # Datasette's count of the view: 1.0 counts a subquery capped past its count limit
    counting = "select count(*) from (select * from events where" if ONE else (
        "select count(*) from events where")  # fmt: skip
    counted = [sql for sql in own if sql.startswith(counting)]
    if path == "live":
        assert sorted(used) == ["children_together", "columns_together"]
        assert counted, "Datasette counted the view"
    else:  # both facet classes asked; the view's events were found once
        assert used == ["bitmaps", "bitmaps"]
        assert len(counted) == 1, "Datasette counts the view itself, once"
        listed = [sql for sql in own if sql.startswith("select rowid from events ")]
        plain = "_search_" not in query and "year=02016" not in query and "__gte" not in query
        # filters and a plain search are answered by bitmaps and the full-text index alone;
        # the others list the view's rows, once
        assert len(listed) == (0 if plain else 1), listed


@pytest.mark.asyncio
async def test_facets_counted_together_time_out_together(ds, monkeypatch):
    """When counting all facets at once runs out of time, each is reported timed out and
    none is counted again alone (that would take longer still)."""
    from datasette.database import QueryInterrupted

    from armstimeline.site import bitmaps, facets

    calls: list[str] = []

    async def interrupted(*args, **kwargs):
        raise QueryInterrupted(None, "select 1", {})

    async def counted_alone(self, *args, **kwargs):
        calls.append("alone")
        raise AssertionError("a facet was counted alone")

    async def no_bitmaps(*args):
        return None

    monkeypatch.setattr(bitmaps, "member_sets", no_bitmaps)
    monkeypatch.setattr(facets, "columns_together", interrupted)
    monkeypatch.setattr(facets, "children_together", interrupted)
    forbid_counting_alone(monkeypatch, counted_alone)
    page = (await ds.client.get("/armstimeline/events?kind=deal")).text
    assert timed_out_facets(page) >= {
        "kind", "decade", "year", "precision", "qualifiers", "origin",
        "countries", "systems", "tags", "regions",
    }  # fmt: skip
    assert calls == []


@pytest.mark.asyncio
async def test_a_view_too_slow_to_find_times_out_every_facet_once(ds, monkeypatch):
    """A view's events are found once for its count and all its facets; when that runs
    out of time every facet is reported timed out, none is counted again alone, and the
    view is counted by Datasette's own query."""
    from datasette.database import QueryInterrupted

    from armstimeline.site import bitmaps

    calls: list[str] = []

    async def interrupted(*args, **kwargs):
        calls.append("listed")
        raise QueryInterrupted(None, "select 1", {})

    async def counted_alone(self, *args, **kwargs):
        raise AssertionError("a facet was counted alone")

    monkeypatch.setattr(bitmaps, "_view_members", interrupted)
    forbid_counting_alone(monkeypatch, counted_alone)
    page = (await ds.client.get("/armstimeline/events?_search=Iskander")).text
    assert timed_out_facets(page) >= {"kind", "origin", "countries", "regions"}
    assert calls == ["listed"]  # once, for the count and every facet
    # the view is still counted, by Datasette's own query
    data = await get_json(ds, "/armstimeline/events.json?_search=Iskander&_nofacet=1")
    assert data["filtered_table_rows_count"] == len(data["rows"]) > 0


@pytest.mark.asyncio
@pytest.mark.parametrize("term", ["arms", "Iskander", "Tartus", "S-400", '"unbalanced'])
async def test_a_search_shows_what_datasettes_own_wording_shows(ds, db_path, term):
    """The search filter is Datasette's own, stock: the rows, their order and the count
    are what its wording gives. ``_where`` still filters too."""
    from datasette.utils import escape_fts

    query = urlencode({"_search": term})
    data = await get_json(
        ds, f"/armstimeline/events.json?{query}&_size=max&_nofacet=1&_shape=objects"
    )
    with sqlite3.connect(db_path) as conn:
        expected = [row[0] for row in conn.execute(
            "select id from events where rowid in (select rowid from events_fts where "
            "events_fts match ?) order by sort_order, id", [escape_fts(term)])]  # fmt: skip
    assert [r["id"] for r in data["rows"]] == expected
    assert data["filtered_table_rows_count"] == len(expected)
    assert "rowid in (select rowid from events_fts" in data["query"]["sql"]
    where = await get_json(
        ds, "/armstimeline/events.json?_where=kind%3D%27deal%27&_nofacet=1&_shape=objects"
    )
    assert where["rows"] and {r["kind"] for r in where["rows"]} == {"deal"}
