"""One flat record per event: the stable columns of the CSV export and the DataFrame.

Multi-valued cells are joined with `` | ``; inside a value a backslash or a pipe is
escaped with a backslash (``\\|``), so splitting on unescaped `` | `` gives the values back.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from armstimeline.model import Event, Source

__all__ = ["COLUMNS", "SEPARATOR", "event_record", "join", "split"]

SEPARATOR = " | "
COLUMNS = (
    "id",
    "title",
    "date",
    "precision",
    "earliest",
    "latest",
    "kind",
    "countries",
    "suppliers",
    "recipients",
    "actors",
    "systems",
    "amounts",
    "places",
    "lat",
    "lon",
    "summary",
    "sources",
    "tags",
    "related",
    "note",
)
_SPLIT = re.compile(r"(?<!\\) \| ")


def _escape(value: str) -> str:
    if "|" not in value and "\\" not in value:
        return value
    return value.replace("\\", "\\\\").replace("|", "\\|")


def join(values: Iterable[str]) -> str:
    values = list(values)
    joined = SEPARATOR.join(values)
    # the common case: no value holds a pipe or a backslash, so nothing needs escaping
    if joined.count("|") == max(len(values) - 1, 0) and "\\" not in joined:
        return joined
    return SEPARATOR.join([_escape(v) for v in values])


def split(cell: str) -> list[str]:
    """The inverse of ``join``."""
    if cell == "":
        return []
    parts, buf, i = [], [], 0
    while i < len(cell):
        ch = cell[i]
        if ch == "\\" and i + 1 < len(cell):
            buf.append(cell[i + 1])
            i += 2
        elif cell.startswith(SEPARATOR, i):
            parts.append("".join(buf))
            buf = []
            i += len(SEPARATOR)
        else:
            buf.append(ch)
            i += 1
    parts.append("".join(buf))
    return parts


def event_record(event: Event, sources: Mapping[str, Source] | None = None) -> dict[str, Any]:
    """The event as one row of strings and numbers, in COLUMNS order; nothing is dropped.
    A missing value is the empty string."""
    first = event.places[0] if event.places else None
    return {
        "id": event.id,
        "title": event.title,
        "date": str(event.date),
        "precision": event.date.precision.label,
        "earliest": event.date.earliest.isoformat(),
        "latest": event.date.latest.isoformat(),
        "kind": event.kind,
        "countries": join(event.countries),
        "suppliers": join(event.countries_in("supplier")),
        "recipients": join(event.countries_in("recipient")),
        "actors": join(f"{a.country}:{a.role}" for a in event.actors),
        "systems": join(event.systems),
        "amounts": join(f"{a.value!r} {a.currency or a.unit}: {a.what}" for a in event.amounts),
        "places": join(f"{p.name} ({p.lat!r}, {p.lon!r})" for p in event.places),
        "lat": first.lat if first else "",
        "lon": first.lon if first else "",
        "summary": event.summary,
        "sources": join(f"{c.source}: {c.quote}" for c in event.sources),
        "tags": join(event.tags),
        "related": join(f"{r.type}:{r.target}" for r in event.relations),
        "note": event.note or "",
    }
