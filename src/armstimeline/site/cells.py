"""How cells read (Datasette's ``render_cell``): the events table's lists as chips that
filter, titles that open the event, dates in words; event ids in a query's results as
links to the events' pages. Other cells and the JSON are left as Datasette makes them."""

from __future__ import annotations

import functools
import json
import urllib.parse
from typing import Any

from markupsafe import Markup, escape

from armstimeline import reference
from armstimeline.dates import parse_date
from armstimeline.datewords import describe
from armstimeline.model import ID_PATTERN
from armstimeline.site.facets import read_through, through_url

__all__ = ["CHIP_COLUMNS", "EVENT_ID_COLUMNS", "event_cell", "event_link", "plain_heading",
           "plain_words"]

# list columns and the child table each value filters through (as the facets do)
CHIP_COLUMNS = {
    "countries": ("actors", "country"),
    "suppliers": ("actors", "country"),
    "recipients": ("actors", "country"),
    "systems": ("event_systems", "system"),
    "tags": ("event_tags", "tag"),
    "regions": ("event_regions", "region"),
}
EVENT_TABLES = ("events", "timeline")
_READ_COLUMNS = frozenset([*CHIP_COLUMNS, "title", "date"])


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


def event_cell(row: Any, value: Any, column: str, table: str | None, database: str,
               datasette: Any) -> Any:  # fmt: skip
    """The reader's rendering of an events-table cell, or None for Datasette's own."""
    if table not in EVENT_TABLES or column not in _READ_COLUMNS:
        return None  # most of a row's cells: Datasette's own, without building links
    base = datasette.urls.table(database, "events")
    if column in CHIP_COLUMNS and isinstance(value, str) and value.startswith("["):
        try:
            values = json.loads(value)
        except ValueError:
            return None
        child, child_column = CHIP_COLUMNS[column]
        chips = [_chip(base, child, child_column, str(item)) for item in values]
        return Markup(" ".join(chips) or '<span class="none">—</span>')
    if column == "title" and isinstance(value, str):
        try:  # a sqlite3.Row: 'in' would look at its values, not its columns
            event_id = row["id"]
        except (IndexError, KeyError):
            event_id = None
        try:
            origin = row["origin"]
        except (IndexError, KeyError):
            origin = None
        # imported rows say so where a reader scans: the register, not the editors
        mark = (
            ' <span class="armstimeline-origin" title="Imported from a register of transfers, '
            'not written by the editors">imported from a register</span>'
            if origin == "register"
            else ""
        )
        if isinstance(event_id, str):
            link = f'<a href="{escape(base)}/{escape(event_id)}">{escape(value)}</a>'
            return Markup(link + mark)
    if column == "date" and isinstance(value, str):
        try:
            words = describe(parse_date(value))
        except ValueError:
            return None
        if words != value:
            return Markup(f'<span title="{escape(words)}">{escape(value)}</span>')
    return None


@functools.lru_cache(maxsize=8192)
def _chip(base: str, child: str, child_column: str, item: str) -> str:
    """One value as a link that filters the events by it: the same few hundred values
    recur on every page, so each is built once."""
    href = through_url(base, child, child_column, item)
    label = reference.country_name(item) if child == "actors" else item
    return f'<a class="chip" href="{escape(href)}" title="{escape(item)}">{escape(label)}</a>'


def plain_heading(request: Any) -> str:
    """The events table's filters in words (see ``plain_words``)."""
    return plain_words(urllib.parse.parse_qsl(request.query_string if request else ""))


def plain_words(pairs: list[tuple[str, str]]) -> str:
    """Filters in words: 'with Türkiye, naming S-400, matching "Iskander"'; empty when a
    filter has no plain reading (Datasette's own line is then used)."""
    words = []
    for key, value in pairs:
        if key in ("_through", "_child"):
            found = read_through(value)
            if found is None:
                return ""
            table, item = found
            if table == "actors":
                words.append(f"with {reference.country_name(item)}")
            elif table == "event_systems":
                words.append(f"naming {item}")
            elif table == "event_tags":
                words.append(f"tagged {item}")
            elif table == "event_regions":
                words.append(f"in {reference.regions().get(item, item)}")
            else:
                return ""
        elif key == "kind":
            words.append(f"of the kind {value.replace('_', ' ')}")
        elif key == "_search":
            words.append(f"matching “{value}”")
        elif key in ("year", "decade"):
            words.append(f"from {value}{'s' if key == 'decade' else ''}")
        elif key == "end_year__gte":
            words.append(f"reaching {value} or later")
        elif key == "year__lte":
            words.append(f"starting by {value}")
        elif not key.startswith("_"):
            return ""
    return ", ".join(words)
