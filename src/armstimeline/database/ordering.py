"""The timeline order of a database's events, renumbered from what the rows hold.

An incremental build adds events to kept ones, and a streamed cold build writes each
event's rows before it has seen the others: both number the timeline afterwards, from the
date keys the events table holds and the relations that order ties (``order_ids``).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from armstimeline.dates import Precision
from armstimeline.model import order_ids

__all__ = ["renumber", "stored_keys", "timeline_order"]

_PRECISION = {p.label: int(p) for p in Precision}  # the first word of a precision cell
_JD_ORDINAL = 1721424.5  # julianday('0001-01-01') - date(1, 1, 1).toordinal()


def stored_keys(conn: sqlite3.Connection) -> dict[str, tuple[int, int, int]]:
    """Each event's ``PartialDate.sort_key`` (proleptic Gregorian ordinals, as Python
    counts them, and the precision), read from its row."""
    return {
        eid: (e, _PRECISION[p.split(",")[0]], l_)
        for eid, e, p, l_ in conn.execute(
            f"select id, cast(julianday(earliest) - {_JD_ORDINAL} as integer), precision, "
            f"cast(julianday(latest) - {_JD_ORDINAL} as integer) from events"
        )
    }


def timeline_order(
    keys: dict[str, tuple[int, int, int]], edges: Iterable[tuple[str, str, str]]
) -> dict[str, int]:
    """Each event's place in the timeline (``order_ids``)."""
    return {eid: i for i, eid in enumerate(order_ids(keys, edges))}


def renumber(conn: sqlite3.Connection, order: dict[str, int]) -> None:
    """Write ``order`` into ``sort_order``: only the rows whose number changes, found by
    rowid (a lookup by id would go through the id's index first)."""
    moves = [
        (order[eid], rowid)
        for rowid, eid, old in conn.execute("select rowid, id, sort_order from events")
        if order[eid] != old
    ]
    conn.executemany("update events set sort_order = ? where rowid = ?", moves)
