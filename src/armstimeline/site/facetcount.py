"""Counting every facet of a filtered view at once.

A filtered or searched view at a million events counted each facet alone: the view's
query ran once a facet (a full-text search ten times) and each count scanned its rows
again. Here the stored column facets are counted in one pass (the rows grouped by all
their columns at once, each column's counts summed from the groups) and the child facets
in one query (the view's rows found once, each child table counted through its index on
the event). Each gets the facets' time limit once per facet it counts; past it, all its
facets are reported timed out (``QueryInterrupted`` propagates): counting each alone
would take longer still.
"""

from __future__ import annotations

from typing import Any

from armstimeline.site.adapter import escape_sqlite

__all__ = ["Rows", "children_together", "columns_together", "top"]


class Rows:
    """Counts in the shape of a query result (``.rows`` of mappings), for one facet."""

    def __init__(self, rows: list[dict[str, Any]]) -> None:
        self.rows = rows


def top(counts: dict[Any, int], size: int) -> Rows:
    """The ``size + 1`` commonest values (one more shows the facet has more), ordered as
    a live count orders them: count descending, then value."""
    ordered = sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0])))
    return Rows([{"value": v, "count": n} for v, n in ordered[: size + 1]])


async def columns_together(
    ds: Any, database: str, sql: str, params: Any, columns: list[str], size: int
) -> dict[str, Rows] | None:
    """Each column's counts over the view's rows, from one ``group by`` of them all."""
    if len(columns) < 2:
        return None
    names = ", ".join(escape_sqlite(c) for c in columns)
    query = f"select {names}, count(*) from ({sql}) group by {names}"
    limit = ds.setting("facet_time_limit_ms") * len(columns)
    found = await ds.execute(database, query, params, truncate=False, custom_time_limit=limit)
    out: dict[str, Rows] = {}
    for i, column in enumerate(columns):
        counts: dict[Any, int] = {}
        for row in found.rows:
            if row[i] is not None:
                counts[row[i]] = counts.get(row[i], 0) + row[-1]
        out[column] = top(counts, size)
    return out


async def children_together(
    ds: Any,
    database: str,
    sql: str,
    params: Any,
    links: list[tuple[str, str, dict[str, str]]],
    size: int,
) -> dict[str, Rows] | None:
    """Distinct events per value of each (child table, column, foreign key) in ``links``
    among the view's rows, keyed "table.column", from one query."""
    if not links:
        return None
    parts = []
    for i, (child, column, fk) in enumerate(links):
        c, col = escape_sqlite(fk["column"]), escape_sqlite(column)
        parts.append(
            f"select {i} as facet, c.{col} as value, count(distinct c.{c}) as n "
            f"from f join {escape_sqlite(child)} c on c.{c} = f.k "
            f"where c.{col} is not null group by c.{col}"
        )
    key = escape_sqlite(links[0][2]["other_column"])
    query = f"with f(k) as materialized (select {key} from ({sql})) " + " union all ".join(parts)
    limit = ds.setting("facet_time_limit_ms") * len(parts)
    found = await ds.execute(database, query, params, truncate=False, custom_time_limit=limit)
    counted: dict[int, dict[Any, int]] = {i: {} for i in range(len(links))}
    for row in found.rows:
        counted[row[0]][row[1]] = row[2]
    return {
        f"{child}.{column}": top(counted[i], size) for i, (child, column, _) in enumerate(links)
    }
