"""The site's adapter (``site.adapter``): each place it meets an API that differs between
the Datasette versions the site supports, pinned to what Datasette itself does."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from datasette.app import Datasette

from armstimeline.database import build
from armstimeline.site.adapter import (
    can_view,
    canned_queries,
    datasette_options,
    instance_metadata,
    jinja_environment,
    takes_config,
    view_params,
)  # fmt: skip
from armstimeline.site.ics import render_ics
from armstimeline.site.serve import load_metadata, site_options

from .conftest import EVENTS, ROOT, SEEDS

pytestmark = pytest.mark.asyncio


@pytest.fixture(scope="module")
def db_path(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("adapter") / "armstimeline.db"
    build(EVENTS, SEEDS, path)
    return path


def private_site(db_path: Path) -> Datasette:
    """The events table visible to the actor "editor" only (Datasette's ``allow`` block)."""
    metadata = load_metadata(db_path, ROOT / "metadata.yml")
    metadata["databases"]["armstimeline"]["tables"]["events"]["allow"] = {"id": "editor"}
    return Datasette(immutables=[str(db_path)], **datasette_options(metadata))


async def test_can_view_agrees_with_datasettes_own_table_page(db_path):
    ds = private_site(db_path)
    await ds.invoke_startup()
    assert await can_view(ds, None, "armstimeline", "events") is False
    assert await can_view(ds, {"id": "editor"}, "armstimeline", "events") is True
    assert await can_view(ds, None, "armstimeline", "sources") is True
    # Datasette's own page says the same, and so do the reader's pages
    assert (await ds.client.get("/armstimeline/events")).status_code == 403
    assert (await ds.client.get("/events")).status_code == 403
    cookies = {"ds_actor": ds.sign({"a": {"id": "editor"}}, "actor")}
    assert (await ds.client.get("/armstimeline/events", cookies=cookies)).status_code == 200
    assert (await ds.client.get("/events", cookies=cookies)).status_code == 200


async def test_metadata_reaches_datasette_as_its_version_reads_it(db_path):
    """``datasette_options``: the canned queries, a table's facets, sort and labels, the
    plugins' settings and the descriptions all take effect, on 0.65 (metadata) and on 1.0
    (configuration beside metadata)."""
    ds = Datasette(immutables=[str(db_path)], **site_options(db_path, ROOT / "metadata.yml"))
    await ds.invoke_startup()
    queries = canned_queries(ds, "armstimeline")
    assert queries["country_timeline"]["title"] == "A country's timeline"
    found = await ds.client.get("/armstimeline/country_timeline.json?country=MMR&_shape=array",
                                follow_redirects=True)  # fmt: skip
    assert found.status_code == 200 and "myanmar-coup-2021" in found.text
    page = await ds.client.get("/armstimeline/events")
    assert page.status_code == 200
    assert 'data-column="countries"' in page.text  # a configured child facet
    assert "One row per event" in page.text  # the table's description (metadata)
    bare = await ds.client.get("/armstimeline/between_countries")  # the plugin's settings
    assert bare.status_code == 302 and "country_a=RUS" in bare.headers["location"]


async def test_the_template_environment_is_datasettes_own(db_path):
    """``jinja_environment``: the environment Datasette renders with, its base template
    and the plugins' templates among its sources."""
    ds = Datasette(immutables=[str(db_path)], **site_options(db_path, ROOT / "metadata.yml"))
    await ds.invoke_startup()
    env = jinja_environment(ds)
    assert "<html" in env.loader.get_source(env, "base.html")[0]
    assert "armstimeline/reader.html" in env.list_templates()


async def test_the_instance_metadata_is_metadata_yml_s(db_path):
    """``instance_metadata``: the title and description the front page shows, as
    Datasette holds them on either version."""
    ds = Datasette(immutables=[str(db_path)], **site_options(db_path, ROOT / "metadata.yml"))
    await ds.invoke_startup()
    written = load_metadata(db_path, ROOT / "metadata.yml")
    held = await instance_metadata(ds)
    assert held["title"] == written["title"] and held["description"] == written["description"]


async def test_a_renderer_is_given_the_views_parameters_as_its_version_gives_them(db_path):
    """``view_params``, ``asking_for_params``: the ``data`` an output renderer is given holds
    the view's parameters (0.65 always, 1.0 when ``?_extra=query`` asks); a calendar of a
    filtered view holds that view's events and no other, on either version."""
    ds = Datasette(immutables=[str(db_path)], **site_options(db_path, ROOT / "metadata.yml"))
    await ds.invoke_startup()
    seen: list[dict | None] = []

    async def spy(datasette, request, database, table, columns, sql, data, query_name):
        seen.append(view_params(data))
        return await render_ics(datasette, request, database, table, columns, sql, data,
                                query_name)  # fmt: skip

    ds.renderers["ics"] = (spy, *ds.renderers["ics"][1:])
    path = "/armstimeline/events.ics?kind=deal&_size=1"
    first = await ds.client.get(path)
    if takes_config():  # 1.0: not given until asked, then asked once
        assert seen == [None] and first.status_code == 302
        assert first.headers["location"] == path + "&_extra=query"
        first = await ds.client.get(first.headers["location"])
    assert first.status_code == 200
    assert seen[-1] == {"p0": "deal"}  # the filter's parameter, as Datasette named it
    with sqlite3.connect(db_path) as conn:
        deals = {r[0] for r in conn.execute("select id from events where kind = 'deal'")}
    assert first.text.count("BEGIN:VEVENT") == len(deals) > 1
    assert all(f"{d}@armstimeline" in first.text for d in deals)
    asked = await ds.client.get(path + "&_extra=query")
    assert asked.status_code == 200 and asked.content == first.content
