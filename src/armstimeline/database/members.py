"""The events each stored facet value has, kept as compressed bitmaps of their rowids.

A filtered view at a million events counted its facets live: every facet a scan of the
view's rows, two seconds and a timed-out facet for a filter most events match. With each
value's events stored as a roaring bitmap (``pyroaring``), the site intersects the view's
events with every value's bitmap instead, a few microseconds a value (see
``site.facetcount``). The bitmaps are ``facet_members`` rows beside ``facet_counts``:
facet ("table.column"), value (keeping its type) and ``members``, the serialized bitmap of
``events.rowid``. An incremental build changes only the bitmaps of the values its changed
events have or had.
"""

from __future__ import annotations

import itertools
import sqlite3
from collections.abc import Iterable
from operator import itemgetter
from typing import Any

from pyroaring import BitMap

__all__ = ["adjust_members", "member_rows", "store_members"]


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
