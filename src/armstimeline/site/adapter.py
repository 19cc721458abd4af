"""Where the site meets a Datasette API that differs between the versions it supports.

Each function here is the one place the site touches such an API; each assumption is
pinned by a test in ``tests/test_site_adapter.py`` that fails when Datasette changes it.

- ``can_view``: Datasette 0.65 checks permissions with ``check_visibility`` (a list of
  actions, most specific first); 1.0 with ``allowed(action=…, resource=…)``.
- ``datasette_options``: 0.65 reads everything from metadata; 1.0 reads the tables'
  settings (facets, sort, full-text search, labels), canned queries and plugins' settings
  from its configuration (``config=`` and ``--config``), and only descriptions from
  metadata. ``metadata.yml`` is written once, as 0.65 reads it, and split for 1.0.
- ``jinja_environment``: Datasette's template environment is ``datasette.jinja_env`` on
  0.65 and ``datasette.get_jinja_environment()`` on 1.0 (where ``jinja_env`` is gone).
- ``watch_databases``, ``WatchedDatabase``: the SQL time limit kept by a watchdog
  (``timelimit``) needs the site's immutable databases to open ``WatchedConnection``s:
  each is served through a ``Database`` subclass whose ``connect`` makes them, put in
  place of Datasette's own in ``datasette.databases``; Datasette must still bound a
  query's time through ``set_progress_handler``. Pinned by ``tests/test_site_busy.py``.
- ``replace_default_handler``: Datasette calls every ``handle_exception`` hook, and its
  own prints a costly traceback with every local variable; its plugin is blocked so the
  site's (``errorpage``) answers alone. Pinned by ``tests/test_site_busy.py``.
- ``canned_queries``: 0.65 gives a database's canned queries through ``metadata()``; 1.0
  keeps them in its configuration (``datasette.config``).
- ``instance_metadata``: the instance's title and description are ``metadata()`` on 0.65
  and ``await get_instance_metadata()`` on 1.0.
- ``view_params``, ``asking_for_params``: an output renderer is given the view's SQL
  (documented) but not its parameters; the ``data`` it is also given holds them under
  ``query.params`` on 0.65 always, on 1.0 only when the request asks for the documented
  ``query`` extra (``?_extra=query``). Pinned by the ``.ics`` of a filtered view.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from datasette.database import Database

from armstimeline.site.timelimit import WatchedConnection

__all__ = [
    "CONFIG_KEYS", "DEFAULT_HANDLER", "WatchedDatabase", "asking_for_params", "can_view",
    "canned_queries", "datasette_options", "instance_metadata", "jinja_environment",
    "replace_default_handler", "takes_config", "view_params", "watch_databases",
]  # fmt: skip


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


# What Datasette 1.0 reads from its configuration rather than metadata, at each level
CONFIG_KEYS = {
    "instance": frozenset({"plugins", "settings", "allow", "allow_sql", "permissions"}),
    "database": frozenset({"queries", "allow", "allow_sql", "permissions", "plugins"}),
    "table": frozenset({
        "label_column", "sort", "sort_desc", "size", "facets", "facet_size", "fts_table",
        "fts_pk", "searchmode", "sortable_columns", "hidden", "units", "allow", "plugins",
    }),
}  # fmt: skip


def takes_config() -> bool:
    """Whether this Datasette takes a configuration beside its metadata (1.0 does; its
    version says so: the constructor's signature may be wrapped, by test tools among others)."""
    import datasette

    return int(str(datasette.__version__).split(".", 1)[0]) >= 1


def _split(data: dict[str, Any], keys: frozenset[str]) -> tuple[dict[str, Any], dict[str, Any]]:
    described = {k: v for k, v in data.items() if k not in keys}
    configured = {k: v for k, v in data.items() if k in keys}
    return described, configured


def datasette_options(data: dict[str, Any]) -> dict[str, Any]:
    """The keyword arguments that give a ``Datasette`` this metadata (see the module)."""
    if not takes_config():
        return {"metadata": data}
    metadata, config = _split(data, CONFIG_KEYS["instance"])
    for name, database in (data.get("databases") or {}).items():
        described, configured = _split(database, CONFIG_KEYS["database"])
        tables_meta, tables_config = {}, {}
        for table, settings in (database.get("tables") or {}).items():
            tables_meta[table], tables_config[table] = _split(settings, CONFIG_KEYS["table"])
        described["tables"] = tables_meta
        configured["tables"] = tables_config
        metadata.setdefault("databases", {})[name] = described
        config.setdefault("databases", {})[name] = configured
    return {"metadata": metadata, "config": config}


def canned_queries(datasette: Any, database: str) -> dict[str, Any]:
    """A database's canned queries as configured: name to its settings (title, sql, …)."""
    config = getattr(datasette, "config", None)
    if takes_config() and isinstance(config, dict):
        return dict(((config.get("databases") or {}).get(database) or {}).get("queries") or {})
    return dict(datasette.metadata("queries", database=database) or {})


async def instance_metadata(datasette: Any) -> dict[str, Any]:
    """The instance's metadata (title, description, licence), on either version."""
    get = getattr(datasette, "get_instance_metadata", None)
    if get is not None:  # Datasette 1.0
        return dict(await get() or {})
    return dict(datasette.metadata() or {})


def view_params(data: dict[str, Any] | None) -> dict[str, Any] | None:
    """The parameters of the SQL a table or query view ran, from the ``data`` Datasette
    gives its output renderers; None when this request did not ask for them (1.0)."""
    query = (data or {}).get("query")
    if not isinstance(query, dict):
        return None
    return dict(query.get("params") or {})


def asking_for_params(request: Any) -> str | None:
    """The same request's path and query string, asking for the ``query`` extra (where
    Datasette 1.0 gives a view's parameters to its output renderers); None if it did."""
    from urllib.parse import parse_qsl, urlencode

    args = parse_qsl(request.query_string, keep_blank_values=True)
    if ("_extra", "query") in args:
        return None
    return request.path + "?" + urlencode([*args, ("_extra", "query")])


def jinja_environment(datasette: Any) -> Any:
    """Datasette's Jinja environment (its templates and loaders), on either version."""
    get = getattr(datasette, "get_jinja_environment", None)
    return get(None) if get is not None else datasette.jinja_env


DEFAULT_HANDLER = "datasette.handle_exception"  # the name Datasette registers it under


def replace_default_handler() -> None:
    """Block Datasette's own ``handle_exception`` (see the module): the site's answers."""
    from datasette.plugins import pm

    if not pm.is_blocked(DEFAULT_HANDLER):
        pm.set_blocked(DEFAULT_HANDLER)


class WatchedDatabase(Database):
    """An immutable database file whose read connections are ``WatchedConnection``s."""

    def connect(self, write: bool = False) -> sqlite3.Connection:
        if write or self.is_mutable or self.is_memory or not self.path:
            return super().connect(write=write)
        return sqlite3.connect(
            f"file:{self.path}?immutable=1",
            uri=True,
            check_same_thread=False,
            factory=WatchedConnection,
        )


def watch_databases(datasette: Any, kind: type[WatchedDatabase] = WatchedDatabase) -> None:
    """Serve each immutable database file through a ``kind`` of ``WatchedDatabase`` (in
    place, same name, route and order)."""
    replaced = {}
    for name, db in datasette.databases.items():
        if type(db) is Database and not db.is_mutable and not db.is_memory and db.path:
            watched = kind(datasette, path=db.path, is_mutable=False)
            watched.name, watched.route = db.name, db.route
            replaced[name] = watched
        else:
            replaced[name] = db
    datasette.databases = replaced
