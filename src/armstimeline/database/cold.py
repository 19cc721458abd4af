"""A cold build: every table written into a new, empty file, checked, then published.

Two ways to fill it share everything but the filling: ``write_database`` from events in
memory (the benchmarks' database phase, and sites built from generated events), and
``stream`` (a folder read in batches: what ``build`` uses). Both write each event's rows
in the order of its file's name and number the timeline in ``sort_order``, so the same
folder gives the same database either way.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path

from armstimeline.bulk import collector_paused
from armstimeline.database.checks import check_database, record_counts
from armstimeline.database.facets import facet_collector, store_facet_counts
from armstimeline.database.members import Collector
from armstimeline.database.rows import (
    all_rows,
    file_rows,
    insert_rows,
    transfer_tables,
    withdrawn_rows,
)
from armstimeline.database.schema import INDEXES, SCHEMA, VIEWS
from armstimeline.figures import Transfers
from armstimeline.loading import Stamp
from armstimeline.model import Event, Source
from armstimeline.reference import System
from armstimeline.search import FTS_COLUMNS, FTS_TOKENIZE

__all__ = ["finish", "in_file_order", "private_database", "write_database"]


@contextlib.contextmanager
def private_database(path: Path) -> Iterator[sqlite3.Connection]:
    """A new file with the schema, in one open transaction, for a build to fill.

    Journal and fsync are off because the file is private until ``build`` renames it into
    place, and the garbage collector is paused: the rows are millions of young tuples that
    no cycle can hold."""
    with collector_paused(), contextlib.closing(
        sqlite3.connect(path, isolation_level=None)
    ) as conn:
        # 8 KiB pages: measured 15% faster to fill at 100k events than the 4 KiB default
        conn.execute("pragma page_size = 8192")
        conn.execute("pragma journal_mode = off")
        conn.execute("pragma synchronous = off")
        # keys are checked once, in bulk, by check_database: cheaper than a lookup per insert
        conn.execute("pragma foreign_keys = off")
        conn.executescript(SCHEMA)
        conn.execute("begin")
        yield conn


def finish(
    conn: sqlite3.Connection, info: dict[str, str], collected: Collector | None = None
) -> dict[str, int]:
    """Record the build, commit the rows, then indexes, stored facet counts, full-text
    index, views and statistics; count the tables, check the file and return the counts
    (of every table, SQLite's and the full-text index's among them)."""
    import sqlite_utils

    conn.executemany("insert into build_info values (?, ?)", sorted(info.items()))
    conn.execute("commit")
    conn.executescript(INDEXES)
    # in one transaction: each of a few thousand values' rows on its own was a commit
    # (0.16 s at 56,000 events)
    conn.execute("begin")
    store_facet_counts(conn, collected)
    conn.execute("commit")
    events = sqlite_utils.Database(conn).table("events")
    events.enable_fts(
        list(FTS_COLUMNS), fts_version="FTS5", create_triggers=False, tokenize=FTS_TOKENIZE
    )
    events.optimize()
    conn.executescript(VIEWS)
    # sampled statistics: enough for the query planner, a fraction of a full ANALYZE
    conn.execute("pragma analysis_limit = 1000")
    conn.execute("analyze")
    counts = record_counts(conn)
    check_database(conn)
    return counts


def in_file_order(events: list[Event], stamps: dict[str, Stamp]) -> list[Event]:
    """Events in the order of their files' names, as a folder is read (an event with no
    file, generated in memory, counts as ``<id>.yml``), then the events derived from
    registers, by id, as the folder reader hands them on."""
    name_of = {name.rpartition(".")[0]: name for name in stamps}

    def key(e: Event) -> tuple[int, str]:
        name = name_of.get(e.id)
        if name is None and e.imported:
            return 1, e.id
        return 0, name or f"{e.id}.yml"

    return sorted(events, key=key)


def write_database(
    path: Path,
    events: list[Event],
    sources: dict[str, Source],
    info: dict[str, str],
    stamps: dict[str, Stamp] | None = None,
    systems: tuple[System, ...] | None = None,
    transfers: Transfers | None = None,
    withdrawn: Iterable[Event] = (),
) -> dict[str, int]:
    """Write every table from ``events`` (in timeline order) into a new, empty SQLite
    file and check it; return how many rows each table was given.

    This is the database phase of a cold build from memory (the benchmark times it).
    The rows are dropped before the garbage collector resumes: alive, its first pass
    would walk every one of them (0.6 s at 30,000 events), only to find them freed next.
    """
    stamps = stamps or {}
    with private_database(path) as conn:  # (the collector is paused from here)
        order_of = {e.id: i for i, e in enumerate(events)}
        tables = all_rows(in_file_order(events, stamps), sources, systems, order_of)
        tables["files"] = file_rows(events, stamps)
        # events derived from registers: no file of their own (an incremental build counts
        # them beside the files)
        info = {**info, "register_events": str(len(events) - len(tables["files"]))}
        insert_rows(conn, tables)
        # as a streamed build reports them: present, empty without a register
        extra = (transfer_tables(transfers) if transfers is not None
                 else {"transfers": [], "transfer_years": [], "register_scopes": []})  # fmt: skip
        extra["withdrawn_events"] = withdrawn_rows(withdrawn)
        insert_rows(conn, extra)
        tables.update(extra)
        collected = facet_collector(conn)
        collected.add(tables)
        finish(conn, info, collected)
        given = {name: len(rows) for name, rows in tables.items()}
        del tables
    return given
