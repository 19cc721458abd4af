"""Commands on the database: build, serve."""

from __future__ import annotations

from pathlib import Path

import click

from armstimeline.cli.options import db_option, dirs, events_options, progress_bar, run_library

__all__ = ["build", "serve"]


@click.command(epilog="Example: armstimeline build --db armstimeline.db")
@events_options
@db_option
@run_library
def build(events_dir: Path | None, sources_dir: Path | None, db_path: Path) -> None:
    """Validate the events and build the SQLite database.

    The new database is written beside the old one and renamed into place only when
    complete, so a failed build leaves the previous database untouched.
    """
    from armstimeline.database import build as build_db

    events_dir, sources_dir = dirs(events_dir, sources_dir)
    report = build_db(events_dir, sources_dir, db_path, progress_bar)
    click.echo(f"Built {report.path} with {report.events} events.", err=True)


@click.command(epilog="Example: armstimeline serve --port 8001")
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
    help="Server processes: more serve more readers at once, each costs a start-up. "
    "Default: 1.",
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
    from armstimeline.site.serve import serve_database

    events_dir, sources_dir = dirs(events_dir, sources_dir)
    serve_database(
        db_path,
        events_dir=None if no_rebuild else events_dir,
        sources_dir=sources_dir,
        host=host,
        port=port,
        metadata=metadata_file,
        echo=lambda msg: click.echo(msg, err=True),
        workers=workers or 1,
    )
