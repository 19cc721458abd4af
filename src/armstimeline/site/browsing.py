"""What every page that browses the events shows: the count, the filters as chips and
in words, the counts beside the list, the curated/register switch, each listed event, and
the links to the same events in Datasette's own views (tables, calendar, CSV)."""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Callable
from typing import Any

import attrs
from datasette import Response
from datasette.database import QueryInterrupted

from armstimeline import reference
from armstimeline.dates import parse_date
from armstimeline.datewords import describe
from armstimeline.site.choices import Choices
from armstimeline.site.frame import problem_page, reader_nav, site_path
from armstimeline.site.selection import Found, facet_counts, select

__all__ = [
    "TOO_LONG", "browse_context", "choice_words", "facet_lists", "listed_row", "selected",
    "table_pairs",
]  # fmt: skip

_FACET_SIZE = 12
_KIND_WORDS = {k: k.replace("_", " ") for k in reference.kinds()}


TOO_LONG = (
    "Its events could not be found within the time limit. Narrow it with a country, a "
    "kind, a weapon system or fewer words, and ask again."
)


async def selected(datasette: Any, request: Any, name: str, choices: Choices) -> Found | Response:
    """The events the choices select, or the page saying they took too long to find."""
    try:
        return await select(datasette, name, choices)
    except QueryInterrupted:
        return await problem_page(datasette, request, 400, "This view takes too long",
                                  TOO_LONG)  # fmt: skip


def choice_words(choices: Choices) -> str:
    """The choices in words: 'with Türkiye, naming S-400, deals, from 2015 to 2020' (but
    for the value the page's address gives)."""
    words = []
    countries = [c for c in choices.countries if ("countries", c) != choices.fixed]
    systems = [s for s in choices.systems if ("systems", s) != choices.fixed]
    if countries:
        words.append("with " + " and ".join(reference.country_name(c) for c in countries))
    if systems:
        words.append("naming " + " and ".join(systems))
    if choices.kinds:
        words.append("of the kind " + " or ".join(_KIND_WORDS.get(k, k) for k in choices.kinds))
    if choices.regions:
        regions = reference.regions()
        words.append("in " + " and ".join(regions.get(r, r) for r in choices.regions))
    if choices.tags:
        words.append("tagged " + " and ".join(choices.tags))
    if choices.start is not None and choices.end is not None:
        words.append(f"from {choices.start} to {choices.end}")
    elif choices.start is not None:
        words.append(f"from {choices.start} on")
    elif choices.end is not None:
        words.append(f"up to {choices.end}")
    if choices.year is not None:
        words.append(f"starting in {choices.year}")
    if choices.text:
        words.append(f"matching “{choices.text}”")
    return ", ".join(words)


def _chips(base: str, choices: Choices) -> list[dict[str, str]]:
    """Each active filter with the link that removes it."""
    regions = reference.regions()
    labels: dict[str, tuple[str, Callable[[str], str]]] = {
        "countries": ("Country", reference.country_name),
        "systems": ("Weapon system", str),
        "kinds": ("Kind", lambda k: _KIND_WORDS.get(k, k)),
        "regions": ("Region", lambda r: regions.get(r, r)),
        "tags": ("Tag", str),
    }
    chips = []
    for field, (what, label) in labels.items():
        for value in getattr(choices, field):
            if (field, value) == choices.fixed:
                continue  # the page's own country or system
            chips.append({"what": what, "label": label(value),
                          "remove": base + choices.without(field, value)})  # fmt: skip
    if choices.start is not None:
        chips.append({"what": "From", "label": str(choices.start),
                      "remove": base + choices.without("start")})  # fmt: skip
    if choices.end is not None:
        chips.append({"what": "To", "label": str(choices.end),
                      "remove": base + choices.without("end")})  # fmt: skip
    if choices.year is not None:
        chips.append({"what": "Starting in", "label": str(choices.year),
                      "remove": base + choices.without("year")})  # fmt: skip
    if choices.text:
        chips.append({"what": "Words", "label": f"“{choices.text}”",
                      "remove": base + choices.without("text")})  # fmt: skip
    return chips


def table_pairs(choices: Choices) -> list[tuple[str, str]]:
    """The same view as filters of Datasette's own events table (its JSON, CSV, SQL and
    calendar downloads): child-table filters, column filters and its search."""

    def child(table: str, column: str, value: str) -> tuple[str, str]:
        spec = {"table": table, "column": column, "value": value}
        return ("_child", json.dumps(spec, separators=(",", ":")))

    pairs = [child("actors", "country", c) for c in choices.countries]
    pairs += [child("event_systems", "system", s) for s in choices.systems]
    pairs += [child("event_tags", "tag", t) for t in choices.tags]
    pairs += [child("event_regions", "region", r) for r in choices.regions]
    if len(choices.kinds) == 1:
        pairs.append(("kind", choices.kinds[0]))
    elif choices.kinds:
        pairs.append(("kind__in", ",".join(choices.kinds)))
    if choices.start is not None:
        pairs.append(("end_year__gte", str(choices.start)))
    if choices.end is not None:
        pairs.append(("year__lte", str(choices.end)))
    if choices.year is not None:
        pairs.append(("year", str(choices.year)))
    if choices.text:
        pairs.append(("_search", choices.text))
    if choices.origin != "all":
        pairs.append(("origin", choices.origin))
    return pairs


def listed_row(datasette: Any, row: dict[str, Any]) -> dict[str, Any]:
    """One listed event as the page shows it: the date as written and in words, links."""

    def path(p: str) -> str:
        return site_path(datasette, p)

    try:
        words = describe(parse_date(row["date"]))
    except ValueError:
        words = row["date"]
    countries = json.loads(row["countries"] or "[]")
    systems = json.loads(row["systems"] or "[]")
    return {
        "id": row["id"],
        "url": path("/events/" + urllib.parse.quote(row["id"])),
        "title": row["title"],
        "date": row["date"],
        "date_words": words if words != row["date"] else "",
        "kind": _KIND_WORDS.get(row["kind"], row["kind"]),
        "register": row["origin"] == "register",
        "countries": [{"name": reference.country_name(c),
                       "url": path("/countries/" + urllib.parse.quote(c))} for c in countries],
        "systems": [{"name": s, "url": path("/systems/" + urllib.parse.quote(s, safe=""))}
                    for s in systems],
    }  # fmt: skip


def facet_lists(datasette: Any, base: str, found: Found, choices: Choices) -> list[dict[str, Any]]:
    """The counts beside the list: each value links to the view narrowed by it."""
    regions = reference.regions()
    out = []
    specs: list[tuple[str, str, str, Callable[[str], str], int | None]] = [
        ("Kind", "kinds", "events.kind", lambda v: _KIND_WORDS.get(v, v), None),
        ("Country", "countries", "actors.country", reference.country_name, _FACET_SIZE),
        ("Weapon system", "systems", "event_systems.system", str, _FACET_SIZE),
        ("Region", "regions", "event_regions.region", lambda v: regions.get(v, v), None),
        ("Tag", "tags", "event_tags.tag", str, _FACET_SIZE),
    ]
    for title, field, facet, label, size in specs:
        chosen = set(getattr(choices, field))
        counts = [(v, n) for v, n in facet_counts(found, facet) if v not in chosen]
        if field != "kinds" and found.view is not None:
            counts = [(v, n) for v, n in counts if n < found.count] or counts
        if not counts:
            continue
        shown = counts[:size] if size else counts
        out.append({
            "title": title,
            "entries": [{"label": label(str(v)), "count": n,
                        "url": base + choices.adding(field, str(v))} for v, n in shown],
            "more": len(counts) - len(shown),
        })  # fmt: skip
    decades = sorted(facet_counts(found, "events.decade"), key=lambda vn: int(vn[0]))
    if len(decades) > 1 and choices.start is None and choices.end is None:
        out.append({
            "title": "Decade",
            "entries": [{"label": f"{int(v)}s", "count": n,
                        "url": base + choices.query(start=int(v), end=int(v) + 9)}
                       for v, n in decades],
            "more": 0,
        })  # fmt: skip
    return out


def _origins(base: str, found: Found, choices: Choices) -> list[dict[str, Any]]:
    """The curated events, the register's rows, or both: each with its count."""
    members = found.sets.sets.get("events.origin", {})
    within = found.any_origin
    counts = {
        origin: (len(m) if within is None else within.intersection_cardinality(m))
        for origin, m in members.items()
    }
    if not counts.get("register"):
        return []
    labels = {"curated": "Curated events", "register": "Register rows", "all": "Both"}
    total = sum(counts.values())
    return [
        {"label": labels[o], "count": counts.get(o, 0) if o != "all" else total,
         "url": base + choices.query(origin=o), "current": o == choices.origin}
        for o in ("curated", "register", "all")
    ]  # fmt: skip


def browse_context(datasette: Any, name: str, found: Found, choices: Choices,
                         base: str) -> dict[str, Any]:  # fmt: skip
    """What every page that browses the events shows: the count, the filters as chips
    and in words, the curated/register switch, the search form's hidden fields and the
    links to the same events elsewhere."""

    def path(p: str) -> str:
        return site_path(datasette, p)

    everywhere = attrs.evolve(choices, fixed=None)  # for links that leave this page
    table_query = urllib.parse.urlencode(table_pairs(choices))
    return {
        **reader_nav(datasette),
        "count": found.count,
        "words": choice_words(choices),
        "origin": choices.origin,
        "chips": _chips(base, choices),
        "clear": base,
        "origins": _origins(base, found, choices),
        "choices": choices,
        "hidden": [(k, v) for k, v in choices.pairs() if k != "q"],
        "action": base,
        "timeline_url": path("/timeline") + everywhere.query(),
        "table_url": datasette.urls.table(name, "events")
        + ("?" + table_query if table_query else ""),
        "ics_url": datasette.urls.table(name, "events", format="ics")
        + ("?" + table_query if table_query else ""),
        "csv_url": datasette.urls.table(name, "events", format="csv")
        + "?" + urllib.parse.urlencode([*table_pairs(choices), ("_stream", "on")]),
    }


