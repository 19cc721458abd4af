"""The visual timeline page, ``/<database>/-/timeline``: the events table's filters, drawn.

It asks Datasette's own table view for the ids (so its filters mean the same here),
reads those events back from the database and draws them with the SVG export.
"""

from __future__ import annotations

import re
import urllib.parse
from typing import Any

from datasette import Response
from datasette.database import QueryInterrupted
from datasette.utils.asgi import Request

from armstimeline.database import read_events
from armstimeline.errors import FilterError
from armstimeline.export.density import DENSE, render_density_svg
from armstimeline.export.svg import LANE_KEYS, LaneKey, render_svg
from armstimeline.site.bitmaps import pair_counts
from armstimeline.site.cells import plain_words
from armstimeline.site.childfilter import CHILD_KEY
from armstimeline.site.facets import read_through, through

__all__ = ["TIMELINE_TABLES", "table_query", "timeline_page"]

TIMELINE_TABLES = ("events", "timeline")
_OWN_ARGS = ("_lanes", "_format", "country", "system", "kind_is", "from", "to")
_DROP_PREFIXES = ("_facet", "_size", "_next", "_shape", "_col", "_nocol", "_sort", "_labels")
MAX_TIMELINE_EVENTS = 20_000
_LIMIT = re.compile(r"\s+limit\s+\d+(?:\s+offset\s+\d+)?\s*$", re.IGNORECASE)
BIG_TIMELINE = 3_000


def table_query(request: Any) -> list[tuple[str, str]]:
    """The request's filters, without paging, facets and this page's own options."""
    pairs = urllib.parse.parse_qsl(request.query_string, keep_blank_values=True)
    return [(k, v) for k, v in pairs if k not in _OWN_ARGS and not k.startswith(_DROP_PREFIXES)]


def form_filters(request: Any) -> tuple[list[tuple[str, str]], str | None]:
    """The page's own filter form as table filters: a country or a system through its
    child table, a kind, and years that keep every event whose span overlaps them; with
    the country to draw first."""
    args = request.args
    pairs: list[tuple[str, str]] = []
    for name, child, column in (("country", "actors", "country"),
                                ("system", "event_systems", "system")):  # fmt: skip
        value = (args.get(name) or "").strip()
        if value:
            pairs.append((CHILD_KEY, through(child, column, value)))
    if (args.get("kind_is") or "").strip():
        pairs.append(("kind", args["kind_is"].strip()))
    if (args.get("from") or "").strip().isdigit():
        pairs.append(("end_year__gte", args["from"].strip()))
    if (args.get("to") or "").strip().isdigit():
        pairs.append(("year__lte", args["to"].strip()))
    focus = (args.get("country") or "").strip() or None
    for key, value in urllib.parse.parse_qsl(request.query_string):
        found = read_through(value) if key == CHILD_KEY and focus is None else None
        if found is not None and found[0] == "actors":
            focus = found[1]
    return pairs, focus


async def _choices(db: Any) -> dict[str, list[tuple[str, str]]]:
    """The values the form offers: countries, kinds and systems the events use."""
    countries = await db.execute(
        "select c.code, c.name from countries c where c.code in "
        "(select value from facet_counts where facet = 'actors.country') order by c.name"
    )
    kinds = await db.execute("select id from kinds order by id")
    systems = await db.execute(
        "select value from facet_counts where facet = 'event_systems.system' order by value"
    )
    return {
        "countries": [(r[0], r[1]) for r in countries.rows],
        "kinds": [(r[0], r[0].replace("_", " ")) for r in kinds.rows],
        "systems": [(r[0], r[0]) for r in systems.rows],
    }


def _error_text(response: Any) -> str:
    """The sentence in Datasette's JSON error, else the start of the body."""
    try:
        return str(response.json().get("error") or response.text[:300])
    except ValueError:
        return str(response.text[:300])


class _TooSlow(Exception):
    """Datasette's table view ran out of time on the view's own query."""


def _check(response: Any) -> None:
    """Raise what went wrong with an answer of Datasette's table view, if anything."""
    if response.status_code == 200:
        return
    try:
        interrupted = response.json().get("title") == "SQL Interrupted"
    except ValueError:
        interrupted = False
    if interrupted:
        raise _TooSlow()
    raise FilterError(_error_text(response))


async def _filtered_ids(
    datasette: Any, database: str, query: list[tuple[str, str]]
) -> tuple[list[str], str]:
    """Ask Datasette's own table view for the ids, so its filters mean the same here."""
    base = datasette.urls.table(database, "events", format="json")
    extra = [("_shape", "objects"), ("_col", "id"), ("_nocount", "1"), ("_nofacet", "1"),
             ("_nosuggest", "1"), ("_size", "max")]  # fmt: skip
    ids: list[str] = []
    description = ""
    url = base + "?" + urllib.parse.urlencode(query + extra)
    while url and len(ids) < MAX_TIMELINE_EVENTS:
        response = await datasette.client.get(url)
        _check(response)
        data = response.json()
        description = data.get("human_description_en") or description
        ids.extend(row["id"] for row in data["rows"])
        next_token = data.get("next")
        url = (
            base + "?" + urllib.parse.urlencode([*query, *extra, ("_next", next_token)])
            if next_token
            else None
        )
    return ids, description


async def _density(
    datasette: Any, database: str, query: list[tuple[str, str]]
) -> tuple[int, dict[tuple[int, str], int] | None, list[str] | None, str]:
    """How many events the filters keep; past ``DENSE``, how many start in each year by
    kind, else their ids; and the view in words. Counted and listed in SQL over Datasette's
    own query for the view (its filters, search and all), in one request to the table and
    one query, whatever its page size (ids None: the query was not the shape we know)."""
    base = datasette.urls.table(database, "events", format="json")
    extra = [("_size", "0"), ("_col", "year"), ("_col", "kind"), ("_nofacet", "1"),
             ("_nosuggest", "1")]  # fmt: skip
    response = await datasette.client.get(base + "?" + urllib.parse.urlencode(query + extra))
    _check(response)
    data = response.json()
    description = data.get("human_description_en") or ""
    count = data.get("filtered_table_rows_count")
    inner = _LIMIT.sub("", data["query"]["sql"])
    if inner == data["query"]["sql"]:
        return count or 0, None, None, description  # not the shape we know
    db, params = datasette.get_database(database), data["query"].get("params") or {}
    if not (isinstance(count, int) and count <= DENSE):
        view = Request.fake(base + "?" + urllib.parse.urlencode(query))
        listing = f"select rowid from events where id in (select id from ({inner}))"
        counts = await pair_counts(
            datasette, database, view, listing, params, "events.year", "events.kind"
        )
        if counts is None:  # no stored bitmaps: SQL groups the view
            rows = await db.execute(
                f"select year, kind, count(*) from ({inner}) group by year, kind", params
            )
            counts = {(r[0], r[1]): r[2] for r in rows.rows}
        count = sum(counts.values())
        if count > DENSE:
            return count, counts, None, description
    found = await db.execute(f"select id from ({inner}) limit {DENSE + 1}", params)
    ids = [r[0] for r in found.rows]
    return len(ids), None, ids, description


async def _refusal(datasette: Any, request: Any, title: str, sentence: str) -> Response:
    """The site's error page, status 400: the reader can change the view and ask again."""
    page = await datasette.render_template(
        "error.html", {"ok": False, "status": 400, "title": title, "error": sentence},
        request=request,
    )  # fmt: skip
    return Response.html(page, status=400)


async def timeline_page(datasette: Any, request: Any) -> Response:
    database = request.url_vars["database"]
    try:
        db = datasette.get_database(database)
    except KeyError:
        return Response.html("Database not found", status=404)
    form, focus = form_filters(request)
    query = table_query(request) + form
    try:
        total, counts, found, description = await _density(datasette, database, query)
        if counts is not None:
            ids: list[str] = []
        elif found is not None:
            ids = found
        else:
            ids, description = await _filtered_ids(datasette, database, query)
    except FilterError as exc:
        return await _refusal(
            datasette, request, "These filters do not work on the events table",
            f"{exc} Go back to the events table and choose the filters there.",
        )  # fmt: skip
    except (QueryInterrupted, _TooSlow):
        return await _refusal(
            datasette, request, "This view takes too long to draw",
            "Its events could not be counted within the time limit. Narrow it with a "
            "country, a kind, a weapon system or a search, or list these events in the "
            "events table.",
        )  # fmt: skip
    events, _ = await db.execute_fn(lambda conn: read_events(conn, ids))
    # Country lanes repeat an event once per country; past a few thousand events the
    # kind lanes keep the page quick. The reader can still switch.
    asked = request.args.get("_lanes") or ("country" if len(events) <= BIG_TIMELINE else "kind")
    lanes: LaneKey = "kind" if asked == "kind" else "country"
    table_url = datasette.urls.table(database, "events")
    if counts is not None:

        def bar(year: int, kind: str) -> str:
            extra = urllib.parse.urlencode([*query, ("year", str(year)), ("kind", kind)])
            return f"{table_url}?{extra}"

        svg = render_density_svg(counts, bar, f"armstimeline: {total:,} events by year and kind")
    else:
        svg = render_svg(events, lanes=lanes, link=table_url + "/{id}",
                         title="armstimeline timeline", focus=focus)  # fmt: skip
    if request.args.get("_format") == "svg":
        return Response(svg, content_type="image/svg+xml; charset=utf-8")
    here = datasette.urls.database(database) + "/-/timeline"

    def url(extra: list[tuple[str, str]]) -> str:
        return here + "?" + urllib.parse.urlencode(query + extra)

    qs = urllib.parse.urlencode(query)
    return Response.html(
        await datasette.render_template(
            "armstimeline_timeline.html",
            {
                "database": database,
                "svg": svg,
                "count": total if counts is not None else len(events),
                "dense": DENSE if counts is not None else None,
                "lanes": lanes,
                "lane_links": [(k, url([("_lanes", k)])) for k in LANE_KEYS],
                "table_url": table_url + (f"?{qs}" if qs else ""),
                "svg_url": url([("_lanes", lanes), ("_format", "svg")]),
                "description": (
                    "Events " + plain_words(query)
                    if plain_words(query)
                    else description.replace("sorted by sort_order", "").strip()
                )
                or "All events, in timeline order.",
                "choices": await _choices(db) if await db.table_exists("facet_counts") else {},
                "chosen": {k: request.args.get(k, "") for k in _OWN_ARGS[2:]},
                "here": here,
            },
            request=request,
        )
    )

