"""Commands that read the timeline: export, list, show."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path
from typing import Any

import click

from armstimeline.cli.options import (
    events_options,
    filter_options,
    load_timeline,
    make_filter,
    run_library,
    split_filters,
)
from armstimeline.errors import ExportError, UsageError

__all__ = ["export_command", "list_command", "show_command"]


@click.command(
    "export",
    epilog="Examples:\n\n  armstimeline export --country TUR -o turkey.ics\n\n"
    "  armstimeline export --format csv --datapackage -o events.csv",
)
@events_options
@filter_options
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "ics", "json", "timelinejs", "svg"]),
    default=None,
    help="Output format. Default: from the -o file's extension (.csv, .ics, .json, "
    ".timeline.json, .svg).",
)
@click.option(
    "--lanes",
    type=click.Choice(["country", "kind"]),
    default="country",
    show_default=True,
    help="SVG only: one swimlane per country or per kind.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="File to write. Default: standard output.",
)
@click.option(
    "--base-url", default=None, help="Datasette database URL, for links to event pages (ics, svg)."
)
@click.option("--name", default="armstimeline", show_default=True, help="Calendar/timeline name.")
@click.option(
    "--datapackage", is_flag=True, help="With CSV to a file: also write datapackage.json beside it."
)
@run_library
def export_command(
    events_dir: Path | None,
    sources_dir: Path | None,
    fmt: str | None,
    output: Path | None,
    base_url: str | None,
    name: str,
    datapackage: bool,
    lanes: str,
    **kwargs: Any,
) -> None:
    """Export the (filtered) timeline as CSV, iCalendar, JSON, TimelineJS or an SVG picture."""
    from armstimeline.export import export, format_for_path

    criteria = make_filter(**split_filters(kwargs))
    if fmt is None:
        if output is None:
            raise ExportError("Give --format when writing to standard output.")
        fmt = format_for_path(output)
    timeline = load_timeline(events_dir, sources_dir).filter(criteria)
    data = export(timeline, fmt, base_url=base_url, name=name, lanes=lanes)
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    _write_atomic(output, data)
    if datapackage:
        if fmt != "csv":
            raise ExportError("--datapackage goes with the CSV format.")
        from armstimeline.export.csv import datapackage as describe

        text = json.dumps(describe(output.name), indent=2) + "\n"
        _write_atomic(output.with_name("datapackage.json"), text.encode())
    click.echo(f"Wrote {len(timeline)} events to {output} ({fmt}).", err=True)


def _write_atomic(path: Path, data: bytes) -> None:
    from armstimeline.atomic import write_atomic

    write_atomic(path, data, ExportError)


@click.command(
    "list",
    epilog="Examples:\n\n  armstimeline list --country TUR --from 2015 --to 2020\n\n"
    "  armstimeline list --system 'SS-26 Stone' --json",
)
@events_options
@filter_options
@click.option("--json", "as_json", is_flag=True, help="Print the events as JSON.")
@run_library
def list_command(
    events_dir: Path | None, sources_dir: Path | None, as_json: bool, **kwargs: Any
) -> None:
    """Print the timeline: date as written, kind, countries and title, one line each."""
    from armstimeline.serialize import event_to_dict

    timeline = load_timeline(events_dir, sources_dir).filter(make_filter(**split_filters(kwargs)))
    if as_json:
        click.echo(json.dumps([event_to_dict(e) for e in timeline], ensure_ascii=False, indent=2))
        return
    width = shutil.get_terminal_size((100, 24)).columns if sys.stdout.isatty() else 10_000
    for event in timeline:
        click.echo(_line(event, width))


def _line(event, width: int) -> str:  # type: ignore[no-untyped-def]
    countries = ",".join(event.countries)
    if len(countries) > 19:
        countries = countries[:18] + "…"
    line = f"{event.date!s:<15} {event.kind:<15} {countries:<19} {event.title}"
    if len(line) > width:
        line = line[: max(width - 1, 10)] + "…"
    return line


@click.command("show", epilog="Example: armstimeline show turkey-s400-purchase-2019")
@events_options
@click.argument("event_id")
@click.option("--json", "as_json", is_flag=True, help="Print the event as JSON.")
@run_library
def show_command(
    events_dir: Path | None, sources_dir: Path | None, event_id: str, as_json: bool
) -> None:
    """Print one event with its sources, quotes and related events."""
    from armstimeline.datewords import date_line
    from armstimeline.serialize import event_to_dict

    timeline = load_timeline(events_dir, sources_dir, withdrawn=True)
    event = timeline.get(event_id) or next(
        (e for e in timeline.withdrawn if e.id == event_id), None
    )
    if event is None:
        import difflib

        hint = difflib.get_close_matches(event_id, timeline.ids, n=1)
        fix = f" Did you mean '{hint[0]}'?" if hint else " List ids with `armstimeline list`."
        raise UsageError(f"There is no event '{event_id}'.{fix}")
    if as_json:
        data = event_to_dict(event)
        data["related"] = [
            {"relation": rel, "id": other.id} for rel, other in timeline.related(event)
        ]
        data["register_rows"] = [
            {"row": row.key, "order": row.order.id,
             "delivery": row.delivery.id if row.delivery else None}
            for row in timeline.register_matches(event)
        ]  # fmt: skip
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    click.echo(event.title)
    click.echo(f"{date_line(event.date)}, {event.kind}")
    if event.actors:
        click.echo("Actors: " + ", ".join(f"{a.key} ({a.role})" for a in event.actors))
    if event.systems:
        click.echo("Systems: " + ", ".join(event.systems))
    for amount in event.amounts:
        click.echo(f"Amount: {amount.bounded} {amount.currency or amount.unit} — {amount.what}")
    click.echo("")
    click.echo(event.summary)
    if event.note:
        click.echo(f"\nNote: {event.note}")
    register = event.register
    if register is not None and (register.editions or register.withdrawn_in):
        if register.withdrawn_in:
            click.echo(f"\nWithdrawn in edition {register.withdrawn_in}: that edition of the "
                       "register no longer lists this row; left out of lists and exports.")
        click.echo(f"\nIn the register's editions: {', '.join(register.editions)}")
        for change in register.changes:
            click.echo(f"  SIPRI changed {change}")
    click.echo("\nSources:")
    for source, quote in timeline.citations(event):
        title = source.title if source else "?"
        click.echo(f"  {title}\n    “{quote}”")
    related = timeline.related(event)
    if related:
        click.echo("\nRelated:")
        for rel, other in related:
            click.echo(f"  {rel:<13} {other.date!s:<12} {other.title} [{other.id}]")
    rows = timeline.register_matches(event)
    if rows:
        click.echo("\nIn the register (rows that match: supplier, recipient, system, dates):")
        for row in rows:
            click.echo(f"  ordered   {row.order.date!s:<12} {row.order.title} [{row.order.id}]")
            if row.delivery is not None:
                d = row.delivery
                click.echo(f"  delivered {d.date!s:<12} {d.title} [{d.id}]")
            else:
                click.echo("  delivered (nothing recorded yet)")
