"""The project's Datasette plugin, registered through the ``datasette`` entry point.

It adds what stock Datasette lacks for this data:

- a ``child`` facet type that counts values in an indexed child table (actors,
  event_systems, event_tags, event_regions) instead of unpacking a JSON column for
  every row, and filters with Datasette's own ``_through`` parameter;
- the ``.ics`` output renderer, with stable UIDs and honest date precision;
- templates that show an event's citations and related events on its row page.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from datasette import hookimpl
from datasette.database import QueryInterrupted
from datasette.facets import Facet
from datasette.utils import escape_sqlite, path_with_added_args, path_with_removed_args

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"


class ChildFacet(Facet):
    """Facet an events view by a column of a child table that points back to it.

    Configured in metadata as ``{"child": {"table": "actors", "column": "country"}}``
    or requested as ``?_facet_child=actors.country``. Counts distinct events, so an
    event with two roles for one country counts once.
    """

    type = "child"

    async def suggest(self) -> list[dict[str, Any]]:
        return []

    def _configs(self) -> list[tuple[str, dict[str, str]]]:
        out = []
        for item in self.get_configs():
            config = item["config"]
            if "simple" in config:
                table, _, column = config["simple"].partition(".")
                config = {"table": table, "column": column}
            out.append((item["source"], config))
        return out

    async def facet_results(self) -> tuple[list[dict[str, Any]], list[str]]:
        results: list[dict[str, Any]] = []
        timed_out: list[str] = []
        db = self.ds.get_database(self.database)
        size = self.get_facet_size()
        pairs = self.get_querystring_pairs()
        for source, config in self._configs():
            child, column = config["table"], config["column"]
            name = config.get("name", column)
            keys = [
                fk
                for fk in await db.foreign_keys_for_table(child)
                if fk["other_table"] == self.table
            ]
            if not keys:
                continue
            fk = keys[0]
            filtered = " where " in self.sql.lower()
            where = (
                f"where c.{escape_sqlite(fk['column'])} in "
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
            try:
                rows = await self.ds.execute(
                    self.database,
                    sql,
                    self.params if filtered else [],
                    truncate=False,
                    custom_time_limit=self.ds.setting("facet_time_limit_ms"),
                )
            except QueryInterrupted:
                timed_out.append(name)
                continue
            labels = await self._labels(db, child, column, [r["value"] for r in rows.rows])
            values = []
            for row in rows.rows[:size]:
                through = json.dumps(
                    {"table": child, "column": column, "value": str(row["value"])},
                    separators=(",", ":"),
                )
                selected = ("_through", through) in pairs
                path = (
                    path_with_removed_args(self.request, {"_through": through})
                    if selected
                    else path_with_added_args(self.request, {"_through": through})
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
                    "type": self.type,
                    "results": values,
                    "hideable": source != "metadata",
                    "toggle_url": self.ds.urls.path(
                        path_with_removed_args(self.request, {"_facet_child": f"{child}.{column}"})
                    ),
                    "truncated": len(rows.rows) > size,
                }
            )
        return results, timed_out

    async def _labels(self, db: Any, child: str, column: str, values: list[Any]) -> dict[Any, str]:
        """'TUR' reads better as 'Türkiye (TUR)': use the referenced table's label column."""
        fks = [fk for fk in await db.foreign_keys_for_table(child) if fk["column"] == column]
        if not fks or not values:
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


@hookimpl
def register_facet_classes() -> list[type[Facet]]:
    return [ChildFacet]


@hookimpl
def register_output_renderer(datasette: Any) -> dict[str, Any]:
    from armstimeline.export.site_ics import can_render_ics, render_ics

    return {"extension": "ics", "render": render_ics, "can_render": can_render_ics}
