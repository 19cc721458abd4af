"""A visitor's SQL page is written on a thread of its own, never on the event loop.

Datasette writes the HTML page of a query (up to 1,000 rows, each cell through every
``render_cell`` hook, then the template) on the event loop that serves every reader:
0.5-1.2 s of Python for 1,000 rows of the events table, during which every other page
that process served waited. A request carrying the visitor's own SQL (``sqllane``) for an
HTML page now runs through the app on a worker thread with an event loop of its own; its
response is gathered there and sent from the serving loop. Its SQL still runs on
Datasette's SQL threads, and the SQL lane, which this sits inside, lets ``LANE_WIDTH`` such
requests run at a time per process, so there are never more such threads. The thread is
lowered like the SQL threads (``sqlthreads``) and shares the interpreter with the loop:
while it writes, other pages are slowed, not stopped. JSON and CSV answers (cheap, or
streamed) are not moved.
"""

from __future__ import annotations

import asyncio
import urllib.parse
from typing import Any

from armstimeline.site.sqllane import App, is_visitor_sql
from armstimeline.site.sqlthreads import lower_sql_thread

__all__ = ["is_html_page", "off_loop"]


def is_html_page(scope: dict[str, Any]) -> bool:
    """Whether a request asks for an HTML page (no format extension, no ``_format``)."""
    last = scope.get("path", "").rsplit("/", 1)[-1]
    query = scope.get("query_string", b"").decode("latin-1")
    asked = {key for key, _ in urllib.parse.parse_qsl(query)}
    return "." not in last and "_format" not in asked and "_stream" not in asked


def _run_alone(app: App, scope: dict[str, Any], body: bytes) -> list[dict[str, Any]]:
    """The app's answer to one request, run to the end on this thread's own event loop."""
    lower_sql_thread()
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    async def answer() -> None:
        await app(scope, receive, send)

    asyncio.run(answer())
    return sent


def off_loop(app: App) -> App:
    """``app`` with visitors' SQL pages written off the event loop (see module)."""

    async def wrapped(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope.get("type") != "http" or not is_visitor_sql(scope) or not is_html_page(scope):
            await app(scope, receive, send)
            return
        body = b""
        more = True
        while more:  # the request's body, read here: receive belongs to this loop
            message = await receive()
            body += message.get("body", b"")
            more = message.get("more_body", False)
        for message in await asyncio.to_thread(_run_alone, app, scope, body):
            await send(message)

    return wrapped
