"""The front page: what the dataset is, how big, where to start, what is newest.

Everything here is read from what the build stored (table counts, facet counts) or from
indexed columns, so the page costs the same at a million events as at sixty. The page is
our own route for ``/``: Datasette's index view asked each table for its columns, keys
and full-text table on every request (250 trips through the SQL threads at 20,000
events, each a wait behind other readers' queries on a busy site: its p99 was 6.7 s under
load). The figures are the same for every reader of an immutable database, so each
serving process reads them once (``memo``).
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from importlib import metadata
from typing import Any

from datasette import Response

from armstimeline.dates import parse_date
from armstimeline.datewords import describe
from armstimeline.site.adapter import can_view, canned_queries, instance_metadata
from armstimeline.site.frame import problem_page
from armstimeline.site.memo import remembered

__all__ = ["front_page", "front_page_context", "year_sparkline"]

RECENT = 6


async def front_page(datasette: Any, request: Any) -> Response:
    """``/``: the front page (``index.html``), or the list of databases when none holds
    events."""
    front = await front_page_context(datasette)
    if front is not None and not await can_view(datasette, request.actor, front["db"],
                                                "events"):  # fmt: skip
        return await problem_page(datasette, request, 403, "Not allowed",
                                  "You may not view these events.")  # fmt: skip
    # Datasette's index is still served as JSON at /.json; the page links it as before
    json_url = datasette.absolute_url(request, datasette.urls.path("/.json"))
    context = {
        "front": front,
        "metadata": await instance_metadata(datasette),
        "databases": [{"name": name} for name in datasette.databases if not name.startswith("_")],
        "datasette_version": metadata.version("datasette"),
        "alternate_url_json": json_url,
    }
    html = await datasette.render_template("index.html", context, request=request)
    link = f'{json_url}; rel="alternate"; type="application/json+datasette"'
    return Response.html(html, headers={"Link": link})


async def front_page_context(datasette: Any) -> dict[str, Any] | None:
    """The figures and links the front page shows, for the first database with events;
    None when there is none (the page then falls back to Datasette's list)."""
    for name, db in datasette.databases.items():
        if name.startswith("_"):
            continue
        context = await remembered(datasette, name, "front page", _asker(datasette, name, db))
        if context is not None:
            return context
    return None


def _asker(datasette: Any, name: str, db: Any) -> Callable[[], Awaitable[dict[str, Any] | None]]:
    return lambda: _context(datasette, name, db)


async def _context(datasette: Any, name: str, db: Any) -> dict[str, Any] | None:
    if not await db.table_exists("events"):
        return None
    info = dict((await db.execute("select key, value from build_info")).rows)
    counts = json.loads(info.get("table_counts") or "{}")

    async def facet(facet_name: str) -> list[tuple[Any, int]]:
        rows = await db.execute(
            "select value, count from facet_counts where facet = ? order by value", [facet_name]
        )
        return [(r[0], r[1]) for r in rows.rows]

    years = await facet("events.year")
    recent = await db.execute(
        "select id, title, date, kind from events order by sort_order desc limit ?", [RECENT]
    )
    table = datasette.urls.table
    path = datasette.urls.path
    queries = canned_queries(datasette, name)
    if "events" not in counts:  # a database not built by armstimeline: count once
        counts["events"] = (await db.execute("select count(*) from events")).first()[0]
    recent_events = [
        {
            "url": path("/events/" + row["id"]),
            "title": row["title"],
            "date": describe(parse_date(row["date"])),
            "kind": row["kind"].replace("_", " "),
        }
        for row in recent.rows
    ]
    return {
        "db": name,
        "events": counts["events"],
        "countries": len(await facet("actors.country")),
        "sources": counts.get("sources", 0),
        "first_year": years[0][0] if years else None,
        "last_year": years[-1][0] if years else None,
        "sparkline": year_sparkline(years),
        "recent": recent_events,
        "links": {
            "timeline": path("/timeline"),
            "events": path("/events"),
            "countries": path("/countries"),
            "systems": path("/systems"),
            "sources": table(name, "sources"),
        },
        "queries": [
            {"url": datasette.urls.database(name) + "/" + key, "title": q.get("title", key)}
            for key, q in queries.items()
        ],
    }


def year_sparkline(years: list[tuple[Any, int]], width: int = 360, height: int = 48) -> str:
    """Events per year as a small bar chart (SVG), with a text alternative."""
    if not years:
        return ""
    first, last = int(years[0][0]), int(years[-1][0])
    span = max(last - first + 1, 1)
    most = max(n for _, n in years)
    bar = width / span
    bars = "".join(
        f'<rect x="{(int(y) - first) * bar:.1f}" y="{height - 14 - (height - 16) * n / most:.1f}" '
        f'width="{max(bar - 1, 1):.1f}" height="{(height - 16) * n / most:.1f}" fill="#3f6fb5">'
        f"<title>{int(y)}: {n} events</title></rect>"
        for y, n in years
    )
    label = f"Events per year, {first} to {last}; most in one year: {most}."
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{label}" '
        f'viewBox="0 0 {width} {height}" width="100%" style="max-width:{width}px">{bars}'
        f'<text x="0" y="{height - 2}" font-size="10" fill="#444">{first}</text>'
        f'<text x="{width}" y="{height - 2}" font-size="10" fill="#444" text-anchor="end">'
        f"{last}</text></svg>"
    )
