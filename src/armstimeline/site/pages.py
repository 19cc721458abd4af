"""The reader's pages: the events browser, an event, a country, a weapon system, and the
lists of countries and systems, served through ``register_routes`` with our templates and
our SQL. Datasette's own table and SQL views stay beside them for power users.

A parameter the pages cannot use is a 400 page with a sentence (``frame``); a malformed
request is never a server error. What every browsing page shows is in ``browsing``.
"""

from __future__ import annotations

import json
import urllib.parse
from typing import Any

import attrs
from datasette import Response
from datasette.database import QueryInterrupted

from armstimeline import reference
from armstimeline.site.browsing import (
    TOO_LONG,
    browse_context,
    choice_words,
    facet_lists,
    listed_row,
    selected,
)  # fmt: skip
from armstimeline.site.choices import Choices
from armstimeline.site.event_page import event_page_context
from armstimeline.site.figures_view import country_figures, event_figures, withdrawn_entry
from armstimeline.site.frame import (
    choices_or_problem,
    our_database,
    problem_page,
    reader_nav,
    site_path,
)
from armstimeline.site.selection import PAGE_SIZE, facet_counts, listing, select

__all__ = ["countries_page", "country_page", "event_page", "events_page", "system_page",
           "systems_page"]  # fmt: skip


async def _browser(datasette: Any, request: Any, name: str, choices: Choices, *,
                   base: str, heading: str, intro: dict[str, Any] | None = None,
                   title: str = "") -> Response:  # fmt: skip
    """The events browser (also the heart of a country's and a system's page)."""
    found = await selected(datasette, request, name, choices)
    if isinstance(found, Response):
        return found
    try:
        listed = await listing(datasette, name, found, choices)
    except QueryInterrupted:
        return await problem_page(datasette, request, 400, "This view takes too long",
                                  TOO_LONG)  # fmt: skip
    start = (choices.page - 1) * PAGE_SIZE
    context = {
        **browse_context(datasette, name, found, choices, base),
        "title": title or heading,
        "heading": heading,
        "intro": intro,
        "rows": [listed_row(datasette, r) for r in listed.rows],
        # the page's events on a small map (each at its first place), titles as text
        "places_json": json.dumps([
            {"name": r["title"], "lat": r["latitude"], "lon": r["longitude"]}
            for r in listed.rows if r["latitude"] is not None and r["longitude"] is not None
        ]),
        "first": start + 1,
        "last": start + len(listed.rows),
        "previous": base + choices.query(page=choices.page - 1) if choices.page > 1 else None,
        "next": base + choices.query(page=choices.page + 1) if listed.more else None,
        "facets": facet_lists(datasette, base, found, choices),
        "newest_url": base + choices.query(newest=not choices.newest),
    }
    html = await datasette.render_template("armstimeline/events.html", context, request=request)
    return Response.html(html)


async def events_page(datasette: Any, request: Any) -> Response:
    name = await our_database(datasette, request)
    if isinstance(name, Response):
        return name
    choices = await choices_or_problem(datasette, request, name)
    if isinstance(choices, Response):
        return choices
    words = choice_words(choices)
    noun = {"curated": "Events", "register": "Register rows", "all": "Events and register rows"}
    heading = noun[choices.origin] + (" " + words if words else "")
    return await _browser(datasette, request, name, choices,
                          base=site_path(datasette, "/events"), heading=heading)  # fmt: skip


async def country_page(datasette: Any, request: Any) -> Response:
    name = await our_database(datasette, request)
    if isinstance(name, Response):
        return name
    asked = urllib.parse.unquote(request.url_vars["country"])
    code = reference.resolve_country(asked)
    if code is None:
        choices = await choices_or_problem(datasette, request, name, {"country": [asked]})
        assert isinstance(choices, Response)  # an unknown country is refused
        return choices
    base = site_path(datasette, "/countries/" + code)
    if asked != code:  # one address per country: /countries/Turkey goes to /countries/TUR
        query = ("?" + request.query_string) if request.query_string else ""
        return Response.redirect(base + query)
    choices = await choices_or_problem(datasette, request, name, {"country": [code]})
    if isinstance(choices, Response):
        return choices
    choices = attrs.evolve(choices, fixed=("countries", code))
    country = reference.country_name(code)
    region = reference.regions().get(reference.country_regions().get(code, ""), "")
    intro: dict[str, Any] = {
        "lede": f"{country}{' — ' + region if region else ''}: the events it takes part in, "
        "as supplier, recipient, buyer, party or target.",
        "links": [
            ("On the visual timeline", datasette.urls.path("/timeline") + "?country=" + code),
            ("Its timeline, each role a row (SQL)",
             datasette.urls.database(name) + "/country_timeline?country=" + code),
        ],
    }  # fmt: skip
    intro["figures"] = await country_figures(datasette, name, code,
                                             datasette.urls.path("/events"))  # fmt: skip
    return await _browser(datasette, request, name, choices, base=base, heading=country,
                          intro=intro, title=f"{country} — events")  # fmt: skip


async def system_page(datasette: Any, request: Any) -> Response:
    name = await our_database(datasette, request)
    if isinstance(name, Response):
        return name
    asked = urllib.parse.unquote(request.url_vars["system"])
    choices = await choices_or_problem(datasette, request, name, {"system": [asked]})
    if isinstance(choices, Response):
        return choices
    system = choices.systems[0]
    choices = attrs.evolve(choices, fixed=("systems", system))
    base = site_path(datasette, "/systems/" + urllib.parse.quote(system, safe=""))
    if asked != system:  # one address per system: /systems/SA-21 goes to /systems/S-400
        query = ("?" + request.query_string) if request.query_string else ""
        return Response.redirect(base + query)
    known = {s.name: s for s in reference.systems()}.get(system)
    lede = system
    if known is not None:
        lede += f" — {known.category}"
        if known.origin:
            lede += f", made in {reference.country_name(known.origin)}"
        if known.aliases:
            lede += f"; also called {', '.join(known.aliases)}"
    intro = {"lede": lede + ".",
             "links": [("On the visual timeline", datasette.urls.path("/timeline") + "?"
                        + urllib.parse.urlencode({"system": system}))]}  # fmt: skip
    return await _browser(datasette, request, name, choices, base=base, heading=system,
                          intro=intro, title=f"{system} — events")  # fmt: skip


async def _catalog(datasette: Any, request: Any, facet: str, group: Any, label: Any,
                   link: Any, title: str, lede: str) -> Response:  # fmt: skip
    name = await our_database(datasette, request)
    if isinstance(name, Response):
        return name
    curated = await select(datasette, name, Choices())
    everything = await select(datasette, name, Choices(origin="all"))
    imported = await select(datasette, name, Choices(origin="register"))
    counts = dict(facet_counts(everything, facet))
    mine = dict(facet_counts(curated, facet))
    theirs = dict(facet_counts(imported, facet))
    groups: dict[str, list[dict[str, Any]]] = {}
    for value in sorted(counts, key=lambda v: label(str(v))):
        groups.setdefault(group(str(value)), []).append({
            "label": label(str(value)), "url": link(str(value)),
            "curated": mine.get(value, 0), "register": theirs.get(value, 0),
        })  # fmt: skip
    html = await datasette.render_template(
        "armstimeline/catalog.html",
        {**reader_nav(datasette), "title": title, "lede": lede,
         "groups": sorted(groups.items()), "registered": bool(sum(theirs.values()))},
        request=request,
    )  # fmt: skip
    return Response.html(html)


async def countries_page(datasette: Any, request: Any) -> Response:
    regions = reference.regions()
    where = reference.country_regions()
    path = datasette.urls.path
    return await _catalog(
        datasette, request, "actors.country",
        lambda c: regions.get(where.get(c, ""), "Elsewhere"), reference.country_name,
        lambda c: path("/countries/" + c), "Countries",
        "Every country the events involve, by region, with how many events each takes part in.",
    )  # fmt: skip


async def systems_page(datasette: Any, request: Any) -> Response:
    categories = {s.name: s.category for s in reference.systems()}
    path = datasette.urls.path
    return await _catalog(
        datasette, request, "event_systems.system",
        lambda s: categories.get(s, "named only by a register"), str,
        lambda s: path("/systems/" + urllib.parse.quote(s, safe="")), "Weapon systems",
        "Every weapon system the events name, by category; aliases such as NATO reporting "
        "names work in every filter.",
    )  # fmt: skip


async def event_page(datasette: Any, request: Any) -> Response:
    name = await our_database(datasette, request)
    if isinstance(name, Response):
        return name
    event_id = urllib.parse.unquote(request.url_vars["id"])
    entry = await event_page_context(datasette, name, event_id)
    if not entry:
        withdrawn = await withdrawn_entry(datasette, name, event_id)
        if withdrawn:
            html = await datasette.render_template(
                "armstimeline/withdrawn.html", {**reader_nav(datasette), "entry": withdrawn},
                request=request,
            )
            return Response.html(html)
        return await problem_page(
            datasette, request, 404, "No such event",
            f"There is no event '{event_id}'. Browse the events or search them.",
        )  # fmt: skip
    entry["before_after"] = await event_figures(datasette, name, event_id)
    html = await datasette.render_template(
        "armstimeline/event.html", {**reader_nav(datasette), "entry": entry}, request=request
    )
    return Response.html(html)
