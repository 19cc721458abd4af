"""The project's Datasette plugin, registered through the ``datasette`` entry point.

Only hook implementations live here; each hands over to the module that does the work.

The reader's pages (``register_routes``):

- ``front``: the front page, ``/`` (in place of Datasette's index, with its template);
- ``pages``: the events browser, an event, a country, a weapon system, their lists;
- ``timeline_page``: the visual timeline of the same choices;
- ``choices``: the pages' parameters, checked and resolved as the command line does;
- ``selection``: the events they select, counted and listed from the stored bitmaps;
- ``redirects``: old addresses (Datasette's row page, ``/-/timeline``) to the new ones;
- ``adapter``: the one place the site relies on Datasette beyond its documented surface
  (and where its versions differ), each assumption pinned by a test.
- ``fileanswers``: Datasette's introspection of the served immutable file, asked once.

Datasette's own views, through its hooks:

- ``facets``: a ``child`` facet counting through indexed child tables, and a ``stored``
  facet reading the counts the build stored; ``arrayfacet``: Datasette's array facet
  reading them too on the unfiltered events table;
- ``bitmaps``: a filtered view's facet counts from the build's bitmaps;
- ``childfilter``: the ``_child`` filter those facets link to (old ``_through`` links are
  read as ``_child``: Datasette's own mixes up its parameters with column filters');
- ``ics``: the ``.ics`` output renderer, with every row a view matches (a table's
  calendar asked without the view's facets and count, one ``asgi_wrapper``);
- ``cells``: events-table cells and event ids in query results as links;
- ``sqllimits``: what one SQL call may cost, on every connection;
- ``errorpage``: error pages without Datasette's costly traceback dump;
- ``sqlthreads``: threads running SQL yield to the thread rendering pages (the processor
  and the interpreter's lock);
- ``timelimit``: the SQL time limit kept by a watchdog, not a handler taking the GIL;
- ``examples``: canned queries open on an example;
- ``pagescripts``: the inline script on every page (map popups may only link to http(s)
  pages; names for the filter form's controls, the page's language);
- ``invisible``: direction overrides and zero-width characters shown as visible marks;
- ``quicktemplates``: Jinja reading plain dicts' items without an exception each, and
  not re-checking template files on every page;
- ``sqllane``, ``offloop``, ``csvcells``, ``headers``, ``pagesize``: visitors' SQL queued
  in a lane of its own and its HTML pages written off the event loop, the formula rule on
  CSV downloads, hardening headers, HTML table pages of at most 200 rows (one
  ``asgi_wrapper``);
- ``serve``: running Datasette on a built database (used by ``armstimeline serve``).
"""

from __future__ import annotations

import sqlite3
from typing import Any

from datasette import hookimpl
from datasette.facets import Facet

from armstimeline.site import pages
from armstimeline.site.adapter import (
    default_facet_classes,
    legacy_through,
    replace_default_facets,
    replace_default_handler,
    watch_databases,
)
from armstimeline.site.arrayfacet import StoredArrayFacet
from armstimeline.site.cells import event_cell, event_link
from armstimeline.site.childfilter import CHILD_KEY, child_filters
from armstimeline.site.csvcells import neutral_csv
from armstimeline.site.errorpage import error_response
from armstimeline.site.examples import with_examples
from armstimeline.site.facets import ChildFacet, StoredFacet
from armstimeline.site.front import front_page
from armstimeline.site.headers import with_headers
from armstimeline.site.ics import calendars_without_facets, can_render_ics, render_ics
from armstimeline.site.invisible import mark_invisible
from armstimeline.site.offloop import off_loop
from armstimeline.site.pagescripts import BODY_SCRIPT
from armstimeline.site.pagesize import html_page_size
from armstimeline.site.quicktemplates import quick_templates
from armstimeline.site.redirects import moved_pages, old_timeline
from armstimeline.site.sqlfunctions import register_functions
from armstimeline.site.sqllane import sql_lane
from armstimeline.site.sqllimits import bound_connection
from armstimeline.site.sqlthreads import favour_the_event_loop, lower_sql_thread
from armstimeline.site.timeline_page import timeline_page

__all__: list[str] = []  # hook implementations only



@hookimpl
def startup(datasette: Any) -> None:
    replace_default_handler()
    replace_default_facets()
    favour_the_event_loop()
    watch_databases(datasette)


@hookimpl
def prepare_jinja2_environment(env: Any) -> None:
    mark_invisible(env)
    quick_templates(env)


@hookimpl
def handle_exception(datasette: Any, request: Any, exception: Exception) -> Any:
    return error_response(datasette, request, exception)


@hookimpl
def register_facet_classes() -> list[type[Facet]]:
    return [ChildFacet, StoredFacet, *default_facet_classes(StoredArrayFacet)]


@hookimpl
def register_output_renderer(datasette: Any) -> dict[str, Any]:
    return {"extension": "ics", "render": render_ics, "can_render": can_render_ics}


@hookimpl
def prepare_connection(conn: sqlite3.Connection) -> None:
    bound_connection(conn)
    register_functions(conn)
    lower_sql_thread()  # called on the thread that will run this connection's SQL


@hookimpl
def render_cell(
    row: Any, value: Any, column: str, table: str | None, database: str, datasette: Any
) -> Any:
    return event_link(value, column, table, database, datasette) or event_cell(
        row, value, column, table, database, datasette
    )


@hookimpl
def register_routes() -> list[tuple[str, Any]]:
    return [
        (r"^/$", front_page),
        (r"^/events$", pages.events_page),
        (r"^/events/(?P<id>[^/]+)$", pages.event_page),
        (r"^/countries$", pages.countries_page),
        (r"^/countries/(?P<country>[^/]+)$", pages.country_page),
        (r"^/systems$", pages.systems_page),
        (r"^/systems/(?P<system>[^/]+)$", pages.system_page),
        (r"^/timeline$", timeline_page),
        (r"^/-/timeline$", old_timeline),
        (r"^/(?P<database>[^/]+)/-/timeline$", old_timeline),
    ]


@hookimpl
def table_actions(datasette: Any, database: str, table: str, request: Any) -> list[dict[str, str]]:
    if table not in ("events", "timeline"):
        return []
    # the old address, which turns the table's filters into the timeline's and redirects
    query = request.query_string if request else ""
    href = datasette.urls.database(database) + "/-/timeline" + (f"?{query}" if query else "")
    return [{"href": href, "label": "Show as a visual timeline"}]


@hookimpl
def asgi_wrapper(datasette: Any) -> Any:
    def wrap(app: Any) -> Any:
        app = moved_pages(datasette, with_examples(datasette, legacy_through(app, CHILD_KEY)))
        app = html_page_size(calendars_without_facets(app))
        return with_headers(datasette, neutral_csv(sql_lane(off_loop(app))))

    return wrap


@hookimpl
def filters_from_request(request: Any, database: str, table: str, datasette: Any) -> Any:
    return child_filters(request, database, table, datasette)


@hookimpl
def extra_body_script() -> str:
    return BODY_SCRIPT


@hookimpl
def extra_css_urls(datasette: Any) -> list[str]:
    return [datasette.urls.static_plugins("armstimeline", "site.css")]

