"""The ``_child`` filter: events with a value in a column of a child table.

Datasette 0.65's own ``_through`` filter names its SQL parameter ``p0``, the name the
column filters use too, so ``?kind=deal&_through=…`` binds both to one value and shows no
events: every two-filter view a reader reaches from a facet was empty. And its
``id in (select …)`` makes SQLite look up and sort every matching event before the first
page: two seconds for a region half of a million events have (see ``COMMON_SHARE``).
``_child`` takes the same JSON ({"table", "column", "value"}) with parameters of its own,
and the site reads ``_through`` in old links as ``_child`` (``adapter.legacy_through``), so
Datasette's filter never runs.
"""

from __future__ import annotations

import json
from typing import Any

from datasette.filters import FilterArguments

from armstimeline.site.adapter import BadRequest, Forbidden, can_view, escape_sqlite

__all__ = ["CHILD_KEY", "COMMON_SHARE", "child_filters"]

CHILD_KEY = "_child"


def child_filters(request: Any, database: str, table: str, datasette: Any) -> Any:
    """The ``filters_from_request`` hook's work: one ``in (select …)`` clause per filter,
    looked up through the child table's index."""

    async def inner() -> FilterArguments | None:
        values = request.args.getlist(CHILD_KEY)
        if not values:
            return None
        db = datasette.get_database(database)
        clauses, params, words = [], {}, []
        for i, raw in enumerate(values):
            try:
                spec = json.loads(raw)
                child, column, value = str(spec["table"]), str(spec["column"]), spec["value"]
            except (ValueError, KeyError, TypeError):
                raise BadRequest(
                    f'{CHILD_KEY} takes {{"table": …, "column": …, "value": …}}, not {raw!r}'
                ) from None
            keys = [fk for fk in await db.foreign_keys_for_table(child)
                    if fk["other_table"] == table]  # fmt: skip
            if not keys or column not in await db.table_columns(child):
                raise BadRequest(f"{child}.{column} is not a column of a table that lists {table}")
            if not await can_view(datasette, request.actor, database, child):
                raise Forbidden(f"You may not view {child}.")
            name = f"armstimeline_child{i}"
            pk, fk = escape_sqlite(keys[0]["other_column"]), escape_sqlite(keys[0]["column"])
            child_sql = escape_sqlite(child)
            if await _common(db, f"{child}.{column}", value):
                # most events have it: walk the table in its order, stopping at a page
                clauses.append(
                    f"exists (select 1 from {child_sql} c where c.{fk} = "
                    f"{escape_sqlite(table)}.{pk} and c.{escape_sqlite(column)} = :{name})"
                )
            else:  # few events have it: start from them, through the child's index
                clauses.append(
                    f"{pk} in (select {fk} from {child_sql} "
                    f"where {escape_sqlite(column)} = :{name})"
                )
            params[name] = str(value)
            words.append(f'{child}.{column} = "{value}"')
        return FilterArguments(clauses, params=params, human_descriptions=words)

    return inner


# A value at least this share of the events have is filtered by walking the table (its
# first page is found at once); a rarer one from its rows in the child table. At a million
# events, Europe (44%) took 2 s the second way and 3 ms the first; a value of 0.9% took
# 54 ms and 5 ms, and a very rare one is only quick the second way.
COMMON_SHARE = 0.01


async def _common(db: Any, facet: str, value: Any) -> bool:
    """Whether the build's stored counts say many events have this value."""
    if not await db.table_exists("facet_counts"):
        return False
    found = await db.execute(
        "select (select count from facet_counts where facet = ? and value = ?), "
        "(select sum(count) from facet_counts where facet = 'events.kind')",
        [facet, value],
    )
    count, total = found.first() or (None, None)
    return bool(count and total and count >= COMMON_SHARE * total)
