"""A filtered view's facet counts from the bitmaps the build stored (``facet_members``).

Counting a filtered view's facets live scanned its rows once a facet: at a million events
a filter most events match took seconds and every facet timed out. The build stores, for
each value of each default facet, which events have it (a roaring bitmap of their rowids;
see ``database.members``). Here a view's events become one bitmap (the stored bitmap of
each filter the reader chose, intersected; or, for a filter the bitmaps cannot answer,
such as a full-text search, the rowids of the view's rows, found once), and each value's
count is the size of its intersection with the view: microseconds a value, whatever the
view matches.

The view's row count is Datasette's own (``select count(*)``); at a million events it may
take a second, which is Datasette's business: the reader's pages count from the bitmaps
themselves (``selection``).

A view is answered this way only for the events table of an immutable database built with
the bitmaps; otherwise the facets count live (``facetcount``), as they did. Counts are the
whole view's: ``_next`` (a later page) does not narrow them, as it does not narrow the
row count Datasette shows beside them.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from pyroaring import BitMap, FrozenBitMap

from armstimeline.site.adapter import escape_fts, escape_sqlite
from armstimeline.site.childfilter import CHILD_KEY
from armstimeline.site.facetcount import Rows, top
from armstimeline.site.memo import remembered

__all__ = [
    "MemberSets", "member_sets", "read_member_sets", "view_counts",
]  # fmt: skip

_SCOPE_KEY = "armstimeline.view_members"
# finding a view's events by listing its rows may take the facet time limit this many
# times (40,000 rowids of a search at a million events take 150 ms); past it, the facets
# time out and the view is counted by Datasette's own query
_LIST_LIMIT = 2


def _limit(ds: Any) -> int:
    """Milliseconds a listing of a view's events may take."""
    return int(ds.setting("facet_time_limit_ms")) * _LIST_LIMIT

# Query-string keys that choose what a page shows, not which rows: the view's events are
# the same with or without them. Every other key starting with "_" (a search, ``_where``,
# a ``_filter_`` argument, one this list does not know) is answered from the view's rows.
_SHOWING = frozenset({
    "_col", "_context", "_dl", "_extra", "_facet", "_facet_array", "_facet_child",
    "_facet_date", "_facet_size", "_facet_stored", "_header", "_json", "_json_infinity",
    "_labels", "_next", "_nl", "_nocol", "_nocount", "_nofacet", "_nofacets", "_nolabels",
    "_nosuggest", "_shape", "_size", "_sort", "_sort_desc", "_stream", "_timelimit",
    "_trace", "_ttl",
})  # fmt: skip

_EXACT = "__exact"  # ?kind__exact=deal filters as ?kind=deal does


class MemberSets:
    """Each stored facet ("table.column") with the bitmap of events each value has."""

    def __init__(self, sets: dict[str, dict[Any, FrozenBitMap]]) -> None:
        self.sets = sets
        # query strings give values as text: 2000 is asked for as "2000"
        self._by_text = {
            facet: {str(value): members for value, members in values.items()}
            for facet, values in sets.items()
        }

    def find(self, facet: str, text: str) -> FrozenBitMap | None:
        """The events with this value, or None when the bitmaps cannot tell (a facet not
        stored, or a value written otherwise than stored, which SQL may still match)."""
        return self._by_text.get(facet, {}).get(text)

    def top(self, view: BitMap, facet: str, size: int) -> Rows | None:
        """The view's ``size + 1`` commonest values of ``facet``, as a live count orders
        them (count descending, then value), or None when the facet is not stored."""
        values = self.sets.get(facet)
        if values is None:
            return None
        counts = {}
        for value, members in values.items():
            n = view.intersection_cardinality(members)
            if n:
                counts[value] = n
        return top(counts, size)

    def pairs(
        self, view: BitMap | None, first: str, second: str
    ) -> dict[tuple[Any, Any], int] | None:
        """How many of the view's events (None: every event) have each pair of values of
        two stored facets; None when either is not stored."""
        firsts, seconds = self.sets.get(first), self.sets.get(second)
        if firsts is None or seconds is None:
            return None
        counts = {}
        for b, b_members in seconds.items():
            within = b_members & view if view is not None else b_members
            for a, a_members in firsts.items():
                n = within.intersection_cardinality(a_members)
                if n:
                    counts[(a, b)] = n
        return counts


async def member_sets(ds: Any, database: str) -> MemberSets | None:
    """Every stored bitmap of an immutable database, read once per serving process (tens of
    megabytes at a million events); None for a mutable database or one built without."""
    db = ds.get_database(database)
    if db.is_mutable:
        return None  # read afresh on every request, they would cost more than they save

    async def ask() -> MemberSets | None:
        return await db.execute_fn(read_member_sets)

    return await remembered(ds, database, ("member sets",), ask)


def read_member_sets(conn: Any) -> MemberSets | None:
    """Every stored bitmap on this connection; None when the build stored none."""
    found = conn.execute(
        "select 1 from sqlite_master where type = 'table' and name = 'facet_members'"
    ).fetchone()
    if not found:
        return None
    sets: dict[str, dict[Any, FrozenBitMap]] = {}
    for facet, value, blob in conn.execute("select facet, value, members from facet_members"):
        sets.setdefault(facet, {})[value] = FrozenBitMap.deserialize(blob)
    return MemberSets(sets)



async def view_counts(facet: Any) -> tuple[MemberSets, BitMap] | None:
    """The stored bitmaps and the bitmap of the events a facet's view shows, or None when
    they cannot answer (see the module's docstring). Worked out once per request: the
    view's count and every facet class on the page await the same answer."""
    if facet.request is None or facet.table != "events":
        return None
    db = facet.ds.get_database(facet.database)
    pks = await db.primary_keys(facet.table)
    if len(pks) != 1:
        return None
    table, key = escape_sqlite(facet.table), escape_sqlite(pks[0])
    # the rows' rowids, found through the primary key the view's query selects
    listing = f"select rowid from {table} where {key} in (select {key} from ({facet.sql}))"
    return await _shared_view(facet.ds, facet.database, facet.request, listing, facet.params)



async def _shared_view(
    ds: Any, database: str, request: Any, listing: str, params: Any
) -> tuple[MemberSets, BitMap] | None:
    """The view's bitmap, worked out by the first to ask in this request and shared."""
    scope = request.scope
    if _SCOPE_KEY not in scope:
        scope[_SCOPE_KEY] = asyncio.ensure_future(
            _view_members(ds, database, request, listing, params)
        )
    result: tuple[MemberSets, BitMap] | None = await asyncio.shield(scope[_SCOPE_KEY])
    return result


async def _view_members(
    ds: Any, database: str, request: Any, listing: str, params: Any
) -> tuple[MemberSets, BitMap] | None:
    sets = await member_sets(ds, database)
    if sets is None:
        return None
    answered = _chosen_sets(request, sets)
    searched = None
    if answered is not None and answered[1]:
        searched = await _searched(ds, database, "events", request)
    if answered is None or (answered[1] and searched is None):
        # a filter neither way answers: list the view's rows
        found = await ds.execute(database, listing, params, custom_time_limit=_limit(ds))
        return sets, BitMap(row[0] for row in found.rows)
    chosen = answered[0] + ([searched] if searched is not None else [])
    if not chosen:
        return None  # not filtered: the stored counts answer
    view = BitMap(chosen[0])
    for members in chosen[1:]:
        view &= members
    return sets, view


def _chosen_sets(request: Any, sets: MemberSets) -> tuple[list[FrozenBitMap], bool] | None:
    """The stored bitmap of each filter in the query string (a column filter, a ``_child``
    filter) and whether it has a plain full-text search (``_search``, found by ``_searched``),
    or None when one of them is answered neither way."""
    chosen = []
    searched = False
    pairs = [(key, text) for key in request.args for text in request.args.getlist(key)]
    for key, text in pairs:
        if key in _SHOWING:
            continue
        if key in ("_search", "_searchmode"):
            searched = searched or key == "_search"
            continue
        if key == CHILD_KEY:
            try:
                spec = json.loads(text)
                facet, value = f"{spec['table']}.{spec['column']}", str(spec["value"])
            except (ValueError, KeyError, TypeError):
                return None
        elif key.startswith("_"):
            return None  # a column search, _where, another full-text table, …
        else:
            column = key[: -len(_EXACT)] if key.endswith(_EXACT) else key
            facet, value = f"events.{column}", text
        members = sets.find(facet, value)
        if members is None:
            return None
        chosen.append(members)
    return chosen, searched


async def _searched(ds: Any, database: str, table: str, request: Any) -> BitMap | None:
    """The rowids a plain ``_search`` matches, from the build's full-text index alone
    (``<table>_fts``, keyed by rowid; escaped as Datasette escapes it unless the search
    mode is raw), or None when there is no such index."""
    fts = f"{table}_fts"
    if not await ds.get_database(database).table_exists(fts):
        return None
    text = request.args.get("_search", "")
    query = text if request.args.get("_searchmode") == "raw" else escape_fts(text)
    if not query.strip():
        return None
    found = await ds.execute(
        database,
        f"select rowid from {escape_sqlite(fts)} where {escape_sqlite(fts)} match ?",
        [query],
        custom_time_limit=_limit(ds),
    )
    return BitMap(row[0] for row in found.rows)
