"""Events back out of a built database, as the exports need them."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from armstimeline.database.connect import read_only
from armstimeline.model import Event, Source
from armstimeline.serialize import event_from_dict

__all__ = ["read_events", "table_rows"]

def table_rows(db_path: Path) -> Iterator[tuple[str, list[tuple[Any, ...]]]]:
    """Every table's rows in rowid order, for comparing two builds."""
    with read_only(db_path) as conn:
        names = [
            r[0]
            for r in conn.execute(
                "select name from sqlite_master where type = 'table' order by name"
            )
        ]
        for name in names:
            yield name, conn.execute(f"select * from [{name}]").fetchall()


def read_events(
    conn: sqlite3.Connection, ids: Iterable[str]
) -> tuple[list[Event], dict[str, Source]]:
    """Rebuild Event objects from a built database, in timeline order.

    Each event is read into the event-file layout and made by ``event_from_dict``, the
    one way data turns back into events, so a download from any Datasette view follows
    exactly the rules of ``armstimeline export``.
    """
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        return [], {}
    # the ids travel as a parameter, not a temp table: a table left on a shared connection
    # would be readable by the next query on it (on the site, another visitor's SQL)
    given = {"ids": json.dumps(wanted)}

    def children(sql: str) -> dict[str, list[tuple[Any, ...]]]:
        out: dict[str, list[tuple[Any, ...]]] = {}
        for row in conn.execute(sql, given):
            out.setdefault(row[0], []).append(row[1:])
        return out

    # 'in (select ...)' lets SQLite look each id up in the child table's index; a join with
    # the list would scan a million-row child table in rowid order (270 ms a table)
    join = "where t.event_id in (select value from json_each(:ids))"
    actors = children(
        f"select t.event_id, type, country, name, role from actors t {join} order by t.rowid"
    )
    systems = children(f"select t.event_id, system from event_systems t {join} order by t.rowid")
    tags = children(f"select t.event_id, tag from event_tags t {join} order by t.rowid")
    amounts = children(
        f"select t.event_id, value, what, currency, unit, bound, upper from amounts t {join} "
        "order by t.id"
    )
    places = children(
        f"select t.event_id, name, latitude, longitude from places t {join} order by t.id"
    )
    cites = children(f"select t.event_id, source_id, quote from citations t {join} order by t.id")
    registers = {
        eid: {
            "row": row, "designation": designation, "description": description,
            "status": status, "delivered": [int(y) for y in json.loads(delivered)],
            "digest": digest, "editions": json.loads(editions),
            "changes": json.loads(changes),
        }
        for eid, row, designation, description, status, delivered, digest, editions, changes
        in conn.execute(
            "select t.event_id, row, designation, description, status, delivered, digest, "
            f"editions, changes from registers t {join}",
            given,
        )
    }  # fmt: skip
    rels = children(
        "select from_event, type, to_event from relations t "
        "where t.from_event in (select value from json_each(:ids)) order by t.rowid"
    )
    events = [
        event_from_dict(
            {
                "id": eid,
                "title": title,
                "date": date,
                "kind": kind,
                "actors": [
                    {"country": c, "role": r}
                    if t == "state"
                    else {"unknown": True, "role": r}
                    if t == "unknown"
                    else {t: n, "country": c, "role": r}
                    for t, c, n, r in actors.get(eid, [])
                ],
                "systems": [s for (s,) in systems.get(eid, [])],
                "amounts": [
                    {"value": v, "what": w, "currency": c, "unit": u, "bound": b, "upper": p}
                    for v, w, c, u, b, p in amounts.get(eid, [])
                ],
                "places": [{"name": n, "lat": a, "lon": o} for n, a, o in places.get(eid, [])],
                "summary": summary,
                "sources": [{"source": s, "quote": q} for s, q in cites.get(eid, [])],
                "tags": [t for (t,) in tags.get(eid, [])],
                "relations": [{"type": t, "target": g} for t, g in rels.get(eid, [])],
                "note": note,
                "date_basis": basis,
                "register": registers.get(eid),
            }
        )
        for eid, title, date, kind, summary, note, basis in conn.execute(
            "select e.id, title, date, kind, summary, note, date_basis from events e "
            "where e.id in (select value from json_each(:ids)) order by e.sort_order",
            given,
        )
    ]
    sources = {
        r[0]: Source(id=r[0], title=r[1], publisher=r[2], url=r[3], file=r[4])
        for r in conn.execute(
            "select id, title, publisher, url, file from sources where id in "
            "(select source_id from citations where event_id in "
            "(select value from json_each(:ids)))",
            given,
        )
    }
    return events, sources
