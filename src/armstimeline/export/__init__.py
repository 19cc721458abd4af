"""Exports: CSV, iCalendar, JSON and TimelineJS, from a Timeline."""

from __future__ import annotations

from pathlib import Path

from armstimeline.errors import ExportError
from armstimeline.timeline import Timeline

__all__ = ["FORMATS", "export", "format_for_path"]

FORMATS = ("csv", "ics", "json", "timelinejs", "svg")
_SUFFIXES = {".csv": "csv", ".ics": "ics", ".ical": "ics", ".json": "json", ".svg": "svg"}


def format_for_path(path: Path) -> str:
    """The format a file name implies: '.timeline.json' is TimelineJS, '.json' JSON."""
    name = path.name.lower()
    if name.endswith(".timeline.json") or name.endswith(".timelinejs.json"):
        return "timelinejs"
    try:
        return _SUFFIXES[path.suffix.lower()]
    except KeyError:
        raise ExportError(
            f"Cannot tell the format from '{path.name}'; use --format "
            f"({', '.join(FORMATS)}) or a .csv, .ics, .json or .svg file name."
        ) from None


def export(
    timeline: Timeline,
    fmt: str,
    *,
    base_url: str | None = None,
    name: str = "armstimeline",
    lanes: str = "country",
) -> bytes:
    """The timeline in one format, as bytes ready to write."""
    if fmt == "csv":
        from armstimeline.export.csv import csv_text

        return csv_text(timeline).encode("utf-8")
    if fmt == "ics":
        from armstimeline.export.ics import ics_bytes

        return ics_bytes(timeline, timeline.sources, name=name, base_url=base_url)
    if fmt == "json":
        from armstimeline.export.jsonout import events_json

        return events_json(timeline).encode("utf-8")
    if fmt == "timelinejs":
        from armstimeline.export.jsonout import timelinejs_json

        return timelinejs_json(timeline, name).encode("utf-8")
    if fmt == "svg":
        from armstimeline.export.svg import render_svg

        link = f"{base_url.rstrip('/')}/events/{{id}}" if base_url else "#{id}"
        return render_svg(timeline, lanes=lanes, link=link, title=name).encode("utf-8")  # type: ignore[arg-type]
    raise ExportError(f"Unknown format '{fmt}'; use one of {', '.join(FORMATS)}.")
