"""Incremental builds: parse only the event files whose content hash changed.

The database records each file's SHA-256 (table ``files``). When the sources, reference
data and schema are the same as at the last build, a new build

- with nothing changed, writes nothing at all;
- otherwise copies the database beside itself, parses the changed and added files,
  checks them against the unchanged events (ids, relation targets, both-way links,
  quotes), replaces their rows and those of removed files, numbers the timeline again
  (unless the change moves nothing in it), updates the full-text index, checks and
  fsyncs the copy, and renames it into place, exactly as a cold build would publish it.

The unchanged events are not read into memory: the checks ask the database about the
few that the new events link to, or that link to the events replaced.

Too many changes (over a quarter of the files) and a cold build is cheaper; ``update``
then returns None and the caller builds from scratch.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sqlite3
import time
from collections.abc import Container, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from armstimeline.bulk import collector_paused
from armstimeline.database.checks import check_database, record_counts
from armstimeline.database.connect import read_only
from armstimeline.database.facets import adjust_facet_counts
from armstimeline.database.fingerprints import combine, file_stamps, stored_stamps
from armstimeline.database.ordering import renumber, stored_keys, timeline_order, unmoved_order
from armstimeline.database.publish import replacing
from armstimeline.database.report import BuildReport
from armstimeline.database.rows import event_rows, file_rows, insert_rows
from armstimeline.database.schema import EVENT_TABLES, SCHEMA_VERSION
from armstimeline.errors import BuildError, Problem, ValidationError, relpath
from armstimeline.loading import EVENT_SUFFIXES, Stamp, recorded_stamp
from armstimeline.loading.checks import Known, cross_file_problems
from armstimeline.loading.event import ParsedEvent, parse_event
from armstimeline.loading.sources import parse_sources
from armstimeline.loading.systems import lookup_table, project_systems
from armstimeline.model import Event, Source

__all__ = ["update"]

MAX_CHANGED_SHARE = 0.25


def _stored(db_path: Path) -> tuple[dict[str, str], dict[str, Stamp]] | None:
    """build_info and the files' stamps of an existing database, or None if it cannot be
    read."""
    try:
        with read_only(db_path) as conn:
            info = dict(conn.execute("select key, value from build_info"))
            files = stored_stamps(conn)
    except sqlite3.Error:
        return None
    return info, files


def update(
    events_dir: Path, sources_dir: Path, db_path: Path, sources_fp: str
) -> BuildReport | None:
    """Bring ``db_path`` up to date incrementally; None when a cold build is needed."""
    with collector_paused():  # every file's stamp, kept to the end
        return _update(events_dir, sources_dir, db_path, sources_fp)


def _update(
    events_dir: Path, sources_dir: Path, db_path: Path, sources_fp: str
) -> BuildReport | None:
    stored = _stored(db_path)
    if stored is None:
        return None
    info, known = stored
    if (
        info.get("schema_version") != SCHEMA_VERSION
        or info.get("sources_fingerprint") != sources_fp
    ):
        return None
    read_at = time.time_ns()
    hashes = file_stamps(events_dir, known)
    changed: list[str] = []
    touched: list[str] = []  # same content, new modification time: recorded anew
    added = 0
    for name, found in hashes.items():
        old = known.get(name)
        # a file as recorded (``file_stamps`` hands back the recorded stamp itself when
        # size and time match) stays as recorded: its time was out of the racy window when
        # it was recorded, so it is now
        if found is old:
            continue
        found = hashes[name] = recorded_stamp(found, read_at)
        if old is None:
            added += 1
            changed.append(name)
        elif old[0] != found[0]:
            changed.append(name)
        elif found != old:
            touched.append(name)
    removed = (
        sorted(n for n in known if n not in hashes) if len(hashes) - added < len(known) else []
    )
    if not changed and not removed:  # same sources, same files: the recorded fingerprint
        return _unchanged(db_path, info["fingerprint"])
    if len(changed) + len(removed) > MAX_CHANGED_SHARE * max(len(hashes), 1):
        return None
    changed.sort()
    return _apply(
        events_dir, sources_dir, db_path, hashes, changed, removed, touched,
        sources_fp, int(info.get("register_events", "0")),
    )  # fmt: skip


def _unchanged(db_path: Path, fingerprint: str) -> BuildReport:
    """The report of a build that had nothing to do."""
    with read_only(db_path) as conn:
        total = conn.execute("select count(*) from events").fetchone()[0]
    return BuildReport(
        path=db_path, events=total, tables={"events": total}, fingerprint=fingerprint
    )


class _Kept(Mapping[str, Known]):
    """The events an update keeps, as ``Links`` asks about them (its ``others``): each
    looked up in the database when it is asked for. An update's new events ask about a
    few; a dict of all of them cost a tenth of an update of 1% of 100,000 events."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        stale: set[str],
        prefix: str,
        files: Container[str],
        changed: Container[str],
    ) -> None:
        self._conn, self._stale, self._prefix = conn, stale, prefix
        self._files, self._changed = files, changed

    def __getitem__(self, event_id: str) -> Known:
        if event_id in self._stale or not self._conn.execute(
            "select 1 from events where id = ?", (event_id,)
        ).fetchone():
            raise KeyError(event_id)
        links = self._conn.execute(
            "select type, to_event from relations where from_event = ?", (event_id,)
        )
        return self.path(event_id), frozenset(links)

    def path(self, event_id: str) -> str:
        """A kept event's file, as problems name it: its id is the file's stem
        (``parse_event`` refuses any other) and the file is unchanged; an imported event
        without a file is named by its id."""
        for suffix in EVENT_SUFFIXES:
            name = event_id + suffix
            if name in self._files and name not in self._changed:
                return self._prefix + name
        return event_id

    def __iter__(self) -> Iterator[str]:
        for (event_id,) in self._conn.execute("select id from events").fetchall():
            if event_id not in self._stale:
                yield event_id

    def __len__(self) -> int:
        return sum(1 for _ in self)


def _apply(
    events_dir: Path,
    sources_dir: Path,
    db_path: Path,
    hashes: dict[str, Stamp],
    changed: list[str],
    removed: list[str],
    touched: list[str],
    sources_fp: str,
    derived: int,
) -> BuildReport:
    with replacing(db_path, "Could not update") as tmp:
        # the kernel copies the database (no interpreter lock held) while the fingerprint
        # is taken and the files parse
        with ThreadPoolExecutor(1) as copier:
            copied = copier.submit(shutil.copyfile, db_path.resolve(), tmp)
            stamp = combine(sources_fp, hashes)
            sources, texts, parsed, broken, problems = _parse(events_dir, sources_dir, changed)
            copied.result()
        with contextlib.closing(sqlite3.connect(tmp, isolation_level=None)) as conn:
            conn.execute("pragma journal_mode = off")
            conn.execute("pragma synchronous = off")
            conn.execute("pragma foreign_keys = on")
            stale_ids = {
                row[0]
                for row in conn.execute(
                    "select event_id from files where name in (select value from json_each(?))",
                    (json.dumps(changed + removed),),
                )
            }
            kept = _Kept(
                conn, stale_ids, os.path.join(relpath(events_dir), ""), hashes, set(changed)
            )
            imported = frozenset(
                row[0] for row in conn.execute("select id from events where origin = 'register'")
            )
            problems.extend(
                cross_file_problems(
                    parsed, sources, texts, broken, kept, imported, _linking(conn, kept, stale_ids)
                )
            )
            if problems:
                raise ValidationError(problems)
            new_events = [p.event for p in parsed]
            _replace_rows(conn, stale_ids, new_events)
            conn.execute("begin")
            conn.executemany("delete from files where name = ?", [(n,) for n in changed + removed])
            conn.executemany("insert into files values (?, ?, ?, ?, ?)",
                             file_rows(new_events, hashes))  # fmt: skip
            conn.executemany(
                "update files set size = ?, mtime_ns = ? where name = ?",
                [(hashes[n][1], hashes[n][2], n) for n in touched],
            )
            conn.execute("update build_info set value = ? where key = 'fingerprint'", (stamp,))
            record_counts(conn)
            conn.execute("commit")
            # keys were enforced by SQLite itself as rows changed (foreign_keys on, deferred
            # to commit), so only the file's structure needs checking here
            check_database(conn, keys=False)
            total = conn.execute("select count(*) from events").fetchone()[0]
            if total != len(hashes) + derived:  # never fewer events than the folder holds
                raise BuildError(
                    f"The update of {db_path} would hold {total} events for {len(hashes)} "
                    f"event files and {derived} register events; run `armstimeline build` "
                    "again (it starts cold) or report this. The previous database is unchanged."
                )
    return BuildReport(
        path=db_path, events=total, tables={"changed": len(changed), "removed": len(removed)},
        fingerprint=stamp,
    )  # fmt: skip


def _parse(
    events_dir: Path, sources_dir: Path, changed: list[str]
) -> tuple[dict[str, Source], dict[str, str], list[ParsedEvent], set[str], list[Problem]]:
    """The sources, their texts, the changed files' events, the stems of those that
    could not be read, and every problem found in them."""
    sources, texts, problems = parse_sources(sources_dir)
    catalog, catalog_problems = project_systems(events_dir)
    problems.extend(catalog_problems)
    lookup = lookup_table(catalog)
    parsed: list[ParsedEvent] = []
    broken: set[str] = set()
    for name in changed:
        item, found = parse_event(events_dir / name, systems=lookup)
        problems.extend(found)
        if item is None:
            broken.add(Path(name).stem)
        else:
            parsed.append(item)
    return sources, texts, parsed, broken, problems


def _linking(conn: sqlite3.Connection, kept: _Kept, stale: set[str]) -> dict[str, Known]:
    """The kept events that link to a replaced or removed one, with those links: the only
    kept links an update can break (the others held at the last build, and their targets
    are kept)."""
    links: dict[str, set[tuple[str, str]]] = {}
    for source, rtype, target in conn.execute(
        "select from_event, type, to_event from relations "
        "where to_event in (select value from json_each(?))",
        (json.dumps(sorted(stale)),),
    ):
        if source not in stale:
            links.setdefault(source, set()).add((rtype, target))
    return {eid: (kept.path(eid), frozenset(found)) for eid, found in links.items()}


def _replace_rows(conn: sqlite3.Connection, stale_ids: set[str], new_events: list[Event]) -> None:
    """Swap the stale events' rows for the new ones and number the timeline: in place when
    the change moves nothing in it (``unmoved_order``), else all of it again."""
    conn.execute("begin")
    # links from kept events to changed ones hold again once the new rows are in
    conn.execute("pragma defer_foreign_keys = on")
    conn.execute("create temp table _stale (id text primary key)")
    conn.executemany("insert into _stale values (?)", [(i,) for i in sorted(stale_ids)])
    order = unmoved_order(conn, "_stale", new_events)  # while the stale rows are there
    # the full-text index holds copies of the old text: delete them with their values
    conn.execute(
        "insert into events_fts(events_fts, rowid, title, summary, quotes, note) "
        "select 'delete', rowid, title, summary, quotes, note from events "
        "where id in (select id from _stale)"
    )
    adjust_facet_counts(conn, "_stale", -1)  # while the stale rows are still there
    for table in EVENT_TABLES[1:]:
        column = "from_event" if table == "relations" else "event_id"
        conn.execute(f"delete from [{table}] where {column} in (select id from _stale)")
    conn.execute("delete from events where id in (select id from _stale)")
    moved = order is None
    if order is None:  # the new timeline order over kept and new events
        keys = stored_keys(conn)
        edges = [
            (rtype, source, target)
            for source, target, rtype in conn.execute(
                "select from_event, to_event, type from relations"
            )
        ]
        for event in new_events:
            keys[event.id] = event.date.sort_key
            edges.extend((r.type, event.id, r.target) for r in event.relations)
        order = timeline_order(keys, edges)
    insert_rows(conn, event_rows(new_events, order))
    new_ids = json.dumps([e.id for e in new_events])
    conn.execute(
        "insert into events_fts(rowid, title, summary, quotes, note) "
        "select rowid, title, summary, quotes, note from events "
        "where id in (select value from json_each(?))",
        (new_ids,),
    )
    if moved:
        renumber(conn, order)
    conn.execute("create temp table _new (id text primary key)")
    conn.executemany("insert into _new values (?)", [(e.id,) for e in new_events])
    adjust_facet_counts(conn, "_new", 1)
    conn.execute("drop table _new")
    conn.execute("drop table _stale")
    conn.execute("commit")
