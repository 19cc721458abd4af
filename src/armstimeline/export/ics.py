"""iCalendar (RFC 5545) with the icalendar library: all-day events as long as the date.

A day-precise event covers that day, a month-precise one the month, a year-precise one
the year, an interval its span: DTSTART is the earliest day and DTEND the day after the
latest (exclusive, as RFC 5545 wants for DATE values). The SUMMARY begins with the date
as written, so nobody mistakes '2016' for 1 January. UIDs come from event ids, and
DTSTAMP is fixed (``SOURCE_DATE_EPOCH`` when set), so two exports are byte-identical
and a subscribed calendar updates events instead of duplicating them.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Mapping

import icalendar

from armstimeline.model import Event, Source

__all__ = ["UID_DOMAIN", "calendar", "event_uid", "ics_bytes"]

UID_DOMAIN = "armstimeline"
PRODID = "-//armstimeline//armstimeline events//EN"


def event_uid(event_id: str) -> str:
    return f"{event_id}@{UID_DOMAIN}"


def _stamp() -> dt.datetime:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    seconds = int(epoch) if epoch and epoch.isdigit() else 0
    return dt.datetime.fromtimestamp(seconds, tz=dt.UTC)


def _description(event: Event, sources: Mapping[str, Source]) -> str:
    precision = event.date.precision.label
    span = f"{event.date.earliest.isoformat()} to {event.date.latest.isoformat()}"
    lines = [event.summary, "", f"Date: {event.date} ({precision} precision; {span})"]
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
    item.add("dtstamp", _stamp())
    item.add("dtstart", event.date.earliest)
    item.add("dtend", event.date.latest.add(days=1))
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
