"""One flat record per event: the stable columns of the CSV export and the DataFrame.

Multi-valued cells are joined with `` | ``; inside a value a backslash or a pipe is
escaped with a backslash (``\\|``), so splitting on unescaped `` | `` gives the values back.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from armstimeline.datewords import date_texts
from armstimeline.model import Event

__all__ = ["COLUMNS", "SEPARATOR", "event_record", "join", "record_values", "split"]

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
    "qualifiers",
    "date_basis",
    "origin",
    "register_row",
)
_SPLIT = re.compile(r"(?<!\\) \| ")


def _escape(value: str) -> str:
    if "|" not in value and "\\" not in value:
        return value
    return value.replace("\\", "\\\\").replace("|", "\\|")


def join(values: Iterable[str]) -> str:
    """Values joined with `` | ``, escaped only when one of them holds a pipe or backslash."""
    if not isinstance(values, (list, tuple)):
        values = list(values)
    if not values:
        return ""
    joined = SEPARATOR.join(values)
    # the common case: no value holds a pipe or a backslash, so nothing needs escaping
    if joined.count("|") == len(values) - 1 and "\\" not in joined:
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


def record_values(event: Event) -> tuple[Any, ...]:
    """The event as one row of strings and numbers, in COLUMNS order; nothing is dropped.
    A missing value is the empty string. Built as a tuple because exports call it once per
    event and a dict per row costs a third of the CSV export's time."""
    date, actors, plain = event.date, event.actors, SEPARATOR.join
    first = event.places[0] if event.places else None
    written, precision, _, earliest, latest, words = date_texts(date)
    # Country codes ([A-Z]{3,4}) are checked by the model and hold no pipe or backslash, so
    # their cells are joined without the escape check; named actors are escaped.
    return (
        event.id,
        event.title,
        written,
        precision,
        earliest,
        latest,
        event.kind,
        plain(event.countries),
        plain(event.countries_in("supplier")),
        plain(event.recipients),
        # a state's cell is its code (no pipe or backslash: joined plainly, as it is hot);
        # organisations and groups carry names, which the escaping join guards
        plain([f"{a.country}:{a.role}" for a in actors])
        if all(a.type == "state" for a in actors)
        else join([f"{a.key}:{a.role}" for a in actors]),
        join(event.systems),
        join([f"{a.bounded} {a.currency or a.unit}: {a.what}" for a in event.amounts]),
        join([f"{p.name} ({p.lat!r}, {p.lon!r})" for p in event.places]),
        first.lat if first else "",
        first.lon if first else "",
        event.summary,
        join([f"{c.source}: {c.quote}" for c in event.sources]),
        join(event.tags),
        join([f"{r.type}:{r.target}" for r in event.relations]),
        event.note or "",
        plain(words),
        event.date_basis,
        "register" if event.register else "curated",
        event.register.row if event.register else "",
    )


def event_record(event: Event) -> dict[str, Any]:
    """The event as a dict keyed by COLUMNS (see ``record_values``)."""
    return dict(zip(COLUMNS, record_values(event), strict=True))
