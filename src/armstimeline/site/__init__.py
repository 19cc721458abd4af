"""The project's Datasette plugin, registered through the ``datasette`` entry point.

It adds what stock Datasette lacks for this data:

- a ``child`` facet type that counts values in an indexed child table (actors,
  event_systems, event_tags, event_regions) instead of unpacking a JSON column for
  every row, and filters with Datasette's own ``_through`` parameter;
- the ``.ics`` output renderer, with stable UIDs and honest date precision;
- a visual timeline page, ``/<database>/-/timeline``, that takes the same filters as
  the events table (a reader who filtered to Turkey sees Turkey's timeline), drawn
  server-side as SVG, with a link to it in the table's actions menu.
"""

from __future__ import annotations

import json
import re
import sqlite3
import urllib.parse
from typing import Any

from datasette import Response, hookimpl
from datasette.database import QueryInterrupted
from datasette.facets import ColumnFacet, Facet
from datasette.utils import escape_sqlite, path_with_added_args, path_with_removed_args
from markupsafe import Markup, escape

from armstimeline.errors import FilterError


class ChildFacet(Facet):
    """Facet an events view by a column of a child table that points back to it.

    Configured in metadata as ``{"child": {"table": "actors", "column": "country"}}``
    or requested as ``?_facet_child=actors.country``. Counts distinct events, so an
    event with two roles for one country counts once.
    """

    type = "child"

    async def suggest(self) -> list[dict[str, Any]]:
        return []

    def _configs(self) -> list[tuple[str, dict[str, str]]]:
        out = []
        for item in self.get_configs():
            config = item["config"]
            if "simple" in config:
                table, _, column = config["simple"].partition(".")
                config = {"table": table, "column": column}
            out.append((item["source"], config))
        return out

    async def facet_results(self) -> tuple[list[dict[str, Any]], list[str]]:
        results: list[dict[str, Any]] = []
        timed_out: list[str] = []
        db = self.ds.get_database(self.database)
        size = self.get_facet_size()
        pairs = self.get_querystring_pairs()
        asked = {v for k, v in pairs if k == "_facet_array"}
        for source, config in self._configs():
            child, column = config["table"], config["column"]
            name = config.get("name", column)
            if name in asked:
                continue  # ?_facet_array=countries shows the same facet; not twice
            keys = [
                fk
                for fk in await db.foreign_keys_for_table(child)
                if fk["other_table"] == self.table
            ]
            if not keys:
                continue
            fk = keys[0]
            filtered = " where " in self.sql.lower()
            stored = (
                None
                if filtered
                else await stored_counts(
                    self.ds, self.database, self.table, f"{child}.{column}", size
                )
            )
            if stored is not None:
                rows = stored
            else:
                try:
                    rows = await self._count(child, column, fk, filtered, size)
                except QueryInterrupted:
                    timed_out.append(name)
                    continue
            labels = await self._labels(db, child, column, [r["value"] for r in rows.rows])
            values = []
            for row in rows.rows[:size]:
                through = json.dumps(
                    {"table": child, "column": column, "value": str(row["value"])},
                    separators=(",", ":"),
                )
                selected = ("_through", through) in pairs
                path = (
                    path_with_removed_args(self.request, {"_through": through})
                    if selected
                    else path_with_added_args(self.request, {"_through": through})
                )
                values.append(
                    {
                        "value": row["value"],
                        "label": labels.get(row["value"], row["value"]),
                        "count": row["count"],
                        "toggle_url": self.ds.absolute_url(self.request, path),
                        "selected": selected,
                    }
                )
            results.append(
                {
                    "name": name,
                    "type": self.type,
                    "results": values,
                    "hideable": source != "metadata",
                    "toggle_url": self.ds.urls.path(
                        path_with_removed_args(self.request, {"_facet_child": f"{child}.{column}"})
                    ),
                    "truncated": len(rows.rows) > size,
                }
            )
        return results, timed_out

    async def _count(
        self, child: str, column: str, fk: dict[str, str], filtered: bool, size: int
    ) -> Any:
        """Count distinct events per value live, within the facet time limit."""
        where = (
            f"where c.{escape_sqlite(fk['column'])} in "
            f"(select {escape_sqlite(fk['other_column'])} from ({self.sql}))"
            if filtered
            else ""
        )
        sql = (
            f"select c.{escape_sqlite(column)} as value, "
            f"count(distinct c.{escape_sqlite(fk['column'])}) as count "
            f"from {escape_sqlite(child)} c {where} "
            f"group by value order by count desc, value limit {size + 1}"
        )
        return await self.ds.execute(
            self.database,
            sql,
            self.params if filtered else [],
            truncate=False,
            custom_time_limit=self.ds.setting("facet_time_limit_ms"),
        )

    async def _labels(self, db: Any, child: str, column: str, values: list[Any]) -> dict[Any, str]:
        """'TUR' reads better as 'Türkiye (TUR)': use the referenced table's label column."""
        fks = [fk for fk in await db.foreign_keys_for_table(child) if fk["column"] == column]
        if not fks or not values:
            return {}
        fk = fks[0]
        label_column = await db.label_column_for_table(fk["other_table"])
        if not label_column:
            return {}
        marks = ", ".join("?" * len(values))
        rows = await db.execute(
            f"select {escape_sqlite(fk['other_column'])}, {escape_sqlite(label_column)} "
            f"from {escape_sqlite(fk['other_table'])} "
            f"where {escape_sqlite(fk['other_column'])} in ({marks})",
            values,
        )
        return {r[0]: f"{r[1]} ({r[0]})" if r[1] != r[0] else r[0] for r in rows.rows}


async def stored_counts(
    ds: Any, database: str, faceted: str | None, facet: str, size: int
) -> Any | None:
    """The build's stored counts for one facet ("table.column") of the unfiltered events
    table, or None when they do not apply: another table is ``faceted`` (the counts are
    events per value), or the database has none (not built by armstimeline, or a facet
    the build does not store)."""
    if faceted != "events":
        return None
    db = ds.get_database(database)
    if not await db.table_exists("facet_counts"):
        return None
    known = await db.execute("select 1 from facet_counts where facet = ? limit 1", [facet])
    if not known.rows:
        return None
    return await db.execute(
        "select value, count from facet_counts where facet = ? order by count desc, value limit ?",
        [facet, size + 1],
    )


class StoredFacet(ColumnFacet):
    """Datasette's column facet, but on the unfiltered table it reads the counts the
    build stored instead of counting every row (configured as ``{"stored": "kind"}``;
    values filter with the ordinary ``?kind=deal``). Filtered views count live."""

    type = "stored"

    async def suggest(self) -> list[dict[str, Any]]:
        return []

    async def facet_results(self) -> tuple[list[dict[str, Any]], list[str]]:
        configs = self.get_configs()
        size = self.get_facet_size()
        results: list[dict[str, Any]] = []
        live = []
        asked = set(self.request.args.getlist("_facet")) if self.request else set()
        for item in configs:
            column = item["config"].get("column") or item["config"]["simple"]
            if column in asked:
                continue  # ?_facet=kind: Datasette's own column facet shows it, live
            rows = (
                None
                if " where " in self.sql.lower()
                else await stored_counts(
                    self.ds, self.database, self.table, f"{self.table}.{column}", size
                )
            )
            if rows is None:
                live.append(item)
                continue
            results.append(await self._result(item["source"], column, rows, size))
        timed_out: list[str] = []
        if live:
            self.get_configs = lambda: live  # type: ignore[method-assign]
            try:
                more, timed_out = await super().facet_results()
            finally:
                del self.get_configs
            results += more
        order = [item["config"].get("column") or item["config"]["simple"] for item in configs]
        results.sort(key=lambda r: order.index(r["name"]))
        for result in results:
            # to a reader these are column facets; Datasette labels other types "(stored)"
            result["type"] = "column"
        return results, timed_out

    async def _result(self, source: str, column: str, rows: Any, size: int) -> dict[str, Any]:
        """One facet's results in the shape ColumnFacet gives them."""
        values = [row["value"] for row in rows.rows[:size]]
        labels = (
            await self.ds.expand_foreign_keys(self.database, self.table, column, values)
            if self.table
            else {}
        )
        # the links path_with_added_args and absolute_url would make, with the request
        # parsed once per facet rather than once per value (a third of the page's time)
        base = self.ds.absolute_url(self.request, self.ds.urls.path(self.request.path))
        current = urllib.parse.parse_qsl(self.request.query_string)
        return {
            "name": column,
            "type": "column",
            "hideable": source != "metadata",
            "toggle_url": self.ds.urls.path(
                path_with_removed_args(self.request, {"_facet_stored": column})
            ),
            "results": [
                {
                    "value": row["value"],
                    "label": labels.get((column, row["value"]), row["value"]),
                    "count": row["count"],
                    "toggle_url": base
                    + "?"
                    + urllib.parse.urlencode([*current, (column, row["value"])]),
                    "selected": False,  # stored counts serve only the unfiltered table
                }
                for row in rows.rows[:size]
            ],
            "truncated": len(rows.rows) > size,
        }


EVENT_ID_COLUMNS = frozenset({"id", "event_id", "given_id", "traded_for_id", "from_event",
                              "to_event"})  # fmt: skip
_EVENT_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


@hookimpl
def render_cell(value: Any, column: str, table: str | None, database: str, datasette: Any) -> Any:
    """Event ids in query results (canned or not) link to the event's page; tables link
    their own keys already."""
    if table is not None or column not in EVENT_ID_COLUMNS or not isinstance(value, str):
        return None
    if not _EVENT_ID.fullmatch(value):
        return None
    href = datasette.urls.row(database, "events", value)
    return Markup(f'<a href="{escape(href)}">{escape(value)}</a>')


# The longest value a query on the site may make or read. Datasette's time limit counts
# SQLite's VM steps, and one call such as randomblob(1e9) or printf('%.*c', 1e9, 'x') is a
# single step that takes seconds and a gigabyte; capping the length makes every such call
# fail fast ("string or blob too big"). Nothing the build writes comes near it: an event
# file is at most 256 KiB, and so is every row made from it.
MAX_VALUE_BYTES = 512 * 1024
MAX_SQL_BYTES = 64 * 1024  # the text of one query (a URL's ?sql=)
_LIMITS = {
    sqlite3.SQLITE_LIMIT_LENGTH: MAX_VALUE_BYTES,
    sqlite3.SQLITE_LIMIT_SQL_LENGTH: MAX_SQL_BYTES,
    sqlite3.SQLITE_LIMIT_LIKE_PATTERN_LENGTH: 1000,
    sqlite3.SQLITE_LIMIT_COMPOUND_SELECT: 100,
    sqlite3.SQLITE_LIMIT_EXPR_DEPTH: 200,
    sqlite3.SQLITE_LIMIT_ATTACHED: 0,
}


_DIGITS = re.compile(r"\d+")


def _bounded_printf(limits: dict[int, int]) -> Any:
    """printf()/format() that give NULL for a width or precision past the length cap, at
    once (as SQLite's printf does for a result that is too big).

    SQLite's own printf honours the cap, but ``%.*c`` with a precision of 1e9 still loops
    for seconds before giving up; the checked call is handed to a private connection
    with the same limits, so the formatting itself stays SQLite's.
    """
    helper = sqlite3.connect(":memory:", check_same_thread=False)
    for category, value in limits.items():
        helper.setlimit(category, value)
    cap = limits[sqlite3.SQLITE_LIMIT_LENGTH]

    def printf(fmt: Any, *args: Any) -> Any:
        if fmt is None:
            return None
        numbers = [int(n) for n in _DIGITS.findall(str(fmt))]
        numbers += [abs(a) for a in args if isinstance(a, int)]
        if any(n > cap for n in numbers):
            return None  # what SQLite's printf gives when its result is too big
        marks = ", ".join("?" * (len(args) + 1))
        return helper.execute(f"select printf({marks})", (fmt, *args)).fetchone()[0]

    return printf


@hookimpl
def prepare_connection(conn: sqlite3.Connection) -> None:
    """Bound what a single SQL call can cost on every connection the site opens."""
    for category, value in _LIMITS.items():
        conn.setlimit(category, value)
    printf = _bounded_printf(_LIMITS)
    for name in ("printf", "format"):
        conn.create_function(name, -1, printf, deterministic=True)


@hookimpl
def register_facet_classes() -> list[type[Facet]]:
    return [ChildFacet, StoredFacet]


@hookimpl
def register_output_renderer(datasette: Any) -> dict[str, Any]:
    from armstimeline.site.ics import can_render_ics, render_ics

    return {"extension": "ics", "render": render_ics, "can_render": can_render_ics}


TIMELINE_TABLES = ("events", "timeline")
_OWN_ARGS = ("_lanes", "_format")
_DROP_PREFIXES = ("_facet", "_size", "_next", "_shape", "_col", "_nocol", "_sort", "_labels")
MAX_TIMELINE_EVENTS = 20_000
BIG_TIMELINE = 3_000


def _table_query(request: Any) -> list[tuple[str, str]]:
    """The request's filters, without paging, facets and this page's own options."""
    pairs = urllib.parse.parse_qsl(request.query_string, keep_blank_values=True)
    return [(k, v) for k, v in pairs if k not in _OWN_ARGS and not k.startswith(_DROP_PREFIXES)]


def _error_text(response: Any) -> str:
    """The sentence in Datasette's JSON error, else the start of the body."""
    try:
        return str(response.json().get("error") or response.text[:300])
    except ValueError:
        return str(response.text[:300])


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
        if response.status_code != 200:
            raise FilterError(_error_text(response))
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


async def timeline_page(datasette: Any, request: Any) -> Response:
    from armstimeline.svg import LANE_KEYS, read_items, render_svg

    database = request.url_vars["database"]
    try:
        db = datasette.get_database(database)
    except KeyError:
        return Response.html("Database not found", status=404)
    query = _table_query(request)
    try:
        ids, description = await _filtered_ids(datasette, database, query)
    except FilterError as exc:
        page = await datasette.render_template(
            "error.html",
            {
                "ok": False,
                "status": 400,
                "title": "These filters do not work on the events table",
                "error": f"{exc} Go back to the events table and choose the filters there.",
            },
            request=request,
        )
        return Response.html(page, status=400)
    events = await db.execute_fn(lambda conn: read_items(conn, ids))
    # Country lanes repeat an event once per country; past a few thousand events the
    # kind lanes keep the page quick. The reader can still switch.
    lanes = request.args.get("_lanes") or ("country" if len(events) <= BIG_TIMELINE else "kind")
    if lanes not in LANE_KEYS:
        lanes = "country"
    table_url = datasette.urls.table(database, "events")
    svg = render_svg(events, lanes=lanes, link=table_url + "/{id}", title="armstimeline timeline")
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
                "count": len(events),
                "lanes": lanes,
                "lane_links": [(k, url([("_lanes", k)])) for k in LANE_KEYS],
                "table_url": table_url + (f"?{qs}" if qs else ""),
                "svg_url": url([("_lanes", lanes), ("_format", "svg")]),
                "description": description.replace(" sorted by sort_order", "").strip()
                or "All events, in timeline order.",
            },
            request=request,
        )
    )


@hookimpl
def register_routes() -> list[tuple[str, Any]]:
    return [(r"^/(?P<database>[^/]+)/-/timeline$", timeline_page)]


@hookimpl
def table_actions(datasette: Any, database: str, table: str, request: Any) -> list[dict[str, str]]:
    if table not in TIMELINE_TABLES:
        return []
    query = urllib.parse.urlencode(_table_query(request)) if request else ""
    href = datasette.urls.database(database) + "/-/timeline" + (f"?{query}" if query else "")
    return [{"href": href, "label": "Show as a visual timeline"}]


def _example_location(datasette: Any, path: str) -> str | None:
    """Where a bare canned-query page should go: the same page with the example values
    metadata gives its parameters (``plugins.armstimeline.query_examples``)."""
    parts = path.strip("/").split("/")
    if len(parts) != 2:
        return None
    examples = (datasette.plugin_config("armstimeline") or {}).get("query_examples") or {}
    values = examples.get(parts[1])
    if not values or parts[0] not in datasette.databases:
        return None
    return path + "?" + urllib.parse.urlencode({k: str(v) for k, v in values.items()})


@hookimpl
def asgi_wrapper(datasette: Any) -> Any:
    """Open a parameterised canned query on an example instead of "0 results"."""

    def wrap(app: Any) -> Any:
        async def with_examples(scope: dict[str, Any], receive: Any, send: Any) -> None:
            if (
                scope.get("type") == "http"
                and scope.get("method") == "GET"
                and not scope.get("query_string")
            ):
                location = _example_location(datasette, scope.get("path", ""))
                if location is not None:
                    await send({"type": "http.response.start", "status": 302,
                                "headers": [[b"location", location.encode("utf-8")]]})  # fmt: skip
                    await send({"type": "http.response.body", "body": b""})
                    return
            await app(scope, receive, send)

        return with_examples

    return wrap


POPUP_GUARD = """
// armstimeline: map popups may only link to http(s) pages. The map plugin builds a
// popup link from a 'popup' column, which arbitrary SQL can fill with javascript: URLs.
(function () {
  function guard(root) {
    root.querySelectorAll(".leaflet-popup-content a[href]").forEach(function (a) {
      var url;
      try { url = new URL(a.getAttribute("href"), document.baseURI); } catch (e) { url = null; }
      if (!url || (url.protocol !== "http:" && url.protocol !== "https:")) {
        a.removeAttribute("href");
        a.setAttribute("data-armstimeline-blocked", "unsafe link removed");
      }
    });
  }
  new MutationObserver(function () { guard(document); })
    .observe(document.documentElement, { childList: true, subtree: true });
})();
"""


@hookimpl
def extra_body_script() -> str:
    return POPUP_GUARD
