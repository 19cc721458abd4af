"""A busy site (issue 20's load test): what one visitor's heavy query may cost the others.

Each test checks the mechanism, not a timing: the time limit is kept by a watchdog, not a
progress handler that takes the serving thread's GIL thousands of times a second; a query
stopped at the limit is answered without Datasette's traceback dump; SQL runs on threads
that yield to the page-rendering thread; answers an immutable database cannot change are
asked once.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
import types
from pathlib import Path

import pytest
from datasette import hookimpl
from datasette.app import Datasette
from datasette.plugins import pm

from armstimeline.database import build
from armstimeline.site import memo
from armstimeline.site.adapter import WatchedDatabase, watch_databases
from armstimeline.site.serve import SETTINGS, site_options
from armstimeline.site.sqlthreads import SQL_NICENESS
from armstimeline.site.timelimit import WatchedConnection

from .conftest import EVENTS, ROOT, SEEDS
from .datasettes import sql_path

# a page of events with its facets (Datasette 1.0 gives them when asked; 0.65 always)
FACETED = "/armstimeline/events.json?_size=1&_extra=facet_results"

ENDLESS = "with recursive n(i) as (select 1 union all select i + 1 from n) select count(*) from n"


@pytest.fixture(scope="module")
def db_path(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("busy") / "armstimeline.db"
    build(EVENTS, SEEDS, path)
    return path


def site(db_path: Path, **settings) -> Datasette:
    return Datasette(
        immutables=[str(db_path)],
        **site_options(db_path, ROOT / "metadata.yml"),
        settings={**SETTINGS, **settings},
    )


def test_watched_connection_calls_the_handler_by_time_not_by_step(db_path):
    """SQLite would call a progress handler with n=1 once per VM step (hundreds of
    thousands of times here); the watchdog calls it about once per 10 ms."""
    calls = []
    plain = sqlite3.connect(":memory:")
    plain.set_progress_handler(lambda: calls.append(1), 1)
    plain.execute("with recursive n(i) as (select 1 union all select i + 1 from n "
                  "limit 200000) select count(*) from n").fetchall()  # fmt: skip
    assert len(calls) > 200_000, "the oracle: SQLite calls it per step"
    calls.clear()
    conn = sqlite3.connect(":memory:", factory=WatchedConnection, check_same_thread=False)
    conn.set_progress_handler(lambda: calls.append(1), 1)
    conn.execute("with recursive n(i) as (select 1 union all select i + 1 from n "
                 "limit 200000) select count(*) from n").fetchall()  # fmt: skip
    conn.set_progress_handler(None, 1)
    assert len(calls) < 1000  # a 10 s query would be needed to reach it by polling


def test_watched_connection_is_interrupted_when_its_handler_says_stop():
    conn = sqlite3.connect(":memory:", factory=WatchedConnection, check_same_thread=False)
    stop = threading.Event()
    conn.set_progress_handler(stop.is_set, 1000)
    threading.Timer(0.05, stop.set).start()
    with pytest.raises(sqlite3.OperationalError, match="interrupted"):
        conn.execute(ENDLESS).fetchall()
    conn.set_progress_handler(None, 1000)
    # the interrupt is not left over for the connection's next query
    for _ in range(50):
        conn.set_progress_handler(lambda: False, 1000)
        assert conn.execute("select count(*) from (select 1 union all select 2)").fetchone() == (2,)
        conn.set_progress_handler(None, 1000)


def test_a_raising_handler_stops_its_query():
    conn = sqlite3.connect(":memory:", factory=WatchedConnection, check_same_thread=False)

    def broken() -> bool:
        raise RuntimeError("handler failed")

    conn.set_progress_handler(broken, 1000)
    with pytest.raises(sqlite3.OperationalError, match="interrupted"):
        conn.execute(ENDLESS).fetchall()
    conn.set_progress_handler(None, 1000)


@pytest.mark.asyncio
async def test_site_serves_through_watched_connections_and_keeps_the_limit(db_path, capfd):
    ds = site(db_path, sql_time_limit_ms=200)
    await ds.invoke_startup()  # as `datasette serve` does before its first connection
    response = await ds.client.get(sql_path(ENDLESS, ".json"))
    assert response.status_code == 400
    assert "took too long" in response.json()["error"]
    db = ds.get_database("armstimeline")
    assert isinstance(db, WatchedDatabase)
    kind = await db.execute_fn(lambda conn: type(conn).__name__)
    assert kind == "WatchedConnection"
    # the HTML page says the same, and neither dumped a traceback with its locals
    page = await ds.client.get(sql_path(ENDLESS))
    assert page.status_code == 400 and "took too long" in page.text
    out, err = capfd.readouterr()
    assert "Traceback" not in out + err and "locals" not in out + err


def test_serving_processes_watch_their_database_before_the_first_request(db_path, monkeypatch):
    """``armstimeline serve --workers N`` builds each process's Datasette itself: its
    database is watched before ``app()`` opens the first connections."""
    from armstimeline.site import serve

    meta = db_path.parent / "metadata.json"
    meta.write_text("{}", encoding="utf-8")
    config = {"db": str(db_path), "metadata": str(meta), "inspect": None, "secret": "x"}
    monkeypatch.setenv("ARMSTIMELINE_SERVE_CONFIG", __import__("json").dumps(config))
    built = []
    monkeypatch.setattr(Datasette, "app", lambda self: built.append(self) or "app")
    assert serve.app_from_environment() == "app"
    assert isinstance(built[0].get_database("armstimeline"), WatchedDatabase)


def test_mutable_and_memory_databases_are_left_as_datasette_makes_them(db_path):
    ds = Datasette([str(db_path)], memory=True)
    watch_databases(ds)
    assert all(type(db) is not WatchedDatabase for db in ds.databases.values())


@pytest.mark.asyncio
async def test_an_error_of_the_site_itself_still_prints_its_traceback(db_path, capfd):
    async def fail(request):
        raise RuntimeError("a bug of ours")

    broken = types.ModuleType("test_broken_route")
    broken.register_routes = hookimpl(lambda: [(r"^/-/broken$", fail)])  # type: ignore[attr-defined]
    pm.register(broken, name="test-broken-route")
    try:
        ds = site(db_path)
        response = await ds.client.get("/-/broken")
    finally:
        pm.unregister(name="test-broken-route")
    assert response.status_code == 500 and "a bug of ours" in response.text
    assert "RuntimeError: a bug of ours" in capfd.readouterr().err


@pytest.mark.asyncio
async def test_sql_threads_yield_and_the_rendering_thread_does_not(db_path):
    main_before = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    ds = site(db_path)
    await ds.client.get("/armstimeline/events")
    db = ds.get_database("armstimeline")
    niceness = await db.execute_fn(
        lambda conn: os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    )
    assert niceness >= SQL_NICENESS
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == main_before


@pytest.mark.asyncio
async def test_a_serving_process_gives_the_interpreter_back_to_the_loop_sooner(
    db_path, monkeypatch
):
    """Its threads take turns of at most ``SWITCH_SECONDS`` (never lengthened)."""
    import sys

    from armstimeline.site.sqlthreads import SWITCH_SECONDS, favour_the_event_loop

    before = sys.getswitchinterval()
    try:
        sys.setswitchinterval(0.005)
        await site(db_path).invoke_startup()
        assert sys.getswitchinterval() == pytest.approx(SWITCH_SECONDS) and SWITCH_SECONDS < 0.005
        sys.setswitchinterval(SWITCH_SECONDS / 2)
        favour_the_event_loop()
        assert sys.getswitchinterval() == pytest.approx(SWITCH_SECONDS / 2)
    finally:
        sys.setswitchinterval(before)


@pytest.mark.asyncio
async def test_stored_counts_are_asked_once_per_process_and_match_a_fresh_site(db_path):
    ds = site(db_path)
    first = (await ds.client.get(FACETED)).json()
    asked = []

    async def ask():
        asked.append(1)
        return "fresh"

    # a remembered answer is not asked again; a mutable database is always asked
    assert await memo.remembered(ds, "armstimeline", "k", ask) == "fresh"
    assert await memo.remembered(ds, "armstimeline", "k", ask) == "fresh"
    assert len(asked) == 1
    mutable = Datasette([str(db_path)])
    assert await memo.remembered(mutable, "armstimeline", "k", ask) == "fresh"
    assert await memo.remembered(mutable, "armstimeline", "k", ask) == "fresh"
    assert len(asked) == 3
    again = (await ds.client.get(FACETED)).json()
    fresh = (await site(db_path).client.get(FACETED)).json()
    assert again["facet_results"] == first["facet_results"] == fresh["facet_results"]


@pytest.mark.asyncio
async def test_remembered_answers_are_bounded(db_path, monkeypatch):
    monkeypatch.setattr(memo, "LIMIT", 5)
    ds = site(db_path)

    async def ask():
        return 1

    for key in range(20):
        await memo.remembered(ds, "armstimeline", key, ask)
    calls = []

    async def counted():
        calls.append(1)
        return 1

    await memo.remembered(ds, "armstimeline", 0, counted)  # forgotten: asked again
    await memo.remembered(ds, "armstimeline", 19, counted)  # recent: kept
    assert len(calls) == 1


def test_a_stop_that_comes_before_the_query_starts_still_stops_it():
    """SQLite ignores an interrupt while no statement runs: a deadline already past when
    the statement starts (a thread kept waiting) must still stop it."""
    conn = sqlite3.connect(":memory:", factory=WatchedConnection, check_same_thread=False)
    conn.set_progress_handler(lambda: True, 1000)
    time.sleep(0.1)  # the watchdog has polled (and interrupted) before the query starts
    with pytest.raises(sqlite3.OperationalError, match="interrupted"):
        conn.execute(ENDLESS).fetchall()
    conn.set_progress_handler(None, 1000)
    assert conn.execute("select 1").fetchone() == (1,)


def test_a_refused_page_leaves_no_statement_running():
    """A statement left running on a connection (a refused page whose exception is still
    held) kept the time limit's interrupt of a later query alive for the next one: under
    load, readers' one-row lookups failed as "interrupted"."""
    from armstimeline.site.sqllimits import bound_connection

    conn = sqlite3.connect(":memory:", factory=WatchedConnection, check_same_thread=False)
    bound_connection(conn)
    held = []
    cursor = conn.cursor()
    cursor.execute("with recursive n(i) as (select 1 union all select i + 1 from n limit 100) "
                   "select zeroblob(500000) from n")
    with pytest.raises(sqlite3.OperationalError, match="more than 4 MiB") as refused:
        cursor.fetchmany(101)
    held.append(refused.value)  # its traceback keeps the cursor
    conn.set_progress_handler(lambda: True, 1000)  # a query past its deadline
    with pytest.raises(sqlite3.OperationalError, match="interrupted"):
        conn.execute(ENDLESS).fetchall()
    conn.set_progress_handler(None, 1000)
    assert conn.execute("select 1").fetchall() == [(1,)]
