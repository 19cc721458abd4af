"""The timeline order of a database's events, renumbered from what the rows hold.

An incremental build adds events to kept ones, and a streamed cold build writes each
event's rows before it has seen the others: both number the timeline afterwards, from the
date keys the events table holds and the relations that order ties (``order_ids``); an
incremental build whose changes move nothing keeps the order it has (``unmoved_order``).
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterable, Iterator, Sequence

from armstimeline.dates import Precision
from armstimeline.model import ORDERING_RELATIONS, Event, order_ids

__all__ = ["renumber", "stored_keys", "timeline_order", "unmoved_order"]

_PRECISION = {p.label: int(p) for p in Precision}  # the first word of a precision cell
_JD_ORDINAL = 1721424.5  # julianday('0001-01-01') - date(1, 1, 1).toordinal()


# an events row's ``PartialDate.sort_key`` (see ``stored_keys``), after its id
_KEY_COLUMNS = (
    f"id, cast(julianday(earliest) - {_JD_ORDINAL} as integer), precision, "
    f"cast(julianday(latest) - {_JD_ORDINAL} as integer)"
)


def stored_keys(conn: sqlite3.Connection) -> dict[str, tuple[int, int, int]]:
    """Each event's ``PartialDate.sort_key`` (proleptic Gregorian ordinals, as Python
    counts them, and the precision), read from its row."""
    return {
        eid: (e, _PRECISION[p.split(",")[0]], l_)
        for eid, e, p, l_ in conn.execute(f"select {_KEY_COLUMNS} from events")
    }


def unmoved_order(
    conn: sqlite3.Connection, stale: str, events: Sequence[Event]
) -> dict[str, int] | None:
    """The places ``events`` take in the timeline when they move nothing: they replace
    the events whose ids are in the one-column table ``stale``, one for one by id, each
    with the date key and the ordering relations (``ORDERING_RELATIONS``) its row had.
    Every other event then keeps its key and the relations that rank it, so the order
    is the stored one and each new event takes the place of its old row: nothing to sort
    or renumber. None when anything moves (an event added, removed, dated anew or linked
    anew by a relation that orders ties): the caller orders everything again."""
    old = {
        eid: ((e, _PRECISION[p.split(",")[0]], l_), place)
        for eid, e, p, l_, place in conn.execute(
            f"select {_KEY_COLUMNS}, sort_order from events "
            f"where id in (select id from [{stale}])"
        )
    }
    if len(old) != len(events) or old.keys() != {e.id for e in events}:
        return None
    types = sorted(ORDERING_RELATIONS)
    links: dict[str, set[tuple[str, str]]] = {}
    for source, rtype, target in conn.execute(
        f"select from_event, type, to_event from relations "
        f"where from_event in (select id from [{stale}]) "
        f"and type in ({', '.join('?' * len(types))})",
        types,
    ):
        links.setdefault(source, set()).add((rtype, target))
    for event in events:
        key, _ = old[event.id]
        if key != event.date.sort_key:
            return None
        ordering = {(r.type, r.target) for r in event.relations if r.type in ORDERING_RELATIONS}
        if ordering != links.get(event.id, set()):
            return None
    return {eid: place for eid, (_, place) in old.items()}


def timeline_order(
    keys: dict[str, tuple[int, int, int]], edges: Iterable[tuple[str, str, str]]
) -> dict[str, int]:
    """Each event's place in the timeline (``order_ids``)."""
    return {eid: i for i, eid in enumerate(order_ids(keys, edges))}


# A renumbering that moves more than this share of the rows is cheaper with the events'
# indexes made again after it than with each moved row's entries moved in each of the
# eight that hold ``sort_order``: an update that re-dated 1% of 100,000 events moved
# 99% of the rows, 3.2 s in place against about 1 s with the indexes made again.
REINDEX_SHARE = 0.25


def renumber(conn: sqlite3.Connection, order: dict[str, int]) -> None:
    """Write ``order`` into ``sort_order``: only the rows whose number changes, found by
    rowid (a lookup by id would go through the id's index first)."""
    moves = [
        (order[eid], rowid)
        for rowid, eid, old in conn.execute("select rowid, id, sort_order from events")
        if order[eid] != old
    ]
    with _indexes_aside(conn, "events", len(moves) > REINDEX_SHARE * len(order)):
        conn.executemany("update events set sort_order = ? where rowid = ?", moves)


@contextlib.contextmanager
def _indexes_aside(conn: sqlite3.Connection, table: str, aside: bool) -> Iterator[None]:
    """With ``aside``, ``table``'s own indexes are dropped for the block and made again
    after it, in the order they were made (the order SQLite's planner meets them in), with
    the statistics ``analyze`` kept of them (dropping an index drops its statistics). A
    cold build has made none yet when it numbers the timeline: nothing to set aside."""
    indexes = (
        conn.execute(
            "select name, sql from sqlite_master where type = 'index' and tbl_name = ? "
            "and sql is not null order by rowid",
            (table,),
        ).fetchall()
        if aside
        else []
    )
    names = {name for name, _ in indexes}
    analysed = indexes and conn.execute(
        "select 1 from sqlite_master where type = 'table' and name = 'sqlite_stat1'"
    ).fetchone()
    stats = (
        [row for row in conn.execute("select tbl, idx, stat from sqlite_stat1") if row[1] in names]
        if analysed
        else []
    )
    for name in names:
        conn.execute(f"drop index [{name}]")
    yield
    for _, sql in indexes:
        conn.execute(sql)
    if stats:
        conn.executemany("insert into sqlite_stat1 values (?, ?, ?)", stats)
