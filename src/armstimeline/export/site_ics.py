"""The Datasette ``.ics`` output renderer: any events view or canned query as a calendar.

It reads the event ids of the rows on the page (an ``id`` column of the events table
or the timeline view, or an ``event_id`` column elsewhere), rebuilds those events from
the database and writes them with the same code as ``armstimeline export --format ics``:
the same precision rules and the same stable UIDs on every request.
"""

from __future__ import annotations

from typing import Any

from datasette import Response

ID_COLUMNS = ("event_id", "id", "given_id")
EVENT_TABLES = {"events", "timeline"}


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


async def render_ics(
    datasette: Any,
    request: Any,
    database: str,
    table: str | None,
    rows: list[Any],
    columns: list[str],
    query_name: str | None = None,
) -> Response:
    from armstimeline.db import read_events
    from armstimeline.export.ics import ics_bytes

    column = _id_column(list(columns), table)
    if column is None:
        return Response.text("This view has no event ids to put in a calendar.", status=400)
    ids = [row[column] for row in rows if row[column] is not None]
    db = datasette.get_database(database)
    events, sources = await db.execute_fn(lambda conn: read_events(conn, ids))
    name = f"armstimeline: {query_name or table or database}"
    base = datasette.absolute_url(request, datasette.urls.table(database, "events")).rsplit(
        "/events", 1
    )[0]
    body = ics_bytes(events, sources, name=name, base_url=base)
    return Response(
        body,
        content_type="text/calendar; charset=utf-8",
        headers={
            "content-disposition": f'inline; filename="{table or query_name or "events"}.ics"'
        },
    )
