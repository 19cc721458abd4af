"""Commands that read the timeline: list, show, export, new; and the shared filter options."""

from __future__ import annotations

import json
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from armstimeline import paths
from armstimeline.cli import cli, dirs, events_options, load_timeline, run_library
from armstimeline.errors import ArmstimelineError


def filter_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """The one filter language, as options shared by list and export."""
    options = [
        click.option("--country", "countries", multiple=True, metavar="ISO3",
                     help="Events with this country (ISO 3166-1 alpha-3). Repeatable."),
        click.option("--role", default=None, metavar="ROLE",
                     help="With --country: only in this role (supplier, recipient, buyer, ...)."),
        click.option("--kind", "kinds", multiple=True, help="Events of this kind. Repeatable."),
        click.option("--system", "systems", multiple=True,
                     help="Events naming this weapon system; aliases match (SS-26 Stone)."),
        click.option("--tag", "tags", multiple=True, help="Events with this tag. Repeatable."),
        click.option("--region", "regions", multiple=True, help="Events in this region."),
        click.option("--from", "start", default=None, metavar="DATE",
                     help="Events that could fall on or after this date (2015, 2015-06, ...)."),
        click.option("--to", "end", default=None, metavar="DATE",
                     help="Events that could fall on or before this date."),
        click.option("--search", "text", default=None, metavar="WORDS",
                     help="Events whose text contains all these words."),
    ]  # fmt: skip
    for option in reversed(options):
        func = option(func)
    return func


def make_filter(**kwargs: Any):  # type: ignore[no-untyped-def]
    from armstimeline.timeline import Filter

    return Filter(
        countries=kwargs.get("countries") or (),
        role=kwargs.get("role"),
        kinds=kwargs.get("kinds") or (),
        systems=kwargs.get("systems") or (),
        tags=kwargs.get("tags") or (),
        regions=kwargs.get("regions") or (),
        start=kwargs.get("start"),
        end=kwargs.get("end"),
        text=kwargs.get("text"),
    )


FILTER_KEYS = ("countries", "role", "kinds", "systems", "tags", "regions", "start", "end", "text")


def split_filters(kwargs: dict[str, Any]) -> dict[str, Any]:
    return {k: kwargs.pop(k) for k in FILTER_KEYS}


@cli.command(
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
            raise ArmstimelineError("Give --format when writing to standard output.")
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
            raise ArmstimelineError("--datapackage goes with the CSV format.")
        from armstimeline.export.csv import datapackage as describe

        text = json.dumps(describe(output.name), indent=2) + "\n"
        _write_atomic(output.with_name("datapackage.json"), text.encode())
    click.echo(f"Wrote {len(timeline)} events to {output} ({fmt}).", err=True)


def _write_atomic(path: Path, data: bytes) -> None:
    from armstimeline.atomic import write_atomic
    from armstimeline.errors import ExportError

    write_atomic(path, data, ExportError)


@cli.command(
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


@cli.command("show", epilog="Example: armstimeline show turkey-s400-purchase-2019")
@events_options
@click.argument("event_id")
@click.option("--json", "as_json", is_flag=True, help="Print the event as JSON.")
@run_library
def show_command(
    events_dir: Path | None, sources_dir: Path | None, event_id: str, as_json: bool
) -> None:
    """Print one event with its sources, quotes and related events."""
    from armstimeline.serialize import event_to_dict

    timeline = load_timeline(events_dir, sources_dir)
    event = timeline.get(event_id)
    if event is None:
        import difflib

        hint = difflib.get_close_matches(event_id, timeline.ids, n=1)
        fix = f" Did you mean '{hint[0]}'?" if hint else " List ids with `armstimeline list`."
        raise ArmstimelineError(f"There is no event '{event_id}'.{fix}")
    if as_json:
        data = event_to_dict(event)
        data["related"] = [
            {"relation": rel, "id": other.id} for rel, other in timeline.related(event)
        ]
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    click.echo(event.title)
    click.echo(f"{event.date} ({event.date.precision.label} precision), {event.kind}")
    if event.actors:
        click.echo("Actors: " + ", ".join(f"{a.country} ({a.role})" for a in event.actors))
    if event.systems:
        click.echo("Systems: " + ", ".join(event.systems))
    for amount in event.amounts:
        click.echo(f"Amount: {amount.label} — {amount.what}")
    click.echo("")
    click.echo(event.summary)
    if event.note:
        click.echo(f"\nNote: {event.note}")
    click.echo("\nSources:")
    for source, quote in timeline.citations(event):
        title = source.title if source else "?"
        click.echo(f"  {title}\n    “{quote}”")
    related = timeline.related(event)
    if related:
        click.echo("\nRelated:")
        for rel, other in related:
            click.echo(f"  {rel:<13} {other.date!s:<12} {other.title} [{other.id}]")


@cli.command(
    "new",
    epilog="Example: armstimeline new 'Egypt buys Su-35 fighters' --date 2018 "
    "--source wavell-room-arms-sales --quote 'SU-35 fighters'",
)
@click.argument("title")
@click.option("--date", "date_text", required=True, help="YYYY, YYYY-MM, YYYY-MM-DD or START/END.")
@click.option("--kind", default="deal", show_default=True, help="The event kind.")
@click.option("--id", "event_id", default=None, help="The id (default: from title and year).")
@click.option("--source", default=None, help="Id of the source in seeds/sources.yml.")
@click.option("--quote", default=None, help="A short verbatim quote from that source.")
@click.option(
    "--events",
    "events_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder to write into. Default: ./events.",
)
@click.option(
    "--sources",
    "sources_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder with sources.yml, to check --source and --quote. Default: ./seeds, else bundled.",
)
@run_library
def new_command(
    title: str,
    date_text: str,
    kind: str,
    event_id: str | None,
    source: str | None,
    quote: str | None,
    events_dir: Path | None,
    sources_dir: Path | None,
) -> None:
    """Write a skeleton event file to fill in, then run `armstimeline validate`.

    With --source and --quote the skeleton validates as written; otherwise the
    validator points at the placeholders left to fill in.
    """
    from armstimeline.scaffold import new_event_file

    folder = events_dir or Path("events")
    path = new_event_file(
        folder,
        title,
        date_text,
        kind=kind,
        event_id=event_id,
        source=source,
        quote=quote,
        sources_dir=sources_dir or paths.default_sources_dir(),
    )
    todo = "" if source and quote else "fill in the TODOs and "
    click.echo(f"Wrote {path}; {todo}run `armstimeline validate`.")


__all__ = ["dirs", "filter_options", "make_filter"]
