"""Datasette's full-text search filter, worded so a common term's first page comes at once.

Datasette filters a search with ``rowid in (select rowid from <fts> where … match …)``,
and SQLite takes that as the way in: it reads every matching row and sorts them all for
the first page, 110 ms for a term 4% of a million events have and 800 ms for one all of
them have. For a common term the page is found at once the other way, walking the
timeline order and keeping the rows that match (``+rowid in (…)``, which SQLite does not
use to look rows up); for a rare term that walk would cross the whole table. So the
clause keeps Datasette's wording and is marked only when the term matches at least
``COMMON_SHARE`` of the rows and the page is in the table's default order.

Datasette's ``datasette.filters`` plugin is blocked and its three filters are provided
here instead: ``_where`` and ``_through`` as they are, the search through Datasette's own
function, then marked.
"""

from __future__ import annotations

from typing import Any

from datasette import filters as builtin
from datasette import hookimpl
from datasette.database import QueryInterrupted
from datasette.filters import FilterArguments
from datasette.utils import escape_sqlite

# the share childfilter walks the timeline order for: a 1% term's page takes ~30 ms at a
# million events either way
from armstimeline.site.childfilter import COMMON_SHARE
from armstimeline.site.memo import remembered

__all__ = ["replace_builtin_filters"]

BUILTIN = "datasette.filters"
_PREFIX = "rowid in (select rowid from "


def replace_builtin_filters() -> None:
    """Block Datasette's filters plugin and register these in its place (once)."""
    import sys

    from datasette.plugins import pm

    if not pm.is_blocked(BUILTIN):
        pm.set_blocked(BUILTIN)
    if not pm.is_registered(sys.modules[__name__]):
        pm.register(sys.modules[__name__], name="armstimeline.filters")


@hookimpl(specname="filters_from_request")
def where_filters(request: Any, database: str, datasette: Any) -> Any:
    return builtin.where_filters(request, database, datasette)


@hookimpl(specname="filters_from_request")
def through_filters(request: Any, database: str, table: str, datasette: Any) -> Any:
    return builtin.through_filters(request, database, table, datasette)


@hookimpl(specname="filters_from_request")
def search_filters(request: Any, database: str, table: str, datasette: Any) -> Any:
    worded = builtin.search_filters(request, database, table, datasette)

    async def inner() -> FilterArguments | None:
        found: FilterArguments | None = await worded()
        if found is None or "_search" not in request.args:
            return found
        if request.args.get("_sort") or request.args.get("_sort_desc"):
            return found  # another order: walking the timeline order would not help
        clauses = list(found.where_clauses)
        for i, clause in enumerate(clauses):
            if clause.startswith(_PREFIX) and await _common(
                datasette, database, table, clause, found.params
            ):
                clauses[i] = "+" + clause
        found.where_clauses = clauses
        return found

    return inner


async def _common(datasette: Any, database: str, table: str, clause: str, params: Any) -> bool:
    """Whether the search in ``clause`` matches at least COMMON_SHARE of ``table``'s rows
    (counted in the full-text index alone; a count that runs out of time is not common)."""
    db = datasette.get_database(database)
    matching = "select count(*) from (" + clause[len("rowid in (") :]
    limit = datasette.setting("facet_time_limit_ms")

    async def rows() -> Any:
        counted = f"select count(*) from {escape_sqlite(table)}"
        return (await db.execute(counted, custom_time_limit=limit)).first()[0]

    try:
        total = await remembered(datasette, database, ("rows", table), rows)
        found = await db.execute(matching, params, custom_time_limit=limit)
    except QueryInterrupted:
        return False
    return bool(total and found.first()[0] >= COMMON_SHARE * total)
