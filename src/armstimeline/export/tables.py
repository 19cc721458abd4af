"""The analysts' tables: the events, the transfers and their delivery years, as CSV
(UTF-8, RFC 4180, the formula rule of the events' CSV) or Parquet (pyarrow), so pandas,
polars and DuckDB users start from the same tables."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from armstimeline import atomic
from armstimeline.errors import ExportError, UsageError
from armstimeline.export.csv import csv_text, neutralise_row
from armstimeline.figures import Transfers
from armstimeline.figures.tables import TRANSFER_COLUMNS, YEAR_COLUMNS, transfer_rows, year_rows
from armstimeline.records import COLUMNS, record_values
from armstimeline.timeline import Timeline

__all__ = ["TABLE_FORMATS", "write_tables"]

TABLE_FORMATS = ("csv", "parquet")


def _csv(columns: Sequence[str], rows: list[tuple[Any, ...]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow(neutralise_row(row))
    return out.getvalue().encode("utf-8")


def _parquet(columns: Sequence[str], rows: list[tuple[Any, ...]]) -> bytes:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError as exc:
        raise UsageError(
            "Parquet needs pyarrow: pip install 'armstimeline[parquet]'"
        ) from exc
    arrays = {}
    for i, name in enumerate(columns):
        values = [None if r[i] == "" else r[i] for r in rows]
        kinds = {type(v) for v in values if v is not None}
        if kinds and kinds <= {int}:
            arrays[name] = pa.array(values, pa.int64())
        elif kinds and kinds <= {int, float}:
            arrays[name] = pa.array([None if v is None else float(v) for v in values],
                                    pa.float64())  # fmt: skip
        else:  # text: a column that mixes text and numbers keeps them as written
            arrays[name] = pa.array([None if v is None else str(v) for v in values],
                                    pa.string())  # fmt: skip
    table = pa.table(arrays)
    sink = io.BytesIO()
    pq.write_table(table, sink)
    return sink.getvalue()


def write_tables(
    timeline: Timeline, transfers: Transfers, folder: Path, fmt: str = "csv"
) -> list[Path]:
    """Write events, transfers and transfer_years into ``folder``; return the paths."""
    if fmt not in TABLE_FORMATS:
        raise ExportError(f"'{fmt}' is not a table format; use {' or '.join(TABLE_FORMATS)}")
    tables: dict[str, tuple[Sequence[str], list[tuple[Any, ...]]]] = {
        "transfers": (TRANSFER_COLUMNS, transfer_rows(transfers)),
        "transfer_years": (YEAR_COLUMNS, year_rows(transfers)),
    }
    written = []
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("events", *tables):
        path = folder / f"{name}.{fmt}"
        if name == "events":
            data = (csv_text(timeline).encode("utf-8") if fmt == "csv"
                    else _parquet(COLUMNS, [tuple(record_values(e)) for e in timeline]))
        else:
            columns, rows = tables[name]
            data = _csv(columns, rows) if fmt == "csv" else _parquet(columns, rows)
        atomic.write_atomic(path, data, ExportError)
        written.append(path)
    return written
