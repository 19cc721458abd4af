"""Commands on the event files: validate, stats, new."""

from __future__ import annotations

from pathlib import Path

import click

from armstimeline import paths
from armstimeline.cli.options import dirs, events_options, load_timeline, progress_bar, run_library
from armstimeline.errors import Problem

__all__ = ["new_command", "stats", "validate"]


@click.command(epilog="Example: armstimeline validate --events events --sources seeds")
@events_options
@run_library
def validate(events_dir: Path | None, sources_dir: Path | None) -> None:
    """Check every event file and report all problems at once.

    Prints one line per problem as PATH:LINE:COLUMN: FIELD: MESSAGE and exits 1 when
    there is any; exits 0 and prints a count when everything is valid. Warnings (such
    as two events with the same title) are printed but do not fail validation.
    """
    from armstimeline.loading import load_events, title_warnings

    events_dir, sources_dir = dirs(events_dir, sources_dir)
    unmapped: list[Problem] = []
    events, sources = load_events(events_dir, sources_dir, progress_bar, warnings=unmapped)
    for warning in [*title_warnings(events, events_dir), *unmapped]:
        click.echo(f"warning: {warning}", err=True)
    click.echo(f"{len(events)} events and {len(sources)} sources are valid.")



@click.command(epilog="Example: armstimeline stats --json")
@events_options
@click.option("--json", "as_json", is_flag=True, help="Print the counts as JSON.")
@run_library
def stats(events_dir: Path | None, sources_dir: Path | None, as_json: bool) -> None:
    """Count events by kind, country, decade and source."""
    import json

    from armstimeline.stats import counts

    table = counts(load_timeline(events_dir, sources_dir))
    if as_json:
        click.echo(json.dumps(table, indent=2, ensure_ascii=False))
        return
    click.echo(f"{table['events']} events")
    for section, rows in table.items():
        if section == "events":
            continue
        click.echo(f"\nBy {section}:")
        width = max((len(k) for k in rows), default=0)
        for key, n in rows.items():
            click.echo(f"  {key.ljust(width)}  {n:>4}")


@click.command(
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
    help="Folder with sources.yml, to check --source and --quote. Default: the seeds folder "
    "beside the events folder, else bundled.",
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
        sources_dir=sources_dir or paths.sources_for(folder),
    )
    todo = "" if source and quote else "fill in the TODOs and "
    click.echo(f"Wrote {path}; {todo}run `armstimeline validate`.")
