"""``armstimeline import``: registering registers of arms transfers."""

from __future__ import annotations

from pathlib import Path

import click

from armstimeline.cli.options import run_library

__all__ = ["import_group"]


@click.group(
    "import", epilog="Example: armstimeline import sipri trade-register.csv --supplier Russia"
)
def import_group() -> None:
    """Register a register of arms transfers as the project's data."""


@import_group.command(
    "sipri",
    epilog="Example: armstimeline import sipri trade-register.csv --supplier Russia "
    "--supplier 'Soviet Union' --dry-run",
)
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--supplier", "suppliers", multiple=True,
              help="Cover rows with this supplier (a SIPRI name, country name or code); "
              "repeatable. Default: what the download covers.")
@click.option("--recipient", "recipients", multiple=True,
              help="Cover rows with this recipient; repeatable.")
@click.option("--edition", default=None, metavar="YYYY-MM-DD",
              help="The edition's date, for a file whose 'Data generated' stamp was removed.")
@click.option("--events", "events_dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("events"), show_default=True,
              help="The project's events folder (its seeds folder holds the registry).")
@click.option("--sources", "sources_dir", type=click.Path(file_okay=False, path_type=Path),
              default=None, help="Sources folder to register the file in. Default: the seeds "
              "folder beside the events folder.")
@click.option("--skip-bad-rows", is_flag=True,
              help="Register the rows that read and list every line left out, instead of "
              "refusing the file.")
@click.option("--dry-run", is_flag=True,
              help="Print what registering would add, revise and withdraw; write nothing.")
@run_library
def sipri_command(
    file: Path,
    suppliers: tuple[str, ...],
    recipients: tuple[str, ...],
    edition: str | None,
    events_dir: Path,
    sources_dir: Path | None,
    skip_bad_rows: bool,
    dry_run: bool,
) -> None:
    """Register FILE, a SIPRI Arms Transfers Database trade register (CSV as downloaded).

    The file is checked and copied byte for byte into the sources folder with its
    edition and scope; no event file is written. Loading, validating, building and
    exporting derive each row's order event and, once delivered, its delivery event,
    quoting the row. A newer edition of the same register becomes the current one within
    the scope both cover: rows it revises keep their ids, rows it no longer lists are
    withdrawn. Running it again on the same file changes nothing.
    """
    from armstimeline.importing import import_sipri

    report = import_sipri(file, events_dir, sources_dir, suppliers=suppliers,
                          recipients=recipients, edition=edition, skip_bad_rows=skip_bad_rows,
                          dry_run=dry_run)  # fmt: skip
    reg = report.register
    if not report.source_added:
        click.echo(f"This file is already registered as source '{report.source_id}' (edition "
                   f"{report.edition}); nothing changed.")  # fmt: skip
        return
    stamp = reg.generated_text or f"edition {report.edition}"
    click.echo(f"Read {len(reg.rows)} rows of a SIPRI trade register ({stamp}; {reg.encoding}).")
    for problem in report.skipped:
        click.echo(f"skipped: {problem}", err=True)
    if report.selected != len(reg.rows):
        click.echo(f"{report.selected} rows are within the scope registered.")
    def rows(n: int) -> str:
        return f"{n:,} row{'' if n == 1 else 's'}"

    click.echo(
        f"{rows(len(report.added))} added, {len(report.revised):,} revised, "
        f"{report.unchanged:,} unchanged, {len(report.withdrawn):,} withdrawn (kept for their "
        f"pages, left out of lists); {report.events:,} events."
    )
    # each row by its order event's id, which `show` takes
    for key, rule, changes in report.revised:
        click.echo(f"  {rule:<20} sipri-{key}-order: {'; '.join(changes)}")
    for key in report.withdrawn:
        click.echo(f"  withdrawn            sipri-{key}-order")
    for sentence in report.cautions:
        click.echo(f"note: {sentence}", err=True)
    for sentence in report.ambiguous:
        click.echo(f"  ambiguous            {sentence}")
    for warning in report.unmapped:
        click.echo(f"warning: {warning}", err=True)
    verb = "Would register" if report.dry_run else "Registered"
    click.echo(f"{verb} the file as source '{report.source_id}' (edition {report.edition}).")


@import_group.command(
    "drop-files", epilog="Example: armstimeline import drop-files --events events --dry-run"
)
@click.option("--events", "events_dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("events"), show_default=True, help="The project's events folder.")
@click.option("--dry-run", is_flag=True, help="List the files; remove nothing.")
@run_library
def drop_files_command(events_dir: Path, dry_run: bool) -> None:
    """Remove the per-row event files that imports of earlier releases wrote.

    Registers are now read directly; those files (each with a `register:` block, which
    only an import writes) would count every row twice. Curated files are never touched.
    Then run `armstimeline import sipri FILE` again to register the register itself.
    """
    from armstimeline.importing import drop_legacy_files

    dropped = drop_legacy_files(events_dir, dry_run=dry_run)
    verb = "Would remove" if dry_run else "Removed"
    click.echo(f"{verb} {len(dropped)} event files an earlier import wrote in {events_dir}.")
