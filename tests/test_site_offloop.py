"""A visitor's SQL page is written on a thread of its own (``site.offloop``): while one is
being written, the event loop goes on serving readers' pages."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import urllib.parse
from pathlib import Path

import pytest
from datasette import hookimpl
from datasette.app import Datasette
from datasette.plugins import pm

from armstimeline.database import build
from armstimeline.site.offloop import is_html_page
from armstimeline.site.serve import site_options

from .conftest import EVENTS, ROOT, SEEDS


@pytest.fixture(scope="module")
def db_path(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("offloop") / "armstimeline.db"
    build(EVENTS, SEEDS, path)
    return path


class HeldCells:
    """A ``render_cell`` hook that notes the thread writing each ``marker`` cell and, off
    the event loop's thread, holds the first one until released."""

    def __init__(self, loop_thread: threading.Thread) -> None:
        self.loop_thread = loop_thread
        self.threads: set[threading.Thread] = set()
        self.writing = threading.Event()
        self.release = threading.Event()

    @hookimpl
    def render_cell(self, value, column):  # type: ignore[no-untyped-def]
        if column == "marker":
            self.threads.add(threading.current_thread())
            if threading.current_thread() is not self.loop_thread:
                self.writing.set()
                self.release.wait(20)  # a safety net only: the test releases it
        return None


def sql_url(sql: str, ext: str = "") -> str:
    return f"/armstimeline{ext}?" + urllib.parse.urlencode({"sql": sql})


@pytest.mark.asyncio
async def test_readers_pages_are_served_while_a_visitors_sql_page_is_written(db_path):
    ds = Datasette(immutables=[str(db_path)], **site_options(db_path, ROOT / "metadata.yml"))
    await ds.client.get("/")  # started
    held = HeldCells(threading.current_thread())
    pm.register(held, name="armstimeline-test-held-cells")
    try:
        asked = asyncio.ensure_future(
            ds.client.get(sql_url("select 'x' as marker, id from events order by id"),
                          follow_redirects=True)
        )
        # the page is being written, and held there; the loop is free
        assert await asyncio.to_thread(held.writing.wait, 20)
        for path in ("/events", "/", "/countries/TUR", "/events/turkey-s400-purchase-2019"):
            assert (await ds.client.get(path)).status_code == 200
        assert not asked.done()
        held.release.set()
        page = await asked
    finally:
        held.release.set()
        pm.unregister(name="armstimeline-test-held-cells")
    assert page.status_code == 200
    listed = page.text.count('<td class="col-id')
    with sqlite3.connect(db_path) as conn:
        assert listed == conn.execute("select count(*) from events").fetchone()[0]
    assert held.threads and held.loop_thread not in held.threads


@pytest.mark.asyncio
async def test_only_visitors_html_pages_leave_the_loop(db_path):
    """JSON and CSV answers of the same SQL, and the site's own pages, stay on the loop."""
    ds = Datasette(immutables=[str(db_path)], **site_options(db_path, ROOT / "metadata.yml"))
    held = HeldCells(threading.current_thread())
    pm.register(held, name="armstimeline-test-held-cells")
    try:
        json_answer = await ds.client.get(sql_url("select 'x' as marker", ".json"),
                                            follow_redirects=True)
        assert json_answer.status_code == 200
        assert held.threads <= {held.loop_thread}
    finally:
        held.release.set()
        pm.unregister(name="armstimeline-test-held-cells")


@pytest.mark.parametrize(
    ("path", "query", "html"),
    [
        ("/armstimeline", "sql=select+1", True),
        ("/armstimeline/events", "_where=1", True),
        ("/armstimeline.json", "sql=select+1", False),
        ("/armstimeline/events.csv", "_where=1", False),
        ("/armstimeline", "sql=select+1&_format=json", False),
        ("/armstimeline/events", "_where=1&_stream=on", False),
    ],
)
def test_what_counts_as_an_html_page(path, query, html):
    scope = {"type": "http", "path": path, "query_string": query.encode()}
    assert is_html_page(scope) is html
