"""A cold build: every table written into a new, empty file, checked, then published."""

from __future__ import annotations

import contextlib
import gc
import sqlite3
from pathlib import Path
from typing import Any

from armstimeline.database.checks import check_database, record_counts
from armstimeline.database.facets import store_facet_counts
from armstimeline.database.rows import all_rows, file_rows, insert_rows
from armstimeline.database.schema import INDEXES, SCHEMA, VIEWS
from armstimeline.loading import Stamp
from armstimeline.model import Event, Source
from armstimeline.reference import System
from armstimeline.search import FTS_COLUMNS, FTS_TOKENIZE

__all__ = ["write_database"]

def _write_tables(
    conn: sqlite3.Connection, tables: dict[str, list[tuple[Any, ...]]], info: dict[str, str]
) -> None:
    """Create the schema and fill it in one transaction; indexes and FTS after the rows."""
    import sqlite_utils

    conn.executescript(SCHEMA)
    conn.execute("begin")
    conn.executemany("insert into build_info values (?, ?)", sorted(info.items()))
    insert_rows(conn, tables)
    conn.execute("commit")
    conn.executescript(INDEXES)
    store_facet_counts(conn)  # after the indexes, which make each count one index scan
    events = sqlite_utils.Database(conn).table("events")
    events.enable_fts(
        list(FTS_COLUMNS), fts_version="FTS5", create_triggers=False, tokenize=FTS_TOKENIZE
    )
    events.optimize()
    conn.executescript(VIEWS)
    # sampled statistics: enough for the query planner, a fraction of a full ANALYZE
    conn.execute("pragma analysis_limit = 1000")
    conn.execute("analyze")



def write_database(
    path: Path,
    events: list[Event],
    sources: dict[str, Source],
    info: dict[str, str],
    stamps: dict[str, Stamp] | None = None,
    systems: tuple[System, ...] | None = None,
) -> dict[str, list[tuple[Any, ...]]]:
    """Write every table into a new, empty SQLite file and check it; return the rows.

    This is the database phase of a cold build (the benchmark times this same function).
    Journal and fsync are off because the file is private until ``build`` renames it into
    place, and the garbage collector is paused: the rows are millions of young tuples that
    no cycle can hold.
    """
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        tables = all_rows(events, sources, systems)
        tables["files"] = file_rows(events, stamps or {})
        with contextlib.closing(sqlite3.connect(path, isolation_level=None)) as conn:
            # 8 KiB pages: measured 15% faster to fill at 100k events than the 4 KiB default
            conn.execute("pragma page_size = 8192")
            conn.execute("pragma journal_mode = off")
            conn.execute("pragma synchronous = off")
            # keys are checked once, in bulk, by check_database: cheaper than a lookup per insert
            conn.execute("pragma foreign_keys = off")
            _write_tables(conn, tables, info)
            record_counts(conn)
            check_database(conn)
        return tables
    finally:
        if gc_was_enabled:
            gc.enable()

