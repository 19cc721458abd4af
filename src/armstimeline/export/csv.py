"""CSV (RFC 4180, UTF-8): one row per event, stable columns, safe for spreadsheets.

Formula rule: a cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return, and is not a plain number, gets a leading apostrophe (``'``) so spreadsheet
programs show it as text instead of running it. So that the rule can be undone (drop one
leading apostrophe where a trigger follows the apostrophes), a cell that already begins
with apostrophes before a trigger gets one more. Nothing else is changed.
"""

from __future__ import annotations

import csv
import io
import operator
import re
from collections.abc import Iterable, Mapping
from typing import Any, TextIO

from armstimeline.records import COLUMNS, record_values
from armstimeline.timeline import Timeline

__all__ = [
    "COLUMN_DOCS",
    "csv_text",
    "datapackage",
    "neutralise",
    "neutralise_row",
    "write_csv",
]

_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_TRIGGER_SET = frozenset(_TRIGGERS)
# what a cell the rule may change starts with: a trigger, or apostrophes before one
_START_SET = _TRIGGER_SET | {"'"}

COLUMN_DOCS: Mapping[str, tuple[str, str]] = {
    "id": ("string", "Stable event identifier, also the event file's name."),
    "title": ("string", "What happened, in a line."),
    "date": ("string", "The date as written: YYYY, YYYY-MM, YYYY-MM-DD or START/END."),
    "precision": ("string", "day, month or year (an interval: its coarser end)."),
    "earliest": ("date", "First day the date could mean."),
    "latest": ("date", "Last day the date could mean."),
    "kind": ("string", "Event kind."),
    "countries": ("string", "Country codes of all actors, ' | '-separated: ISO 3166-1 "
                  "alpha-3, or ISO 3166-3 alpha-4 for a former state (SUHH, Soviet Union)."),
    "suppliers": ("string", "Countries in the supplier role, ' | '-separated."),
    "recipients": ("string", "Countries that receive: recipients and buyers, ' | '-separated."),
    "actors": ("string", "ACTOR:role pairs, ' | '-separated; ACTOR is a country code, "
               "'organisation:NAME', 'group:NAME' or 'group:NAME/COUNTRY', or 'unknown'."),
    "systems": ("string", "Weapon systems (canonical names), ' | '-separated."),
    "amounts": ("string", "'VALUE CURRENCY-OR-UNIT: what' items, ' | '-separated."),
    "places": ("string", "'Name (lat, lon)' items, ' | '-separated."),
    "lat": ("number", "Latitude of the first place (WGS84)."),
    "lon": ("number", "Longitude of the first place (WGS84)."),
    "summary": ("string", "What happened, in our own words."),
    "sources": ("string", "'source-id: quote' items, ' | '-separated."),
    "tags": ("string", "Tags, ' | '-separated."),
    "related": ("string", "'type:target-id' links, ' | '-separated."),
    "note": ("string", "Caveats about the date or figures."),
    "qualifiers": ("string", "What the source marks about the date: uncertain, approximate, "
                   "open start or end, unknown start or end; ' | '-separated."),
    "date_basis": ("string", "Where the date comes from: source, context (the source's "
                   "context), record (the public record) or editors (their inference)."),
    "origin": ("string", "curated (written by the editors) or register (imported from a "
               "register such as SIPRI's)."),
    "register_row": ("string", "An imported event's register row key: a row's order and "
                     "delivery events share it."),
}


def neutralise_row(values: Iterable[Any]) -> list[Any]:
    """Apply the formula rule to every cell of a row (one comprehension: this is hot)."""
    starts, triggers, plain = _START_SET, _TRIGGER_SET, _PLAIN_NUMBER.fullmatch
    return [
        "'" + value
        if value.__class__ is str
        and value[:1] in starts
        and value.lstrip("'")[:1] in triggers
        and not plain(value)
        else value
        for value in values
    ]


def neutralise(value: Any) -> Any:
    """Apply the formula rule to one cell value."""
    return neutralise_row([value])[0]


# Cells the model already constrains: dates and precisions (digits and words), vocabulary
# words, country codes, numbers, and amounts (a non-negative number first). None of them
# can begin with a trigger, so the formula check reads only the other, free-text cells.
_CONSTRAINED = frozenset(
    ("date", "precision", "earliest", "latest", "kind", "countries", "suppliers",
     "recipients", "actors", "amounts", "lat", "lon", "related", "qualifiers", "date_basis",
     "origin", "register_row")
)  # fmt: skip
_FREE_CELLS = operator.itemgetter(*[i for i, c in enumerate(COLUMNS) if c not in _CONSTRAINED])


def write_csv(timeline: Timeline, out: TextIO) -> None:
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    starts, free = _START_SET, _FREE_CELLS
    for values in map(record_values, timeline):
        # one set test per row; the cell-by-cell rule runs only when a cell may need it
        if not starts.isdisjoint([v[:1] for v in free(values)]):
            values = neutralise_row(values)  # type: ignore[assignment]
        writer.writerow(values)


def csv_text(timeline: Timeline) -> str:
    buffer = io.StringIO(newline="")
    write_csv(timeline, buffer)
    return buffer.getvalue()


def datapackage(csv_name: str, title: str = "armstimeline events") -> dict[str, Any]:
    """A Frictionless Data Package descriptor for the CSV export."""
    return {
        "profile": "tabular-data-package",
        "name": "armstimeline",
        "title": title,
        "licenses": [
            {
                "name": "CC-BY-4.0",
                "path": "https://creativecommons.org/licenses/by/4.0/",
                "title": "Creative Commons Attribution 4.0",
            }
        ],
        "resources": [
            {
                "profile": "tabular-data-resource",
                "name": "events",
                "path": csv_name,
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "dialect": {
                    "delimiter": ",",
                    "lineTerminator": "\r\n",
                    "quoteChar": '"',
                    "doubleQuote": True,
                    "header": True,
                },
                "schema": {
                    "fields": [
                        {"name": name, "type": kind, "description": doc}
                        for name, (kind, doc) in COLUMN_DOCS.items()
                    ],
                    "primaryKey": "id",
                },
            }
        ],
    }
