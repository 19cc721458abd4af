"""The SQLite build: a normalised schema plus denormalised columns for faceting.

A build validates first, writes a new file beside the target inside one transaction,
checks it, fsyncs it and only then renames it over the old database, so a failed or
interrupted build never damages the last good one. The same events always give the
same rows in the same order.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import hashlib
import json
import os
import sqlite3
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import attrs

from armstimeline import atomic, reference
from armstimeline.errors import BuildError
from armstimeline.loader import EVENT_SUFFIXES, file_stamp, load_events, recorded_stamp
from armstimeline.model import Event, Source
from armstimeline.search import FTS_COLUMNS, FTS_TOKENIZE

__all__ = ["SCHEMA_VERSION", "BuildReport", "build", "fingerprint", "is_current"]

SCHEMA_VERSION = "5"


@attrs.frozen
class BuildReport:
    """What a build wrote."""

    path: Path
    events: int
    tables: dict[str, int]
    fingerprint: str


Stamp = tuple[str, int, int]  # (SHA-256, size, mtime in ns) of one event file
NOT_A_FILE = "not a regular file"  # the stamp's hash for a link or folder named like an event


def file_stamps(events_dir: Path, known: dict[str, Stamp] | None = None) -> dict[str, Stamp]:
    """Every event file's stamp, by name: what incremental builds and ``serve`` compare.

    As git does, a file whose size and modification time match the ``known`` stamp keeps
    its recorded hash without being read; any other file is read and hashed (and a file
    modified moments before it was read is recorded so that it is hashed again next time:
    see ``recorded_stamp``).
    """
    known = known or {}
    out: dict[str, Stamp] = {}
    with os.scandir(events_dir) as entries:
        for entry in entries:
            if not entry.name.endswith(EVENT_SUFFIXES):
                continue
            if not entry.is_file(follow_symlinks=False):
                # a link, folder or device where an event file should be: never "unchanged",
                # so the build parses it and refuses it exactly as validate does
                out[entry.name] = (NOT_A_FILE, -1, -1)
                continue
            info = entry.stat(follow_symlinks=False)
            old = known.get(entry.name)
            if old is not None and old[1] == info.st_size and old[2] == info.st_mtime_ns:
                out[entry.name] = old
            else:
                with open(entry.path, "rb") as handle:
                    out[entry.name] = file_stamp(handle.read(), info)
    return out


def stored_stamps(conn: sqlite3.Connection) -> dict[str, tuple[Stamp, str]]:
    """The stamps and event ids a database recorded for its files."""
    return {
        name: ((sha, size, mtime), event_id)
        for name, sha, size, mtime, event_id in conn.execute(
            "select name, sha256, size, mtime_ns, event_id from files"
        )
    }


def sources_fingerprint(sources_dir: Path) -> str:
    """A hash of the schema version, the source registry and texts, and the reference data.

    When it changes, every event may need checking again, so the build starts cold.
    """
    digest = hashlib.sha256(f"schema {SCHEMA_VERSION}\n".encode())
    if Path(sources_dir).is_dir():
        for path in sorted(Path(sources_dir).iterdir()):
            if path.is_file():
                digest.update(f"{path.name}\n".encode())
                digest.update(hashlib.sha256(path.read_bytes()).digest())
    for name in ("vocabulary.yml", "countries.yml", "systems.yml"):
        digest.update(reference._read_bytes(name))
    return digest.hexdigest()


def combine(sources_fp: str, stamps: dict[str, Stamp]) -> str:
    """The build fingerprint: sources, schema, and every event file's name and content."""
    digest = hashlib.sha256(sources_fp.encode())
    for name, stamp in sorted(stamps.items()):
        digest.update(f"{name} {stamp[0]}\n".encode())
    return digest.hexdigest()


def fingerprint(events_dir: Path, sources_dir: Path) -> str:
    """A hash of every input file's name and bytes, and of the schema version."""
    return combine(sources_fingerprint(sources_dir), file_stamps(events_dir))


def is_current(db_path: Path, events_dir: Path, sources_dir: Path) -> bool:
    """True when the database exists and was built from exactly these files.

    ``serve`` asks this at every start; files unchanged since the build are not re-read.
    """
    if not db_path.is_file() or not Path(events_dir).is_dir():
        return False
    try:
        uri = f"file:{db_path.resolve()}?mode=ro"
        with contextlib.closing(sqlite3.connect(uri, uri=True)) as conn:
            row = conn.execute("select value from build_info where key = 'fingerprint'").fetchone()
            known = {name: stamp for name, (stamp, _) in stored_stamps(conn).items()}
    except sqlite3.Error:
        return False
    stamps = file_stamps(Path(events_dir), known)
    return row is not None and row[0] == combine(sources_fingerprint(sources_dir), stamps)


# -- the schema --------------------------------------------------------------------------

_SCHEMA = """
create table build_info (key text primary key, value text not null);
create table files (
    name text primary key, sha256 text not null, size integer not null,
    mtime_ns integer not null, event_id text not null
);
create table kinds (
    id text primary key, description text not null,
    given_in_trade integer not null  -- 1: the given side of a quid-pro-quo pair
);
create table roles (id text primary key, description text not null);
create table regions (id text primary key, name text not null);
create table relation_types (
    id text primary key, description text not null, symmetric integer not null, inverse text
);
create table countries (
    code text primary key, name text not null,
    region text not null references regions(id)
);
create table systems (
    name text primary key, category text not null, origin text references countries(code),
    aliases text not null
);
create table sources (
    id text primary key, title text not null, publisher text, author text,
    published text, url text, file text, checked_locally integer not null, note text
);
create table events (
    id text primary key,
    title text not null,
    date text not null,
    precision text not null,
    is_interval integer not null,
    earliest text not null,
    latest text not null,
    year integer not null,
    end_year integer not null,
    decade integer not null,
    kind text not null references kinds(id),
    region text references regions(id),
    regions text not null,
    countries text not null,
    suppliers text not null,
    recipients text not null,
    systems text not null,
    tags text not null,
    summary text not null,
    quotes text not null,
    note text,
    latitude real,
    longitude real,
    sort_order integer not null
);
create table actors (
    event_id text not null references events(id),
    country text not null references countries(code),
    role text not null references roles(id),
    primary key (event_id, country, role)
);
create table event_systems (
    event_id text not null references events(id),
    system text not null references systems(name),
    primary key (event_id, system)
);
create table event_tags (
    event_id text not null references events(id),
    tag text not null,
    primary key (event_id, tag)
);
create table event_regions (
    event_id text not null references events(id),
    region text not null references regions(id),
    primary key (event_id, region)
);
create table amounts (
    id integer primary key,
    event_id text not null references events(id),
    value real not null,
    currency text,
    unit text,
    what text not null
);
create table places (
    id integer primary key,
    event_id text not null references events(id),
    name text not null,
    latitude real not null,
    longitude real not null
);
create table citations (
    id integer primary key,
    event_id text not null references events(id),
    source_id text not null references sources(id),
    quote text not null
);
create table relations (
    from_event text not null references events(id),
    to_event text not null references events(id),
    type text not null references relation_types(id),
    primary key (from_event, to_event, type)
);
create table facet_counts (
    facet text not null, value not null, count integer not null,
    primary key (facet, value)
) without rowid;
"""

# The unfiltered events page facets these columns of events and of its child tables (the
# ones metadata.yml configures; each has a covering index, so each count is one scan);
# counting a million rows for each takes about as long as Datasette's facet time limit,
# so the build stores the counts (facet "table.column"; value keeps its type) and the
# site plugin reads them when no filter applies. Filtered views are counted live.
STORED_FACETS = (
    ("events", "kind"),
    ("events", "decade"),
    ("events", "year"),
    ("events", "precision"),
    ("events", "region"),
    ("actors", "country"),
    ("event_systems", "system"),
    ("event_tags", "tag"),
    ("event_regions", "region"),
)


def store_facet_counts(conn: sqlite3.Connection) -> None:
    """Count STORED_FACETS afresh (inside the caller's transaction): events per value, as
    Datasette's column facet and the plugin's child facet count them."""
    conn.execute("delete from facet_counts")
    adjust_facet_counts(conn, None, 1)


def adjust_facet_counts(conn: sqlite3.Connection, ids: str | None, sign: int) -> None:
    """Add (sign 1) or take away (sign -1) the counts of the events whose ids are in the
    one-column table ``ids`` (None: every event), so an incremental build need not recount
    a large table. Each event adds at most one to a value, so the counts stay exact."""
    for table, column in STORED_FACETS:
        owner = "id" if table == "events" else "event_id"
        counted = "count(*)" if table == "events" else "count(distinct event_id)"
        subset = f"and [{owner}] in (select id from [{ids}])" if ids else ""
        conn.execute(
            f"insert into facet_counts select ?, [{column}], ? * {counted} from [{table}] "
            f"where [{column}] is not null {subset} group by [{column}] "
            "on conflict (facet, value) do update set count = count + excluded.count",
            (f"{table}.{column}", sign),
        )
    conn.execute("delete from facet_counts where count = 0")


_INDEXES = """
create index idx_events_sort on events(sort_order);
create index idx_events_kind on events(kind, sort_order);
create index idx_events_year on events(year);
create index idx_events_decade on events(decade);
create index idx_events_precision on events(precision);
create index idx_events_region on events(region);
create index idx_events_earliest on events(earliest, latest);
create index idx_actors_country on actors(country, event_id);
create index idx_actors_role on actors(role, country);
create index idx_event_systems_system on event_systems(system, event_id);
create index idx_event_tags_tag on event_tags(tag, event_id);
create index idx_event_regions_region on event_regions(region, event_id);
create index idx_amounts_event on amounts(event_id);
create index idx_places_event on places(event_id);
create index idx_citations_event on citations(event_id);
create index idx_citations_source on citations(source_id);
create index idx_relations_to on relations(to_event, type);
"""

_VIEWS = """
create view timeline as
select
    e.date as date,
    e.precision as precision,
    e.title as title,
    e.kind as kind,
    e.countries as countries,
    e.systems as systems,
    e.earliest as earliest,
    e.latest as latest,
    e.id as id
from events e
order by e.sort_order;

create view quid_pro_quo as
select
    a.id as event_id, a.date as event_date, a.title as event_title,
    b.id as traded_for_id, b.date as traded_for_date, b.title as traded_for_title,
    b.kind as traded_for_kind
from relations r
join events a on a.id = r.from_event
join events b on b.id = r.to_event
join kinds ka on ka.id = a.kind
join kinds kb on kb.id = b.kind
where r.type = 'quid_pro_quo'
  and (ka.given_in_trade > kb.given_in_trade
       or (ka.given_in_trade = kb.given_in_trade and a.sort_order < b.sort_order))
order by a.sort_order, b.sort_order;
"""


@functools.lru_cache(maxsize=65536)
def _json(values: tuple[str, ...]) -> str:
    """A JSON array; cached, since the same lists of codes and tags recur across events."""
    return json.dumps(list(values), ensure_ascii=False)


EVENT_TABLES = (
    "events",
    "actors",
    "event_systems",
    "event_tags",
    "event_regions",
    "amounts",
    "places",
    "citations",
    "relations",
)


def _rows(events: list[Event], sources: dict[str, Source]) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows, in a fixed order, as tuples in schema column order."""
    tables = _vocabulary_rows(sources)
    tables.update(_event_tables(events, {e.id: i for i, e in enumerate(events)}))
    return tables


def _vocabulary_rows(sources: dict[str, Source]) -> dict[str, list[tuple[Any, ...]]]:
    vocab = reference.vocabulary()
    regions = reference.country_regions()
    return {
        "kinds": [
            (k, d, int(k in reference.given_in_trade())) for k, d in sorted(vocab["kinds"].items())
        ],
        "roles": sorted(vocab["roles"].items()),
        "regions": sorted(vocab["regions"].items()),
        "relation_types": [
            (k, v["description"], int(bool(v.get("symmetric"))), v.get("inverse"))
            for k, v in sorted(vocab["relation_types"].items())
        ],
        "countries": [(c, reference.country_name(c), regions[c]) for c in sorted(regions)],
        "systems": [
            (s.name, s.category, s.origin, _json(s.aliases))
            for s in sorted(reference.systems(), key=lambda s: s.name)
        ],
        "sources": [
            (
                s.id,
                s.title,
                s.publisher,
                s.author,
                str(s.published) if s.published else None,
                s.url,
                s.file,
                int(s.checked_locally),
                s.note,
            )
            for s in sorted(sources.values(), key=lambda s: s.id)
        ],
    }


def _event_tables(
    events: Iterable[Event], order_of: dict[str, int]
) -> dict[str, list[tuple[Any, ...]]]:
    """The rows of the events table and its child tables for some events.

    One loop with everything bound locally: at 100k events this is a third of the build's
    database phase, so the events row is written inline rather than by a helper."""
    tables: dict[str, list[tuple[Any, ...]]] = {name: [] for name in EVENT_TABLES}
    region_of, as_json, fromkeys = reference.country_regions(), _json, dict.fromkeys
    events_rows, actors = tables["events"], tables["actors"]
    systems, tags, regions_rows = (
        tables["event_systems"],
        tables["event_tags"],
        tables["event_regions"],
    )
    amounts, places, citations = tables["amounts"], tables["places"], tables["citations"]
    relations = tables["relations"]
    for event in events:
        eid, date, actor_list = event.id, event.date, event.actors
        countries = tuple(fromkeys([a.country for a in actor_list]))
        regions = tuple(fromkeys([region_of[c] for c in countries if c in region_of]))
        # the primary region: the first non-Russian country's, else the first country's
        primary = None
        for c in countries:
            if c != "RUS" and c in region_of:
                primary = region_of[c]
                break
        if primary is None and countries:
            primary = region_of.get(countries[0])
        earliest, latest = date.earliest, date.latest
        first = event.places[0] if event.places else None
        events_rows.append((
            eid, event.title, str(date), date.precision.label, int(date.is_interval),
            earliest.isoformat(), latest.isoformat(), earliest.year, latest.year,
            earliest.year // 10 * 10, event.kind, primary, as_json(regions), as_json(countries),
            as_json(tuple(fromkeys([a.country for a in actor_list if a.role == "supplier"]))),
            as_json(tuple(fromkeys([a.country for a in actor_list if a.role == "recipient"]))),
            as_json(event.systems), as_json(event.tags), event.summary,
            "\n".join([c.quote for c in event.sources]), event.note,
            first.lat if first else None, first.lon if first else None, order_of[eid],
        ))  # fmt: skip
        actors.extend(fromkeys([(eid, a.country, a.role) for a in actor_list]))
        systems.extend([(eid, s) for s in event.systems])
        tags.extend([(eid, t) for t in event.tags])
        regions_rows.extend([(eid, r) for r in regions])
        amounts.extend([(None, eid, a.value, a.currency, a.unit, a.what) for a in event.amounts])
        places.extend([(None, eid, p.name, p.lat, p.lon) for p in event.places])
        citations.extend([(None, eid, c.source, c.quote) for c in event.sources])
        relations.extend(fromkeys([(eid, r.target, r.type) for r in event.relations]))
    return tables


def _write(
    conn: sqlite3.Connection, tables: dict[str, list[tuple[Any, ...]]], info: dict[str, str]
) -> None:
    """Create the schema and fill it in one transaction; indexes and FTS after the rows."""
    import sqlite_utils

    conn.executescript(_SCHEMA)
    conn.execute("begin")
    conn.executemany("insert into build_info values (?, ?)", sorted(info.items()))
    for table, rows in tables.items():
        if not rows:
            continue
        marks = ", ".join("?" * len(rows[0]))
        conn.executemany(f"insert into [{table}] values ({marks})", rows)
    conn.execute("commit")
    conn.executescript(_INDEXES)
    store_facet_counts(conn)  # after the indexes, which make each count one index scan
    db = sqlite_utils.Database(conn)
    db["events"].enable_fts(
        list(FTS_COLUMNS), fts_version="FTS5", create_triggers=False, tokenize=FTS_TOKENIZE
    )
    db["events"].optimize()
    conn.executescript(_VIEWS)
    # sampled statistics: enough for the query planner, a fraction of a full ANALYZE
    conn.execute("pragma analysis_limit = 1000")
    conn.execute("analyze")


def build(
    events_dir: str | Path,
    sources_dir: str | Path,
    db_path: str | Path,
    progress: Any = None,
    *,
    incremental: bool = True,
) -> BuildReport:
    """Validate the events and build the database at ``db_path`` atomically.

    With ``incremental`` (the default) and an existing database built from the same
    sources and schema, only changed files are parsed and their rows replaced; with
    nothing changed, nothing is written. Raises ValidationError (nothing written) when
    the events have problems, and BuildError when the database cannot be written; the
    old file is untouched in both. One build of a database runs at a time (a second
    waits for the lock), and temporary files of crashed builds are removed.
    """
    events_dir, sources_dir, db_path = Path(events_dir), Path(sources_dir), Path(db_path)
    with atomic.exclusive(db_path, BuildError):
        atomic.remove_stale_temporaries(db_path)
        return _build(events_dir, sources_dir, db_path, progress, incremental)


def _build(
    events_dir: Path, sources_dir: Path, db_path: Path, progress: Any, incremental: bool
) -> BuildReport:
    """``build`` once it holds the database's lock."""
    sources_fp = sources_fingerprint(sources_dir)
    if incremental and db_path.is_file() and events_dir.is_dir():
        from armstimeline.incremental import update

        report = update(events_dir, sources_dir, db_path, sources_fp)
        if report is not None:
            return report
    hashes: dict[str, Stamp] = {}  # filled while the files are read: no second pass
    read_at = time.time_ns()
    events, sources = load_events(events_dir, sources_dir, progress, hashes)
    hashes = {name: recorded_stamp(stamp, read_at) for name, stamp in hashes.items()}
    stamp = combine(sources_fp, hashes)
    info = {
        "fingerprint": stamp,
        "sources_fingerprint": sources_fp,
        "schema_version": SCHEMA_VERSION,
    }
    with replacing(db_path, "Could not build") as tmp:
        tables = write_database(tmp, events, sources, info, hashes)
    return BuildReport(
        path=db_path,
        events=len(events),
        tables={k: len(v) for k, v in tables.items()},
        fingerprint=stamp,
    )


@contextlib.contextmanager
def replacing(db_path: Path, failure: str) -> Iterator[Path]:
    """The atomic publisher (``atomic.replacing``) for a database: a failure is a
    BuildError and the previous database is untouched."""
    with atomic.replacing(db_path, failure, BuildError, "database") as tmp:
        yield tmp


def write_database(
    path: Path,
    events: list[Event],
    sources: dict[str, Source],
    info: dict[str, str],
    stamps: dict[str, Stamp] | None = None,
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
        tables = _rows(events, sources)
        tables["files"] = _file_rows(events, stamps or {})
        with contextlib.closing(sqlite3.connect(path, isolation_level=None)) as conn:
            # 8 KiB pages: measured 15% faster to fill at 100k events than the 4 KiB default
            conn.execute("pragma page_size = 8192")
            conn.execute("pragma journal_mode = off")
            conn.execute("pragma synchronous = off")
            # keys are checked once, in bulk, by _check: cheaper than a lookup per insert
            conn.execute("pragma foreign_keys = off")
            _write(conn, tables, info)
            record_counts(conn)
            _check(conn)
        return tables
    finally:
        if gc_was_enabled:
            gc.enable()


def _file_rows(events: list[Event], stamps: dict[str, Stamp]) -> list[tuple[Any, ...]]:
    """(file name, hash, size, mtime, event id): each event's id is its file's stem."""
    rows = []
    for event in events:
        for suffix in EVENT_SUFFIXES:
            name = event.id + suffix
            if name in stamps:
                rows.append((name, *stamps[name], event.id))
                break
    return sorted(rows)


def record_counts(conn: sqlite3.Connection) -> None:
    """Store every table's row count in build_info, for Datasette's inspect file.

    With it, ``serve`` starts without counting (or hashing) a large database.
    """
    names = [r[0] for r in conn.execute("select name from sqlite_master where type = 'table'")]
    counts = {name: conn.execute(f"select count(*) from [{name}]").fetchone()[0] for name in names}
    conn.execute(
        "insert or replace into build_info values ('table_counts', ?)",
        (json.dumps(counts, sort_keys=True),),
    )


def _check(conn: sqlite3.Connection, *, keys: bool = True) -> None:
    """Refuse to publish a file that fails SQLite's structure and key checks.

    ``quick_check`` verifies every page and b-tree like ``integrity_check`` but skips
    matching each index against its table, which costs as much as the build's inserts;
    the test suite runs the full ``integrity_check`` and ``foreign_key_check`` on built
    files. With ``keys``, every foreign key is checked but the owner links of child rows.
    """
    problems = [r[0] for r in conn.execute("pragma quick_check")]
    if problems != ["ok"]:
        raise BuildError(f"integrity check failed: {problems[:3]}")
    broken = _broken_references(conn) if keys else []
    if broken:
        raise BuildError(f"foreign key check failed: {broken[:3]}")


# A child row's link to the event that owns it is written by _event_tables from that
# very event, so it holds by construction; checking it would be most of the key check's
# cost (a lookup in the events index for every child row). Links that come from the data
# (countries, systems, sources, vocabularies, relation targets) are all checked.
_OWNER_COLUMNS = frozenset({("event_id", "events"), ("from_event", "events")})


def _broken_references(conn: sqlite3.Connection) -> list[tuple[str, str, Any]]:
    """(table, column, value) of foreign keys with no parent row, one per key at most."""
    tables = [
        r[0]
        for r in conn.execute(
            "select name from sqlite_master where type = 'table' and name not like 'sqlite_%'"
        )
    ]
    broken = []
    for table in tables:
        for row in conn.execute(f"pragma foreign_key_list([{table}])").fetchall():
            parent, column, to = row[2], row[3], row[4]
            if (column, parent) in _OWNER_COLUMNS:
                continue
            missing = conn.execute(
                f"select [{column}] from [{table}] where [{column}] is not null "
                f"and [{column}] not in (select [{to}] from [{parent}]) limit 1"
            ).fetchone()
            if missing:
                broken.append((table, column, missing[0]))
    return broken


def table_rows(db_path: Path) -> Iterator[tuple[str, list[tuple[Any, ...]]]]:
    """Every table's rows in rowid order, for comparing two builds."""
    with contextlib.closing(sqlite3.connect(db_path)) as conn:
        names = [
            r[0]
            for r in conn.execute(
                "select name from sqlite_master where type = 'table' order by name"
            )
        ]
        for name in names:
            yield name, conn.execute(f"select * from [{name}]").fetchall()


def read_events(
    conn: sqlite3.Connection, ids: Iterable[str]
) -> tuple[list[Event], dict[str, Source]]:
    """Rebuild Event objects from a built database, in timeline order.

    The site's .ics renderer uses this so a download from any Datasette view follows
    exactly the rules of ``armstimeline export``.
    """
    from armstimeline.dates import parse_date
    from armstimeline.model import Actor, Amount, Citation, Place, Relation

    wanted = list(dict.fromkeys(ids))
    if not wanted:
        return [], {}
    conn.execute("create temp table if not exists _wanted (id text primary key)")
    conn.execute("delete from _wanted")
    conn.executemany("insert or ignore into _wanted values (?)", [(i,) for i in wanted])

    def children(sql: str) -> dict[str, list[tuple[Any, ...]]]:
        out: dict[str, list[tuple[Any, ...]]] = {}
        for row in conn.execute(sql):
            out.setdefault(row[0], []).append(row[1:])
        return out

    join = "join _wanted w on w.id = t.event_id"
    actors = children(f"select t.event_id, country, role from actors t {join} order by t.rowid")
    systems = children(f"select t.event_id, system from event_systems t {join} order by t.rowid")
    tags = children(f"select t.event_id, tag from event_tags t {join} order by t.rowid")
    amounts = children(
        f"select t.event_id, value, what, currency, unit from amounts t {join} order by t.id"
    )
    places = children(
        f"select t.event_id, name, latitude, longitude from places t {join} order by t.id"
    )
    cites = children(f"select t.event_id, source_id, quote from citations t {join} order by t.id")
    rels = children(
        "select from_event, type, to_event from relations t "
        "join _wanted w on w.id = t.from_event order by t.rowid"
    )
    events = []
    for row in conn.execute(
        "select e.id, title, date, kind, summary, note from events e "
        "join _wanted w on w.id = e.id order by e.sort_order"
    ):
        eid = row[0]
        events.append(
            Event(
                id=eid,
                title=row[1],
                date=parse_date(row[2]),
                kind=row[3],
                summary=row[4],
                note=row[5],
                actors=[Actor(*a) for a in actors.get(eid, [])],
                systems=[s[0] for s in systems.get(eid, [])],
                tags=[t[0] for t in tags.get(eid, [])],
                amounts=[
                    Amount(value=a[0], what=a[1], currency=a[2], unit=a[3])
                    for a in amounts.get(eid, [])
                ],
                places=[Place(*p) for p in places.get(eid, [])],
                sources=[Citation(*c) for c in cites.get(eid, [])],
                relations=[Relation(type=r[0], target=r[1]) for r in rels.get(eid, [])],
            )
        )
    sources = {
        r[0]: Source(id=r[0], title=r[1], publisher=r[2], url=r[3], file=r[4])
        for r in conn.execute("select id, title, publisher, url, file from sources")
    }
    return events, sources
