"""The command line: parse options, call the library, turn our errors into exit codes.

Heavy imports (sqlite-utils, datasette, icalendar) happen inside the commands that
need them, so ``armstimeline --help`` stays quick.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import click

from armstimeline import paths
from armstimeline.errors import ArmstimelineError, ValidationError


class ProblemsReported(click.ClickException):
    """Problems already printed one per line; exit 1 with a closing count."""

    def show(self, file: Any = None) -> None:
        click.echo(self.format_message(), err=True)


def run_library(func: Callable[..., Any]) -> Callable[..., Any]:
    """Map our errors to click's: problems one per line on stderr, exit code 1."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except ValidationError as exc:
            for problem in exc.problems:
                click.echo(str(problem), err=True)
            n = len(exc.problems)
            found = "1 problem found; fix it" if n == 1 else f"{n} problems found; fix them"
            raise ProblemsReported(f"{found} and run the command again.") from exc
        except ArmstimelineError as exc:
            raise click.ClickException(str(exc)) from exc

    return wrapper


def events_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """--events and --sources, shared by every command that reads the dataset."""
    func = click.option(
        "--sources",
        "sources_dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        help="Folder with sources.yml and the source texts. Default: ./seeds, else bundled.",
    )(func)
    return click.option(
        "--events",
        "events_dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        help="Folder of event files. Default: ./events, else the bundled events.",
    )(func)


def progress_bar(paths: list[Path]) -> Iterator[Path]:
    """A progress bar on a terminal for large folders; silent when piped."""
    if len(paths) < 500 or not sys.stderr.isatty():
        yield from paths
        return
    with click.progressbar(paths, label="Reading event files", file=sys.stderr) as bar:
        yield from bar


def dirs(events_dir: Path | None, sources_dir: Path | None) -> tuple[Path, Path]:
    return events_dir or paths.default_events_dir(), sources_dir or paths.default_sources_dir()


@click.group(
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    epilog="Example: armstimeline validate && armstimeline serve",
)
@click.version_option(package_name="armstimeline")
def cli() -> None:
    """Dated, sourced events on how Russia uses arms sales as a foreign-policy tool.

    Validate event files, build the SQLite database, serve it in Datasette and export
    timelines as CSV, iCalendar, JSON, TimelineJS or an SVG picture.
    """


@cli.command(epilog="Example: armstimeline validate --events events --sources seeds")
@events_options
@run_library
def validate(events_dir: Path | None, sources_dir: Path | None) -> None:
    """Check every event file and report all problems at once.

    Prints one line per problem as PATH:LINE:COLUMN: FIELD: MESSAGE and exits 1 when
    there is any; exits 0 and prints a count when everything is valid. Warnings (such
    as two events with the same title) are printed but do not fail validation.
    """
    from armstimeline.loader import load_events, title_warnings

    events_dir, sources_dir = dirs(events_dir, sources_dir)
    events, sources = load_events(events_dir, sources_dir, progress_bar)
    for warning in title_warnings(events, events_dir):
        click.echo(f"warning: {warning}", err=True)
    click.echo(f"{len(events)} events and {len(sources)} sources are valid.")


def load_timeline(events_dir: Path | None, sources_dir: Path | None):  # type: ignore[no-untyped-def]
    from armstimeline.timeline import load

    events_dir, sources_dir = dirs(events_dir, sources_dir)
    return load(events_dir, sources_dir)


@cli.command(epilog="Example: armstimeline stats --json")
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


def db_option(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--db",
        "db_path",
        type=click.Path(dir_okay=False, path_type=Path),
        default=Path("armstimeline.db"),
        show_default=True,
        help="The SQLite database file.",
    )(func)


@cli.command(epilog="Example: armstimeline build --db armstimeline.db")
@events_options
@db_option
@run_library
def build(events_dir: Path | None, sources_dir: Path | None, db_path: Path) -> None:
    """Validate the events and build the SQLite database.

    The new database is written beside the old one and renamed into place only when
    complete, so a failed build leaves the previous database untouched.
    """
    from armstimeline.db import build as build_db

    events_dir, sources_dir = dirs(events_dir, sources_dir)
    report = build_db(events_dir, sources_dir, db_path, progress_bar)
    click.echo(f"Built {report.path} with {report.events} events.", err=True)


@cli.command(epilog="Example: armstimeline serve --port 8001")
@events_options
@db_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8001, show_default=True, type=int, help="Port to listen on.")
@click.option(
    "--metadata",
    "metadata_file",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    default=None,
    help="Datasette metadata. Default: ./metadata.yml, else the bundled one.",
)
@click.option("--no-rebuild", is_flag=True, help="Serve the database as it is.")
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=None,
    help="Server processes. Default: one per core, at most 4.",
)
@run_library
def serve(
    events_dir: Path | None,
    sources_dir: Path | None,
    db_path: Path,
    host: str,
    port: int,
    metadata_file: Path | None,
    no_rebuild: bool,
    workers: int | None,
) -> None:
    """Rebuild the database if the events changed, then browse it in Datasette.

    The database is opened immutable (read-only) with metadata.yml, the map plugin and
    this project's plugin.
    """
    from armstimeline.site_serve import default_workers, serve_database

    events_dir, sources_dir = dirs(events_dir, sources_dir)
    serve_database(
        db_path,
        events_dir=None if no_rebuild else events_dir,
        sources_dir=sources_dir,
        host=host,
        port=port,
        metadata=metadata_file,
        echo=lambda msg: click.echo(msg, err=True),
        workers=workers or default_workers(),
    )


def main() -> None:  # pragma: no cover - console entry
    cli(prog_name="armstimeline")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())


from armstimeline import cli_timeline  # noqa: E402,F401 - registers list, show, export, new
