"""The site's adapter (``site.adapter``): each place it meets an API that differs between
the Datasette versions the site supports, pinned to what Datasette itself does."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path
from urllib.parse import urlencode

import pytest
from datasette.app import Datasette

from armstimeline.database import build
from armstimeline.site.adapter import (
    base_template_scripts,
    body_scripts,
    can_view,
    canned_queries,
    cors_headers,
    datasette_options,
    error_parts,
    instance_metadata,
    jinja_environment,
    takes_config,
    view_params,
    without_page_limit,
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


async def test_a_table_views_sql_ends_with_its_page_limit(db_path):
    """``without_page_limit``: the SQL a table view gives an output renderer is its page's
    (``limit`` one past the page size); without it, the view's every row."""
    ds = Datasette(immutables=[str(db_path)], **site_options(db_path, ROOT / "metadata.yml"))
    await ds.invoke_startup()
    given: list[str] = []

    async def spy(datasette, request, database, table, columns, sql, data, query_name):
        given.append(sql)
        return await render_ics(datasette, request, database, table, columns, sql, data,
                                query_name)  # fmt: skip

    ds.renderers["ics"] = (spy, *ds.renderers["ics"][1:])
    response = await ds.client.get("/armstimeline/events.ics?kind=deal&_size=3&_extra=query")
    assert response.status_code == 200
    assert re.search(r"\slimit 4\s*$", given[-1]), given[-1]
    whole = without_page_limit(given[-1])
    assert " limit " not in whole.lower()
    rows = (await ds.get_database("armstimeline").execute(whole, {"p0": "deal"})).rows
    with sqlite3.connect(db_path) as conn:
        (deals,) = conn.execute("select count(*) from events where kind = 'deal'").fetchone()
    assert len(rows) == deals > 3


async def test_errors_read_as_datasettes_own_handler_reads_them(db_path):
    """``error_parts``, ``cors_headers``: Datasette's exceptions give their status, message,
    title and fields; ``--cors`` adds Datasette's CORS headers, to the site's errors too."""
    from datasette.utils.asgi import Forbidden, NotFound
    from datasette.views.base import DatasetteError
    from markupsafe import Markup

    assert error_parts(NotFound("No such table")) == (404, "No such table", None, {})
    assert error_parts(Forbidden("No"))[0] == 403
    html = error_parts(DatasetteError("<b>x</b>", title="T", status=418, message_is_html=True,
                                      error_dict={"k": 1}))  # fmt: skip
    assert html == (418, Markup("<b>x</b>"), "T", {"k": 1}) and isinstance(html[1], Markup)
    assert error_parts(ValueError("boom")) == (500, "boom", None, {})
    plain = Datasette(immutables=[str(db_path)], **site_options(db_path, ROOT / "metadata.yml"))
    assert cors_headers(plain) == {}
    cors = Datasette(immutables=[str(db_path)], cors=True,
                     **site_options(db_path, ROOT / "metadata.yml"))  # fmt: skip
    assert cors_headers(cors)["Access-Control-Allow-Origin"] == "*"
    missing = await cors.client.get("/armstimeline/no_such_table.json")
    assert missing.status_code == 404 and missing.json()["ok"] is False
    assert missing.headers["access-control-allow-origin"] == "*"
    stock = await cors.client.get("/armstimeline/kinds.json")  # Datasette's own answer
    assert set(cors_headers(cors)) <= {k.title() for k in stock.headers}


async def test_datasettes_through_filter_still_clashes_with_column_filters(db_path):
    """``legacy_through`` exists because Datasette's ``_through`` names its parameter
    ``p0``, as the first column filter does (the README's bug): when this fails, Datasette
    fixed it, and old links may go to its filter again."""
    from datasette.filters import Filters, through_filters
    from datasette.utils.asgi import Request

    ds = Datasette(immutables=[str(db_path)], **site_options(db_path, ROOT / "metadata.yml"))
    await ds.invoke_startup()
    through = json.dumps({"table": "actors", "column": "country", "value": "TUR"})
    request = Request.fake("/armstimeline/events?" + urlencode({"kind": "deal",
                                                                "_through": through}))  # fmt: skip
    found = await through_filters(request, "armstimeline", "events", ds)()
    _, column_params = Filters([("kind", "deal")]).build_where_clauses("events")
    assert set(found.params) == set(column_params) == {"p0"}
    # and the site reads an old link's _through as its own _child, with the same answer
    old = await ds.client.get("/armstimeline/events.json?_shape=array&_size=max&kind=deal&"
                              + urlencode({"_through": through}))  # fmt: skip
    new = await ds.client.get("/armstimeline/events.json?_shape=array&_size=max&kind=deal&"
                              + urlencode({"_child": through}))  # fmt: skip
    assert old.status_code == new.status_code == 200
    assert old.json() == new.json() != []


async def test_a_reader_pages_inline_scripts_are_the_ones_the_policy_allows(db_path):
    """``base_template_scripts``, ``body_scripts``: every inline script a reader page
    carries (Datasette's base template's and the plugins') has its hash in the page's
    Content-Security-Policy, and nothing else is allowed."""
    from armstimeline.site.headers import script_hash

    ds = Datasette(immutables=[str(db_path)], **site_options(db_path, ROOT / "metadata.yml"))
    await ds.invoke_startup()
    for path in ("/", "/events", "/timeline", "/countries/TUR"):
        response = await ds.client.get(path)
        assert response.status_code == 200, path
        # scripts a browser runs: no src, no data block (type="application/json")
        inline = re.findall(r"<script(?![^>]*\b(?:src=|type=\"application/json))[^>]*>(.*?)"
                            r"</script>", response.text, re.DOTALL)  # fmt: skip
        assert inline, path
        allowed = set(re.findall(r"'sha256-[^']+'", response.headers["content-security-policy"]))
        assert {script_hash(s) for s in inline} == allowed, path
    assert await base_template_scripts(ds) and await body_scripts(ds)


def test_datasettes_quoting_and_request_errors_are_as_the_site_reads_them():
    """The site's SQL quotes names and searches as Datasette's views do, and its 400 and
    403 exceptions are the ones Datasette's error handler answers."""
    from armstimeline.site.adapter import BadRequest, Forbidden, escape_fts, escape_sqlite

    from .datasettes import ONE

    assert escape_sqlite("events") == "events"  # a plain name stays bare
    # a keyword or a name with a space is quoted: [brackets] on 0.65, "quotes" on 1.0
    assert escape_sqlite("group") == ('"group"' if ONE else "[group]")
    assert escape_sqlite("a b") == ('"a b"' if ONE else "[a b]")
    assert escape_fts("Su-35 Iskander") == '"Su-35" "Iskander"'  # each term a phrase
    assert escape_fts('x"y') == '"x" "y"'  # a stray quote cannot open a phrase
    assert (BadRequest("x").status, Forbidden("y").status) == (400, 403)
    assert error_parts(BadRequest("no such page")).status == 400


async def test_datasettes_facets_are_registered_once_the_array_facet_the_sites(db_path):
    """Datasette registers its column, date and array facets through its own plugin, named
    ``datasette.facets``; once the site's startup blocks it, a table page runs each facet
    type once: Datasette's column and date facets, and the site's array facet."""
    from datasette.facets import ArrayFacet, ColumnFacet, DateFacet
    from datasette.plugins import pm

    from armstimeline.site.adapter import DEFAULT_FACETS, default_facet_classes
    from armstimeline.site.arrayfacet import StoredArrayFacet

    ds = Datasette(immutables=[str(db_path)], **site_options(db_path, ROOT / "metadata.yml"))
    await ds.invoke_startup()
    assert pm.is_blocked(DEFAULT_FACETS)
    import datasette.facets as datasettes_own

    # what the blocked plugin registers: the three facets, the array one replaced here
    assert datasettes_own.register_facet_classes() == [ColumnFacet, DateFacet, ArrayFacet]
    assert default_facet_classes(StoredArrayFacet) == [ColumnFacet, DateFacet, StoredArrayFacet]
    classes = [c for group in pm.hook.register_facet_classes() for c in group]
    types = [c.type for c in classes]
    assert sorted(types) == sorted(set(types)), types  # each type once
    assert StoredArrayFacet in classes and ArrayFacet not in classes
    assert {ColumnFacet, DateFacet} <= set(classes)
    # the name Datasette registers its own plugin under (the module's name)
    from datasette.plugins import DEFAULT_PLUGINS

    assert DEFAULT_FACETS in DEFAULT_PLUGINS and datasettes_own.__name__ == DEFAULT_FACETS


async def test_the_files_introspection_is_answered_once_as_datasette_answers_it(db_path):
    """``WatchedDatabase`` answers Database's introspection of the immutable file as
    Database does, asking the file once per question (each name is Database's own)."""
    from datasette.database import Database

    from armstimeline.site.adapter import WatchedDatabase
    from armstimeline.site.fileanswers import FILE_QUESTIONS

    from .datasettes import ONE

    assert [n for n in FILE_QUESTIONS if not hasattr(Database, n)] == ([] if ONE else
                                                                       ["view_exists"])  # fmt: skip
    ds = Datasette(immutables=[str(db_path)], **site_options(db_path, ROOT / "metadata.yml"))
    await ds.invoke_startup()
    watched = ds.get_database("armstimeline")
    assert isinstance(watched, WatchedDatabase)
    plain = Database(ds, path=str(db_path), is_mutable=False)
    plain.name = "unwatched"  # its connections kept apart from the watched ones
    tables, views = await plain.table_names(), await plain.view_names()
    assert "events" in tables and "timeline" in views
    questions: list[tuple[str, tuple]] = [("table_names", ()), ("view_names", ()),
                                          ("get_all_foreign_keys", ())]  # fmt: skip
    for name in ("events", "actors", "timeline", "no_such_table"):
        questions += [(q, (name,)) for q in (
            "table_exists", "view_exists", "table_columns", "table_column_details",
            "primary_keys", "fts_table", "foreign_keys_for_table", "get_table_definition")]
        questions += [("get_table_definition", (name, "view")), ("get_view_definition", (name,))]
    questions = [(q, args) for q, args in questions if hasattr(Database, q)]
    for question, args in questions:
        assert await getattr(watched, question)(*args) == await getattr(plain, question)(*args)
    asked: list[str] = []
    execute_fn = Database.execute_fn

    async def recorded(self, fn):  # type: ignore[no-untyped-def]
        asked.append(getattr(fn, "__name__", "?"))
        return await execute_fn(self, fn)

    Database.execute_fn = recorded  # type: ignore[method-assign]
    try:
        for question, args in questions:
            first = await getattr(watched, question)(*args)
            assert first == await getattr(plain, question)(*args)
            asked.clear()
            again = await getattr(watched, question)(*args)
            assert again == first and asked == [], (question, asked)
        # what a caller changes is its own copy
        keys = await watched.foreign_keys_for_table("actors")
        keys.clear()
        assert await watched.foreign_keys_for_table("actors")
    finally:
        Database.execute_fn = execute_fn  # type: ignore[method-assign]


async def test_a_tables_permission_check_asks_the_schema_once(db_path, monkeypatch):
    """Datasette 0.65.5 looks the table's name up in the schema for every table permission
    check: the SQL it sends is one of ``SCHEMA_LOOKUPS`` (1.0 sends none), and the
    watched database answers it from the file once."""
    from armstimeline.site.adapter import SCHEMA_LOOKUPS

    from .datasettes import ONE, recorded_sql

    ds = Datasette(immutables=[str(db_path)], **site_options(db_path, ROOT / "metadata.yml"))
    await ds.invoke_startup()
    await ds.client.get("/armstimeline/kinds.json")  # Datasette's first-request counts
    sent = recorded_sql(monkeypatch)
    for table in ("events", "EVENTS", "sources"):
        assert await can_view(ds, None, "armstimeline", table) is True
    looked_up = [sql for sql in sent if "sqlite_master" in sql]
    assert set(looked_up) <= SCHEMA_LOOKUPS and (looked_up != []) is not ONE, sent
    sent.clear()
    for table in ("events", "EVENTS", "sources"):
        assert await can_view(ds, None, "armstimeline", table) is True
    assert sent == [] if not ONE else "PRAGMA schema_version" in sent
    page = await ds.client.get("/events/bangladesh-arms-loan-2013")
    assert page.status_code == 200 and not set(sent) & SCHEMA_LOOKUPS, sent
