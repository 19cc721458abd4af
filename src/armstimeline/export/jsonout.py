"""JSON exports: the events as in their files, and Knight Lab's TimelineJS format."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from typing import Any

from armstimeline.dates import DateInterval, EventDate, PartialDate
from armstimeline.datewords import describe, qualifier_words
from armstimeline.export.clock import export_day
from armstimeline.model import Event
from armstimeline.serialize import event_to_dict
from armstimeline.timeline import Timeline

__all__ = ["date_parts", "events_json", "timelinejs", "timelinejs_json"]


def date_parts(date: EventDate) -> dict[str, Any]:
    """What a date string says, spelled out: precision, strict bounds, qualifiers."""
    return {
        "precision": date.precision.label,
        "earliest": date.earliest.isoformat(),
        "latest": date.latest.isoformat(),
        "qualifiers": qualifier_words(date),
        "words": describe(date),
    }


def events_json(timeline: Timeline) -> str:
    """``{"events": [...], "sources": [...]}``; each event as in its file, plus
    ``date_parts``: the date spelled out (``event_from_dict`` ignores it)."""
    data = {
        "events": [{**event_to_dict(e), "date_parts": date_parts(e.date)} for e in timeline],
        "sources": [
            {
                "id": s.id,
                "title": s.title,
                "publisher": s.publisher,
                "author": s.author,
                "published": str(s.published) if s.published else None,
                "url": s.url,
                "checked_locally": s.checked_locally,
            }
            for s in sorted(timeline.sources.values(), key=lambda s: s.id)
        ],
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def _tl_date(date: PartialDate | dt.date) -> dict[str, int]:
    """Only the parts that are known: a year-precise date has no month or day, a decade
    ('201X') gives its first year, an unspecified month ('2004-XX') none."""
    if not isinstance(date, PartialDate):
        return {"year": date.year, "month": date.month, "day": date.day}
    out = {"year": date.year}
    if date.month is not None:
        out["month"] = date.month
    if date.day is not None:
        out["day"] = date.day
    return out


def _slide(event: Event) -> dict[str, Any]:
    date = event.date
    if isinstance(date, DateInterval):
        # an open or unknown start: the slide starts at the known end
        first = date.start if isinstance(date.start, PartialDate) else date.ends[0]
    else:
        first = date
    slide: dict[str, Any] = {
        "unique_id": event.id,
        "start_date": _tl_date(first),
        "display_date": describe(date, short=True),
        "group": event.kind,
        "text": {
            "headline": html.escape(event.title),
            "text": _paragraphs(event.summary)
            + "".join(
                f"<blockquote>{html.escape(c.quote)}</blockquote><p>— {html.escape(c.source)}</p>"
                for c in event.sources
            ),
        },
    }
    if isinstance(date, DateInterval):
        # an open end is still going: it ends on the export day
        last = date.end if isinstance(date.end, PartialDate) else export_day()
        if isinstance(date.end, PartialDate) or date.open_end:
            slide["end_date"] = _tl_date(last)
    return slide


def timelinejs(timeline: Timeline, title: str = "armstimeline") -> dict[str, Any]:
    return {
        "title": {
            "text": {
                "headline": html.escape(title),
                "text": "<p>How Russia uses arms sales as a foreign-policy tool.</p>",
            }
        },
        "events": [_slide(e) for e in timeline],
    }


def _paragraphs(text: str) -> str:
    """Prose as HTML: a blank line starts a paragraph, a single line break stays one."""
    parts = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    return "".join(
        "<p>" + "<br>".join(html.escape(line) for line in part.split("\n")) + "</p>"
        for part in parts
    )


def timelinejs_json(timeline: Timeline, title: str = "armstimeline") -> str:
    return json.dumps(timelinejs(timeline, title), ensure_ascii=False, indent=2) + "\n"
