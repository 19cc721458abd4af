"""CSV (RFC 4180, UTF-8): one row per event, stable columns, safe for spreadsheets.

Formula rule: a cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return, and is not a plain number, gets a leading apostrophe (``'``) so spreadsheet
programs show it as text instead of running it. Nothing else is changed.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping
from typing import Any, TextIO

from armstimeline.export.records import COLUMNS, event_record
from armstimeline.timeline import Timeline

__all__ = ["COLUMN_DOCS", "datapackage", "neutralise", "write_csv"]

_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_TRIGGER_SET = frozenset(_TRIGGERS)

COLUMN_DOCS: Mapping[str, tuple[str, str]] = {
    "id": ("string", "Stable event identifier, also the event file's name."),
    "title": ("string", "What happened, in a line."),
    "date": ("string", "The date as written: YYYY, YYYY-MM, YYYY-MM-DD or START/END."),
    "precision": ("string", "day, month or year (an interval: its coarser end)."),
    "earliest": ("date", "First day the date could mean."),
    "latest": ("date", "Last day the date could mean."),
    "kind": ("string", "Event kind."),
    "countries": ("string", "ISO 3166-1 alpha-3 codes of all actors, ' | '-separated."),
    "suppliers": ("string", "Countries in the supplier role, ' | '-separated."),
    "recipients": ("string", "Countries in the recipient role, ' | '-separated."),
    "actors": ("string", "COUNTRY:role pairs, ' | '-separated."),
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
}


def neutralise_row(values: Iterable[Any]) -> list[Any]:
    """Apply the formula rule to every cell of a row (one comprehension: this is hot)."""
    triggers, plain = _TRIGGER_SET, _PLAIN_NUMBER.fullmatch
    return [
        "'" + value
        if value.__class__ is str and value[:1] in triggers and not plain(value)
        else value
        for value in values
    ]


def neutralise(value: Any) -> Any:
    """Apply the formula rule to one cell value."""
    return neutralise_row([value])[0]


def write_csv(timeline: Timeline, out: TextIO) -> None:
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    sources = timeline.sources
    for event in timeline:
        record = event_record(event, sources)
        writer.writerow(["" if record[c] is None else neutralise(record[c]) for c in COLUMNS])


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
