"""The visual timeline, ``/timeline``: the reader's choices (the events browser's own
parameters), drawn.

The events come from the same selection as the browser (``selection``), so the two
pages cannot disagree; past ``DENSE`` events the picture counts them by year and kind
from the stored bitmaps. On a wide screen it is the SVG of ``armstimeline export``; on a
phone, a vertical list by year a thumb can scroll (the same events, each a link), or past
``DENSE`` events a list of decades and years with their counts, each year a link to its
events.
Old addresses (``/<database>/-/timeline`` with Datasette's table filters) redirect here
with their filters in words (``redirects``).
"""

from __future__ import annotations

import json
import urllib.parse
from typing import Any

from datasette import Response

from armstimeline import reference
from armstimeline.database import read_events
from armstimeline.datewords import describe
from armstimeline.export.density import DENSE, render_density_svg
from armstimeline.export.svg import LANE_KEYS, LaneKey, render_svg
from armstimeline.site.adapter import jinja_environment
from armstimeline.site.browsing import browse_context, choice_words, selected
from armstimeline.site.choices import Choices
from armstimeline.site.frame import choices_or_problem, our_database, problem_page
from armstimeline.site.memo import remembered_sized
from armstimeline.site.selection import Found, facet_counts, select

__all__ = ["BIG_TIMELINE", "timeline_page"]

BIG_TIMELINE = 3_000  # past this many events the lanes are kinds, not countries


async def _ids(datasette: Any, database: str, found: Found) -> list[str]:
    """The view's event ids in timeline order (at most ``DENSE`` + 1)."""
    db = datasette.get_database(database)
    if found.view is None:
        rows = await db.execute(
            "select id from events order by sort_order limit ?", [DENSE + 1]
        )
    else:
        rowids = list(found.view)[: DENSE + 1]
        rows = await db.execute(
            "select id from events where rowid in (select value from json_each(?)) "
            "order by sort_order",
            [json.dumps(rowids)],
        )
    return [r[0] for r in rows.rows]


def _year_counts(found: Found) -> dict[tuple[int, str], int]:
    """Events of the view per (first year, kind), from the stored bitmaps."""
    pairs = found.sets.pairs(found.view, "events.year", "events.kind")
    return {(int(y), str(k)): n for (y, k), n in (pairs or {}).items()}


def _by_year(events: list[Any], path: Any) -> list[dict[str, Any]]:
    """The phone's vertical timeline: the events grouped by the year they start in."""
    groups: list[dict[str, Any]] = []
    for event in events:
        year = event.date.earliest.year if hasattr(event.date, "earliest") else None
        label = str(year) if year else describe(event.date)
        if not groups or groups[-1]["year"] != label:
            groups.append({"year": label, "events": []})
        groups[-1]["events"].append({
            "title": event.title, "date": str(event.date), "words": describe(event.date),
            "kind": event.kind, "kind_words": event.kind.replace("_", " "),
            "url": path("/events/" + event.id),
        })  # fmt: skip
    return groups


def _by_decade(counts: dict[tuple[int, str], int], link: Any) -> list[dict[str, Any]]:
    """The phone's vertical timeline past the density: each decade with its events'
    count, each year with its count by kind and a link to its events (``link(year)``)."""
    per_year: dict[int, dict[str, int]] = {}
    for (year, kind), n in counts.items():
        of_year = per_year.setdefault(year, {})
        of_year[kind] = of_year.get(kind, 0) + n
    decades: list[dict[str, Any]] = []
    for year in sorted(per_year):
        decade = year - year % 10
        if not decades or decades[-1]["decade"] != decade:
            decades.append({"decade": decade, "label": f"{decade}s", "count": 0, "years": []})
        ranked = sorted(per_year[year].items(), key=lambda kn: (-kn[1], kn[0]))
        total = sum(n for _, n in ranked)
        decades[-1]["count"] += total
        decades[-1]["years"].append({
            "year": year, "count": total, "url": link(year),
            "kinds": [(k.replace("_", " "), n) for k, n in ranked],
        })  # fmt: skip
    return decades


async def _form_choices(found: Found) -> dict[str, list[tuple[str, str]]]:
    """The values the form offers: the countries, kinds and systems the events use."""
    countries = sorted(
        ((str(c), reference.country_name(str(c)))
         for c, _ in facet_counts(found, "actors.country")),
        key=lambda cn: cn[1],
    )  # fmt: skip
    return {
        "countries": countries,
        "kinds": [(k, k.replace("_", " ")) for k in sorted(reference.kinds())],
        "systems": sorted((str(s), str(s)) for s, _ in facet_counts(found, "event_systems.system")),
    }


async def timeline_page(datasette: Any, request: Any) -> Response:
    name = await our_database(datasette, request)
    if isinstance(name, Response):
        return name
    choices = await choices_or_problem(datasette, request, name)
    if isinstance(choices, Response):
        return choices
    asked = request.args.get("lanes")
    if asked is not None and asked not in LANE_KEYS:
        return await problem(datasette, request, f"'lanes' takes country or kind, not '{asked}'.")
    found = await selected(datasette, request, name, choices)
    if isinstance(found, Response):
        return found
    path = datasette.urls.path
    here = path("/timeline")
    events_url = path("/events")
    focus = choices.countries[0] if choices.countries else None
    years = ""
    counts = None
    if found.count > DENSE:
        counts = _year_counts(found)

        def bar(year: int, kind: str) -> str:
            return events_url + choices.query(year=year, kinds=(kind,))

        words = choice_words(choices)
        svg = render_density_svg(
            counts, bar, f"armstimeline: {found.count:,} events by year and kind"
            + (f", {words}" if words else "")
        )  # fmt: skip
        lanes: LaneKey = "kind"
        listed = jinja_environment(datasette).get_template("armstimeline/timeline_counts.html")
        years = await listed.render_async(
            decades=_by_decade(counts, lambda year: events_url + choices.query(year=year))
        )
    else:  # the same picture for every reader of an immutable database: drawn once
        async def draw() -> tuple[str, str, LaneKey]:
            ids = await _ids(datasette, name, found)
            db = datasette.get_database(name)
            events, _ = await db.execute_fn(lambda conn: read_events(conn, ids))
            many = asked is None and len(events) > BIG_TIMELINE
            lanes: LaneKey = "kind" if asked == "kind" or many else "country"
            svg = render_svg(events, lanes=lanes, link=events_url + "/{id}",
                             title="armstimeline timeline", focus=focus)  # fmt: skip
            listed = jinja_environment(datasette).get_template("armstimeline/timeline_years.html")
            years = await listed.render_async(groups=_by_year(events, path))
            return svg, years, lanes

        svg, years, lanes = await remembered_sized(
            datasette, name, ("timeline", choices, asked), draw,
            size=lambda drawn: len(drawn[0]) + len(drawn[1]),
        )  # fmt: skip
    if request.args.get("format") == "svg":
        return Response(svg, content_type="image/svg+xml; charset=utf-8")
    if request.args.get("format") not in (None, "html"):
        return await problem(datasette, request, "'format' takes svg or html.")
    base = browse_context(datasette, name, found, choices, here)
    context = {
        **base,
        "title": "Timeline" + (" — " + base["words"] if base["words"] else ""),
        "svg": svg,
        "years": years,
        "dense": DENSE if counts is not None else None,
        "lanes": lanes,
        "lane_links": [(k, here + choices.query() + ("&" if choices.pairs() else "?")
                        + "lanes=" + k) for k in LANE_KEYS],
        "svg_url": here + choices.query() + ("&" if choices.pairs() else "?")
        + urllib.parse.urlencode({"lanes": lanes, "format": "svg"}),
        "form": await _form_choices(await select(datasette, name, Choices(origin="all"))),
        "kept": [(k, v) for k, v in choices.pairs()
                 if k not in ("country", "kind", "system", "from", "to", "q", "origin")
                 or (k in ("country", "kind", "system") and _not_first(choices, k, v))],
        "events_url": events_url + choices.query(),
    }
    html = await datasette.render_template("armstimeline/timeline.html", context, request=request)
    return Response.html(html)


def _not_first(choices: Choices, key: str, value: str) -> bool:
    """Whether a value is past the first of its kind (the form's select shows the first;
    the others ride along as hidden fields, so no filter is dropped)."""
    values = {"country": choices.countries, "kind": choices.kinds, "system": choices.systems}[key]
    return bool(values) and values[0] != value


async def problem(datasette: Any, request: Any, sentence: str) -> Response:
    return await problem_page(datasette, request, 400, "This timeline cannot be drawn", sentence)
