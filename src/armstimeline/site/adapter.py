"""Where the site meets a Datasette API that differs between the versions it supports.

Each function here is the one place the site touches such an API; each assumption is
pinned by a test in ``tests/test_site_adapter.py`` that fails when Datasette changes it.

- ``can_view``: Datasette 0.65 checks permissions with ``check_visibility`` (a list of
  actions, most specific first); 1.0 with ``allowed(action=…, resource=…)``.
"""

from __future__ import annotations

from typing import Any

__all__ = ["can_view"]


async def can_view(datasette: Any, actor: Any, database: str, table: str) -> bool:
    """Whether ``actor`` may see ``table`` of ``database`` (and so the pages made from it),
    as Datasette's own table page decides."""
    allowed = getattr(datasette, "allowed", None)
    if allowed is not None:  # Datasette 1.0
        from datasette.resources import TableResource  # type: ignore[import-not-found,unused-ignore]

        return bool(
            await allowed(
                action="view-table", resource=TableResource(database=database, table=table),
                actor=actor,
            )
        )  # fmt: skip
    visible, _ = await datasette.check_visibility(
        actor,
        permissions=[("view-table", (database, table)), ("view-database", database),
                     "view-instance"],
    )  # fmt: skip
    return bool(visible)
