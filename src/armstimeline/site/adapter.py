"""Where the site relies on Datasette beyond its documented hooks and internals, or on an
API that differs between the versions it supports.

Each function here is the one place the site touches such an API; each assumption is
pinned by a test (in ``tests/test_site_adapter.py`` unless named) that fails when
Datasette changes it. The README lists them with their tests.

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
  It answers 0.65's schema look-up of a table's name (``SCHEMA_LOOKUPS``) once.
- ``replace_default_facets``, ``default_facet_classes``: Datasette's own plugin
  (``datasette.facets``) registers its column, date and array facets; it is blocked so
  the site registers them, the array facet as one reading the build's stored counts.
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
- ``without_page_limit``: the SQL a table view gives an output renderer ends with the
  page's ``limit`` (and ``offset``), which a calendar of the whole view drops.
- ``error_parts``, ``cors_headers``: the site's error handler reads Datasette's own
  exceptions (``Base400`` and its ``NotFound``/``Forbidden``/``BadRequest``, and
  ``DatasetteError`` with its title, HTML message and extra fields) as Datasette's handler
  does, and adds the CORS headers Datasette's ``--cors`` adds.
- ``legacy_through``: Datasette's ``_through`` filter names its parameter ``p0``, as the
  first column filter does (the bug in the README); old links' ``_through`` is read as the
  site's ``_child``. Pinned by a test that fails when Datasette stops clashing.
- ``escape_sqlite``, ``escape_fts``, ``BadRequest``, ``Forbidden``: Datasette's own
  quoting of a table or column name and of a full-text search (so the site's SQL reads
  as Datasette's), and its 400 and 403 exceptions, which its error handler answers; all
  in ``datasette.utils`` beyond its documented functions. Pinned by what each gives.
- ``base_template_scripts``, ``body_scripts``: the inline scripts a page made from
  Datasette's base template carries (read from the template, and from the plugins'
  ``extra_body_script`` hooks as Datasette calls them), so the reader pages' policy can
  allow exactly them by hash. Pinned by every inline script of a reader page.
"""

from __future__ import annotations

import re
import sqlite3
from typing import Any, NamedTuple

from datasette.database import Database
from datasette.utils import escape_fts, escape_sqlite
from datasette.utils.asgi import BadRequest, Forbidden

from armstimeline.site.fileanswers import AnsweredOnce
from armstimeline.site.timelimit import WatchedConnection

__all__ = [
    "CONFIG_KEYS",
    "DEFAULT_FACETS",
    "DEFAULT_HANDLER",
    "SCHEMA_LOOKUPS",
    "BadRequest",
    "ErrorParts",
    "Forbidden",
    "WatchedDatabase",
    "asking_for_params",
    "base_template_scripts",
    "body_scripts",
    "can_view",
    "canned_queries",
    "cors_headers",
    "datasette_options",
    "default_facet_classes",
    "error_parts",
    "escape_fts",
    "escape_sqlite",
    "instance_metadata",
    "jinja_environment",
    "legacy_through",
    "replace_default_facets",
    "replace_default_handler",
    "takes_config",
    "view_params",
    "watch_databases",
    "without_page_limit",
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


def asking_for_params(request: Any, asked: str | None = None) -> str | None:
    """The same request's path and query string (``asked``, when the site changed the
    one Datasette read), asking for the ``query`` extra (where Datasette 1.0 gives a
    view's parameters to its output renderers); None if it did."""
    from urllib.parse import parse_qsl, urlencode

    args = parse_qsl(request.query_string if asked is None else asked, keep_blank_values=True)
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


DEFAULT_FACETS = "datasette.facets"  # the name Datasette registers its facet plugin under


def replace_default_facets() -> None:
    """Block Datasette's own facet plugin (see the module): ``default_facet_classes``."""
    from datasette.plugins import pm

    if not pm.is_blocked(DEFAULT_FACETS):
        pm.set_blocked(DEFAULT_FACETS)


def default_facet_classes(array: type[Any]) -> list[type[Any]]:
    """Datasette's column and date facets and ``array`` in place of its array facet, once
    its own plugin is blocked (none before: it registers them itself)."""
    from datasette.facets import ColumnFacet, DateFacet
    from datasette.plugins import pm

    return [ColumnFacet, DateFacet, array] if pm.is_blocked(DEFAULT_FACETS) else []


# Datasette 0.65.5 looks a table's name up in the file's schema on every table permission
# check (two trips to a SQL thread for each reader page): asked once too
SCHEMA_LOOKUPS = frozenset({
    "select name from sqlite_master where type in ('table', 'view') and name = ? collate nocase",
})  # fmt: skip


class WatchedDatabase(AnsweredOnce):
    """An immutable database file whose read connections are ``WatchedConnection``s, and
    whose introspection (``fileanswers``) and ``SCHEMA_LOOKUPS`` are answered once."""

    async def execute(self, sql: str, params: Any = None, *args: Any, **kwargs: Any) -> Any:
        if sql not in SCHEMA_LOOKUPS or args or kwargs or self.is_mutable:
            return await super().execute(sql, params, *args, **kwargs)
        answers = self.__dict__.setdefault("_file_answers", {})
        key = ("execute", sql, tuple(params or ()))
        if key not in answers:
            answers[key] = await super().execute(sql, params)
        found = answers[key]
        return type(found)(list(found.rows), found.truncated, found.description)

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


_PAGE_LIMIT = re.compile(r"\s+limit\s+\d+(?:\s+offset\s+\d+)?\s*;?\s*$", re.IGNORECASE)


def without_page_limit(sql: str) -> str:
    """A table view's SQL (as given to an output renderer) without its page's limit."""
    return _PAGE_LIMIT.sub("", sql.strip().rstrip(";"))


class ErrorParts(NamedTuple):
    """What an error page or its JSON says: Datasette's fields for an exception."""

    status: int
    message: Any  # text, or Markup when Datasette marked it HTML
    title: str | None
    info: dict[str, Any]  # the exception's extra fields for the JSON


def error_parts(exception: BaseException) -> ErrorParts:
    """Datasette's status, message, title and extra fields for ``exception`` (500 with its
    text for anything not Datasette's own)."""
    from datasette.utils.asgi import Base400
    from datasette.views.base import DatasetteError
    from markupsafe import Markup

    if isinstance(exception, Base400):
        return ErrorParts(int(exception.status), exception.args[0] if exception.args else "",
                          None, {})  # fmt: skip
    if isinstance(exception, DatasetteError):
        message: Any = exception.message
        if exception.message_is_html:
            message = Markup(message)
        return ErrorParts(int(exception.status), message, exception.title,
                          dict(exception.error_dict or {}))  # fmt: skip
    return ErrorParts(500, str(exception), None, {})


def cors_headers(datasette: Any) -> dict[str, str]:
    """The headers Datasette adds to its answers when serving with ``--cors``, else none."""
    from datasette.utils import add_cors_headers

    headers: dict[str, str] = {}
    if getattr(datasette, "cors", False):
        add_cors_headers(headers)
    return headers


_THROUGH = b"_through="


def legacy_through(app: Any, key: str) -> Any:
    """``app`` reading ``_through`` in a query string as ``key`` (see the module)."""
    renamed_key = key.encode() + b"="

    async def wrapped(scope: dict[str, Any], receive: Any, send: Any) -> None:
        query = scope.get("query_string", b"")
        if scope.get("type") == "http" and _THROUGH in query:
            parts = [
                renamed_key + p[len(_THROUGH):] if p.startswith(_THROUGH) else p
                for p in query.split(b"&")
            ]
            scope = {**scope, "query_string": b"&".join(parts)}
        await app(scope, receive, send)

    return wrapped


_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)
# Datasette's base template and the one it includes on every page write these inline
# scripts (1.0's base template writes its version into one)
BASE_TEMPLATES = ("base.html", "_close_open_menus.html")


async def base_template_scripts(datasette: Any) -> list[str]:
    """The inline scripts of Datasette's base template, read from the templates and
    written as Datasette renders them (its version is the one variable they use)."""
    from datasette.version import __version__

    env = jinja_environment(datasette)
    found: list[str] = []
    for name in BASE_TEMPLATES:
        for block in _SCRIPT.findall(env.loader.get_source(env, name)[0]):
            if "{{" in block or "{%" in block:
                template = env.from_string(block)
                block = (await template.render_async(datasette_version=__version__)
                         if env.is_async else template.render(datasette_version=__version__))
            found.append(block)
    return found


async def body_scripts(datasette: Any) -> list[str]:
    """What the plugins' ``extra_body_script`` hooks add to a page of the site's own (no
    database, table or columns of Datasette's), as Datasette's base template writes them
    (a dict's ``script``, anything else as is)."""
    from datasette.plugins import pm
    from datasette.utils import await_me_maybe

    found = []
    for view_name in ("index", None):
        for hook in pm.hook.extra_body_script(
            template="base.html", database=None, table=None, columns=None,
            view_name=view_name, request=None, datasette=datasette,
        ):  # fmt: skip
            script = await await_me_maybe(hook)
            found.append(str(script["script"] if isinstance(script, dict) else script))
    return found
