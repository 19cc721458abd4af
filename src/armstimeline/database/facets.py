"""Facet counts the build stores, so the unfiltered events page need not count them, and
each value's events (``members``), so a filtered view need not either."""

from __future__ import annotations

import sqlite3

from armstimeline.database.members import Collector, adjust_members, store_members

__all__ = ["STORED_FACETS", "adjust_facet_counts", "facet_collector", "store_facet_counts"]


# The unfiltered events page facets these columns of events and of its child tables (the
# ones metadata.yml configures; each has a covering index, so each count is one scan);
# counting a million rows for each takes about as long as Datasette's facet time limit,
# so the build stores the counts (facet "table.column"; value keeps its type) and the
# site plugin reads them when no filter applies. Filtered views are counted live.
STORED_FACETS = (
    ("events", "kind"),
    ("events", "decade"),
    ("events", "year"),
    ("events", "precision"),
    ("events", "qualifiers"),
    ("events", "region"),
    ("events", "origin"),
    ("actors", "country"),
    ("event_systems", "system"),
    ("event_tags", "tag"),
    ("event_regions", "region"),
)


def store_facet_counts(conn: sqlite3.Connection, collected: Collector | None = None) -> None:
    """Count STORED_FACETS afresh (inside the caller's transaction): events per value, as
    Datasette's column facet and the plugin's child facet count them, and which events
    (``members``). What a cold build ``collected`` as it wrote the rows is stored as it is;
    without it, both are read from the tables."""
    if collected is not None and collected.write(conn):
        return
    conn.execute("delete from facet_counts")
    adjust_facet_counts(conn, None, 1)
    store_members(conn, STORED_FACETS)


def facet_collector(conn: sqlite3.Connection) -> Collector:
    """A ``Collector`` of STORED_FACETS for a cold build's new, empty tables."""
    return Collector(conn, STORED_FACETS)


def adjust_facet_counts(conn: sqlite3.Connection, ids: str | None, sign: int) -> None:
    """Add (sign 1) or take away (sign -1) the counts of the events whose ids are in the
    one-column table ``ids`` (None: every event), so an incremental build need not recount
    a large table. Each event adds at most one to a value, so the counts stay exact."""
    for table, column in STORED_FACETS:
        owner = "id" if table == "events" else "event_id"
        counted = "count(*)" if table == "events" else "count(distinct event_id)"
        subset = f"and [{owner}] in (select id from [{ids}])" if ids else ""
        conn.execute(
            f"insert into facet_counts select ?, [{column}], ? * {counted} from [{table}] "
            f"where [{column}] is not null {subset} group by [{column}] "
            "on conflict (facet, value) do update set count = count + excluded.count",
            (f"{table}.{column}", sign),
        )
    conn.execute("delete from facet_counts where count = 0")
    if ids:
        adjust_members(conn, STORED_FACETS, ids, sign)

