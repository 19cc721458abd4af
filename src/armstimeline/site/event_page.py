"""The event page: an event as an entry a reader can read, not a one-row table.

Read back from the database with the same code as the exports, so the page, the
calendar and the CSV say the same things. Sections with nothing in them are left out.
"""

from __future__ import annotations

import json
import urllib.parse
from typing import Any

from armstimeline.database import read_events
from armstimeline.dates import Precision
from armstimeline.datewords import describe, qualifier_words
from armstimeline.loading.safetext import url_problem
from armstimeline.model import Amount, Event
from armstimeline.timeline import Timeline

__all__ = ["event_page_context", "format_amount", "precision_sentence", "web_address"]


def web_address(url: Any) -> str | None:
    """``url`` when it is an http(s) address a page may link to, else None: the validator
    refuses any other, and a database built before it did, or by other means, may hold a
    ``javascript:`` or ``data:`` address that must not become a live link."""
    if isinstance(url, str) and url_problem(url) is None:
        return url
    return None


_KNOWN = {
    Precision.DAY: "the day is known",
    Precision.MONTH: "the month is known, not the day",
    Precision.YEAR: "the year is known, not the month",
    Precision.DECADE: "the decade is known, not the year",
    Precision.CENTURY: "the century is known, not the decade",
}
_BASIS = {
    "source": "",
    "context": "The date is completed from the source's context.",
    "record": "The date comes from the public record, not from the source.",
    "editors": "The date is the editors' inference.",
}
_SCALE = ((1e12, "trillion"), (1e9, "billion"), (1e6, "million"))
_BOUND = {"at_least": "at least ", "at_most": "at most ", "about": "about "}


def precision_sentence(event: Event) -> str:
    """'the year is known, not the month', after the date in words when they differ from
    the date as written ('about 2016 — ...'), with what the source marks."""
    date = event.date
    words = describe(date)
    text = _KNOWN[date.precision]
    if words != str(date):
        text = f"{words} — {text}"
    marks = qualifier_words(date)
    if marks:
        text += f"; the source marks it {', '.join(marks)}"
    return text


def _people_number(value: float) -> str:
    for size, word in _SCALE:
        if value >= size:
            number = value / size
            shown = f"{number:.1f}".rstrip("0").rstrip(".")
            return f"{shown} {word}"
    return f"{value:,.0f}" if value == int(value) else f"{value:,}"


def format_amount(amount: Amount) -> str:
    """'US$1 billion', '65%', 'at least 16,500', '130 million TIV — a volume index, not
    money', for people."""
    bound = _BOUND.get(amount.bound or "", "")
    mark = "?" if amount.bound == "uncertain" else ""
    if amount.currency:
        symbol = "US$" if amount.currency == "USD" else f"{amount.currency} "
        top = f"–{_people_number(amount.upper)}" if amount.upper is not None else ""
        return f"{bound}{symbol}{_people_number(amount.value)}{top}{mark}"
    if amount.unit == "percent":
        return f"{bound}{amount.number}%"
    if amount.unit == "tiv_million":
        number = _people_number(amount.value * 1e6)
        return f"{bound}{number} TIV — a volume index, not money"
    if amount.unit == "km2":
        return f"{bound}{_people_number(amount.value)} km²"
    return f"{bound}{_people_number(amount.value)}{mark}"


# Imported rows that could match a curated event: same supplier, recipient and system;
# matching.matching_rows then applies the whole rule, dates too, so the page and the
# library agree. Capped: a page lists a deal's rows, not a register. Found from the events
# with the system (the rarest of the three: Russia supplies most events, so starting
# from the supplier read most of a million ids first; "cross join" keeps that order, which
# the planner left for the kind's index), each then looked up in the register and checked
# for its supplier and recipient through the actors' index.
_CANDIDATES = """
select event_id from registers where row in (
  select r.row from event_systems s
  cross join registers r on r.event_id = s.event_id
  cross join events o on o.id = s.event_id
  where s.system in (select value from json_each(:systems))
    and o.kind = 'deal'
    and exists (select 1 from actors a where a.event_id = o.id and a.role = 'supplier'
                and a.country in (select value from json_each(:suppliers)))
    and exists (select 1 from actors a where a.event_id = o.id
                and a.role in ('recipient', 'buyer')
                and a.country in (select value from json_each(:recipients)))
  limit 200
)
"""


def _register_candidates(conn: Any, event_id: str) -> list[str]:
    row = conn.execute(
        "select suppliers, recipients, systems, origin from events where id = ?", (event_id,)
    ).fetchone()
    if row is None or row[3] != "curated":
        return []
    if conn.execute("select 1 from registers limit 1").fetchone() is None:
        return []  # nothing imported
    params = dict(zip(("suppliers", "recipients", "systems"), row[:3], strict=True))
    return [r[0] for r in conn.execute(_CANDIDATES, params)]


def _linked(events: str, event: Event) -> dict[str, str]:
    return {"title": event.title, "date": describe(event.date), "url": f"{events}/{event.id}"}


def _register_line(event: Event) -> str:
    """What an imported event's row says beyond the model, in words."""
    reg = event.register
    if reg is None:
        return ""
    parts = [f"SIPRI's designation: {reg.designation} ({reg.description})"]
    if reg.status:
        parts.append(f"status: {reg.status.lower()}")
    years = ", ".join(str(y) for y in reg.delivered)
    parts.append(f"delivered in {years}" if years else "nothing delivered yet")
    line = "; ".join(parts) + "."
    if reg.editions:
        line += f" Listed in the register's editions of {', '.join(reg.editions)}."
    if reg.changes:
        line += " SIPRI changed it: " + "; ".join(reg.changes) + "."
    return line


async def event_page_context(datasette: Any, database: str, event_id: str) -> dict[str, Any]:
    """Everything the event page shows, or {} when the id is not an event."""
    db = datasette.get_database(database)

    def read(conn: Any) -> tuple[list[Event], dict[str, Any]]:
        neighbours = [
            row[0]
            for row in conn.execute(
                "select to_event from relations where from_event = ? union "
                "select from_event from relations where to_event = ?",
                (event_id, event_id),
            )
        ]
        candidates = _register_candidates(conn, event_id)
        events, _ = read_events(conn, [event_id, *neighbours, *candidates])
        bibliography = {
            row[0]: dict(
                zip(
                    ("title", "publisher", "author", "published", "url", "file"),
                    row[1:],
                    strict=True,
                )
            )
            for row in conn.execute(
                "select id, title, publisher, author, published, url, file from sources "
                "where id in (select source_id from citations where event_id = ?)",
                (event_id,),
            )
        }
        return events, bibliography

    table = datasette.urls.table(database, "events")
    path = datasette.urls.path
    reader = path("/events")  # the reader's pages, not Datasette's table
    events, bibliography = await db.execute_fn(read)
    timeline = Timeline(events)
    event = timeline.get(event_id)
    if event is None:
        return {}
    register_rows = [
        {
            "order": _linked(reader, row.order),
            "delivery": _linked(reader, row.delivery) if row.delivery else None,
        }
        for row in timeline.register_matches(event)
    ]
    return {
        "event": event,
        "register_rows": register_rows,
        "register": _register_line(event),
        "when": precision_sentence(event),
        "basis": _BASIS.get(event.date_basis, ""),
        "kind": event.kind.replace("_", " "),
        "kind_url": f"{reader}?kind={event.kind}",
        "actors": [
            {
                "name": a.label,
                "code": a.country if a.type == "state" else None,
                "url": path(f"/countries/{a.country}") if a.country else None,
                "role": a.role.replace("_", " "),
            }
            for a in event.actors
        ],
        "systems": [
            {"name": s, "url": path("/systems/" + urllib.parse.quote(s, safe=""))}
            for s in event.systems
        ],
        "amounts": [{"figure": format_amount(a), "what": a.what} for a in event.amounts],
        "citations": [
            {
                "quote": c.quote,
                "id": c.source,
                **bibliography.get(c.source, {"title": c.source}),
                "url": web_address(bibliography.get(c.source, {}).get("url")),  # http(s) only
                "source_url": datasette.urls.table(database, "sources") + "/" + c.source,
            }
            for c in event.sources
        ],
        "related": [
            {
                "relation": name.replace("_", " "),
                "title": other.title,
                "url": f"{reader}/{other.id}",
                "date": describe(other.date),
            }
            for name, other in timeline.related(event)
        ],
        "places_json": json.dumps(
            [{"name": p.name, "lat": p.lat, "lon": p.lon} for p in event.places]
        ),
        "ics_url": f"{datasette.urls.table(database, 'events', format='ics')}?id={event.id}",
        "json_url": f"{table}/{event.id}.json",
        "permalink": f"{reader}/{event.id}",
        "row_url": f"{table}/{event.id}",
        "timeline_url": path("/timeline"),
    }
