"""JSON exports: the events as in their files, and Knight Lab's TimelineJS format."""

from __future__ import annotations

import html
import json
import re
from typing import Any

from armstimeline.dates import DateInterval, PartialDate
from armstimeline.model import Event
from armstimeline.serialize import event_to_dict
from armstimeline.timeline import Timeline

__all__ = ["events_json", "timelinejs", "timelinejs_json"]


def events_json(timeline: Timeline) -> str:
    """``{"events": [...], "sources": [...]}``; each event as in its file."""
    data = {
        "events": [event_to_dict(e) for e in timeline],
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


def _tl_date(date: PartialDate) -> dict[str, int]:
    """Only the parts that are known: a year-precise date has no month or day."""
    out = {"year": date.year}
    if date.month is not None:
        out["month"] = date.month
    if date.day is not None:
        out["day"] = date.day
    return out


def _slide(event: Event) -> dict[str, Any]:
    date = event.date
    start = date.start if isinstance(date, DateInterval) else date
    slide: dict[str, Any] = {
        "unique_id": event.id,
        "start_date": _tl_date(start),
        "display_date": str(date),
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
        slide["end_date"] = _tl_date(date.end)
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
