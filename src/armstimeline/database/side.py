"""Rows written beside a build, by a process of its own, and copied in.

Writing rows costs a build more than making them: each value crosses from Python into
SQLite one parameter at a time. With a register (tens of thousands of events) and an
idle core, the build makes and writes the first part of the register's rows itself
while a process beside makes the rest and writes them into a file of its own, with the
same schema (``write_side``); the build then copies them in with one ``insert ...
select`` a table, in SQLite alone (a third of the cost of writing them from Python),
instead of reading back rows pickled by a worker and writing them itself. The process
that makes the register's transfers writes them likewise (``write_tables``).

The copy keeps every row where writing them in turn would have put it: the events after
the build's own (rowid n + 1 onwards), each child table's rows in order, the ids of
amounts, places and citations numbered on from the build's. The facet bitmaps of the
rows beside are collected there, with the rowids the copy gives them, and joined to the
build's. The file is the same database as a build in one process makes (every table,
rowid and bitmap); not the same bytes, since SQLite lays its pages out in another order.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import attrs

from armstimeline.bulk import collector_paused
from armstimeline.database.facets import facet_collector
from armstimeline.database.members import Collector
from armstimeline.database.rows import insert_rows, parts_rows
from armstimeline.database.schema import EVENT_TABLES, SCHEMA
from armstimeline.registers import RegisterPlan

__all__ = ["SideRows", "copy_side", "copy_tables", "side_file", "write_side", "write_tables"]

SPAN = 500  # events made into rows at a time


@attrs.frozen
class SideRows:
    """What the build needs of the rows written beside, besides the file: how many
    events, their facet bitmaps, and the designations they name (catalog rows)."""

    after: int  # events rows the build has before them
    events: int
    sets: dict[str, Any]
    systems: list[tuple[Any, ...]]


@contextlib.contextmanager
def _new_file(path: Path) -> Iterator[sqlite3.Connection]:
    """A new file with the build's schema, in one transaction, committed with the block."""
    with collector_paused(), contextlib.closing(
        sqlite3.connect(path, isolation_level=None)
    ) as conn:
        conn.execute("pragma journal_mode = off")
        conn.execute("pragma synchronous = off")
        conn.executescript(SCHEMA)
        conn.execute("begin")
        yield conn
        conn.execute("commit")


def write_side(
    path: Path,
    plan: RegisterPlan,
    start: int,
    stop: int,
    order: dict[str, int],
    rowids_before: int,
) -> SideRows:
    """Write the rows of the plan's events ``start`` to ``stop`` into a new file at
    ``path``; ``rowids_before`` events rows precede them in the build's file."""
    with _new_file(path) as conn:
        collected = facet_collector(conn)
        collected.rowids = rowids_before
        systems: dict[str, tuple[Any, ...]] = {}
        for at in range(start, stop, SPAN):
            rows = parts_rows(plan.parts(at, min(at + SPAN, stop)), order)
            for row in rows.pop("systems"):
                systems.setdefault(row[0], row)
            insert_rows(conn, rows)
            collected.add(rows)
    sets = {facet: dict(values) for facet, values in collected.sets.items()}
    return SideRows(rowids_before, stop - start, sets, list(systems.values()))


def write_tables(path: Path, tables: dict[str, list[tuple[Any, ...]]]) -> list[str]:
    """Write rows of any tables into a new file at ``path``; return the tables' names."""
    with _new_file(path) as conn:
        insert_rows(conn, tables)
    return list(tables)


def copy_side(conn: sqlite3.Connection, path: Path, side: SideRows, collected: Collector) -> None:
    """Copy the register's rows written beside into the build's file, after the rows it
    has; join their facet bitmaps to ``collected``."""
    if collected.rowids != side.after:
        raise RuntimeError(
            f"the rows written beside follow {side.after} events, the build has {collected.rowids}"
        )
    copy_tables(conn, path, EVENT_TABLES)
    collected.join(side.sets, side.events)


def copy_tables(conn: sqlite3.Connection, path: Path, tables: Iterable[str]) -> None:
    """Copy every row of ``tables`` in the file at ``path`` into the build's file, after
    the rows each has, in the order they were written (in the build's open transaction,
    which goes on)."""
    conn.execute("commit")  # a file is attached outside a transaction
    conn.execute("attach database ? as side", (str(path),))
    try:
        conn.execute("begin")
        for table in tables:
            columns = [row[1] for row in conn.execute(f"pragma side.table_info([{table}])")]
            numbered = _numbered(conn, table)
            # an id the build numbers (amounts, places, citations) is numbered on from its
            picked = ", ".join("null" if c == numbered else f"[{c}]" for c in columns)
            conn.execute(
                f"insert into main.[{table}] select {picked} from side.[{table}] order by rowid"
            )
        conn.execute("commit")
    finally:
        conn.execute("detach database side")
    conn.execute("begin")


def _numbered(conn: sqlite3.Connection, table: str) -> str | None:
    """The table's ``integer primary key`` column (an alias of its rowid), if it has one."""
    for _, name, kind, _, _, pk in conn.execute(f"pragma main.table_info([{table}])"):
        if pk == 1 and kind.lower() == "integer":
            return str(name)
    return None


@contextlib.contextmanager
def side_file(private: Path, name: str) -> Iterator[Path]:
    """A path for rows written beside, next to the build's ``private`` file and named like
    it (``.<database>.<pid>.<random>-<name>.tmp``, so the next build removes it when a
    crash leaves it behind); removed with the block."""
    path = private.with_name(f"{private.name.removesuffix('.tmp')}-{name}.tmp")
    try:
        yield path
    finally:
        path.unlink(missing_ok=True)
