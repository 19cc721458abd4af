"""Event ids in query results as links to the events' pages; web addresses that may be
links."""

from __future__ import annotations

from typing import Any

from markupsafe import Markup, escape

from armstimeline.loading.safetext import url_problem
from armstimeline.model import ID_PATTERN

__all__ = ["EVENT_ID_COLUMNS", "event_link", "web_address"]

EVENT_ID_COLUMNS = frozenset({"id", "event_id", "given_id", "traded_for_id", "from_event",
                              "to_event"})  # fmt: skip


def event_link(value: Any, column: str, table: str | None, database: str, datasette: Any) -> Any:
    """A link for an event id in a query's results (tables link their own keys already);
    None to leave the cell to Datasette."""
    if table is not None or column not in EVENT_ID_COLUMNS or not isinstance(value, str):
        return None
    if not ID_PATTERN.fullmatch(value):
        return None
    href = datasette.urls.row(database, "events", value)
    return Markup(f'<a href="{escape(href)}">{escape(value)}</a>')


def web_address(url: Any) -> str | None:
    """``url`` when it is an http(s) address a page may link to, else None: the validator
    refuses any other, and a database built before it did, or by other means, may hold a
    ``javascript:`` or ``data:`` address that must not become a live link."""
    if isinstance(url, str) and url_problem(url) is None:
        return url
    return None
