"""Incremental builds: parse only the event files whose content hash changed.

The database records each file's SHA-256 (table ``files``). When the sources, reference
data and schema are the same as at the last build, a new build

- with nothing changed, writes nothing at all;
- otherwise copies the database beside itself, parses the changed and added files,
  checks them against the unchanged events (ids, relation targets, both-way links,
  quotes), replaces their rows and those of removed files, renumbers the timeline
  order, updates the full-text index, checks and fsyncs the copy, and renames it into
  place, exactly as a cold build would publish it.

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
from pathlib import Path

from armstimeline.bulk import collector_paused
from armstimeline.database.checks import check_database, record_counts
from armstimeline.database.connect import read_only
from armstimeline.database.facets import adjust_facet_counts
from armstimeline.database.fingerprints import combine, file_stamps, stored_stamps
from armstimeline.database.ordering import renumber, stored_keys, timeline_order
from armstimeline.database.publish import replacing
from armstimeline.database.report import BuildReport
from armstimeline.database.rows import event_rows, file_rows, insert_rows
from armstimeline.database.schema import EVENT_TABLES, SCHEMA_VERSION
from armstimeline.errors import BuildError, ValidationError, relpath
from armstimeline.loading import Stamp, recorded_stamp
from armstimeline.loading.checks import cross_file_problems
from armstimeline.loading.event import ParsedEvent, parse_event
from armstimeline.loading.sources import parse_sources
from armstimeline.loading.systems import lookup_table, project_systems
from armstimeline.model import Event

__all__ = ["update"]

MAX_CHANGED_SHARE = 0.25


def _stored(db_path: Path) -> tuple[dict[str, str], dict[str, tuple[Stamp, str]]] | None:
    """build_info and files of an existing database, or None if it cannot be read."""
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
    with collector_paused():  # every file's stamp and id, kept to the end
        return _update(events_dir, sources_dir, db_path, sources_fp)


def _update(
    events_dir: Path, sources_dir: Path, db_path: Path, sources_fp: str
) -> BuildReport | None:
    stored = _stored(db_path)
    if stored is None:
        return None
    info, stored_files = stored
    if (
        info.get("schema_version") != SCHEMA_VERSION
        or info.get("sources_fingerprint") != sources_fp
    ):
        return None
    known = {name: stamp for name, (stamp, _) in stored_files.items()}
    read_at = time.time_ns()
    current = file_stamps(events_dir, known)
    # every file as recorded (file_stamps hands back the recorded stamp itself when size
    # and time match): nothing to read, compare or write
    if len(current) == len(known) and all(current.get(n) is s for n, s in known.items()):
        return _unchanged(db_path, info["fingerprint"])
    hashes = {name: recorded_stamp(stamp, read_at) for name, stamp in current.items()}
    files = {name: (stamp[0], event_id) for name, (stamp, event_id) in stored_files.items()}
    changed = sorted(n for n, h in hashes.items() if files.get(n, (None,))[0] != h[0])
    removed = sorted(n for n in files if n not in hashes)
    if not changed and not removed:  # same sources, same files: the recorded fingerprint
        return _unchanged(db_path, info["fingerprint"])
    stamp = combine(sources_fp, hashes)
    if len(changed) + len(removed) > MAX_CHANGED_SHARE * max(len(hashes), 1):
        return None
    # same content, new modification time: record the new stamp so it is not re-read
    touched = sorted(
        n for n, h in hashes.items() if n in known and h[0] == known[n][0] and h != known[n]
    )
    return _apply(
        events_dir, sources_dir, db_path, hashes, files, changed, removed, touched, stamp,
        int(info.get("register_events", "0")),
    )  # fmt: skip


def _unchanged(db_path: Path, fingerprint: str) -> BuildReport:
    """The report of a build that had nothing to do."""
    with read_only(db_path) as conn:
        total = conn.execute("select count(*) from events").fetchone()[0]
    return BuildReport(
        path=db_path, events=total, tables={"events": total}, fingerprint=fingerprint
    )


def _apply(
    events_dir: Path,
    sources_dir: Path,
    db_path: Path,
    hashes: dict[str, Stamp],
    files: dict[str, tuple[str, str]],
    changed: list[str],
    removed: list[str],
    touched: list[str],
    stamp: str,
    derived: int,
) -> BuildReport:
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
    stale_ids = {files[n][1] for n in changed + removed if n in files}
    with replacing(db_path, "Could not update") as tmp:
        shutil.copyfile(db_path.resolve(), tmp)
        with contextlib.closing(sqlite3.connect(tmp, isolation_level=None)) as conn:
            conn.execute("pragma journal_mode = off")
            conn.execute("pragma synchronous = off")
            conn.execute("pragma foreign_keys = on")
            prefix = os.path.join(relpath(events_dir), "")  # "events/": joined 100k times
            path_of = {eid: prefix + n for n, (_, eid) in files.items()}
            kept = {
                row[0] for row in conn.execute("select id from events") if row[0] not in stale_ids
            }
            # most events link nowhere: they share one empty set
            known_relations: dict[str, set[tuple[str, str]]] = {}
            edges = []
            for source, target_id, rtype in conn.execute(
                "select from_event, to_event, type from relations"
            ):
                if source in kept:
                    known_relations.setdefault(source, set()).add((rtype, target_id))
                    edges.append((rtype, source, target_id))
            none: frozenset[tuple[str, str]] = frozenset()
            others = {
                eid: (path_of.get(eid, eid), frozenset(known_relations.get(eid, none)))
                for eid in kept
            }
            imported = frozenset(
                row[0] for row in conn.execute("select id from events where origin = 'register'")
            )
            problems.extend(
                cross_file_problems(parsed, sources, texts, broken, others, imported)
            )
            if problems:
                raise ValidationError(problems)
            new_events = [p.event for p in parsed]
            _replace_rows(conn, stale_ids, new_events, edges)
            conn.execute("begin")
            conn.executemany("delete from files where name = ?", [(n,) for n in changed + removed])
            conn.executemany("delete from files where name = ?", [(n,) for n in touched])
            conn.executemany(
                "insert into files values (?, ?, ?, ?, ?)",
                file_rows(new_events, hashes)
                + [(n, *hashes[n], files[n][1]) for n in touched],
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


def _replace_rows(
    conn: sqlite3.Connection,
    stale_ids: set[str],
    new_events: list[Event],
    edges: list[tuple[str, str, str]],
) -> None:
    """Swap the stale events' rows for the new ones and renumber the timeline order."""
    conn.execute("begin")
    # links from kept events to changed ones hold again once the new rows are in
    conn.execute("pragma defer_foreign_keys = on")
    conn.execute("create temp table _stale (id text primary key)")
    conn.executemany("insert into _stale values (?)", [(i,) for i in sorted(stale_ids)])
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
    # the new timeline order over kept and new events
    keys = stored_keys(conn)
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
    renumber(conn, order)
    conn.execute("create temp table _new (id text primary key)")
    conn.executemany("insert into _new values (?)", [(e.id,) for e in new_events])
    adjust_facet_counts(conn, "_new", 1)
    conn.execute("drop table _new")
    conn.execute("drop table _stale")
    conn.execute("commit")
