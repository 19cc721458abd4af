"""Arbitrary SQL in a lane of its own: ``LANE_WIDTH`` queries at a time per process.

Any visitor may send SQL that runs to the time limit, in a loop. Datasette runs every
query, a reader's page or a visitor's SQL, on the same few threads, so four visitors
doing so held them all and readers' pages waited behind. Requests that carry SQL of
the visitor's own (``?sql=``, or ``?_where=`` on a table) now queue for the lane; one
that waits past ``LANE_WAIT_SECONDS`` is answered 503 with a sentence and a Retry-After
header, at once and for nothing, so the lane never slows the readers' pages. Canned
queries and every page's own SQL do not queue. The lane lives in an ``asgi_wrapper``.
"""

from __future__ import annotations

import asyncio
import json
import urllib.parse
import weakref
from collections.abc import Awaitable, Callable
from typing import Any

__all__ = ["BUSY", "LANE_WAIT_SECONDS", "LANE_WIDTH", "is_visitor_sql", "sql_lane"]

LANE_WIDTH = 1
LANE_WAIT_SECONDS = 3.0
RETRY_AFTER_SECONDS = 5
BUSY = (
    "The server is answering other visitors' SQL queries; try this one again in a few "
    "seconds. The site's own pages and canned queries are not affected."
)
_VISITOR_SQL = frozenset({"sql", "_where"})

App = Callable[[dict[str, Any], Any, Any], Awaitable[None]]


def is_visitor_sql(scope: dict[str, Any]) -> bool:
    """Whether a request carries SQL the visitor wrote."""
    query = scope.get("query_string", b"").decode("latin-1")
    return any(key in _VISITOR_SQL for key, _ in urllib.parse.parse_qsl(query))


async def _busy(scope: dict[str, Any], send: Any) -> None:
    path = scope.get("path", "")
    if path.split("?")[0].endswith(".json"):
        body = json.dumps({"ok": False, "error": BUSY, "status": 503}).encode()
        kind = b"application/json; charset=utf-8"
    else:
        body, kind = BUSY.encode(), b"text/plain; charset=utf-8"
    headers = [[b"content-type", kind], [b"retry-after", str(RETRY_AFTER_SECONDS).encode()]]
    await send({"type": "http.response.start", "status": 503, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def sql_lane(app: App) -> App:
    """``app`` with visitors' SQL queued in the lane (see module)."""
    lanes: weakref.WeakKeyDictionary[Any, asyncio.Semaphore] = weakref.WeakKeyDictionary()

    async def wrapped(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope.get("type") != "http" or not is_visitor_sql(scope):
            await app(scope, receive, send)
            return
        loop = asyncio.get_running_loop()
        lane = lanes.setdefault(loop, asyncio.Semaphore(LANE_WIDTH))
        try:
            await asyncio.wait_for(lane.acquire(), LANE_WAIT_SECONDS)
        except TimeoutError:
            await _busy(scope, send)
            return
        try:
            await app(scope, receive, send)
        finally:
            lane.release()

    return wrapped
