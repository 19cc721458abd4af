"""``armstimeline figures``: the measures analysts take of a registered trade register."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import click

from armstimeline.cli.options import dirs, events_options, run_library

__all__ = ["figures_group"]

_OUTPUT = [
    click.option("--json", "as_json", is_flag=True,
                 help="Print JSON: parties by code, shares as fractions 0-1 with low/high."),
    click.option("--csv", "as_csv", is_flag=True, help="Print CSV rows."),
]  # fmt: skip


def _outputs(func: Any) -> Any:
    for option in reversed(_OUTPUT):
        func = option(func)
    return events_options(func)


def _transfers(events_dir: Path | None, sources_dir: Path | None) -> Any:
    from armstimeline.figures import load_transfers

    events_dir, sources_dir = dirs(events_dir, sources_dir)
    return load_transfers(events_dir, sources_dir)


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:.1f}%"


def _emit(rows: list[dict[str, Any]], data: dict[str, Any], as_json: bool, as_csv: bool,
          table: list[tuple[str, str]], title: str, notes: list[str]) -> None:  # fmt: skip
    """One figure as JSON, CSV or a readable table with its notes."""
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    if as_csv:
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(rows[0]) if rows else ["none"],
                                lineterminator="\n", extrasaction="ignore")  # fmt: skip
        writer.writeheader()
        writer.writerows({k: json.dumps(v) if isinstance(v, list) else v
                          for k, v in r.items()} for r in rows)  # fmt: skip
        click.echo(out.getvalue(), nl=False)
        return
    click.echo(title)
    widths = [max(len(h), *(len(_cell(r, k)) for r in rows)) if rows else len(h)
              for h, k in table[:-1]] + [0]  # the last column is not padded  # fmt: skip
    click.echo("  ".join(h.ljust(w) for (h, _), w in zip(table, widths, strict=True)).rstrip())
    for r in rows:
        cells = [_cell(r, k).ljust(w) for (_, k), w in zip(table, widths, strict=True)]
        click.echo("  ".join(cells).rstrip())
    for note in notes:
        click.echo(f"\n{note}")


def _cell(row: dict[str, Any], key: str) -> str:
    value = row.get(key)
    if key.startswith("share") or key == "change" or key.startswith("world_share"):
        return _pct(value)
    if isinstance(value, float):
        return f"{value:,.1f}"
    if isinstance(value, list):
        return ", ".join(map(str, value)) or "-"
    return "-" if value is None else str(value)


@click.group("figures", epilog="Example: armstimeline figures dependency --recipient India "
             "--window 2020/2024")  # fmt: skip
def figures_group() -> None:
    """Shares, dependency, concentration and trends from a registered SIPRI register.

    Figures are computed by armstimeline from SIPRI's data (not SIPRI's own), in TIV (a
    volume index, not money); a window's values are estimates with low and high bounds.
    """


@figures_group.command("dependency")
@click.option("--recipient", required=True, help="A country code or name (India, IND).")
@click.option("--window", required=True, help="Years, e.g. 2020/2024.")
@click.option("--states-only", is_flag=True, help="Leave non-state suppliers out.")
@_outputs
@run_library
def dependency_command(recipient: str, window: str, states_only: bool, as_json: bool,
                       as_csv: bool, events_dir: Path | None,
                       sources_dir: Path | None) -> None:  # fmt: skip
    """A recipient's suppliers: each one's share of its arms imports in a window."""
    from armstimeline.figures import dependency

    figure = dependency(_transfers(events_dir, sources_dir), recipient, window,
                        states_only=states_only)  # fmt: skip
    data = figure.as_dict()
    title = f"{figure.title} (HHI {figure.hhi:,.0f} of 10,000)"
    _emit(data["rows"], data, as_json, as_csv,
          [("supplier", "key"), ("name", "label"), ("TIV", "tiv"), ("share", "share"),
           ("low", "share_low"), ("high", "share_high")], title, list(figure.notes))  # fmt: skip


@figures_group.command("clients")
@click.option("--supplier", required=True, help="A country code or name (Russia, RUS).")
@click.option("--window", required=True, help="Years, e.g. 2020/2024.")
@click.option("--states-only", is_flag=True, help="Leave non-state recipients out.")
@_outputs
@run_library
def clients_command(supplier: str, window: str, states_only: bool, as_json: bool,
                    as_csv: bool, events_dir: Path | None,
                    sources_dir: Path | None) -> None:  # fmt: skip
    """A supplier's recipients: each one's share of its arms exports in a window."""
    from armstimeline.figures import clients

    figure = clients(_transfers(events_dir, sources_dir), supplier, window,
                     states_only=states_only)  # fmt: skip
    data = figure.as_dict()
    world = data.get("world_share")
    said = (f"; {_pct(world['share'])} of the world's exports "
            f"({_pct(world['low'])}-{_pct(world['high'])})" if world else "")  # fmt: skip
    notes = list(figure.notes) + ([data["world_share_note"]] if "world_share_note" in data
                                  else [])  # fmt: skip
    _emit(data["rows"], data, as_json, as_csv,
          [("recipient", "key"), ("name", "label"), ("TIV", "tiv"), ("share", "share"),
           ("low", "share_low"), ("high", "share_high")], figure.title + said,
          notes)  # fmt: skip


@figures_group.command("trend")
@click.option("--supplier", required=True, help="A country code or name (Russia, RUS).")
@click.option("--size", default=5, show_default=True, help="Years in a window.")
@_outputs
@run_library
def trend_command(supplier: str, size: int, as_json: bool, as_csv: bool,
                  events_dir: Path | None, sources_dir: Path | None) -> None:  # fmt: skip
    """A supplier's deliveries per window (change, share of the world's) and per year."""
    from armstimeline.figures import trend

    data = trend(_transfers(events_dir, sources_dir), supplier, size=size)
    _emit(data["windows"], data, as_json, as_csv,
          [("window", "window"), ("TIV", "tiv"), ("low", "low"), ("high", "high"),
           ("change", "change"), ("world share", "world_share")],
          data.get("title", ""), data["notes"])  # fmt: skip
    if not (as_json or as_csv):
        click.echo("\nyear  TIV  recipients")
        for row in data["years"]:
            click.echo(f"{row['year']}  {row['tiv']:,.1f}  {row['recipients']}")


@figures_group.command("before-after")
@click.argument("event_id")
@click.option("--years", default=5, show_default=True, help="Years before and after.")
@click.option("--supplier", default=None, help="Default: the event's supplier, else Russia.")
@_outputs
@run_library
def before_after_command(event_id: str, years: int, supplier: str | None, as_json: bool,
                         as_csv: bool, events_dir: Path | None,
                         sources_dir: Path | None) -> None:  # fmt: skip
    """Each client's imports from the supplier in the years before and after an event."""
    from armstimeline.cli.options import load_timeline
    from armstimeline.errors import UsageError
    from armstimeline.figures import before_after

    timeline = load_timeline(events_dir, sources_dir)
    event = timeline.get(event_id)
    if event is None:
        raise UsageError(f"There is no event '{event_id}'; list ids with `armstimeline list`.")
    data = before_after(_transfers(events_dir, sources_dir), event, list(timeline),
                        years=years, supplier=supplier)  # fmt: skip
    title = (f"Clients of {data['supplier']} before ({data['before']}) and after "
             f"({data['after']}) {event.title}")  # fmt: skip
    _emit(data["rows"], data, as_json, as_csv,
          [("recipient", "recipient"), ("TIV before", "tiv_before"), ("TIV after", "tiv_after"),
           ("share before", "share_before"), ("share after", "share_after"),
           ("points", "change_points"), ("events between", "between")], title,
          data["notes"])  # fmt: skip


@figures_group.command("tables", epilog="Example: armstimeline figures tables --out tables "
                       "--format parquet")  # fmt: skip
@click.option("--out", "folder", type=click.Path(file_okay=False, path_type=Path),
              required=True, help="Folder to write events, transfers and transfer_years into.")
@click.option("--format", "fmt", type=click.Choice(["csv", "parquet"]), default="csv",
              show_default=True, help="CSV (UTF-8) or Parquet (needs the 'parquet' extra).")
@events_options
@run_library
def tables_command(folder: Path, fmt: str, events_dir: Path | None,
                   sources_dir: Path | None) -> None:  # fmt: skip
    """Write the analysts' tables: the events, the register's transfers (one row per
    current row) and transfer_years (each delivery year's estimated TIV)."""
    from armstimeline.cli.options import load_timeline
    from armstimeline.export.tables import write_tables

    written = write_tables(load_timeline(events_dir, sources_dir),
                           _transfers(events_dir, sources_dir), folder, fmt)  # fmt: skip
    for path in written:
        click.echo(f"Wrote {path}")
