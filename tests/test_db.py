"""The SQLite build: atomic, deterministic, checked, and refusing bad input."""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3

import pytest
from click.testing import CliRunner
from pyroaring import BitMap

from armstimeline.cli import cli
from armstimeline.database import build, is_current, table_rows
from armstimeline.errors import BuildError, ValidationError, relpath

from .conftest import EVENTS, SEEDS


class TestBuild:
    def test_tables_and_counts(self, tmp_path):
        """Every event becomes one row; child tables hold the normalised parts."""
        db = tmp_path / "a.db"
        report = build(EVENTS, SEEDS, db)
        conn = sqlite3.connect(db)
        n = conn.execute("select count(*) from events").fetchone()[0]
        assert n == report.events >= 50
        roles = conn.execute(
            "select role from actors where event_id = 'turkey-s400-contract-2017' "
            "and country = 'TUR'"
        ).fetchall()
        assert roles == [("buyer",)]
        row = conn.execute(
            "select date, precision, earliest, latest, year, decade from events "
            "where id = 'armenia-iskander-2016'"
        ).fetchone()
        assert row == ("2016", "year", "2016-01-01", "2016-12-31", 2016, 2010)
        assert conn.execute("pragma foreign_key_check").fetchall() == []
        assert conn.execute("pragma integrity_check").fetchone() == ("ok",)
        fts = conn.execute(
            "select count(*) from events_fts where events_fts match 'Iskander'"
        ).fetchone()[0]
        assert fts >= 2

    def test_two_builds_are_identical(self, tmp_path):
        """Same events, same rows in the same order."""
        build(EVENTS, SEEDS, tmp_path / "a.db")
        build(EVENTS, SEEDS, tmp_path / "b.db")
        assert list(table_rows(tmp_path / "a.db")) == list(table_rows(tmp_path / "b.db"))

    def test_refuses_invalid_events_and_keeps_old_db(self, tmp_path, dataset_copy):
        """A build over a bad event exits 1 and leaves the existing database's bytes alone."""
        events, seeds = dataset_copy
        db = tmp_path / "armstimeline.db"
        build(events, seeds, db)
        before = db.read_bytes()
        bad = events / "armenia-iskander-2016.yml"
        bad.write_text(bad.read_text().replace('date: "2016"', 'date: "2016-13"'))
        with pytest.raises(ValidationError):
            build(events, seeds, db)
        result = CliRunner().invoke(
            cli, ["build", "--events", str(events), "--sources", str(seeds), "--db", str(db)]
        )
        assert result.exit_code == 1
        assert "armenia-iskander-2016.yml:3" in result.stderr
        assert db.read_bytes() == before
        assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".tmp") == []

    def test_failed_write_keeps_old_db(self, tmp_path, monkeypatch):
        """A crash while writing leaves the previous database intact and no temp file."""
        from armstimeline.database import cold

        path = tmp_path / "armstimeline.db"
        build(EVENTS, SEEDS, path)
        before = path.read_bytes()

        def boom(*args, **kwargs):
            raise sqlite3.OperationalError("disk I/O error")

        monkeypatch.setattr(cold, "check_database", boom)
        with pytest.raises(BuildError, match="previous database"):
            build(EVENTS, SEEDS, path, incremental=False)
        assert path.read_bytes() == before
        assert [p.name for p in tmp_path.iterdir()] == ["armstimeline.db"]

    @pytest.mark.parametrize(
        ("table", "column", "value"),
        [
            ("actors", "country", "XXX"),
            ("actors", "role", "sponsor"),
            ("events", "kind", "rumour"),
            ("event_systems", "system", "Not A System"),
            ("citations", "source_id", "no-such-source"),
            ("relations", "to_event", "no-such-event"),
            ("relations", "type", "inspired"),
        ],
    )
    def test_key_check_catches_rows_without_parent(self, tmp_path, table, column, value):
        """The build's own key check finds any link that comes from the data."""
        from armstimeline.database.checks import check_database

        path = tmp_path / "a.db"
        build(EVENTS, SEEDS, path)
        conn = sqlite3.connect(path, isolation_level=None)
        check_database(conn)  # clean as built
        conn.execute(f"update [{table}] set [{column}] = ? where rowid = 1", (value,))
        with pytest.raises(BuildError, match=f"foreign key check failed.*{table}"):
            check_database(conn)  # a committed file: its keys checked in a thread
        conn.execute("begin")
        conn.execute("update events set note = 'pending' where rowid = 1")
        with pytest.raises(BuildError, match=f"foreign key check failed.*{table}"):
            check_database(conn)  # with something to commit: on this connection
        conn.close()

    def test_fingerprint_tracks_changes(self, tmp_path, dataset_copy):
        """serve rebuilds only when an event or source file changed."""
        events, seeds = dataset_copy
        db = tmp_path / "x.db"
        assert not is_current(db, events, seeds)
        build(events, seeds, db)
        assert is_current(db, events, seeds)
        path = events / "armenia-iskander-2016.yml"
        path.write_text(path.read_text().replace("angered", "upset"))
        assert not is_current(db, events, seeds)


def test_cli_build(tmp_path):
    db = tmp_path / "out.db"
    result = CliRunner().invoke(
        cli, ["build", "--events", str(EVENTS), "--sources", str(SEEDS), "--db", str(db)]
    )
    assert result.exit_code == 0, result.output
    assert db.is_file()
    assert "events" in result.stderr


def comparable(db):
    """Table contents as sets (an incremental build appends rows; a cold one writes them in
    order), without surrogate ids, the FTS shadow tables and SQLite's statistics."""
    out = {}
    for name, rows in table_rows(db):
        if name.startswith(("events_fts", "sqlite_")):
            continue
        if name in {"amounts", "places", "citations"}:
            rows = [row[1:] for row in rows]
        if name == "build_info":  # counts of SQLite's and FTS's internal tables differ
            rows = [row for row in rows if row[0] != "table_counts"]
        if name == "facet_members":  # bitmaps of rowids, which differ: compare the events
            rows = [(facet, value, member_ids(db, blob)) for facet, value, blob in rows]
        out[name] = sorted(map(repr, rows))
    return out


def member_ids(db, blob):
    """The ids of the events in a stored bitmap of events' rowids."""
    with contextlib.closing(sqlite3.connect(db)) as conn:
        ids = dict(conn.execute("select rowid, id from events"))
    return sorted(ids[rowid] for rowid in BitMap.deserialize(blob))


LINK = "relations:\n- {type: caused, target: azerbaijan-diversifies-arms-imports-2017-2018}\n"


class TestIncremental:
    def edit(self, events):
        """Change one event, add one, remove one, and reorder two by a new relation."""
        a = events / "armenia-iskander-2016.yml"
        a.write_text(a.read_text().replace("angered", "upset"))
        new = events / "extra-event-2016.yml"
        new.write_text(
            (events / "armenia-iskander-2016.yml")
            .read_text()
            .replace("id: armenia-iskander-2016", "id: extra-event-2016")
            .replace(LINK, "")
        )
        (events / "moldova-president-eurasian-union-2016.yml").unlink()
        bulgaria = events / "bulgaria-president-against-sanctions-2016.yml"
        link = "- {type: related, target: moldova-president-eurasian-union-2016}\n"
        bulgaria.write_text(bulgaria.read_text().replace(link, ""))

    def test_same_result_as_cold_build(self, tmp_path, dataset_copy):
        """After edits, an incremental build holds exactly what a cold build would."""
        events, seeds = dataset_copy
        inc, cold = tmp_path / "inc.db", tmp_path / "cold.db"
        build(events, seeds, inc)
        self.edit(events)
        report = build(events, seeds, inc)
        assert report.tables == {"changed": 3, "removed": 1}
        assert inc.stat().st_mode & 0o777 == 0o644, "an updated database stays readable"
        build(events, seeds, cold, incremental=False)
        assert comparable(inc) == comparable(cold)
        conn = sqlite3.connect(inc)
        hits = conn.execute(
            "select count(*) from events_fts where events_fts match 'upset'"
        ).fetchone()[0]
        assert hits == 2  # the edited event and the new copy of it
        assert (
            conn.execute(
                "select count(*) from events_fts where events_fts match 'angered'"
            ).fetchone()[0]
            == 0
        )
        assert is_current(inc, events, seeds)
        counts = json.loads(
            conn.execute("select value from build_info where key = 'table_counts'").fetchone()[0]
        )
        assert counts["events"] == conn.execute("select count(*) from events").fetchone()[0]

    def test_nothing_changed_writes_nothing(self, tmp_path, dataset_copy):
        events, seeds = dataset_copy
        db = tmp_path / "a.db"
        build(events, seeds, db)
        stat = db.stat()
        build(events, seeds, db)
        assert db.stat().st_mtime_ns == stat.st_mtime_ns
        assert db.stat().st_ino == stat.st_ino

    def test_same_size_same_mtime_edit_is_seen(self, tmp_path, dataset_copy, monkeypatch):
        """A file built moments after it was written is hashed again next time, so an edit
        that keeps its size and lands on the same timestamp is not missed (git's racy
        entries). The window is widened so the test does not depend on the machine's speed."""
        from armstimeline.loading import stamps

        monkeypatch.setattr(stamps, "RACY_WINDOW_NS", 10**15)
        events, seeds = dataset_copy
        db = tmp_path / "a.db"
        target = events / "armenia-iskander-2016.yml"
        target.write_text(target.read_text())  # a fresh modification time
        before = os.stat(target)
        build(events, seeds, db)
        text = target.read_text()
        assert "angered" in text
        target.write_text(text.replace("angered", "annoyed"))  # same length
        os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns))
        assert os.stat(target).st_size == before.st_size
        report = build(events, seeds, db)
        assert report.tables == {"changed": 1, "removed": 0}
        assert (
            "annoyed"
            in sqlite3.connect(db)
            .execute("select summary from events where id = 'armenia-iskander-2016'")
            .fetchone()[0]
        )

    def test_checks_against_unchanged_events(self, tmp_path, dataset_copy):
        """Removing an event others link to is an error reported on the linking file."""
        events, seeds = dataset_copy
        db = tmp_path / "a.db"
        build(events, seeds, db)
        before = db.read_bytes()
        (events / "azerbaijan-diversifies-arms-imports-2017-2018.yml").unlink()
        with pytest.raises(ValidationError) as info:
            build(events, seeds, db)
        assert any(
            p.path.endswith("armenia-iskander-2016.yml") and "not an event id" in p.message
            for p in info.value.problems
        )
        assert db.read_bytes() == before

    def test_one_sided_symmetric_link_is_caught(self, tmp_path, dataset_copy):
        events, seeds = dataset_copy
        db = tmp_path / "a.db"
        build(events, seeds, db)
        gas = events / "gazprom-bangladesh-gas-wells-2013.yml"
        text = gas.read_text()
        gas.write_text(text[: text.index("relations:")])
        with pytest.raises(ValidationError) as info:
            build(events, seeds, db)
        assert any("goes both ways" in p.message for p in info.value.problems)


def add_relation(path, rtype, target):
    """Add one relation to an event file's list (made if the file has none)."""
    text = path.read_text()
    line = f"{{type: {rtype}, target: {target}}}"
    if "\nrelations:\n" in text:
        head, tail = text.split("\nrelations:\n", 1)
        indent = tail[: len(tail) - len(tail.lstrip(" "))]
        path.write_text(f"{head}\nrelations:\n{indent}- {line}\n{tail}")
    else:
        path.write_text(text.rstrip("\n") + f"\nrelations:\n- {line}\n")


def edit_summary(path):
    """Begin an event's summary with a new word (a folded block or a plain line)."""
    text = path.read_text()
    folded = "\nsummary: >-\n  "
    if folded in text:
        path.write_text(text.replace(folded, folded + "Edited ", 1))
    else:
        path.write_text(text.replace("\nsummary: ", "\nsummary: Edited ", 1))


def indexes_and_statistics(db):
    """The events table's indexes in the order the planner meets them, with their SQL,
    and the statistics ``analyze`` kept of them."""
    with contextlib.closing(sqlite3.connect(db)) as conn:
        indexes = conn.execute(
            "select name, sql from sqlite_master where type = 'index' and tbl_name = 'events' "
            "order by rowid"
        ).fetchall()
        stats = sorted(conn.execute("select * from sqlite_stat1 where tbl = 'events'"))
    assert len(indexes) > 5 and len(stats) > 5
    return indexes, stats


def timeline(db):
    with contextlib.closing(sqlite3.connect(db)) as conn:
        return [r[0] for r in conn.execute("select id from events order by sort_order")]


class TestIncrementalShortcuts:
    """Each shortcut an update takes gives what a cold build gives, and a wrong one fails."""

    def same_as_cold(self, events, seeds, inc, tmp_path):
        cold = tmp_path / "cold.db"
        build(events, seeds, cold, incremental=False)
        assert comparable(inc) == comparable(cold)

    def test_text_edits_keep_every_place_in_the_timeline(self, tmp_path, dataset_copy, monkeypatch):
        """Edits that move nothing (texts only) keep the stored order: nothing is ordered
        or renumbered again."""
        from armstimeline.database import incremental

        events, seeds = dataset_copy
        inc = tmp_path / "inc.db"
        build(events, seeds, inc)
        before = timeline(inc)
        for name in sorted(os.listdir(events))[::7]:
            edit_summary(events / name)

        def refuse(*args):
            raise AssertionError("the whole timeline was ordered again")

        monkeypatch.setattr(incremental, "timeline_order", refuse)
        monkeypatch.setattr(incremental, "renumber", refuse)
        report = build(events, seeds, inc)
        assert report.tables["changed"] == 10
        assert timeline(inc) == before
        self.same_as_cold(events, seeds, inc, tmp_path)

    def test_a_new_date_moves_an_event_across_the_others(self, tmp_path, dataset_copy):
        """Moved from first to last, the event shifts every other row: the events' indexes
        are set aside and made again, in their order and with their statistics."""
        from armstimeline.database import ordering

        events, seeds = dataset_copy
        inc = tmp_path / "inc.db"
        build(events, seeds, inc)
        before = timeline(inc)
        planned = indexes_and_statistics(inc)
        with contextlib.closing(sqlite3.connect(inc)) as conn:
            (date,) = conn.execute(
                "select date from events where id = ?", (before[-1],)
            ).fetchone()
        path = events / f"{before[0]}.yml"
        text = path.read_text()
        start = text.index("\ndate: ") + len("\ndate: ")
        end = text.index("\n", start)
        path.write_text(text[:start] + f'"{date}"' + text[end:])
        build(events, seeds, inc)
        after = timeline(inc)
        assert after.index(before[0]) > len(before) // 2, "moved from first to the end"
        shifted = sum(a != b for a, b in zip(before, after, strict=True))
        assert shifted > ordering.REINDEX_SHARE * len(before), "the indexes were set aside"
        assert indexes_and_statistics(inc) == planned
        with contextlib.closing(sqlite3.connect(inc)) as conn:
            assert conn.execute("pragma integrity_check").fetchall() == [("ok",)]
        self.same_as_cold(events, seeds, inc, tmp_path)

    def test_a_new_ordering_link_reorders_a_tie(self, tmp_path, dataset_copy):
        """Two events on the same date keep their story order: a new 'caused' link swaps
        them, though neither date moved."""
        events, seeds = dataset_copy
        inc = tmp_path / "inc.db"
        build(events, seeds, inc)
        with contextlib.closing(sqlite3.connect(inc)) as conn:
            first, second = conn.execute(
                "select a.id, b.id from events a join events b on a.earliest = b.earliest "
                "and a.latest = b.latest and a.precision = b.precision "
                "and a.sort_order < b.sort_order "
                "where not exists (select 1 from relations where from_event in (a.id, b.id) "
                "and to_event in (a.id, b.id)) order by a.sort_order limit 1"
            ).fetchone()
        before = timeline(inc)
        assert before.index(first) < before.index(second)
        add_relation(events / f"{second}.yml", "caused", first)
        assert build(events, seeds, inc).tables == {"changed": 1, "removed": 0}
        after = timeline(inc)
        assert after.index(second) < after.index(first)
        self.same_as_cold(events, seeds, inc, tmp_path)

    def test_a_touched_file_is_recorded_anew(self, tmp_path, dataset_copy):
        """A file with the same bytes and a new time is not parsed, but its new time is
        recorded, as a cold build records it."""
        events, seeds = dataset_copy
        inc = tmp_path / "inc.db"
        build(events, seeds, inc)
        names = sorted(os.listdir(events))
        touched = events / names[3]
        stat = touched.stat()
        os.utime(touched, ns=(stat.st_atime_ns, stat.st_mtime_ns - 10**10))
        edit_summary(events / names[5])
        assert build(events, seeds, inc).tables == {"changed": 1, "removed": 0}
        with contextlib.closing(sqlite3.connect(inc)) as conn:
            (mtime,) = conn.execute(
                "select mtime_ns from files where name = ?", (names[3],)
            ).fetchone()
        assert mtime == touched.stat().st_mtime_ns
        self.same_as_cold(events, seeds, inc, tmp_path)

    def test_a_renamed_id_breaks_the_links_to_it(self, tmp_path, dataset_copy):
        """A kept event's link to an event whose file and id are renamed is reported on
        the kept event's file; once the link follows, the update is a cold build's."""
        events, seeds = dataset_copy
        inc = tmp_path / "inc.db"
        build(events, seeds, inc)
        old, new = "azerbaijan-diversifies-arms-imports-2017-2018", "azerbaijan-renamed-2017"
        text = (events / f"{old}.yml").read_text()
        (events / f"{old}.yml").unlink()
        (events / f"{new}.yml").write_text(text.replace(f"id: {old}", f"id: {new}"))
        linking = sorted(
            p for p in events.iterdir() if f"target: {old}}}" in p.read_text()
        )
        assert len(linking) >= 2
        before = inc.read_bytes()
        with pytest.raises(ValidationError) as info:
            build(events, seeds, inc)
        assert sorted(
            p.path for p in info.value.problems if f"'{old}' is not an event id" in p.message
        ) == [relpath(p) for p in linking]
        assert inc.read_bytes() == before
        for path in linking:
            path.write_text(path.read_text().replace(f"target: {old}}}", f"target: {new}}}"))
        report = build(events, seeds, inc)
        assert report.tables == {"changed": len(linking) + 1, "removed": 1}
        self.same_as_cold(events, seeds, inc, tmp_path)

    def test_a_copy_that_fails_beside_the_parsing_keeps_the_old_database(
        self, tmp_path, dataset_copy, monkeypatch
    ):
        """The database is copied in a thread while the files parse: its failure is the
        update's, said in a sentence, with the old file untouched and no copy left."""
        import errno

        from armstimeline.database import incremental

        events, seeds = dataset_copy
        inc = tmp_path / "inc.db"
        build(events, seeds, inc)
        before = inc.read_bytes()
        edit_summary(events / "armenia-iskander-2016.yml")

        def full(source, target):
            with open(target, "wb") as partial:
                partial.write(b"SQLite format 3\0")
            raise OSError(errno.ENOSPC, "No space left on device")

        monkeypatch.setattr(incremental.shutil, "copyfile", full)
        with pytest.raises(BuildError, match=r"Could not update .*: no space left on device"):
            build(events, seeds, inc)
        assert inc.read_bytes() == before
        assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []

    def test_a_changed_source_text_checks_every_quote_again(self, tmp_path, dataset_copy):
        """An update checks the quotes of the files it parses only: a source text that
        changes sends the build cold, where an unchanged event's quote is checked again."""
        events, seeds = dataset_copy
        inc = tmp_path / "inc.db"
        build(events, seeds, inc)
        text = seeds / "001_3276b30b763cc5a2.txt"
        assert "Armenia obtained Russian Iskander" in text.read_text()
        text.write_text(text.read_text().replace("Armenia obtained Russian Iskander", "Armenia"))
        edit_summary(events / "bangladesh-arms-loan-2013.yml")  # another file changes too
        with pytest.raises(ValidationError) as info:
            build(events, seeds, inc)
        assert [relpath(events / "armenia-iskander-2016.yml")] == [
            p.path for p in info.value.problems if "is not in the text" in p.message
        ]

    def test_kept_events_are_named_by_their_files(self, tmp_path, dataset_copy):
        """An update asks about kept events one at a time: a second file with a kept
        event's id, and a one-way symmetric link to a kept event, name the kept file."""
        events, seeds = dataset_copy
        inc = tmp_path / "inc.db"
        build(events, seeds, inc)
        kept = "bangladesh-arms-loan-2013"
        (events / f"{kept}.yaml").write_text((events / f"{kept}.yml").read_text())
        add_relation(events / "armenia-iskander-2016.yml", "related", kept)
        with pytest.raises(ValidationError) as info:
            build(events, seeds, inc)
        shown = relpath(events / f"{kept}.yml")
        messages = [p.message for p in info.value.problems]
        assert f"the id '{kept}' is also used by {shown}" in messages
        assert any(
            m.startswith("'related' goes both ways") and m.endswith(f"relations of {shown}")
            for m in messages
        ), messages


def test_stored_facet_counts_match_live_counts(tmp_path, dataset_copy):
    """What the site shows for the unfiltered page is what counting would give, also after
    an incremental update."""
    from armstimeline.database.facets import STORED_FACETS

    events, seeds = dataset_copy
    db = tmp_path / "a.db"

    def check() -> None:
        conn = sqlite3.connect(db)
        for table, column in STORED_FACETS:
            stored = conn.execute(
                "select value, count from facet_counts where facet = ? order by value",
                (f"{table}.{column}",),
            ).fetchall()
            counted = "count(*)" if table == "events" else "count(distinct event_id)"
            live = conn.execute(
                f"select {column}, {counted} from {table} where {column} is not null "
                f"group by {column} order by {column}"
            ).fetchall()
            assert stored == live and stored, (table, column)
            # which events have each value: the stored bitmaps hold exactly those
            owner = "id" if table == "events" else "event_id"
            live_members: dict = {}
            for value, event_id in conn.execute(
                f"select {column}, {owner} from {table} where {column} is not null"
            ):
                live_members.setdefault(value, set()).add(event_id)
            members = {
                value: set(member_ids(db, blob))
                for value, blob in conn.execute(
                    "select value, members from facet_members where facet = ?",
                    (f"{table}.{column}",),
                )
            }
            assert members == live_members, (table, column)
        conn.close()

    build(events, seeds, db)
    check()
    TestIncremental().edit(events)  # changes, an addition and a removal
    assert build(events, seeds, db).tables == {"changed": 3, "removed": 1}
    check()
    # and what a build reads back from the tables (when the rows' rowids are not known)
    # is what a cold build collected from its rows
    collected = comparable(db)
    with contextlib.closing(sqlite3.connect(db, isolation_level=None)) as conn:
        from armstimeline.database.facets import store_facet_counts

        store_facet_counts(conn)
    check()
    assert comparable(db) == collected


def test_collected_bitmaps_are_not_used_when_rowids_are_not_as_assumed(tmp_path, dataset_copy):
    """The bitmaps a cold build collects assume the n-th events row is rowid n; a table
    that disagrees (here one row moved) has its bitmaps read back from the rows instead."""
    from armstimeline.database.facets import STORED_FACETS, facet_collector, store_facet_counts

    events, seeds = dataset_copy
    db = tmp_path / "a.db"
    build(events, seeds, db)
    expected = comparable(db)
    with contextlib.closing(sqlite3.connect(db, isolation_level=None)) as conn:
        collected = facet_collector(conn)
        rows = {"events": conn.execute("select * from events order by rowid").fetchall()}
        for table, _ in STORED_FACETS:
            if table != "events":
                rows[table] = conn.execute(f"select * from [{table}]").fetchall()
        collected.add(rows)
        assert collected.write(conn)  # the rowids agree: stored as collected
        assert comparable(db) == expected
        conn.execute("pragma foreign_keys = off")
        conn.execute("update events set rowid = rowid + 1000000 where rowid = 1")
        assert not collected.write(conn)
        store_facet_counts(conn, collected)
    assert comparable(db) == expected  # the same events per value, read from the rows


@pytest.mark.parametrize("limit", [999, 32766, 10])
def test_rows_inserted_many_to_a_statement_are_the_rows_one_at_a_time(limit):
    """``insert_rows`` puts many rows in one statement, as many as SQLite's parameter
    limit allows: the table holds the same rows under the same rowids as with one
    statement a row, a remainder included, and a repeated catalog name is ignored."""
    from armstimeline.database.rows import ROWS_PER_INSERT, insert_rows

    rows = [(None, f"e{i}", i * 1.5, "USD", None, f"what {i}", None, None)
            for i in range(2 * ROWS_PER_INSERT + 7)]  # fmt: skip
    systems = [(f"S-{i % 150}", "tank", None, "[]") for i in range(230)]
    made = []
    for many in (True, False):
        conn = sqlite3.connect(":memory:")
        conn.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, limit)
        conn.execute("create table amounts (id integer primary key, event_id, value, "
                     "currency, unit, what, bound, upper)")  # fmt: skip
        conn.execute("create table systems (name primary key, category, origin, aliases)")
        if many:
            insert_rows(conn, {"amounts": rows, "systems": systems})
        else:
            conn.executemany("insert into amounts values (?, ?, ?, ?, ?, ?, ?, ?)", rows)
            conn.executemany("insert or ignore into systems values (?, ?, ?, ?)", systems)
        made.append([conn.execute(f"select rowid, * from {t} order by rowid").fetchall()
                     for t in ("amounts", "systems")])  # fmt: skip
    assert made[0] == made[1]
    assert len(made[0][0]) == len(rows) and len(made[0][1]) == 150
