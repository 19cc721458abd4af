"""Datasette's array facet (``?_facet_array=countries``) on the unfiltered events table reads
the counts the build stored, and answers exactly as Datasette's own array facet does."""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from datasette.app import Datasette
from datasette.facets import ArrayFacet
from datasette.utils.asgi import Request

from armstimeline.database import build
from armstimeline.site.arrayfacet import ARRAY_COLUMNS, StoredArrayFacet
from armstimeline.site.serve import site_options

from .conftest import EVENTS, ROOT, SEEDS
from .datasettes import ONE

pytestmark = pytest.mark.asyncio


@pytest.fixture(scope="module")
def db_path(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("arrays") / "armstimeline.db"
    build(EVENTS, SEEDS, path)
    return path


@pytest.fixture(scope="module")
def generated_db(tmp_path_factory) -> Path:
    """A database of generated events: many values per column, ties between counts."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from generate import generate

    folder = tmp_path_factory.mktemp("generated")
    events, seeds = generate(400, folder / "data")
    path = folder / "armstimeline.db"
    build(events, seeds, path)
    return path


def site(path: Path) -> Datasette:
    return Datasette(
        immutables=[str(path)],
        **site_options(path, ROOT / "metadata.yml"),
        settings={"suggest_facets": False},
    )


async def both(
    ds: Datasette, query: str, sql: str = "select * from events", monkeypatch: Any = None
) -> tuple:
    """(Datasette's own array facet's answer, the site's) to the same request; with
    ``monkeypatch``, the site's may not count as Datasette's does (it must read)."""
    await ds.invoke_startup()
    request = Request.fake("/armstimeline/events.json?" + query)
    own = await ArrayFacet(ds, request, "armstimeline", sql, "events", []).facet_results()
    if monkeypatch is not None:
        with monkeypatch.context() as patched:
            patched.setattr(ArrayFacet, "facet_results", counting_forbidden)
            ours = await StoredArrayFacet(ds, request, "armstimeline", sql, "events", []
                                          ).facet_results()  # fmt: skip
    else:
        ours = await StoredArrayFacet(ds, request, "armstimeline", sql, "events", []
                                      ).facet_results()  # fmt: skip
    return own, ours


async def counting_forbidden(self: Any) -> None:
    raise AssertionError("counted live")


def array_facet(data: dict, name: str) -> dict:
    results = data["facet_results"]
    results = results.get("results", results)
    facets = results.values() if isinstance(results, dict) else results
    return next(f for f in facets if f["name"] == name and f["type"] == "array")


@pytest.mark.parametrize("size", ["", "&_facet_size=3", "&_facet_size=max", "&_size=5"])
async def test_the_stored_answer_is_datasettes_own(db_path, generated_db, size, monkeypatch):
    for path in (db_path, generated_db):
        ds = site(path)
        for column in ARRAY_COLUMNS:
            own, ours = await both(ds, f"_facet_array={column}{size}", monkeypatch=monkeypatch)
            assert own[0] and own[0][0]["results"], (path, column)
            assert ours == own, (path, column)
        # two at once, as a page with two asked for shows them
        query = "_facet_array=countries&_facet_array=systems" + size
        own, ours = await both(ds, query, monkeypatch=monkeypatch)
        assert ours == own and len(ours[0]) == 2


async def test_the_unfiltered_table_reads_the_stored_counts(db_path, tmp_path):
    """A stored count marked 999 shows on the unfiltered table; a filtered view, another
    column and a database without stored counts are counted by Datasette's own code."""
    marked = tmp_path / "armstimeline.db"
    marked.write_bytes(db_path.read_bytes())
    with sqlite3.connect(marked) as conn:
        conn.execute("update facet_counts set count = 999 where facet = 'actors.country' "
                     "and value = 'TUR'")  # fmt: skip
        (turkey,) = conn.execute(
            "select count(distinct event_id) from actors where country = 'TUR'"
        ).fetchone()
        (turkey_2019,) = conn.execute(
            "select count(distinct a.event_id) from actors a join events e on e.id = a.event_id "
            "where a.country = 'TUR' and e.year = 2019"
        ).fetchone()
    ds = site(marked)
    extra = "&" + urlencode([("_extra", "facet_results")]) if ONE else ""
    path = "/armstimeline/events.json?_facet_array=countries&_size=5" + extra
    response = await ds.client.get(path)
    assert response.status_code == 200, response.text[:300]
    facet = array_facet(response.json(), "countries")
    counts = {r["value"]: r["count"] for r in facet["results"]}
    assert counts["TUR"] == 999
    turk = next(r for r in facet["results"] if r["value"] == "TUR")
    assert turk["toggle_url"].endswith(path + "&countries__arraycontains=TUR")
    filtered = await ds.client.get(path.replace("_size=5", "_size=5&year=2019"))
    facet = array_facet(filtered.json(), "countries")
    assert {r["value"]: r["count"] for r in facet["results"]}["TUR"] == turkey_2019
    with sqlite3.connect(marked) as conn:
        conn.execute("drop table facet_counts")
    unstored = await site(marked).client.get(path)
    facet = array_facet(unstored.json(), "countries")
    assert {r["value"]: r["count"] for r in facet["results"]}["TUR"] == turkey


async def test_a_filtered_view_is_counted_as_datasette_counts_it(db_path):
    own, ours = await both(
        site(db_path), "_facet_array=countries&year=2019",
        "select * from events where year = 2019",
    )  # fmt: skip
    assert ours == own and own[0][0]["results"]
