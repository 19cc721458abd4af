"""Facets for large tables: counts through indexed child tables, and counts the build stored.

Datasette's own facets count the rows of the page's query; at a million events that is
as slow as the facet time limit. ``ChildFacet`` counts a multi-valued field through its
indexed child table and filters with ``_child`` (see ``childfilter``); ``StoredFacet`` reads the
counts the build stored when the table is not filtered, and counts live when it is.
"""

from __future__ import annotations

import json
import urllib.parse
from typing import Any

from datasette.database import QueryInterrupted
from datasette.facets import Facet

from armstimeline.site.adapter import escape_sqlite
from armstimeline.site.bitmaps import view_counts
from armstimeline.site.childfilter import CHILD_KEY
from armstimeline.site.facetcount import children_together, columns_together
from armstimeline.site.memo import remembered

__all__ = [
    "ChildFacet",
    "StoredFacet",
    "is_filtered",
    "read_through",
    "stored_counts",
    "through",
    "through_url",
    "toggled",
]

# Query-string keys that narrow a table's rows (besides column filters, which have no
# leading underscore): Datasette's own filter parameters.
_FILTER_KEYS = ("_where", "_search", "_through", CHILD_KEY)
_FILTER_PREFIXES = ("_search_", "_filter_")


def through(table: str, column: str, value: Any) -> str:
    """The value of a ``_child`` filter: events with ``value`` in ``column`` of
    the child ``table``, counted and filtered through that table's index."""
    return json.dumps({"table": table, "column": column, "value": str(value)},
                      separators=(",", ":"))  # fmt: skip


def through_url(events_url: str, table: str, column: str, value: Any) -> str:
    """The events table filtered ``through`` a child table."""
    return f"{events_url}?{urllib.parse.urlencode({CHILD_KEY: through(table, column, value)})}"


def read_through(value: str) -> tuple[str, str] | None:
    """(child table, value) of a ``_child`` filter, or None when it is not one."""
    try:
        parsed = json.loads(value)
        return str(parsed["table"]), str(parsed["value"])
    except (ValueError, KeyError, TypeError):
        return None


def is_filtered(request: Any) -> bool:
    """Whether the request narrows the table's rows (a filter, a search, a through
    filter): only then must facets be counted live."""
    if request is None:
        return False
    for key in request.args:
        if not key.startswith("_") or key in _FILTER_KEYS or key.startswith(_FILTER_PREFIXES):
            return True
    return False



def toggled(request: Any, key: str, value: str, *, on: bool) -> str:
    """This page's path and arguments with ``key=value`` added (``on``) or removed, every
    other argument kept: a facet value's link (from the documented request's path and
    query string)."""
    current = urllib.parse.parse_qsl(request.query_string)
    kept = [(k, v) for k, v in current if (k, v) != (key, value)]
    if on:
        kept.append((key, value))
    query = urllib.parse.urlencode(kept)
    return request.path + ("?" + query if query else "")


class ChildFacet(Facet):
    """Facet an events view by a column of a child table that points back to it.

    Configured as ``{"child": "actors.country as countries"}`` (a string: Datasette 1.0's
    table page cannot order facets whose configuration is a mapping) or requested as
    ``?_facet_child=actors.country``. Counts distinct events, so an
    event with two roles for one country counts once.
    """

    type = "child"

    async def suggest(self) -> list[dict[str, Any]]:
        return []

    def _configs(self) -> list[tuple[str, dict[str, str]]]:
        out = []
        for item in self.get_configs():
            config = item["config"]
            if "simple" in config:  # "actors.country as countries", or "actors.country"
                spec, _, name = config["simple"].partition(" as ")
                table, _, column = spec.strip().partition(".")
                config = {"table": table, "column": column, "name": name.strip() or column}
            out.append((item["source"], config))
        return out

    async def facet_results(self) -> tuple[list[dict[str, Any]], list[str]]:
        results: list[dict[str, Any]] = []
        timed_out: list[str] = []
        db = self.ds.get_database(self.database)
        size = self.get_facet_size()
        pairs = self.get_querystring_pairs()
        asked = {v for k, v in pairs if k == "_facet_array"}
        # each configured facet with its child table's key to the events, looked up once
        wanted = []
        for source, config in self._configs():
            name = config.get("name", config["column"])
            if name in asked:
                continue  # ?_facet_array=countries shows the same facet; not twice
            keys = [fk for fk in await db.foreign_keys_for_table(config["table"])
                    if fk["other_table"] == self.table]  # fmt: skip
            if keys:
                wanted.append((source, config["table"], config["column"], name, keys[0]))
        filtered = is_filtered(self.request)
        together: dict[str, Any] | None = None
        try:
            counted = await view_counts(self) if filtered else None
        except QueryInterrupted:  # the view's rows took too long to find
            return [], [name for _, _, _, name, _ in wanted]
        if counted is not None:
            sets, view = counted
            together = {
                f"{child}.{column}": rows
                for _, child, column, _, _ in wanted
                if (rows := sets.top(view, f"{child}.{column}", size)) is not None
            }
        elif filtered:
            links = [(child, column, fk) for _, child, column, _, fk in wanted]
            try:
                together = await children_together(
                    self.ds, self.database, self.sql, self.params, links, size
                )
            except QueryInterrupted:
                # counting them all took longer than counting each may: none is retried
                return [], [name for _, _, _, name, _ in wanted]
        for source, child, column, name, fk in wanted:
            stored = (
                None
                if filtered
                else await stored_counts(
                    self.ds, self.database, self.table, f"{child}.{column}", size
                )
            )
            if stored is not None:
                rows = stored
            elif together is not None and f"{child}.{column}" in together:
                rows = together[f"{child}.{column}"]
            else:
                try:
                    rows = await self._count(child, column, fk, filtered, size)
                except QueryInterrupted:
                    timed_out.append(name)
                    continue
            labels = await self._labels(db, child, column, [r["value"] for r in rows.rows])
            values = []
            for row in rows.rows[:size]:
                value = through(child, column, row["value"])
                selected = (CHILD_KEY, value) in pairs
                path = (
                    toggled(self.request, CHILD_KEY, value, on=False)
                    if selected
                    else toggled(self.request, CHILD_KEY, value, on=True)
                )
                values.append(
                    {
                        "value": row["value"],
                        "label": labels.get(row["value"], row["value"]),
                        "count": row["count"],
                        "toggle_url": self.ds.absolute_url(self.request, path),
                        "selected": selected,
                    }
                )
            results.append(
                {
                    "name": name,
                    "type": "column",  # readers see a plain facet, not "(child)"
                    "results": values,
                    "hideable": source != "metadata",
                    "toggle_url": self.ds.urls.path(
                        toggled(self.request, "_facet_child", f"{child}.{column}", on=False)
                    ),
                    "truncated": len(rows.rows) > size,
                }
            )
        return results, timed_out

    async def _count(
        self, child: str, column: str, fk: dict[str, str], filtered: bool, size: int
    ) -> Any:
        """Count distinct events per value live, within the facet time limit."""
        # an organisation without a country has no value here: not counted, as stored
        where = f"where c.{escape_sqlite(column)} is not null" + (
            f" and c.{escape_sqlite(fk['column'])} in "
            f"(select {escape_sqlite(fk['other_column'])} from ({self.sql}))"
            if filtered
            else ""
        )
        sql = (
            f"select c.{escape_sqlite(column)} as value, "
            f"count(distinct c.{escape_sqlite(fk['column'])}) as count "
            f"from {escape_sqlite(child)} c {where} "
            f"group by value order by count desc, value limit {size + 1}"
        )
        return await self.ds.execute(
            self.database,
            sql,
            self.params if filtered else [],
            truncate=False,
            custom_time_limit=self.ds.setting("facet_time_limit_ms"),
        )

    async def _labels(self, db: Any, child: str, column: str, values: list[Any]) -> dict[Any, str]:
        return await value_labels(self.ds, self.database, child, column, values)


async def value_labels(
    ds: Any, database: str, table: str, column: str, values: list[Any]
) -> dict[Any, str]:
    """'TUR' reads better as 'Türkiye (TUR)': the label column of the table the column
    references (none when it references none, or the label is the value itself)."""
    if not values:
        return {}
    db = ds.get_database(database)

    async def ask() -> dict[Any, str]:
        fks = [fk for fk in await db.foreign_keys_for_table(table) if fk["column"] == column]
        if not fks:
            return {}
        fk = fks[0]
        label_column = await db.label_column_for_table(fk["other_table"])
        if not label_column:
            return {}
        marks = ", ".join("?" * len(values))
        rows = await db.execute(
            f"select {escape_sqlite(fk['other_column'])}, {escape_sqlite(label_column)} "
            f"from {escape_sqlite(fk['other_table'])} "
            f"where {escape_sqlite(fk['other_column'])} in ({marks})",
            values,
        )
        return {r[0]: f"{r[1]} ({r[0]})" if r[1] != r[0] else r[0] for r in rows.rows}

    return await remembered(ds, database, ("labels", table, column, *values), ask)


async def stored_counts(
    ds: Any, database: str, faceted: str | None, facet: str, size: int
) -> Any | None:
    """The build's stored counts for one facet ("table.column") of the unfiltered events
    table, or None when they do not apply: another table is ``faceted`` (the counts are
    events per value), or the database has none (not built by armstimeline, or a facet
    the build does not store)."""
    if faceted != "events":
        return None
    db = ds.get_database(database)

    async def ask() -> Any | None:
        if not await db.table_exists("facet_counts"):
            return None
        known = await db.execute("select 1 from facet_counts where facet = ? limit 1", [facet])
        if not known.rows:
            return None
        return await db.execute(
            "select value, count from facet_counts where facet = ? "
            "order by count desc, value limit ?",
            [facet, size + 1],
        )

    return await remembered(ds, database, ("stored", facet, size), ask)


class StoredFacet(Facet):
    """A column facet that, on the unfiltered table, reads the counts the build stored
    instead of counting every row (configured as ``{"stored": "kind"}``; values filter
    with the ordinary ``?kind=deal``). Filtered views count live, as Datasette's column
    facet does, within the facet time limit. Readers see it as a plain column facet."""

    type = "stored"

    async def suggest(self) -> list[dict[str, Any]]:
        return []

    async def facet_results(self) -> tuple[list[dict[str, Any]], list[str]]:
        size = self.get_facet_size()
        asked = set(self.request.args.getlist("_facet")) if self.request else set()
        filtered = is_filtered(self.request)
        results: list[dict[str, Any]] = []
        timed_out: list[str] = []
        wanted = [
            item["config"].get("column") or item["config"]["simple"] for item in self.get_configs()
        ]
        together: dict[str, Any] | None = None
        try:
            counted = await view_counts(self) if filtered else None
            if counted is not None:
                sets, view = counted
                together = {
                    column: rows
                    for column in wanted
                    if (rows := sets.top(view, f"{self.table}.{column}", size)) is not None
                }
            elif filtered:
                together = await columns_together(
                    self.ds, self.database, self.sql, self.params, wanted, size
                )
        except QueryInterrupted:  # counting them all took too long: none is retried
            return [], [c for c in wanted if c not in asked]
        for item in self.get_configs():
            column = item["config"].get("column") or item["config"]["simple"]
            if column in asked:
                continue  # ?_facet=kind: Datasette's own column facet shows it, live
            rows = (
                together.get(column)
                if together is not None
                else None
                if filtered
                else await stored_counts(
                    self.ds, self.database, self.table, f"{self.table}.{column}", size
                )
            )
            if rows is None:
                try:
                    rows = await self._count(column, size)
                except QueryInterrupted:
                    timed_out.append(column)
                    continue
            results.append(await self._result(item["source"], column, rows, size))
        return results, timed_out

    async def _count(self, column: str, size: int) -> Any:
        """Count the page query's rows per value, as Datasette's column facet does."""
        name = escape_sqlite(column)
        sql = (
            f"select {name} as value, count(*) as count from ({self.sql}) "
            f"where {name} is not null group by {name} order by count desc, value "
            f"limit {size + 1}"
        )
        return await self.ds.execute(
            self.database,
            sql,
            self.params,
            truncate=False,
            custom_time_limit=self.ds.setting("facet_time_limit_ms"),
        )

    async def _result(self, source: str, column: str, rows: Any, size: int) -> dict[str, Any]:
        """One facet's results in the shape Datasette's column facet gives them."""
        values = [row["value"] for row in rows.rows[:size]]
        table = self.table
        labels = await value_labels(self.ds, self.database, table, column, values) if table else {}
        # the links toggled and absolute_url would make, with the request
        # parsed once per facet rather than once per value (a third of the page's time)
        base = self.ds.absolute_url(self.request, self.ds.urls.path(self.request.path))
        current = urllib.parse.parse_qsl(self.request.query_string)
        chosen = {value for key, value in current if key == column}

        def toggle(value: Any) -> str:
            if str(value) in chosen:
                kept = [(k, v) for k, v in current if not (k == column and v == str(value))]
                return base + ("?" + urllib.parse.urlencode(kept) if kept else "")
            return base + "?" + urllib.parse.urlencode([*current, (column, value)])

        return {
            "name": column,
            "type": "column",  # to a reader these are column facets
            "hideable": source != "metadata",
            "toggle_url": self.ds.urls.path(
                toggled(self.request, "_facet_stored", column, on=False)
            ),
            "results": [
                {
                    "value": value,
                    "label": labels.get(value, value),
                    "count": row["count"],
                    "toggle_url": toggle(value),
                    "selected": str(value) in chosen,
                }
                for row in rows.rows[:size]
                for value in (row["value"],)
            ],
            "truncated": len(rows.rows) > size,
        }

