"""What every reader page shares: the database that holds the events (found by its
tables, never by its file name), the permission check, the navigation, the page that says
what went wrong, and the reader's choices read from the query string."""

from __future__ import annotations

import urllib.parse
from collections.abc import Awaitable, Callable
from typing import Any

from datasette import Response

from armstimeline.site.adapter import can_view
from armstimeline.site.choices import BadChoice, Choices, read_choices
from armstimeline.site.memo import remembered
from armstimeline.site.selection import FACET_OF, stored_sets

__all__ = ["choices_or_problem", "events_database", "our_database", "problem_page",
           "reader_nav", "site_path"]  # fmt: skip


def site_path(datasette: Any, path: str) -> str:
    """``datasette.urls.path(path)`` as a plain string: Datasette's URL strings look each
    method up anew through ``dir(str)``, which escaping every link of a page paid again
    (a tenth of the events page's time)."""
    return str(datasette.urls.path(path))


async def events_database(datasette: Any) -> str | None:
    """The name of the first database holding armstimeline's events and stored facets
    (asked once per serving process of an immutable database: every reader page asks)."""
    for name, db in datasette.databases.items():
        if name.startswith("_"):
            continue
        if await remembered(datasette, name, "holds events", _holds_events(db)):
            return str(name)
    return None


def _holds_events(db: Any) -> Callable[[], Awaitable[bool]]:
    async def ask() -> bool:
        return bool(await db.table_exists("events") and await db.table_exists("facet_members"))

    return ask


async def problem_page(datasette: Any, request: Any, status: int, title: str,
                       sentence: str) -> Response:  # fmt: skip
    """A page saying what went wrong and what the page expects."""
    html = await datasette.render_template(
        "armstimeline/problem.html",
        {"title": title, "sentence": sentence, **reader_nav(datasette)},
        request=request,
    )
    return Response.html(html, status=status)


def reader_nav(datasette: Any) -> dict[str, Any]:
    def path(p: str) -> str:
        return site_path(datasette, p)

    return {
        "nav": [
            ("Events", path("/events")),
            ("Timeline", path("/timeline")),
            ("Countries", path("/countries")),
            ("Weapon systems", path("/systems")),
        ],
        "home": path("/"),
    }


async def our_database(datasette: Any, request: Any) -> str | Response:
    """Our database's name, or the page to answer with when there is none or the visitor
    may not see it."""
    name = await events_database(datasette)
    if name is None:
        return await problem_page(
            datasette, request, 404, "No events here",
            "This Datasette serves no armstimeline database; build one with "
            "`armstimeline build` and serve it with `armstimeline serve`.",
        )  # fmt: skip
    if not await can_view(datasette, request.actor, name, "events"):
        return await problem_page(datasette, request, 403, "Not allowed",
                                  "You may not view these events.")  # fmt: skip
    return name


def _args(request: Any) -> dict[str, list[str]]:
    return urllib.parse.parse_qs(request.query_string, keep_blank_values=False)


async def choices_or_problem(datasette: Any, request: Any, name: str,
                   extra: dict[str, list[str]] | None = None) -> Choices | Response:  # fmt: skip
    """The request's choices, or the 400 page saying what was wrong."""
    sets = await stored_sets(datasette, name)
    args = _args(request)
    for key, values in (extra or {}).items():  # the page's own value first, then the reader's
        args[key] = [*values, *args.get(key, [])]
    try:
        return read_choices(
            args,
            systems=sets.sets.get(FACET_OF["systems"], {}),
            tags=sets.sets.get(FACET_OF["tags"], {}),
        )
    except BadChoice as exc:
        return await problem_page(datasette, request, 400, "These filters cannot be used",
                                  str(exc))  # fmt: skip


