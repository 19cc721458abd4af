"""Datasette's array facet, read from the build's stored counts where they apply.

``?_facet_array=countries`` unpacks every row's JSON array (at 20,000 events a fifth of a
second of SQL per request, past Datasette's facet time limit); the build stores the same
counts (``facet_counts``) for the child table each array column is written from.
"""

from __future__ import annotations

from typing import Any

from datasette.facets import ArrayFacet

from armstimeline.site.facets import is_filtered, stored_counts, toggled

__all__ = ["ARRAY_COLUMNS", "StoredArrayFacet"]


# The events table's JSON array columns and the child table each is written from (the
# build writes both from the same values: ``database.rows.event_rows``), so an array
# facet of the unfiltered table is the child table's stored count of distinct events.
ARRAY_COLUMNS = {
    "countries": "actors.country",
    "systems": "event_systems.system",
    "tags": "event_tags.tag",
    "regions": "event_regions.region",
}


class StoredArrayFacet(ArrayFacet):
    """Datasette's array facet (``?_facet_array=countries``), which on the unfiltered
    events table reads the counts the build stored instead of unpacking every row's array
    (a fifth of a second of SQL per request at 20,000 events); its answer is Datasette's
    own, value for value and link for link. Filtered views, other tables and columns
    without stored counts are counted by Datasette's own code. Registered in place of
    Datasette's (``adapter.replace_default_facets``)."""

    async def facet_results(self) -> tuple[list[dict[str, Any]], list[str]]:
        configs = self.get_configs()
        if is_filtered(self.request) or not configs:
            return await super().facet_results()  # type: ignore[no-any-return,unused-ignore]
        size = self.get_facet_size()
        stored = []
        for item in configs:
            column = item["config"].get("column") or item["config"]["simple"]
            facet = ARRAY_COLUMNS.get(column)
            rows = (
                await stored_counts(self.ds, self.database, self.table, facet, size)
                if facet is not None
                else None
            )
            if rows is None:
                return await super().facet_results()  # type: ignore[no-any-return,unused-ignore]
            stored.append((item["source"], column, rows))
        results = []
        for source, column, rows in stored:
            key = f"{column}__arraycontains"
            values = []
            for row in rows.rows[:size]:
                value = str(row["value"])
                values.append(
                    {
                        "value": value,
                        "label": value,
                        "count": row["count"],
                        "toggle_url": self.ds.absolute_url(
                            self.request, toggled(self.request, key, value, on=True)
                        ),
                        "selected": False,  # unfiltered: no value is chosen
                    }
                )
            results.append(
                {
                    "name": column,
                    "type": self.type,
                    "results": values,
                    "hideable": source != "metadata",
                    "toggle_url": self.ds.urls.path(
                        toggled(self.request, "_facet_array", column, on=False)
                    ),
                    "truncated": len(rows.rows) > size,
                }
            )
        return results, []
