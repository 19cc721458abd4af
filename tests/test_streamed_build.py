"""The streamed cold build (issue 19, bounded memory): the same database as a build from
events held in memory, batch by batch, with every problem still reported at once."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from armstimeline.database import SCHEMA_VERSION, build
from armstimeline.database import streamed as streamed_module
from armstimeline.database.cold import write_database
from armstimeline.database.fingerprints import combine, sources_fingerprint
from armstimeline.errors import ValidationError
from armstimeline.figures import load_transfers
from armstimeline.importing import import_sipri
from armstimeline.loading import load_events, parallel, project_systems, recorded_stamp

from .conftest import EVENTS, ROOT, SEEDS
from .sipri_fixture import ROWS_1, register


def dump(db: Path) -> list[str]:
    """``sqlite3 .dump``, by Python's own ``iterdump`` when the shell is missing."""
    if shutil.which("sqlite3"):
        out = subprocess.run(["sqlite3", str(db), ".dump"], capture_output=True, text=True,
                             check=True).stdout  # fmt: skip
        return out.splitlines()
    with sqlite3.connect(db) as conn:
        return list(conn.iterdump())


def rowids(db: Path) -> dict[str, list[tuple]]:
    """Every table's rows with their rowids (``.dump`` leaves out those of most tables,
    and the stored facet bitmaps name events by theirs)."""
    with sqlite3.connect(db) as conn:
        tables = [r[0] for r in conn.execute(
            "select name from sqlite_master where type = 'table' and name not like 'sqlite_%' "
            "and name not like 'events_fts%' and name not like 'facet_%'")]  # fmt: skip
        return {t: conn.execute(f"select rowid, * from [{t}] order by rowid").fetchall()
                for t in tables}  # fmt: skip


def in_memory_build(events_dir: Path, sources_dir: Path, db: Path) -> dict[str, int]:
    """The build as it was before streaming: every event loaded, then written."""
    hashes: dict = {}
    read_at = time.time_ns()
    events, sources = load_events(events_dir, sources_dir, None, hashes)
    stamps = {name: recorded_stamp(stamp, read_at) for name, stamp in hashes.items()}
    fp = sources_fingerprint(sources_dir, events_dir)
    info = {"fingerprint": combine(fp, stamps), "sources_fingerprint": fp,
            "schema_version": SCHEMA_VERSION}  # fmt: skip
    transfers = load_transfers(events_dir, sources_dir)
    return write_database(db, events, sources, info, stamps, project_systems(events_dir)[0],
                          transfers)  # fmt: skip


def generated(tmp_path: Path, n: int) -> tuple[Path, Path]:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from generate import generate

    return generate(n, tmp_path / "data")


def project_with_register(tmp_path: Path) -> tuple[Path, Path]:
    """Curated events, an imported register (orders and deliveries linked part_of,
    designations the catalog lacks) and a project systems catalog."""
    shutil.copytree(EVENTS, tmp_path / "events")
    shutil.copytree(SEEDS, tmp_path / "seeds")
    (tmp_path / "systems.yml").write_text(
        "- name: Zircon\n  category: anti-ship missile\n  aliases: [3M22 Zircon]\n",
        encoding="utf-8",
    )
    file = tmp_path / "register.csv"
    file.write_bytes(register(ROWS_1).encode("latin-1"))
    import_sipri(file, tmp_path / "events")
    return tmp_path / "events", tmp_path / "seeds"


@pytest.mark.parametrize("folder", ["bundled", "register", "generated"])
def test_streamed_build_dumps_the_same_as_an_in_memory_build(tmp_path, folder, monkeypatch):
    if folder == "bundled":
        events, seeds = EVENTS, SEEDS
    elif folder == "register":
        events, seeds = project_with_register(tmp_path)
    else:
        events, seeds = generated(tmp_path, 700)
    monkeypatch.setattr(streamed_module, "BATCH", 37)  # many batches, one left over
    moved: list[str] = []
    renumber = streamed_module.renumber

    def watched(conn, order):
        moved.extend(i for i, n in conn.execute("select id, sort_order from events")
                     if order[i] != n)  # fmt: skip
        renumber(conn, order)

    monkeypatch.setattr(streamed_module, "renumber", watched)
    report = build(events, seeds, tmp_path / "streamed.db", incremental=False)
    tables = in_memory_build(events, seeds, tmp_path / "memory.db")
    assert report.tables == tables
    assert report.events == tables["events"]
    assert dump(tmp_path / "streamed.db") == dump(tmp_path / "memory.db")
    # a register's events are written in their place in the timeline: only files' move
    assert moved and not [i for i in moved if i.startswith("sipri-")]


@pytest.mark.slow
def test_workers_rows_events_read_here_and_a_registers_events_make_one_database(
    tmp_path, monkeypatch
):
    """With parse workers, a batch mixes a worker's rows for its chunk, events parsed in
    this process while the worker was busy, and rows of events derived from a register
    (the last half written by a process beside into a file of its own and copied in,
    their transfers made in another): the database is the one a build in one process
    makes, every table, rowid and facet bitmap (not its bytes: SQLite lays out its pages
    in another order)."""
    events, seeds = generated(tmp_path, 700)
    file = tmp_path / "register.csv"
    file.write_bytes(register(ROWS_1).encode("latin-1"))
    import_sipri(file, events)
    monkeypatch.setattr(parallel, "CHUNK", 23)  # chunks straddle batches
    monkeypatch.setattr(streamed_module, "BATCH", 37)
    made_here: list[int] = []
    derived_here: list[int] = []
    rows_of = streamed_module.event_rows

    def counting_rows(batch, order):
        made_here.append(len(batch))
        derived_here.append(sum(e.imported for e in batch))
        return rows_of(batch, order)

    parts_of = streamed_module.parts_rows

    def counting_parts(parts, order):  # a register's events: rows made from their parts
        made_here.append(len(parts))
        derived_here.append(len(parts))
        return parts_of(parts, order)

    copied: list[int] = []
    copy_side = streamed_module.copy_side

    def counting_copy(conn, path, side, collected):
        copied.append(side.events)
        return copy_side(conn, path, side, collected)

    monkeypatch.setattr(streamed_module, "event_rows", counting_rows)
    monkeypatch.setattr(streamed_module, "parts_rows", counting_parts)
    monkeypatch.setattr(streamed_module, "copy_side", counting_copy)
    monkeypatch.setenv("ARMSTIMELINE_WORKERS", "1")
    one = build(events, seeds, tmp_path / "one.db", incremental=False)
    here_alone, derived_alone = sum(made_here), sum(derived_here)
    made_here.clear()
    derived_here.clear()
    monkeypatch.setenv("ARMSTIMELINE_WORKERS", "2")
    two = build(events, seeds, tmp_path / "two.db", incremental=False)
    assert one.events == two.events > 700
    # this process made rows only for what it parsed itself: a worker made the first
    # chunks of the files and of the register's events
    assert 0 < sum(made_here) < here_alone == one.events
    assert sum(derived_here) < derived_alone == one.events - 700
    # the process beside wrote what this process did not make, and its file is gone
    assert copied and sum(derived_here) + sum(copied) == derived_alone
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix in (".tmp", ".db")) == [
        "one.db", "two.db"]
    assert dump(tmp_path / "one.db") == dump(tmp_path / "two.db")
    assert rowids(tmp_path / "one.db") == rowids(tmp_path / "two.db")


def test_streamed_build_holds_at_most_a_batch_of_events(tmp_path, monkeypatch):
    """Rows are made a chunk of files at a time and written a batch at a time: no call
    holds more than BATCH events."""
    events, seeds = generated(tmp_path, 300)
    seen, made = [], []
    insert, rows_of = streamed_module.insert_rows, streamed_module.event_rows

    def counting_insert(conn, tables):
        if "events" in tables:
            seen.append(len(tables["events"]))
        return insert(conn, tables)

    def counting_rows(batch, order):
        made.append(len(batch))
        return rows_of(batch, order)

    monkeypatch.setattr(streamed_module, "BATCH", 50)
    monkeypatch.setattr(parallel, "CHUNK", 25)
    monkeypatch.setattr(streamed_module, "insert_rows", counting_insert)
    monkeypatch.setattr(streamed_module, "event_rows", counting_rows)
    report = build(events, seeds, tmp_path / "a.db", incremental=False)
    assert report.events == 300 and sum(seen) == 300 and max(seen) == 50
    assert sum(made) == 300 and max(made) == 25


def test_streamed_build_reports_every_problem_and_publishes_nothing(tmp_path, monkeypatch):
    """Problems found early (a field) and late (a link to a file read later, a duplicate
    id) come together, and the old database stays as it was."""
    events, seeds = generated(tmp_path, 120)
    db = tmp_path / "a.db"
    build(events, seeds, db, incremental=False)
    before = db.read_bytes()
    files = sorted(events.glob("*.yml"))
    first, last = files[0], files[-1]
    first.write_text(first.read_text("utf-8").replace("kind: ", "kind: nonsense-", 1), "utf-8")
    text = last.read_text("utf-8")
    last.write_text(text + "relations:\n- {type: caused, target: no-such-event}\n"
                    if "relations:" not in text else
                    text.replace("relations:\n", "relations:\n- {type: caused, target: "
                                 "no-such-event}\n", 1), "utf-8")  # fmt: skip
    monkeypatch.setattr(streamed_module, "BATCH", 10)
    with pytest.raises(ValidationError) as info:
        build(events, seeds, db, incremental=False)
    fields = {(Path(p.path).name, p.field) for p in info.value.problems}
    assert (first.name, "kind") in fields
    assert (last.name, "relations") in fields
    assert db.read_bytes() == before
    assert not list(tmp_path.glob("a.db.*")), "no temporary file is left"


def test_folder_files_are_the_sorted_paths_made_when_asked(tmp_path):
    from armstimeline.loading import event_paths

    for name in ["b.yml", "a.yaml", "c.yml", "notes.txt", "a-b.yml"]:
        (tmp_path / name).write_text("x", "utf-8")
    files = event_paths(tmp_path)
    expected = [tmp_path / n for n in ["a-b.yml", "a.yaml", "b.yml", "c.yml"]]
    assert len(files) == 4 and list(files) == expected
    assert files[1] == expected[1] and files[-1] == expected[-1]
    assert files[1:3] == expected[1:3] and files[10:] == []


def test_a_source_registry_may_list_thousands_of_sources(tmp_path):
    """10,000 sources (1.2 MB) load; past 16 MiB the sentence names the registry."""
    from armstimeline.loading.sources import parse_sources
    from armstimeline.loading.yamlsafe import MAX_FILE_BYTES, MAX_LIST_BYTES

    entry = ("- id: source-{0:06d}\n  title: A source numbered {0}\n  publisher: Nobody\n"
             "  url: https://example.org/{0}\n")
    text = "".join(entry.format(i) for i in range(10_000))
    assert len(text) > MAX_FILE_BYTES
    (tmp_path / "sources.yml").write_text(text, "utf-8")
    sources, _, problems = parse_sources(tmp_path)
    assert len(sources) == 10_000 and problems == []
    with (tmp_path / "sources.yml").open("a", encoding="utf-8") as handle:
        handle.write("# " + "x" * MAX_LIST_BYTES + "\n")
    _, _, problems = parse_sources(tmp_path)
    assert [p.field for p in problems] == ["file"]
    assert "a source registry may be at most" in problems[0].message


def test_a_registers_rows_made_from_parts_are_the_rows_of_its_events(tmp_path):
    """A build writes a register's rows from what its events are made of, never making
    them: the same rows, in the same order, as the events give, whatever the span. Two
    editions (a row's editions and what SIPRI changed), an unmapped name, uncertain
    numbers, money in comments, an order with nothing delivered, a designation the
    catalog lacks and one it names otherwise."""
    from armstimeline.database.rows import event_rows, parts_rows
    from armstimeline.loading import FolderReader

    from .sipri_fixture import ROWS_2

    events, seeds = project_with_register(tmp_path)
    second = tmp_path / "register-2.csv"
    second.write_bytes(register(ROWS_2, "10 Mar 2026 09:15:02 AM", unknown=True)
                       .encode("latin-1"))  # fmt: skip
    import_sipri(second, events)
    plans = []
    reader = FolderReader(events, seeds, planned=plans.append)
    for _ in reader:
        pass
    (plan,) = plans
    n = len(plan)
    assert n > 15 and any(c for _, c in plan.histories[0][1].items())
    made = plan.events(0, n)
    assert any(a.type == "unmapped" for e in made for a in e.actors)
    assert any(e.register is not None and e.register.changes for e in made)
    order = {event_id: n - i for i, event_id in enumerate(plan.ids)}  # not id order
    for span in (n, 4, 1):
        by_parts: dict[str, list] = {}
        by_events: dict[str, list] = {}
        for start in range(0, n, span):
            stop = min(start + span, n)
            for table, rows in parts_rows(plan.parts(start, stop), order).items():
                by_parts.setdefault(table, []).extend(rows)
            for table, rows in event_rows(plan.events(start, stop), order).items():
                by_events.setdefault(table, []).extend(rows)
        assert by_parts == by_events
        assert len(by_parts["events"]) == n and by_parts["systems"]


def test_a_build_makes_no_amount_and_a_second_load_makes_none(tmp_path, monkeypatch):
    """A register's figures are made once per distinct statement: a build writes them as
    rows without making an ``Amount``; load() makes them, and a second load() in the same
    process reuses them. The figures are this test's own (no earlier test made them)."""
    import random

    from armstimeline import load
    from armstimeline.model import Amount

    salt = random.Random().randrange(10**6, 10**9)  # TIVs no other test states
    rows = []
    for row in ROWS_1:
        head, _, _ = row.rsplit(",", 2)
        *front, unit = head.rsplit(",", 1)
        rows.append(f"{front[0]},{float(unit) + salt:.2f},{7 + salt},{3 + salt}")
    shutil.copytree(EVENTS, tmp_path / "events")
    shutil.copytree(SEEDS, tmp_path / "seeds")
    (tmp_path / "register.csv").write_bytes(register(rows).encode("latin-1"))
    import_sipri(tmp_path / "register.csv", tmp_path / "events")
    made: list[Amount] = []
    checked = Amount.__attrs_post_init__

    def counted(self: Amount) -> None:  # every Amount of this test's figures
        checked(self)
        if self.unit == "tiv_million" and self.value >= salt:
            made.append(self)

    monkeypatch.setattr(Amount, "__attrs_post_init__", counted)
    monkeypatch.setenv("ARMSTIMELINE_WORKERS", "1")
    build(tmp_path / "events", tmp_path / "seeds", tmp_path / "t.db", incremental=False)
    assert made == []
    first = load(tmp_path / "events", tmp_path / "seeds")
    tivs = {a.value for e in first if e.imported for a in e.amounts if a.unit == "tiv_million"}
    assert {3 + salt, 7 + salt} <= tivs
    assert len(made) >= len(tivs)
    before = len(made)
    second = load(tmp_path / "events", tmp_path / "seeds")
    assert len(made) == before
    assert [e.amounts for e in second if e.imported] == [e.amounts for e in first if e.imported]


def test_files_written_beside_a_build_are_removed_with_it_or_by_the_next(tmp_path):
    """The rows a process beside writes live next to the build's private file, named
    like it: gone when the build ends, and removed by the next build of the database
    when a crash (kill -9) left them."""
    from armstimeline import atomic
    from armstimeline.database.side import side_file

    db = tmp_path / "timeline.db"
    private = tmp_path / ".timeline.db.4242.abcd.tmp"
    with side_file(private, "rows") as path:
        path.write_bytes(b"rows")
        assert path.parent == tmp_path
    assert not path.exists()
    with side_file(private, "rows") as path:
        path.write_bytes(b"rows")
        assert atomic.remove_stale_temporaries(db) == [path]  # as after a crash
