"""``armstimeline import``: registers of arms transfers into event files."""

from __future__ import annotations

from pathlib import Path

import click

from armstimeline.cli.options import run_library

__all__ = ["import_group"]


@click.group(
    "import", epilog="Example: armstimeline import sipri trade-register.csv --supplier Russia"
)
def import_group() -> None:
    """Import a register of arms transfers as sourced event files."""


@import_group.command(
    "sipri",
    epilog="Example: armstimeline import sipri trade-register.csv --supplier Russia "
    "--supplier 'Soviet Union' --dry-run",
)
@click.argument("file", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("--supplier", "suppliers", multiple=True,
              help="Keep rows with this supplier (a SIPRI name, country name or code); repeatable.")
@click.option("--recipient", "recipients", multiple=True,
              help="Keep rows with this recipient; repeatable.")
@click.option("--events", "events_dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("events"), show_default=True, help="Folder to write event files into.")
@click.option("--sources", "sources_dir", type=click.Path(file_okay=False, path_type=Path),
              default=None, help="Sources folder to register the file in. Default: the seeds "
              "folder beside the events folder.")
@click.option("--dry-run", is_flag=True,
              help="Print what would be added, changed and gone; write nothing.")
@run_library
def sipri_command(
    file: Path,
    suppliers: tuple[str, ...],
    recipients: tuple[str, ...],
    events_dir: Path,
    sources_dir: Path | None,
    dry_run: bool,
) -> None:
    """Import FILE, a SIPRI Arms Transfers Database trade register (CSV as downloaded).

    Each row becomes an order event and, when anything was delivered, a delivery event
    linked to it, quoting the row verbatim; the file is registered as a source. Running
    it again on the same file writes nothing; a newer edition updates revised rows, adds
    new ones and lists the rows no longer in it (their files are kept).
    """
    from armstimeline.importing import import_sipri

    report = import_sipri(file, events_dir, sources_dir, suppliers=suppliers,
                          recipients=recipients, dry_run=dry_run)  # fmt: skip
    reg = report.register
    stamp = reg.generated_text or "no 'Data generated' stamp"
    click.echo(f"Read {len(reg.rows)} rows of a SIPRI trade register ({stamp}; {reg.encoding}).")
    if report.selected != len(reg.rows):
        click.echo(f"{report.selected} rows match the filters.")
    verb = "Would write" if report.dry_run else "Wrote"
    click.echo(
        f"{len(report.added)} events added, {len(report.changed)} changed, "
        f"{len(report.recited)} now citing this edition, {report.unchanged} unchanged, "
        f"{len(report.gone)} gone from this edition (kept)."
    )
    for event_id in report.added if report.dry_run else ():
        click.echo(f"  added    {event_id}")
    for event_id, fields in report.changed:
        click.echo(f"  changed  {event_id}: {', '.join(fields)}")
    for event_id in report.gone:
        click.echo(f"  gone     {event_id} (not in this edition; delete the file if it should go)")
    if report.source_added:
        source = f"{'would register' if dry_run else 'registered'} the file as source"
    else:
        source = "the file is already registered as source"
    files = len(report.added) + len(report.changed) + len(report.recited)
    click.echo(f"{verb} {files} event files; {source} '{report.source_id}'.")
