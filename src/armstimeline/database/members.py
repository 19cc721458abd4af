"""The events each stored facet value has, kept as compressed bitmaps of their rowids.

A filtered view at a million events counted its facets live: every facet a scan of the
view's rows, two seconds and a timed-out facet for a filter most events match. With each
value's events stored as a roaring bitmap (``pyroaring``), the site intersects the view's
events with every value's bitmap instead, a few microseconds a value (see
``site.bitmaps``). The bitmaps are ``facet_members`` rows beside ``facet_counts``:
facet ("table.column"), value (keeping its type) and ``members``, the serialized bitmap of
``events.rowid``.

A cold build collects them from the rows it writes (``Collector``): each value's events are
appended as a batch of rows goes in, about 0.2 s per 30,000 events, where reading them
back with SQL took 28 s at a million (a join for every child row). An incremental build
changes only the bitmaps of the values its changed events have or had, with SQL.
"""

from __future__ import annotations

import itertools
import sqlite3
from collections import defaultdict
from collections.abc import Iterable
from operator import itemgetter
from typing import Any

from pyroaring import BitMap

__all__ = ["Collector", "adjust_members", "member_rows", "store_members"]


def member_rows(
    conn: sqlite3.Connection, table: str, column: str, ids: str | None
) -> Iterable[tuple[Any, int]]:
    """(value, events.rowid) of every event with a value in ``table.column``, in value
    order (each events column and child table has an index that leads with the column);
    only the events whose ids are in the one-column table ``ids``, when given."""
    if table == "events":
        subset = f"and id in (select id from [{ids}])" if ids else ""
        return conn.execute(
            f"select [{column}], rowid from events where [{column}] is not null {subset} "
            f"order by [{column}]"
        )
    subset = f"and c.event_id in (select id from [{ids}])" if ids else ""
    return conn.execute(
        f"select c.[{column}], e.rowid from [{table}] c join events e on e.id = c.event_id "
        f"where c.[{column}] is not null {subset} order by c.[{column}]"
    )


def store_members(conn: sqlite3.Connection, facets: Iterable[tuple[str, str]]) -> None:
    """Write every value's bitmap afresh (inside the caller's transaction)."""
    conn.execute("delete from facet_members")
    for table, column in facets:
        facet = f"{table}.{column}"
        conn.executemany(
            "insert into facet_members values (?, ?, ?)",
            (
                (facet, value, BitMap(map(itemgetter(1), rows)).serialize())
                for value, rows in itertools.groupby(
                    member_rows(conn, table, column, None), key=itemgetter(0)
                )
            ),
        )


def adjust_members(
    conn: sqlite3.Connection, facets: Iterable[tuple[str, str]], ids: str, sign: int
) -> None:
    """Add (sign 1) or take away (sign -1) the events whose ids are in the one-column table
    ``ids`` from the bitmaps of the values they have; a bitmap left empty is deleted."""
    for table, column in facets:
        facet = f"{table}.{column}"
        changed = [
            (value, BitMap(map(itemgetter(1), rows)))
            for value, rows in itertools.groupby(
                list(member_rows(conn, table, column, ids)), key=itemgetter(0)
            )
        ]
        for value, rowids in changed:
            found = conn.execute(
                "select members from facet_members where facet = ? and value = ?", (facet, value)
            ).fetchone()
            members = BitMap.deserialize(found[0]) if found else BitMap()
            if sign > 0:
                members |= rowids
            else:
                members -= rowids
            if members:
                conn.execute(
                    "insert into facet_members values (?, ?, ?) on conflict (facet, value) "
                    "do update set members = excluded.members",
                    (facet, value, members.serialize()),
                )
            else:
                conn.execute(
                    "delete from facet_members where facet = ? and value = ?", (facet, value)
                )


class Collector:
    """Which events have each value of the stored ``facets``, collected from the rows of a
    cold build as they are inserted (``add`` after each ``insert_rows``), as bitmaps of the
    rowids SQLite gives them: in a new table, one more than the largest so far, so the n-th
    events row inserted is rowid n (``write`` checks the table agrees before using them)."""

    def __init__(self, conn: sqlite3.Connection, facets: Iterable[tuple[str, str]]) -> None:
        def position(table: str, column: str) -> int:
            names = [row[1] for row in conn.execute(f"pragma table_info([{table}])")]
            return names.index(column)

        self.facets = list(facets)
        self.sets: dict[str, defaultdict[Any, BitMap]] = {
            f"{t}.{c}": defaultdict(BitMap) for t, c in self.facets
        }
        self._columns = [
            (self.sets[f"{t}.{c}"], position(t, c)) for t, c in self.facets if t == "events"
        ]
        self._children = [
            (t, self.sets[f"{t}.{c}"], position(t, c), position(t, "event_id"))
            for t, c in self.facets
            if t != "events"
        ]
        self._id = position("events", "id")
        self.rowids = 0  # events rows added so far: the largest rowid

    def add(self, rows: dict[str, list[tuple[Any, ...]]]) -> None:
        """Take in one insert's rows (the events table's and its child tables')."""
        events = rows.get("events", [])
        rowids = range(self.rowids + 1, self.rowids + 1 + len(events))
        for sets, at in self._columns:
            _gather(sets, zip(map(itemgetter(at), events), rowids, strict=True))
        rowid_of = dict(zip(map(itemgetter(self._id), events), rowids, strict=True))
        for table, sets, at, owner in self._children:
            child = rows.get(table, ())
            owners = map(rowid_of.__getitem__, map(itemgetter(owner), child))
            _gather(sets, zip(map(itemgetter(at), child), owners, strict=True))
        self.rowids += len(events)

    def join(self, sets: dict[str, dict[Any, BitMap]], events: int) -> None:
        """Take in what another collector gathered from the ``events`` rows inserted next,
        its rowids already counted on from this one's (rows written by a process beside)."""
        for facet, values in sets.items():
            mine = self.sets[facet]
            for value, members in values.items():
                mine[value] |= members
        self.rowids += events

    def write(self, conn: sqlite3.Connection) -> bool:
        """Store the bitmaps and each value's count (inside the caller's transaction); False,
        storing nothing, when the events table's rowids are not 1 to n as assumed."""
        largest, n = conn.execute("select max(rowid), count(*) from events").fetchone()
        if n != self.rowids or (n and largest != n):
            return False
        conn.execute("delete from facet_members")
        conn.execute("delete from facet_counts")
        for facet, values in self.sets.items():
            conn.executemany(
                "insert into facet_members values (?, ?, ?)",
                [(facet, value, members.serialize()) for value, members in values.items()],
            )
            conn.executemany(
                "insert into facet_counts values (?, ?, ?)",
                [(facet, value, len(members)) for value, members in values.items()],
            )
        return True


def _gather(sets: defaultdict[Any, BitMap], pairs: Iterable[tuple[Any, int]]) -> None:
    """Add each (value, rowid) to its value's bitmap; no value (None) is not a value. The
    rowids are grouped in lists first: one bitmap update a value, not one a row."""
    found: defaultdict[Any, list[int]] = defaultdict(list)
    for value, rowid in pairs:
        found[value].append(rowid)
    found.pop(None, None)
    for value, rowids in found.items():
        sets[value].update(rowids)
