"""iCalendar (RFC 5545) with the icalendar library: all-day events as long as the date.

A day-precise event covers that day, a month-precise one the month, a year-precise one
the year, an interval its span: DTSTART is the earliest day and DTEND the day after the
latest (exclusive, as RFC 5545 wants for DATE values). An open or unknown interval end
is cut at the known end (see ``calendar_span``) and the description says so. The
SUMMARY begins with the date as written, so nobody mistakes '2016' for 1 January. UIDs
come from event ids, and DTSTAMP is fixed (``SOURCE_DATE_EPOCH`` when set), so two
exports are byte-identical and a subscribed calendar updates events instead of
duplicating them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

import icalendar

from armstimeline.dates import DateInterval, EventDate, PartialDate
from armstimeline.datewords import describe, qualifier_words
from armstimeline.export.clock import stamp
from armstimeline.model import Event, Source

__all__ = ["UID_DOMAIN", "calendar", "event_uid", "ics_bytes"]

UID_DOMAIN = "armstimeline"
PRODID = "-//armstimeline//armstimeline events//EN"


def event_uid(event_id: str) -> str:
    return f"{event_id}@{UID_DOMAIN}"


def calendar_span(date: EventDate) -> tuple[dt.date, dt.date]:
    """The all-day span a calendar shows: the strict bounds, except that an open or
    unknown interval end is cut at the known end's own bounds (a span to 9999, or to the
    export day, would sit on every day of a reader's calendar); the description says so."""
    if isinstance(date, DateInterval):
        first, last = date.ends[0], date.ends[-1]
        start = date.earliest if isinstance(date.start, PartialDate) else last.earliest
        end = date.latest if isinstance(date.end, PartialDate) else first.latest
        return start, end
    return date.earliest, date.latest


def _date_line(date: EventDate) -> str:
    """'2016 (year precision; 2016-01-01 to 2016-12-31)', with the words and qualifiers
    when there are any, and where the calendar cuts an open or unknown end."""
    words = describe(date)
    qualifiers = qualifier_words(date)
    marks = "".join(f", {q}" for q in qualifiers)
    first = "an open start" if getattr(date, "open_start", False) else (
        "an unknown start" if getattr(date, "unknown_start", False) else date.earliest.isoformat()
    )
    last = "an open end" if getattr(date, "open_end", False) else (
        "an unknown end" if getattr(date, "unknown_end", False) else date.latest.isoformat()
    )
    line = f"{date}" + (f" — {words}" if words != str(date) else "")
    line += f" ({date.precision.label} precision{marks}; {first} to {last})"
    start, end = calendar_span(date)
    if (start, end) != (date.earliest, date.latest):
        line += (f". The calendar shows {start.isoformat()} to {end.isoformat()}, the part "
                 "the source dates")  # fmt: skip
    return line


def _description(event: Event, sources: Mapping[str, Source]) -> str:
    lines = [event.summary, "", f"Date: {_date_line(event.date)}"]
    if event.note:
        lines += ["", f"Note: {event.note}"]
    lines += ["", "Sources:"]
    for citation in event.sources:
        source = sources.get(citation.source)
        name = source.title if source else citation.source
        lines.append(f"- {name} ({citation.source}): “{citation.quote}”")
    return "\n".join(lines)


def vevent(
    event: Event, sources: Mapping[str, Source], base_url: str | None = None
) -> icalendar.Event:
    item = icalendar.Event()
    item.add("uid", event_uid(event.id))
    item.add("dtstamp", stamp())
    start, end = calendar_span(event.date)
    item.add("dtstart", start)
    item.add("dtend", end + dt.timedelta(days=1))
    item.add("summary", f"[{event.date}] {event.title}")
    item.add("description", _description(event, sources))
    item.add("categories", [event.kind, *event.tags])
    item.add("transp", "TRANSPARENT")
    item.add("x-armstimeline-date", str(event.date))
    item.add("x-armstimeline-precision", event.date.precision.label)
    if event.places:
        item.add("location", "; ".join(p.name for p in event.places))
        item.add("geo", (event.places[0].lat, event.places[0].lon))
    if base_url:
        item.add("url", f"{base_url.rstrip('/')}/events/{event.id}")
    return item


def calendar(
    events: Iterable[Event],
    sources: Mapping[str, Source],
    *,
    name: str = "armstimeline",
    base_url: str | None = None,
) -> icalendar.Calendar:
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    cal.add("name", name)
    for event in events:
        cal.add_component(vevent(event, sources, base_url))
    return cal


def ics_bytes(
    events: Iterable[Event],
    sources: Mapping[str, Source],
    *,
    name: str = "armstimeline",
    base_url: str | None = None,
) -> bytes:
    return calendar(events, sources, name=name, base_url=base_url).to_ical()
