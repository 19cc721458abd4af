"""The events a reader's choices select, their counts and one page of them, from what the
build stored.

Every filter but a search and a span of years is a stored bitmap (``facet_members``: each
value's events, by rowid; see ``database.members``); the view is their intersection, and
each facet beside the list is the size of the view's intersection with each value's
bitmap: microseconds a value at a million events. A search adds the full-text index's
rowids; years add the bitmaps of the years the events start in and the few events that
start earlier and reach into them (spans, found once per process).

A page is listed in timeline order: a small view by its rowids, a large one by walking the
timeline's index and keeping its members until the page is full (a view of a hundredth of
a million events fills a page of 50 within 5,000 rows). Nothing here writes to the
connection: no temporary table another visitor's SQL could read.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

import attrs
from pyroaring import BitMap, FrozenBitMap

from armstimeline.search import fts_query
from armstimeline.site.bitmaps import MemberSets, member_sets, read_member_sets
from armstimeline.site.choices import Choices
from armstimeline.site.memo import remembered

__all__ = [
    "FACET_OF", "PAGE_SIZE", "Found", "Listed", "facet_counts", "listed_by_walking", "listing",
    "select", "stored_sets",
]  # fmt: skip

PAGE_SIZE = 50
_BY_ROWIDS = 20_000  # a view this small is listed by its rowids, a larger one by walking
_WALK = 5_000  # rows of the timeline read at a time while walking it

# the facets each choice filters through, as the build stores them
FACET_OF = {
    "countries": "actors.country",
    "systems": "event_systems.system",
    "kinds": "events.kind",
    "tags": "event_tags.tag",
    "regions": "event_regions.region",
}


@attrs.frozen
class Found:
    """The events the choices select (``view``; None: every event of the origin) and the
    same without the origin (for the curated/register switch)."""

    sets: MemberSets
    view: BitMap | None
    any_origin: BitMap | None
    total: int

    @property
    def count(self) -> int:
        return len(self.view) if self.view is not None else self.total


@attrs.frozen
class Listed:
    rows: list[dict[str, Any]]
    more: bool


async def stored_sets(ds: Any, database: str) -> MemberSets:
    found = await member_sets(ds, database)
    if found is None and ds.get_database(database).is_mutable:  # not kept: read each time
        found = await ds.get_database(database).execute_fn(read_member_sets)
    if found is None:
        raise LookupError("the database has no stored facets (build it with armstimeline)")
    return found


async def _total(ds: Any, database: str) -> int:
    db = ds.get_database(database)

    async def ask() -> int:
        return int((await db.execute("select count(*) from events")).first()[0])

    return await remembered(ds, database, ("events",), ask)


async def _spans(ds: Any, database: str) -> list[tuple[int, int, int]]:
    """(rowid, first year, last year) of every event whose date spans more than a year."""
    db = ds.get_database(database)

    async def ask() -> list[tuple[int, int, int]]:
        # the last year a date could mean: an open end ("2000/..") reaches the calendar's
        found = await db.execute_fn(
            lambda conn: conn.execute(
                "select rowid, year, last from (select rowid, year, "
                "cast(substr(latest, 1, 4) as integer) as last from events) where last > year"
            ).fetchall()
        )
        return [(r[0], r[1], r[2]) for r in found]

    return await remembered(ds, database, ("spans",), ask)


def _union(members: Iterable[Any]) -> BitMap:
    out = BitMap()
    for item in members:
        out |= item
    return out


async def _years(ds: Any, database: str, sets: MemberSets, start: int | None,
                 end: int | None) -> BitMap:  # fmt: skip
    """Events whose span overlaps the years ``start``–``end``."""
    years = sets.sets.get("events.year", {})
    low, high = start if start is not None else -10**6, end if end is not None else 10**6
    found = _union(m for y, m in years.items() if low <= int(y) <= high)
    if start is not None:
        found |= BitMap(r for r, first, last in await _spans(ds, database)
                        if first < start <= last)  # fmt: skip
    return found


async def _searched(ds: Any, database: str, text: str) -> BitMap:
    query = fts_query(text)
    if not query.strip():
        return BitMap()
    found = await ds.get_database(database).execute(
        "select rowid from events_fts where events_fts match ?", [query]
    )
    return BitMap(r[0] for r in found.rows)


async def select(ds: Any, database: str, choices: Choices) -> Found:
    """The events ``choices`` select (see the module's docstring)."""
    sets = await stored_sets(ds, database)
    total = await _total(ds, database)
    parts: list[BitMap | FrozenBitMap] = []
    for field, facet in FACET_OF.items():
        values = getattr(choices, field)
        if not values:
            continue
        stored = sets.sets.get(facet, {})
        members: list[BitMap | FrozenBitMap] = [stored.get(v) or BitMap() for v in values]
        # a kind is one of many (any may match); countries, systems, tags all must
        parts += [_union(members)] if field == "kinds" else members
    if choices.start is not None or choices.end is not None:
        parts.append(await _years(ds, database, sets, choices.start, choices.end))
    if choices.year is not None:
        parts.append(BitMap(sets.sets.get("events.year", {}).get(choices.year) or BitMap()))
    if choices.text:
        parts.append(await _searched(ds, database, choices.text))
    any_origin: BitMap | None = None
    if parts:
        any_origin = BitMap(parts[0])
        for part in parts[1:]:
            any_origin &= part
    view = any_origin
    if choices.origin != "all":
        origin = sets.sets.get("events.origin", {}).get(choices.origin) or BitMap()
        view = BitMap(origin) & any_origin if any_origin is not None else BitMap(origin)
    return Found(sets=sets, view=view, any_origin=any_origin, total=total)


def facet_counts(found: Found, facet: str, *, view: BitMap | None = None,
                 limit: int | None = None) -> list[tuple[Any, int]]:  # fmt: skip
    """(value, events) of one stored facet within the view, commonest first."""
    within = view if view is not None else found.view
    values = found.sets.sets.get(facet, {})
    counts = [
        (value, len(members) if within is None else within.intersection_cardinality(members))
        for value, members in values.items()
    ]
    ordered = sorted(((v, n) for v, n in counts if n), key=lambda vn: (-vn[1], str(vn[0])))
    return ordered[:limit] if limit is not None else ordered


_COLUMNS = "rowid, id, title, date, kind, countries, systems, origin, latitude, longitude"


async def listing(ds: Any, database: str, found: Found, choices: Choices,
                  size: int = PAGE_SIZE) -> Listed:  # fmt: skip
    """One page of the view in timeline order (newest first when asked)."""
    db = ds.get_database(database)
    direction = "desc" if choices.newest else "asc"
    skip = (choices.page - 1) * size
    view = found.view
    if view is None:
        result = await db.execute(
            f"select {_COLUMNS} from events order by sort_order {direction} limit ? offset ?",
            [size + 1, skip],
        )
        rows = [dict(r) for r in result.rows]
    elif len(view) <= _BY_ROWIDS and not listed_by_walking(view, found.total, skip + size + 1):
        result = await db.execute(
            f"select {_COLUMNS} from events where rowid in (select value from json_each(?)) "
            f"order by sort_order {direction} limit ? offset ?",
            [json.dumps(list(view)), size + 1, skip],
        )
        rows = [dict(r) for r in result.rows]
    else:
        rows = await db.execute_fn(lambda conn: _walk(conn, view, direction, skip, size + 1))
    return Listed(rows=rows[:size], more=len(rows) > size)


def listed_by_walking(view: BitMap, total: int, rows: int) -> bool:
    """Whether walking the timeline finds a page's ``rows`` within one batch of ``_WALK``
    (a view of most events: the unfiltered page of 20,000 curated events), cheaper than
    listing every one of its rowids."""
    return len(view) > _WALK and rows * total <= _WALK * len(view)


def _walk(conn: Any, view: BitMap, direction: str, skip: int, want: int) -> list[dict[str, Any]]:
    """Walk the timeline's index, keeping the view's events, until ``want`` past ``skip``."""
    compare = "<" if direction == "desc" else ">"
    edge = None
    kept: list[int] = []
    while len(kept) < skip + want:
        where = f"where sort_order {compare} ?" if edge is not None else ""
        batch = conn.execute(
            f"select rowid, sort_order from events {where} order by sort_order {direction} "
            f"limit {_WALK}",
            [edge] if edge is not None else [],
        ).fetchall()
        if not batch:
            break
        kept += [r[0] for r in batch if r[0] in view]
        edge = batch[-1][1]
    wanted = kept[skip : skip + want]
    if not wanted:
        return []
    cursor = conn.execute(
        f"select {_COLUMNS} from events where rowid in (select value from json_each(?)) "
        f"order by sort_order {direction}",
        [json.dumps(wanted)],
    )
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
