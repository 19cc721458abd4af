"""The front page, ``/``: the dataset in figures, where to start, what is newest; read
once per serving process of an immutable database, not table by table on every request."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest
from datasette.app import Datasette

from armstimeline.database import build
from armstimeline.site.serve import datasette_options, load_metadata, site_options

from .conftest import EVENTS, ROOT, SEEDS
from .datasettes import recorded_sql

pytestmark = pytest.mark.asyncio


@pytest.fixture(scope="module")
def db_path(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("front") / "armstimeline.db"
    build(EVENTS, SEEDS, path)
    return path


def site(db_path: Path) -> Datasette:
    return Datasette(immutables=[str(db_path)], **site_options(db_path, ROOT / "metadata.yml"))


@pytest.fixture
def asked(monkeypatch) -> list[str]:
    """Every SQL statement sent to the served database (not Datasette's internal one)
    through Datasette's threads, in order."""
    return recorded_sql(monkeypatch)


async def test_the_front_page_shows_the_dataset_in_figures(db_path):
    ds = site(db_path)
    page = await ds.client.get("/")
    assert page.status_code == 200
    with sqlite3.connect(db_path) as conn:
        events = conn.execute("select count(*) from events").fetchone()[0]
        countries = conn.execute("select count(distinct country) from actors").fetchone()[0]
        newest = [r[0] for r in conn.execute(
            "select title from events order by sort_order desc limit 6")]  # fmt: skip
    shown = re.findall(r"<li><strong>([\d,]+)</strong> (events|countries)</li>", page.text)
    figures = {label: int(n.replace(",", "")) for n, label in shown}
    assert figures == {"events": events, "countries": countries}
    listed = re.findall(r'<li><a href="/events/[^"]+">([^<]+)</a> <span class="when">', page.text)
    assert [t.replace("&#39;", "'").replace("&amp;", "&") for t in listed] == newest
    title = load_metadata(db_path, ROOT / "metadata.yml")["title"]
    assert f"<h1>{title}</h1>" in page.text
    for link in ("/events", "/timeline", "/countries", "/systems"):
        assert f'href="{link}"' in page.text
    # Datasette's index stays open as JSON, and the page links it as before
    assert page.headers["link"].startswith("http://localhost/.json;")
    assert (await ds.client.get("/.json")).status_code == 200


async def test_the_front_page_reads_the_database_once_per_process(db_path, asked):
    """Datasette's index asked every table for its columns, keys and full-text table on
    each request; the page's figures are read on the first request and kept."""
    ds = site(db_path)
    first = await ds.client.get("/")
    read_first = list(asked)
    asked.clear()
    again = await ds.client.get("/")
    assert first.text == again.text
    assert any("facet_counts" in sql for sql in read_first)
    # the second request reads none of the figures: at most Datasette's permission look-ups
    assert not [sql for sql in asked if re.search(r"\b(events|facet_counts|build_info)\b", sql)]
    assert len(asked) <= 2, asked


async def test_without_events_the_front_page_lists_the_databases(tmp_path):
    other = tmp_path / "notes.db"
    with sqlite3.connect(other) as conn:
        conn.execute("create table notes (body text)")
    conn.close()
    ds = Datasette(immutables=[str(other)])
    page = await ds.client.get("/")
    assert page.status_code == 200
    assert '<a href="/notes">notes</a>' in page.text
    assert "years covered" not in page.text


async def test_a_visitor_who_may_not_see_the_events_sees_no_figures(db_path):
    metadata = load_metadata(db_path, ROOT / "metadata.yml")
    metadata["databases"]["armstimeline"]["tables"]["events"]["allow"] = {"id": "editor"}
    ds = Datasette(immutables=[str(db_path)], **datasette_options(metadata))
    await ds.invoke_startup()
    hidden = await ds.client.get("/")
    assert hidden.status_code == 403 and "events</li>" not in hidden.text
    cookies = {"ds_actor": ds.sign({"a": {"id": "editor"}}, "actor")}
    shown = await ds.client.get("/", cookies=cookies)
    assert shown.status_code == 200 and "events</li>" in shown.text
