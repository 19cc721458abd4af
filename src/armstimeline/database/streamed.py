"""A cold build that streams the folder into the database, in bounded memory.

Holding a folder as objects cost 5.6 GB at a million events. Here the folder is read
file by file (``loading.FolderReader``, as ``validate`` reads it) and each batch of events
becomes rows at once; what is kept is only what needs every file: what the link checks
keep, the relations that order ties in the timeline, the designations imported rows add
to the systems catalog, and the running fingerprint. The timeline is numbered at the end
from the rows (``ordering``); with a register, once every file is read, from the files'
rows and the register's plan, so the register's many events are written in their place.
With a core idle, a process beside makes and writes the rows of the last half of a
register's events into a file of its own while this process makes and writes the first,
then copies them in (``side``); the transfers are made and written likewise. Every
problem is still collected, and any problem fails the build with nothing published (the
caller's ``replacing`` discards the file).
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from armstimeline.bulk import collector_paused
from armstimeline.database.cold import finish, private_database
from armstimeline.database.facets import facet_collector
from armstimeline.database.fingerprints import FileDigest
from armstimeline.database.ordering import renumber, stored_keys, timeline_order
from armstimeline.database.rows import (
    event_rows,
    insert_rows,
    parts_rows,
    transfer_tables,
    vocabulary_rows,
    withdrawn_rows,
)
from armstimeline.database.schema import EVENT_TABLES, SCHEMA_VERSION
from armstimeline.database.side import (
    SideRows,
    copy_side,
    copy_tables,
    side_file,
    write_side,
    write_tables,
)
from armstimeline.errors import ValidationError
from armstimeline.figures import load_transfers
from armstimeline.loading import FolderReader, Progress, beside, processes, recorded_stamp
from armstimeline.model import ORDERING_RELATIONS, Event
from armstimeline.registers import RegisterPlan, RowParts
from armstimeline.registers.cache import holding

__all__ = ["BATCH", "stream"]

BATCH = 2000  # events turned into rows at a time
# with a core idle, this process makes and writes the rows of this share of a register's
# events (the first), a process beside the rest (``side``)
SIDE_SPLIT = 0.5


def _batch_rows(owns: list[Any]) -> dict[str, list[tuple[Any, ...]]]:
    """A batch's rows table by table, in file order, from what the reader kept: the rows
    of a chunk of events, or None (an event whose rows come with its chunk's last)."""
    rows: dict[str, list[tuple[Any, ...]]] = {name: [] for name in EVENT_TABLES}
    rows["systems"] = []
    for own in owns:
        if own is not None:
            for name, table in own.items():
                if table:
                    rows[name] += table
    return rows


def stream(
    path: Path,
    events_dir: Path,
    sources_dir: Path,
    sources_fp: str,
    progress: Progress | None = None,
) -> tuple[str, int, dict[str, int]]:
    """Fill the new file ``path`` from the folder; return (fingerprint, events, rows per
    table). Raises ValidationError with every problem when the folder has any."""
    # reading the sources and registers too; a register read from its file is kept in
    # the cache by the process beside, when there is one
    with collector_paused(), holding() as keep_registers:
        return _stream(path, events_dir, sources_dir, sources_fp, progress, keep_registers)


def _stream(
    path: Path,
    events_dir: Path,
    sources_dir: Path,
    sources_fp: str,
    progress: Progress | None = None,
    keep_registers: Callable[[], None] = lambda: None,
) -> tuple[str, int, dict[str, int]]:
    read_at = time.time_ns()
    hashes: dict[str, Any] = {}
    # each event's place in the timeline, once known: when the registers' plan is shown,
    # before their events are made (a file's row is numbered at the end, by ``renumber``)
    order: dict[str, int] = {}

    def rows_of(events: list[Event]) -> dict[str, list[tuple[Any, ...]]]:
        """Events' rows, made at once: the reader makes them for each chunk of events (a
        parse worker sends them back, plain tuples, cheaper to send than objects)."""
        return event_rows(events, {e.id: order.get(e.id, 0) for e in events})

    # the rows of a register's last events, when a process beside writes them: its file
    # and what it will answer
    side: list[tuple[Path, Callable[[], SideRows]]] = []

    def planned(plan: RegisterPlan) -> int | None:
        """Every file is read: number the timeline now, from the files' rows written so
        far and the plan's dates, so the registers' events are written in place. With a
        core idle, a process beside writes the rows of the last part of them; answer how
        many this process makes. (Called by the reader from inside the loop below, once
        ``conn``, ``flush`` and ``aside`` exist.)"""
        if problems:
            return None
        flush()
        keys = stored_keys(conn)
        keys.update(zip(plan.ids, plan.keys, strict=True))
        made = [
            (rtype, event_id, target)
            for event_id, related in zip(plan.ids, plan.relations, strict=True)
            for rtype, target in related
        ]
        order.update(timeline_order(keys, [*edges, *made]))
        n = len(plan)
        if processes(n) <= 1:
            return None
        here = int(n * SIDE_SPLIT)
        file = aside.enter_context(side_file(path, "rows"))
        after = collected.rowids + here

        def write() -> SideRows:
            return write_side(file, plan, here, n, order, after)

        side.append((file, aside.enter_context(beside(write, n))))
        return here

    def rows_of_parts(parts: list[tuple[RowParts, int]]) -> dict[str, list[tuple[Any, ...]]]:
        """Register events' rows, from what they are made of (no ``Event`` made)."""
        return parts_rows(parts, order)

    reader = FolderReader(events_dir, sources_dir, progress, hashes, with_withdrawn=True,
                          bundle=rows_of, planned=planned, bundle_parts=rows_of_parts)  # fmt: skip
    problems = reader.problems
    edges: list[tuple[str, str, str]] = []
    digest = FileDigest(sources_fp)
    designations: dict[str, tuple[Any, ...]] = {}
    batch: list[tuple[str, str, Any]] = []
    events = 0

    registered = any(s.register for s in reader.sources.values())

    with private_database(path) as conn, contextlib.ExitStack() as aside:
        # a register's transfers are made beside the events, in a process of their own,
        # which writes them into a file of their own when a core is idle (copied in below)
        apart = registered and processes(reader.register_rows) > 1
        if not apart:
            keep_registers()
        transfers_file = aside.enter_context(side_file(path, "transfers")) if apart else None

        def transfers() -> dict[str, list[tuple[Any, ...]]]:
            """The transfers' rows; none when they are written into ``transfers_file``.
            (First the registers' rows read from their files go to the cache.)"""
            keep_registers()
            made = transfer_tables(load_transfers(events_dir, sources_dir, reader.registers))
            if transfers_file is None:
                return made
            return {name: [] for name in write_tables(transfers_file, made)}

        transferred = aside.enter_context(beside(transfers, reader.register_rows))
        vocabulary = vocabulary_rows(reader.sources, reader.catalog)
        catalog_names = {row[0] for row in vocabulary["systems"]}
        insert_rows(conn, vocabulary)
        collected = facet_collector(conn)

        def flush() -> None:
            rows = _batch_rows([own for _, _, own in batch])
            for row in rows.pop("systems"):
                if row[0] not in catalog_names:
                    designations.setdefault(row[0], row)
            files = []
            for name, event_id, _ in batch:
                stamp = hashes.pop(name, None)
                if stamp is None:  # an event derived from a register: no file of its own
                    continue
                digest.add(name, stamp)
                files.append((name, *recorded_stamp(stamp, read_at), event_id))
            rows["files"] = files
            insert_rows(conn, rows)
            collected.add(rows)
            batch.clear()

        for name, event_id, relations, own in reader:
            if relations:
                edges.extend(
                    [(rtype, event_id, target) for rtype, target, _ in relations
                     if rtype in ORDERING_RELATIONS]
                )  # fmt: skip
            events += 1
            if not problems:  # a failed build writes no more rows than it must
                batch.append((name, event_id, own))
                if len(batch) >= BATCH:
                    flush()
            else:
                hashes.pop(name, None)  # nor keeps the stamps of files it won't write
        if reader.finish():
            raise ValidationError(problems)
        flush()
        for file, written in side:
            rows = written()
            for row in rows.systems:
                if row[0] not in catalog_names:
                    designations.setdefault(row[0], row)
            copy_side(conn, file, rows, collected)
        insert_rows(conn, {"systems": list(designations.values())})
        if registered:
            made = transferred()
            if transfers_file is not None:
                copy_tables(conn, transfers_file, made)
            else:
                insert_rows(conn, made)
            insert_rows(conn, {"withdrawn_events": withdrawn_rows(reader.withdrawn)})
        renumber(conn, order or timeline_order(stored_keys(conn), edges))
        fingerprint = digest.hexdigest()
        info = {
            "fingerprint": fingerprint,
            "sources_fingerprint": sources_fp,
            "schema_version": SCHEMA_VERSION,
            "register_events": str(reader.derived),
        }
        counts = finish(conn, info, collected)
    # the tables the build fills, as a build from memory reports them
    tables = {
        name: n
        for name, n in counts.items()
        if not name.startswith(("events_fts", "sqlite_"))
        and name not in ("build_info", "facet_counts", "facet_members")
    }
    return fingerprint, events, tables

