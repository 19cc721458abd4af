"""The Datasette ``.ics`` output renderer: any events view or canned query as a calendar.

A calendar of a table view must hold every event the view matches, not the page a reader
happened to see: the renderer runs the view's own SQL again (with its parameters) without
the page size, up to ``MAX_ICS_EVENTS`` events, and refuses with a sentence past that. A
calendar of an SQL query (canned or a visitor's) holds what the query returns, its own
``LIMIT`` included. It reads
the event ids (an ``id`` column of the events table or the timeline view, or an
``event_id``-like column elsewhere), rebuilds those events from the database and writes
them with the same code as ``armstimeline export --format ics``: the same precision
rules and the same stable UIDs on every request.

A calendar of thousands of events takes seconds of Python to write: it is read on a SQL
thread and written on a thread of its own, never on the event loop that renders every
other reader's page, ``CALENDAR_BATCH`` events at a time (all 10,000 at once held 180 MB
more while it was written); past ``SMALL_CALENDAR`` events (a few tenths of a second),
one at a time per process (``CALENDAR_LANE``), so a small calendar never waits behind a
large one; a large download that would wait past ``CALENDAR_WAIT_SECONDS`` is answered 503 with
a sentence and Retry-After. A calendar of an immutable database never changes, and
subscribed calendars ask again and again: each serving process keeps the latest ones
written, up to ``CALENDAR_CACHE_BYTES``, keyed by the events they hold.
"""

from __future__ import annotations

import asyncio
import json
import re
import urllib.parse
import weakref
from collections import OrderedDict
from collections.abc import Hashable
from typing import Any

from datasette import Response
from datasette.database import QueryInterrupted

from armstimeline.database import read_events
from armstimeline.site.adapter import asking_for_params, view_params, without_page_limit

__all__ = [
    "ASKED_QUERY",
    "CALENDAR_LANES",
    "MAX_ICS_EVENTS",
    "calendars_without_facets",
    "can_render_ics",
    "render_ics",
]

MAX_ICS_EVENTS = 10_000
CALENDAR_LANE = 1
CALENDAR_CACHE_BYTES = 32 * 1024 * 1024
SMALL_CALENDAR = 1_000
CALENDAR_BATCH = 500
CALENDAR_WAIT_SECONDS = 10.0
CALENDAR_BUSY = (
    "The server is writing other visitors' calendars; download this one again in a few "
    "seconds."
)
# the large calendars' lane of each event loop (one per serving process)
CALENDAR_LANES: weakref.WeakKeyDictionary[Any, asyncio.Semaphore] = weakref.WeakKeyDictionary()
EVENT_TABLES = {"events", "timeline"}


class _Written:
    """The calendars written lately, up to ``CALENDAR_CACHE_BYTES`` (oldest out first)."""

    def __init__(self) -> None:
        self.kept: OrderedDict[Hashable, bytes] = OrderedDict()
        self.size = 0

    def get(self, key: Hashable) -> bytes | None:
        body = self.kept.get(key)
        if body is not None:
            self.kept.move_to_end(key)
        return body

    def put(self, key: Hashable, body: bytes) -> None:
        if len(body) > CALENDAR_CACHE_BYTES or key in self.kept:
            return
        self.kept[key] = body
        self.size += len(body)
        while self.size > CALENDAR_CACHE_BYTES:
            self.size -= len(self.kept.popitem(last=False)[1])


_WRITTEN: weakref.WeakKeyDictionary[Any, _Written] = weakref.WeakKeyDictionary()


def _id_column(columns: list[str], table: str | None) -> str | None:
    if "event_id" in columns:
        return "event_id"
    if "id" in columns and (table is None or table in EVENT_TABLES):
        return "id"
    if "given_id" in columns:
        return "given_id"
    return None


def can_render_ics(columns: list[str], table: str | None = None) -> bool:
    return _id_column(list(columns), table) is not None


def _all_rows_sql(sql: str, column: str, table: str | None) -> str:
    """The view's query, reading only the id column, capped one past the calendar's limit
    so an oversized view is noticed: a table view's without the page limit Datasette
    gave it, a query's as written (its own LIMIT holds)."""
    body = without_page_limit(sql) if table is not None else sql.strip().rstrip(";")
    return (
        f"select [{column}] from ({body}) where [{column}] is not null "
        f"limit {MAX_ICS_EVENTS + 1}"
    )


async def render_ics(
    datasette: Any,
    request: Any,
    database: str,
    table: str | None,
    columns: list[str],
    sql: str | None = None,
    data: dict[str, Any] | None = None,
    query_name: str | None = None,
) -> Any:
    column = _id_column(list(columns), table)
    if column is None or not sql:
        return _refusal("This view has no event ids to put in a calendar.", 400)
    params = view_params(data)
    if params is None:  # Datasette 1.0 gives them when asked: ask, once
        again = asking_for_params(request, request.scope.get(ASKED_QUERY))
        if again is None:
            return _refusal("This view's parameters could not be read for a calendar.", 500)
        return Response.redirect(again)
    db = datasette.get_database(database)
    try:
        result = await db.execute(_all_rows_sql(sql, column, table), params, truncate=False)
    except QueryInterrupted:
        return _refusal(
            "This view takes too long to read in full for a calendar; narrow its filters.", 400
        )
    ids = list(dict.fromkeys(row[0] for row in result.rows))
    if len(ids) > MAX_ICS_EVENTS:
        return _refusal(
            f"This view matches more than {MAX_ICS_EVENTS:,} events, more than one calendar "
            "holds; narrow its filters (a country, a kind, a date range) and download again.",
            413,
        )
    name = f"armstimeline: {query_name or table or database}"
    base = datasette.absolute_url(request, datasette.urls.table(database, "events")).rsplit(
        "/events", 1
    )[0]
    # imported here, not with the plugin: icalendar is a twentieth of every server's start,
    # and only a calendar download needs it
    from armstimeline.export.ics import ics_bytes

    written = _WRITTEN.setdefault(datasette, _Written())
    key = (database, name, base, tuple(ids))
    body = written.get(key) if not db.is_mutable else None
    if body is not None:
        return _calendar_response(body, table or query_name)
    lane = None
    if len(ids) > SMALL_CALENDAR:
        loop = asyncio.get_running_loop()
        lane = CALENDAR_LANES.setdefault(loop, asyncio.Semaphore(CALENDAR_LANE))
        try:
            await asyncio.wait_for(lane.acquire(), CALENDAR_WAIT_SECONDS)
        except TimeoutError:
            return _refusal(CALENDAR_BUSY, 503, {"retry-after": "5"})
    try:
        ordered = await db.execute_fn(lambda conn: _in_timeline_order(conn, ids))
        pieces = []
        for start in range(0, max(len(ordered), 1), CALENDAR_BATCH):  # none: one, empty
            batch = ordered[start : start + CALENDAR_BATCH]
            events, sources = await db.execute_fn(lambda conn, b=batch: read_events(conn, b))
            pieces.append(
                await asyncio.to_thread(ics_bytes, events, sources, name=name, base_url=base)
            )
        body = _spliced(pieces)
    finally:
        if lane is not None:
            lane.release()
    if not db.is_mutable:
        written.put(key, body)
    return _calendar_response(body, table or query_name)


def _in_timeline_order(conn: Any, ids: list[str]) -> list[str]:
    """The events among ``ids``, in the order a calendar lists them (``read_events``')."""
    given = {"ids": json.dumps(ids)}
    sql = ("select id from events where id in (select value from json_each(:ids)) "
           "order by sort_order")  # fmt: skip
    return [row[0] for row in conn.execute(sql, given)]


_FIRST_EVENT = b"\r\nBEGIN:VEVENT\r\n"
_END = b"END:VCALENDAR\r\n"


def _spliced(pieces: list[bytes]) -> bytes:
    """One calendar of the events of several calendars with the same header, each
    written from ``CALENDAR_BATCH`` events: the first one's header, every event, one end.
    (A calendar's text is its lines, then each event's, then its end line.)"""
    if len(pieces) == 1:
        return pieces[0]
    events = []
    for piece in pieces:
        start = piece.index(_FIRST_EVENT) + 2
        if not piece.endswith(_END) or piece[:start] != pieces[0][: start]:
            raise ValueError("calendars of one view must share their header")
        events.append(piece[start : -len(_END)])
    header = pieces[0][: pieces[0].index(_FIRST_EVENT) + 2]
    return header + b"".join(events) + _END


def _refusal(sentence: str, status: int, headers: dict[str, str] | None = None) -> Any:
    """A refusal as the renderer's dict: Datasette keeps a dict's status, where it sets a
    query view's on a returned ``Response`` to 200."""
    return {"body": sentence, "status_code": status, "headers": headers or {},
            "content_type": "text/plain; charset=utf-8"}  # fmt: skip


def _calendar_response(body: bytes, name: str | None) -> Response:
    return Response(
        body,
        content_type="text/calendar; charset=utf-8",
        headers={"content-disposition": f'inline; filename="{name or "events"}.ics"'},
    )


# A table's calendar (/<database>/<table>.ics, or ?_format=ics), and where the address
# the visitor asked for is kept when the wrapper adds to it
_TABLE_CALENDAR = re.compile(r"^/[^/]+/[^/]+\.ics$")
ASKED_QUERY = "armstimeline.asked_query"
_QUIET = (("_nofacet", "1"), ("_nocount", "1"))


def calendars_without_facets(app: Any) -> Any:
    """``app`` asking a table view's calendar without its facets and count (see module)."""

    async def wrapped(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope.get("type") == "http":
            path = scope.get("path", "")
            query = scope.get("query_string", b"").decode("latin-1")
            pairs = urllib.parse.parse_qsl(query, keep_blank_values=True)
            table = _TABLE_CALENDAR.match(path) or (
                ("_format", "ics") in pairs and path.count("/") == 2
            )
            if table:
                added = [pair for pair in _QUIET if pair not in pairs]
                if added:
                    quiet = urllib.parse.urlencode([*pairs, *added]).encode("latin-1")
                    scope = {**scope, "query_string": quiet, ASKED_QUERY: query}
        await app(scope, receive, send)

    return wrapped
