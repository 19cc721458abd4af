"""Addresses in use that moved to the reader's pages answer with a redirect.

The visual timeline was ``/<database>/-/timeline``, taking Datasette's table filters; it
is now ``/timeline``, taking the reader's, and the old address translates them.
An event's page was Datasette's row page (``/<database>/events/<id>``, the address every
calendar download and old link carries); it is now ``/events/<id>``. The JSON and other
formats of the row stay Datasette's.
"""

from __future__ import annotations

import json
import re
import urllib.parse
from typing import Any

from armstimeline.site.frame import events_database

__all__ = ["moved_pages", "old_timeline", "reader_parameters"]

_ROW = re.compile(r"^/(?P<database>[^/]+)/events/(?P<id>[^/.]+)$")


def moved_pages(datasette: Any, app: Any) -> Any:
    """``app``, answering a moved page's old address with a redirect to its new one."""

    async def wrapped(scope: dict[str, Any], receive: Any, send: Any) -> None:
        found = (
            _ROW.match(scope.get("path", ""))
            if scope.get("type") == "http" and scope.get("method") in ("GET", "HEAD")
            else None
        )
        if found is not None and found["database"] == await events_database(datasette):
            location = datasette.urls.path("/events/" + found["id"])
            await send({"type": "http.response.start", "status": 301,
                        "headers": [[b"location", location.encode("utf-8")]]})  # fmt: skip
            await send({"type": "http.response.body", "body": b""})
            return
        await app(scope, receive, send)

    return wrapped


# Datasette's table filters the old timeline took, and the reader's parameter for each
_COLUMN_FILTERS = {
    "kind": "kind", "kind__exact": "kind", "kind_is": "kind", "country": "country",
    "system": "system", "from": "from", "to": "to", "end_year__gte": "from",
    "year__lte": "to", "_search": "q", "origin": "origin", "countries__arraycontains": "country",
    "systems__arraycontains": "system", "tags__arraycontains": "tag",
    "regions__arraycontains": "region", "_lanes": "lanes", "_format": "format",
}  # fmt: skip
_CHILD_PARAMETERS = {
    ("actors", "country"): "country", ("event_systems", "system"): "system",
    ("event_tags", "tag"): "tag", ("event_regions", "region"): "region",
}  # fmt: skip
_IGNORED = ("_facet", "_size", "_next", "_shape", "_col", "_nocol", "_sort", "_labels")


def reader_parameters(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The old timeline's query (Datasette's table filters) as the reader's parameters;
    raises ValueError with a sentence for a filter that has no reader's equivalent."""
    out = []
    for key, value in pairs:
        if key in ("_child", "_through"):
            try:
                spec = json.loads(value)
                name = _CHILD_PARAMETERS[(str(spec["table"]), str(spec["column"]))]
                out.append((name, str(spec["value"])))
            except (ValueError, KeyError, TypeError):
                raise ValueError(
                    f"The filter {key}={value!r} is not one the timeline knows: it takes a "
                    "country, a weapon system, a tag or a region."
                ) from None
        elif key in _COLUMN_FILTERS:
            if value.strip():
                out.append((_COLUMN_FILTERS[key], value))
        elif key.startswith(_IGNORED):
            continue
        else:
            raise ValueError(f"The filter {key}={value!r} has no equivalent on the timeline.")
    return out


async def old_timeline(datasette: Any, request: Any) -> Any:
    """``/-/timeline`` and ``/<database>/-/timeline``: now ``/timeline``."""
    from datasette import Response

    from armstimeline.site.frame import problem_page

    pairs = urllib.parse.parse_qsl(request.query_string, keep_blank_values=True)
    try:
        moved = reader_parameters(pairs)
    except ValueError as exc:
        return await problem_page(datasette, request, 400, "These filters do not work here",
                                  str(exc))  # fmt: skip
    query = urllib.parse.urlencode(moved)
    return Response.redirect(datasette.urls.path("/timeline") + ("?" + query if query else ""),
                             status=301)  # fmt: skip
