"""Curated events beside the register rows that record the same deal: in the library, in
``show`` and on the site; links from curated events to imported ones; the origin facet."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from datasette.app import Datasette

from armstimeline.cli import cli
from armstimeline.database import build
from armstimeline.importing import import_sipri
from armstimeline.loading import validate
from armstimeline.site.serve import site_options
from armstimeline.timeline import load
from tests.conftest import EVENTS, ROOT, SEEDS
from tests.sipri_fixture import ROWS_1, register, row_key

ISKANDER = row_key(ROWS_1, "armenia-russia-2013-9m723-iskander")
S400 = row_key(ROWS_1, "turkiye-russia-2017-s-400-triumf")
P35 = row_key(ROWS_1, "syria-soviet-union-1986-p-35")


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("joined")
    shutil.copytree(EVENTS, root / "events")
    shutil.copytree(SEEDS, root / "seeds")
    (root / "r.csv").write_bytes(register(ROWS_1).encode("latin-1"))
    import_sipri(root / "r.csv", root / "events")
    return root


def test_curated_events_list_the_register_rows_of_their_deal(project):
    timeline = load(project / "events", project / "seeds")
    armenia = timeline.register_matches("armenia-iskander-2016")
    assert [(r.order.id, r.delivery.id if r.delivery else None) for r in armenia] == [
        (f"sipri-{ISKANDER}-order",
         f"sipri-{ISKANDER}-delivery"),
    ]  # fmt: skip
    for curated in ("turkey-s400-contract-2017", "turkey-s400-purchase-2019"):
        rows = timeline.register_matches(curated)
        assert [r.key for r in rows] == [S400], curated
    # no shared system, or another recipient, or dates that do not meet: no row
    assert timeline.register_matches("bangladesh-arms-loan-2013") == []
    assert timeline.register_matches(f"sipri-{ISKANDER}-order") == []
    # rows are matched on dates too: the 2008 Kornet order is not the S-400 deal, and a
    # curated event before an order's year does not meet it
    curated = timeline["turkey-s400-contract-2017"]
    assert all(r.order.date.first_year >= 2017 for r in timeline.register_matches(curated))


def test_show_prints_the_rows_beside_the_event(project):
    args = ["--events", str(project / "events"), "--sources", str(project / "seeds")]
    result = CliRunner().invoke(cli, ["show", "turkey-s400-purchase-2019", *args])
    assert result.exit_code == 0, result.output
    assert "In the register" in result.output
    assert f"[sipri-{S400}-order]" in result.output
    assert f"[sipri-{S400}-delivery]" in result.output
    as_json = CliRunner().invoke(cli, ["show", "armenia-iskander-2016", "--json", *args])
    rows = json.loads(as_json.output)["register_rows"]
    assert rows[0]["order"] == f"sipri-{ISKANDER}-order"


def test_a_curated_event_links_to_imported_ones_with_any_relation(project, tmp_path):
    folder = tmp_path / "events"
    shutil.copytree(project / "events", folder)
    shutil.copytree(project / "seeds", tmp_path / "seeds")
    path = folder / "armenia-iskander-2016.yml"
    text = path.read_text("utf-8").replace(
        "relations:\n",
        f"relations:\n- {{type: related, target: sipri-{ISKANDER}-order}}\n"
        f"- {{type: part_of, target: sipri-{ISKANDER}-order}}\n",
    )
    path.write_text(text, "utf-8")
    # a symmetric link to an imported event is written once: the importer owns that file
    assert validate(folder, tmp_path / "seeds") == []
    db = tmp_path / "a.db"
    build(folder, tmp_path / "seeds", db)
    timeline = load(folder, tmp_path / "seeds")
    related = {(name, other.id) for name, other in timeline.related("armenia-iskander-2016")}
    order = f"sipri-{ISKANDER}-order"
    assert {("related", order), ("part_of", order)} <= related
    # and an incremental build after a re-import keeps accepting it
    path.write_text(text.replace("Yerevan", "Yerevan city"), "utf-8")
    assert build(folder, tmp_path / "seeds", db).events == len(timeline)


@pytest.mark.asyncio
async def test_the_site_shows_the_rows_and_marks_imported_events(project, tmp_path):
    db = tmp_path / "armstimeline.db"
    build(project / "events", project / "seeds", db)
    ds = Datasette(immutables=[str(db)], **site_options(db, ROOT / "metadata.yml"),
                   settings={"suggest_facets": False})  # fmt: skip
    page = (await ds.client.get("/events/armenia-iskander-2016")).text
    assert "In SIPRI&#39;s register" in page or "In SIPRI's register" in page
    assert f"/events/sipri-{ISKANDER}-order" in page
    assert f"/events/sipri-{ISKANDER}-delivery" in page
    imported = (await ds.client.get(f"/events/sipri-{ISKANDER}-order")).text
    assert "Imported from a register" in imported and "9M723 Iskander" in imported
    # (Datasette 1.0 gives the facets when asked; 0.65 always)
    data = (await ds.client.get("/armstimeline/events.json?_size=0&_extra=facet_results")).json()
    results = data["facet_results"]
    results = results.get("results", results)
    origin = {r["value"]: r["count"] for r in results["origin"]["results"]}
    assert origin == {"register": 21, "curated": len(list(EVENTS.glob("*.yml")))}
    table = (await ds.client.get("/armstimeline/events?origin=register")).text
    assert table.count("imported from a register</span>") == 21


@pytest.mark.asyncio
async def test_a_dense_timeline_is_drawn_as_counts_and_says_so(project, tmp_path, monkeypatch):
    """Past the density the page draws events per year and kind, each bar a link to
    those events; the counts add up to the view's events, filters included."""
    import re

    from armstimeline.site import timeline_page

    monkeypatch.setattr(timeline_page, "DENSE", 20)
    db = tmp_path / "armstimeline.db"
    build(project / "events", project / "seeds", db)
    ds = Datasette(immutables=[str(db)], **site_options(db, ROOT / "metadata.yml"),
                   settings={"suggest_facets": False})  # fmt: skip
    total = len(load(project / "events", project / "seeds"))
    page = (await ds.client.get("/timeline?origin=all")).text
    assert f"{total:,} events are too many to draw one by one" in page
    labels = re.findall(r'aria-label="(\d{4}): ([\d,]+) ([a-z ]+) events?"', page)
    assert sum(int(n.replace(",", "")) for _, n, _ in labels) == total
    # a bar links to its events: the reader's list of that year and kind
    link = re.search(r'<a class="bar" href="([^"]+)" aria-label="2016: (\d+) delivery', page)
    assert link is not None
    listed = (await ds.client.get(link.group(1).replace("&amp;", "&"))).text
    assert listed.count('<li class="event') == int(link.group(2))
    # on a phone, a vertical list: decades with their counts, each year a link to its events
    phone = page[page.index('<ol class="vtimeline vcounts"'):]
    phone = phone[:phone.index("</main>")]
    decades = re.findall(r"<h2>(\d{4})s <span class=\"vcount\">([\d,]+) events?</span>", phone)
    years = re.findall(r'<a href="([^"]+)"><span class="vtitle">(\d{4}): ([\d,]+) events?', phone)
    assert sum(int(n.replace(",", "")) for _, n in decades) == total
    assert sum(int(n.replace(",", "")) for _, _, n in years) == total
    assert [int(y) for _, y, _ in years] == sorted({int(y) for y, _, _ in labels})
    for decade, n in decades:  # a decade's count is its years'
        assert int(n.replace(",", "")) == sum(
            int(c.replace(",", "")) for _, y, c in years if y[:3] == decade[:3])
    url, _, n = next(y for y in years if y[1] == "2016")
    listed = (await ds.client.get(url.replace("&amp;", "&"))).text
    assert listed.count('<li class="event') == int(n) > 0
    # filtered below the density, each event is drawn again
    small = (await ds.client.get("/timeline?country=ARM&kind=deal&origin=all")).text
    assert "too many to draw" not in small and "sipri-armenia-russia-2013-9m723-iskander" in small


def test_filters_show_or_hide_imported_events_and_find_designations(project):
    timeline = load(project / "events", project / "seeds")
    curated = timeline.filter(origin="curated")
    imported = timeline.filter(origin="register")
    assert len(curated) + len(imported) == len(timeline) and len(imported) == 21
    assert all(not e.imported for e in curated) and all(e.imported for e in imported)
    # a designation the catalog lacks, kept as written, is a system a filter can name
    assert [e.id for e in timeline.filter(systems="p-35")] == [
        f"sipri-{P35}-order", f"sipri-{P35}-delivery"]
    args = ["--events", str(project / "events"), "--sources", str(project / "seeds")]
    result = CliRunner().invoke(cli, ["list", "--origin", "register", "--country", "SUHH", *args])
    assert result.exit_code == 0, result.output
    assert len(result.output.strip().splitlines()) == 2
    bad = CliRunner().invoke(cli, ["list", "--system", "P35", *args])
    assert bad.exit_code != 0 and "did you mean 'P-35'" in bad.output


def _view_counts_in_sql(db: Path, ids: list[str]) -> dict[tuple[int, str], int]:
    import sqlite3

    with sqlite3.connect(db) as conn:
        marks = ", ".join("?" * len(ids))
        rows = conn.execute(
            f"select year, kind, count(*) from events where id in ({marks}) group by year, kind",
            ids,
        ).fetchall()
    return {(year, kind): n for year, kind, n in rows}


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "query",
    [
        [],
        [("kind", "deal")],
        [("country", "RUS")],
        [("q", "arms")],
        [("country", "ARM"), ("q", "Iskander"), ("origin", "all")],
        [("from", "2016")],
        [("origin", "register"), ("kind", "delivery")],
    ],
)
async def test_dense_timeline_counts_from_bitmaps_equal_sql(project, tmp_path, monkeypatch, query):
    """The counts a dense timeline draws come from the build's bitmaps, and equal SQL's
    grouping of the events the library's filter gives for the same choices."""
    import re
    import urllib.parse

    from armstimeline.site import timeline_page

    monkeypatch.setattr(timeline_page, "DENSE", 3)
    db = tmp_path / "armstimeline.db"
    build(project / "events", project / "seeds", db)
    ds = Datasette(immutables=[str(db)], **site_options(db, ROOT / "metadata.yml"),
                   settings={"suggest_facets": False})  # fmt: skip
    given = dict(query)
    timeline = load(project / "events", project / "seeds").filter(
        countries=given.get("country"), kinds=given.get("kind"), text=given.get("q"),
        start=given.get("from"),
        origin={"all": None}.get(given.get("origin", ""), given.get("origin", "curated")),
    )  # fmt: skip
    expected = _view_counts_in_sql(db, [e.id for e in timeline])
    assert sum(expected.values()) > 3, "the view must be dense for this test"
    page = (await ds.client.get(f"/timeline?{urllib.parse.urlencode(query)}")).text
    drawn = {
        (int(year), kind.replace(" ", "_")): int(n.replace(",", ""))
        for year, n, kind in re.findall(
            r'aria-label="(\d{4}): ([\d,]+) ([a-z ]+?) events?"', page
        )
    }
    assert drawn == expected


@pytest.mark.asyncio
async def test_a_timeline_too_slow_to_count_says_so(project, tmp_path, monkeypatch):
    """A view whose events cannot be found in time gets a page saying so and what to do,
    status 400, not a server error; arbitrary SQL is Datasette's, not the timeline's."""
    from urllib.parse import urlencode

    from datasette.database import QueryInterrupted

    from armstimeline.site import browsing

    db = tmp_path / "armstimeline.db"
    build(project / "events", project / "seeds", db)
    ds = Datasette(immutables=[str(db)], **site_options(db, ROOT / "metadata.yml"),
                   settings={"suggest_facets": False})  # fmt: skip
    response = await ds.client.get("/armstimeline/-/timeline?" + urlencode({"_where": "1"}))
    assert response.status_code == 400 and "has no equivalent on the timeline" in response.text

    async def interrupted(*args):
        raise QueryInterrupted(None, "select rowid from events_fts", {})

    monkeypatch.setattr(browsing, "select", interrupted)
    for path in ("/timeline?q=arms", "/events?q=arms"):
        response = await ds.client.get(path)
        assert response.status_code == 400 and "takes too long" in response.text, path
        assert "Narrow it with a country" in response.text


def test_a_system_package_joins_its_parts_through_data(tmp_path):
    """The S-400's 48N6 missiles join the S-400 deal through the catalog's package, and a
    project's systems.yml extends a package without code."""
    shutil.copytree(EVENTS, tmp_path / "events")
    shutil.copytree(SEEDS, tmp_path / "seeds")
    parts = [
        "Turkiye,Russia,2017,,120,?,48N6E3,SAM,120,?,2019,New,For S-400 SAM system,1.2,144,144",
        "Turkiye,Russia,2017,,4,?,Gravity-X,air search radar,4,?,2019,New,For S-400,2,8,8",
    ]
    (tmp_path / "r.csv").write_bytes(register([*ROWS_1, *parts]).encode("latin-1"))
    import_sipri(tmp_path / "r.csv", tmp_path / "events")
    found = lambda: {r.order.register.designation  # noqa: E731
                     for r in load(tmp_path / "events", tmp_path / "seeds")
                     .register_matches("turkey-s400-purchase-2019")}  # fmt: skip
    assert found() == {"S-400 Triumf", "48N6E3"}
    (tmp_path / "systems.yml").write_text(
        "- name: S-400 Triumf\n  category: air_defence\n  package: [Gravity-X]\n", "utf-8"
    )
    assert found() == {"S-400 Triumf", "48N6E3", "Gravity-X"}
    assert load(tmp_path / "events", tmp_path / "seeds").filter(countries="Turkiye")
