"""Loading and validating event files: every check names file, line and field."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from armstimeline.dates import PartialDate, Precision
from armstimeline.errors import ValidationError
from armstimeline.loading import load_events, read_event, validate

from .conftest import GOOD_EVENT


def replace(old: str, new: str, event_id: str = "bad-event") -> str:
    text = GOOD_EVENT.format(id=event_id)
    assert old in text, old
    return text.replace(old, new, 1)


# (case name, file text, line, field, part of the message)
BAD_FILES = [
    ("unknown key", replace("tags:", "tagz:"), 17, "tagz", "did you mean 'tags'?"),
    (
        "missing title",
        replace("title: Armenia obtains Russian Iskander missile systems\n", ""),
        1,
        "title",
        "required key 'title' is missing",
    ),
    ("bad date", replace('"2016"', '"2016-13"'), 3, "date", "no month 13"),
    ("impossible day", replace('"2016"', '"2019-02-30"'), 3, "date", "no day 30"),
    ("five-digit year", replace('"2016"', '"20015"'), 3, "date", "is not a date"),
    ("words for a date", replace('"2016"', "last year"), 3, "date", "is not a date"),
    ("interval backwards", replace('"2016"', '"2017/2013"'), 3, "date", "before it starts"),
    (
        "unknown kind",
        replace("kind: delivery", "kind: deliverey"),
        4,
        "kind",
        "did you mean 'delivery'?",
    ),
    (
        "bad country",
        replace("country: ARM", "country: XXX"),
        7,
        "actors[1].country",
        "not an ISO 3166-1 alpha-3 code",
    ),
    (
        "alpha-2 country",
        replace("country: ARM", "country: AM"),
        7,
        "actors[1].country",
        "did you mean 'ARM'?",
    ),
    (
        "bad role",
        replace("role: recipient", "role: reciever"),
        7,
        "actors[1].role",
        "use one of: supplier, recipient",
    ),
    (
        "unknown system",
        replace("[SS-26 Stone]", "[Wunderwaffe]"),
        8,
        "systems[0]",
        "not in the systems catalog",
    ),
    (
        "bad currency",
        replace("unit: percent", "currency: XYZ"),
        10,
        "amounts[0].currency",
        "not an ISO 4217 currency code",
    ),
    (
        "negative amount",
        replace('value: "65"', 'value: "-5"'),
        10,
        "amounts[0].value",
        "out of range",
    ),
    (
        "infinite amount",
        replace('value: "65"', "value: .inf"),
        10,
        "amounts[0].value",
        "is not a number",
    ),
    (
        "percent over 100",
        replace('value: "65"', "value: 165"),
        10,
        "amounts[0].value",
        "at most 100",
    ),
    (
        "currency and unit",
        replace("unit: percent", "unit: percent, currency: USD"),
        10,
        "amounts[0]",
        "either 'currency'",
    ),
    (
        "latitude out of range",
        replace("lat: 40.18", "lat: 95"),
        12,
        "places[0].lat",
        "out of range -90 to 90",
    ),
    (
        "longitude out of range",
        replace("lon: 44.5", "lon: 190"),
        12,
        "places[0].lon",
        "out of range -180 to 180",
    ),
    (
        "quote not in source",
        replace("short-range\n", "long-range\n"),
        16,
        "sources.quote",
        "is not in the text of 'edm-azerbaijan-armenia'",
    ),
    (
        "unknown source",
        replace("source: edm-azerbaijan-armenia", "source: nowhere"),
        16,
        "sources",
        "'nowhere' is not in the registry",
    ),
    (
        "no sources",
        replace(
            "sources:\n  - source: edm-azerbaijan-armenia\n    quote: in 2016, Armenia obtained "
            "Russian Iskander (SS-26 Stone) short-range\n",
            "sources: []\n",
        ),
        14,
        "sources",
        "cite at least one source",
    ),
    (
        "id and file name differ",
        replace("id: bad-event", "id: other-event"),
        1,
        "id",
        "does not match the file name",
    ),
    ("id not a slug", replace("id: bad-event", "id: Bad Event"), 1, "id", "not a valid event id"),
    (
        "self relation",
        GOOD_EVENT.format(id="bad-event") + "relations:\n  - {type: caused, target: bad-event}\n",
        19,
        "relations",
        "cannot be related to itself",
    ),
    (
        "relation to nothing",
        GOOD_EVENT.format(id="bad-event")
        + "relations:\n  - {type: caused, target: no-such-event}\n",
        19,
        "relations",
        "'no-such-event' is not an event id",
    ),
    (
        "unknown relation type",
        GOOD_EVENT.format(id="bad-event") + "relations:\n  - {type: cause, target: good-event}\n",
        19,
        "relations[0].type",
        "did you mean 'caused'?",
    ),
    (
        "duplicate key",
        GOOD_EVENT.format(id="bad-event") + "title: again\n",
        18,
        "title",
        "appears twice",
    ),
    ("list not mapping", "- just\n- a list\n", 1, "file", "expected a mapping"),
    ("yaml syntax", replace("kind: delivery", "kind: [delivery"), 4, "kind", "YAML syntax"),
    ("tag", replace("kind: delivery", "kind: !!python/object delivery"), 4, "kind", "tag"),
    (
        "alias",
        replace(
            "title: Armenia obtains Russian Iskander missile systems",
            "title: &t Armenia\nsummary2: *t",
        ),
        2,
        "title",
        "anchors (&name) and aliases (*name) are not allowed",
    ),
]


class TestEachCheck:
    @pytest.mark.parametrize(
        ("text", "line", "field", "message"),
        [case[1:] for case in BAD_FILES],
        ids=[case[0] for case in BAD_FILES],
    )
    def test_bad_file_is_reported_with_place(
        self, events_dir, write_event, seeds, text, line, field, message
    ):
        """Each bad file gives a problem naming its file, line and field, with a fix."""
        write_event("good-event")
        write_event("bad-event", text)
        problems = validate(events_dir, seeds)
        assert problems, "expected a problem"
        mine = [p for p in problems if p.path.endswith("bad-event.yml")]
        assert any(message in p.message for p in mine), [str(p) for p in problems]
        hit = next(p for p in mine if message in p.message)
        assert hit.field == field
        if line is not None:
            assert hit.line == line
        assert str(hit).startswith(hit.path)
        assert not [p for p in problems if p.path.endswith("good-event.yml")]

    def test_duplicate_ids(self, events_dir, write_event, seeds):
        """Two files with one id are both named, whatever their suffixes."""
        write_event("twin")
        write_event("twin", suffix=".yaml")
        problems = validate(events_dir, seeds)
        assert any("also used by" in p.message and p.field == "id" for p in problems)

    def test_symmetric_relation_needs_both_sides(self, events_dir, write_event, seeds):
        """A quid-pro-quo declared on one side only says which file to complete."""
        write_event("other-event")
        write_event(
            "one-side",
            GOOD_EVENT.format(id="one-side")
            + "relations:\n  - {type: quid_pro_quo, target: other-event}\n",
        )
        problems = validate(events_dir, seeds)
        assert len(problems) == 1
        assert "add {type: quid_pro_quo, target: one-side}" in problems[0].message


class TestAllAtOnce:
    def test_broken_file_does_not_hide_others(self, events_dir, write_event, seeds):
        """A file that is not even YAML still lets every other file's problems through."""
        write_event("broken", "id: [unclosed\n")
        write_event("bad-date", replace('"2016"', '"2016-13"', "bad-date"))
        write_event("bad-country", replace("country: ARM", "country: QQQ", "bad-country"))
        problems = validate(events_dir, seeds)
        files = {Path(p.path).name for p in problems}
        assert files == {"broken.yml", "bad-date.yml", "bad-country.yml"}

    def test_many_problems_in_one_file(self, events_dir, write_event, seeds):
        """All problems in one file are reported, not only the first."""
        text = replace('"2016"', '"2016-13"').replace("lat: 40.18", "lat: 99")
        write_event("bad-event", text.replace("kind: delivery", "kind: nope"))
        fields = {p.field for p in validate(events_dir, seeds)}
        assert {"date", "kind", "places[0].lat"} <= fields

    def test_load_raises_once_with_every_problem(self, events_dir, write_event, seeds):
        write_event("bad-date", replace('"2016"', '"2016-13"', "bad-date"))
        write_event("bad-kind", replace("kind: delivery", "kind: nope", "bad-kind"))
        with pytest.raises(ValidationError) as info:
            load_events(events_dir, seeds)
        assert len(info.value.problems) == 2
        assert "2 problems found" in str(info.value)


class TestValues:
    def test_values_are_not_reinterpreted(self, events_dir, write_event, seeds):
        """Unquoted dates stay partial dates; 'no' stays text; 2.5e9 is a number."""
        text = replace('"2016"', "2016").replace('value: "65"', "value: 2.5e1")
        text = text.replace("tags: [south-caucasus]", "tags: [no, south-caucasus]")
        path = write_event("bad-event", text)
        event = read_event(path)
        assert event.date == PartialDate(2016)
        assert event.date.precision is Precision.YEAR
        assert event.amounts[0].value == 25.0
        assert event.tags == ("no", "south-caucasus")

    def test_system_aliases_become_canonical(self, write_event):
        """A NATO reporting name is stored under the catalog's canonical name."""
        event = read_event(write_event("good-event"))
        assert event.systems == ("Iskander",)

    def test_crlf_and_bom_are_accepted(self, events_dir, write_event, seeds):
        path = write_event("good-event")
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n"))
        assert validate(events_dir, seeds) == []


class TestDataset:
    def test_project_events_are_valid(self, seeds):
        """The bundled events validate, and every one cites a checked quote."""
        from .conftest import EVENTS

        assert validate(EVENTS, seeds) == []
        events, sources = load_events(EVENTS, seeds)
        assert len(events) >= 50
        for event in events:
            assert any(sources[c.source].checked_locally for c in event.sources), event.id


def test_workers_are_used_only_while_two_cores_are_idle(monkeypatch):
    """A second process buys wall-clock time with CPU time: worth it on idle cores only.
    The count includes this process, which parses too."""
    from armstimeline.loading.parallel import PARALLEL_MIN_FILES, processes

    monkeypatch.delenv("ARMSTIMELINE_WORKERS", raising=False)
    many = PARALLEL_MIN_FILES * 10
    cores = os.cpu_count() or 1
    assert processes(many, idle=lambda: 0) == 1  # a busy machine: parse here
    assert processes(many, idle=lambda: 1) == 1  # one idle core is this process's
    assert processes(many, idle=lambda: 2) == min(cores, 2)
    assert processes(many, idle=lambda: 64) == min(cores, 4)
    assert processes(PARALLEL_MIN_FILES - 1, idle=lambda: 64) == 1  # too few files
    monkeypatch.setenv("ARMSTIMELINE_WORKERS", "3")
    assert processes(10, idle=lambda: 0) == 3  # the override wins


def test_this_process_parses_too_and_the_order_holds(monkeypatch):
    """With a worker, this process parses chunks too (what a worker parses is pickled and
    read again), and the results come in file order."""
    from armstimeline.loading import parallel

    monkeypatch.setenv("ARMSTIMELINE_WORKERS", "2")
    monkeypatch.setattr(parallel, "CHUNK", 5)
    here = os.getpid()

    def work(start: int, stop: int) -> list[tuple[int, bool]]:
        return [(i, os.getpid() == here) for i in range(start, stop)]

    got = list(parallel.in_order(400, work))
    assert [i for i, _ in got] == list(range(400))
    chunks_here = sum(1 for i, mine in got if mine and i % 5 == 0)
    assert 0 < chunks_here < 80  # of 80 chunks, some parsed here and some by the worker


def test_idle_cores_are_counted_once_for_work_started_together(monkeypatch):
    """A build asks for its files, its register's events and the work beside them within
    a moment: the first answer holds, so a worker just started is not taken for someone
    else's work (and the count's short wait is not paid three times)."""
    from armstimeline.loading import parallel

    monkeypatch.delenv("ARMSTIMELINE_WORKERS", raising=False)
    monkeypatch.setattr(parallel, "_asked", [])
    answers = iter([2, 0])
    monkeypatch.setattr(parallel, "idle_cores", lambda: next(answers))
    many = parallel.PARALLEL_MIN_FILES * 10
    assert parallel.processes(many) == parallel.processes(many) == min(os.cpu_count() or 1, 2)
    monkeypatch.setattr(parallel, "_LATELY", -1.0)  # a while later: asked again
    assert parallel.processes(many) == 1


def test_work_beside_runs_in_a_process_of_its_own_while_a_core_is_free(monkeypatch):
    """``beside`` forks for work done while this process does something else; on a busy
    machine the work is done here, once, when its result is first asked for."""
    from armstimeline.loading import parallel

    monkeypatch.setenv("ARMSTIMELINE_WORKERS", "2")
    with parallel.beside(lambda: (os.getpid(), [1, 2]), 10_000) as result:
        assert result()[0] != os.getpid() and result()[1] == [1, 2]
    monkeypatch.setenv("ARMSTIMELINE_WORKERS", "1")
    calls: list[int] = []

    def work() -> int:
        calls.append(1)
        return os.getpid()

    with parallel.beside(work, 10_000) as result:
        assert calls == []
        assert result() == result() == os.getpid()
    assert calls == [1]


def test_work_beside_that_fails_or_dies_is_an_error_here(monkeypatch):
    """An error in the process beside is raised here, as it was; a process that ends
    without answering (killed, out of memory) is an error too, never a wait forever."""
    import signal
    import sqlite3

    from armstimeline.loading import parallel

    monkeypatch.setenv("ARMSTIMELINE_WORKERS", "2")

    def fails() -> None:
        raise sqlite3.OperationalError("database or disk is full")

    with parallel.beside(fails, 10_000) as result, pytest.raises(
        sqlite3.OperationalError, match="disk is full"
    ):
        result()

    def dies() -> None:
        os.kill(os.getpid(), signal.SIGKILL)

    with parallel.beside(dies, 10_000) as result, pytest.raises(
        ChildProcessError, match="ended without an answer"
    ):
        result()


def test_a_build_whose_process_beside_dies_fails_with_a_sentence(tmp_path, monkeypatch):
    """A build's process beside killed: the build fails with a sentence, publishes
    nothing and leaves nothing behind, instead of waiting for an answer forever."""
    import signal

    from armstimeline.database import build, streamed
    from armstimeline.errors import BuildError

    from .test_streamed_build import project_with_register

    events, seeds = project_with_register(tmp_path)
    monkeypatch.setenv("ARMSTIMELINE_WORKERS", "2")

    def killed(*args: object) -> None:
        os.kill(os.getpid(), signal.SIGKILL)

    monkeypatch.setattr(streamed, "write_side", killed)
    db = tmp_path / "out" / "a.db"
    with pytest.raises(BuildError, match=r"ended without an answer.*unchanged"):
        build(events, seeds, db, incremental=False)
    assert not db.parent.exists() or list(db.parent.iterdir()) == []


@pytest.mark.slow
def test_parallel_parsing_gives_the_same_result(tmp_path, monkeypatch):
    """Large folders are parsed by several processes; the result is the same as one."""
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
    from generate import generate

    events, seeds = generate(2100, tmp_path / "data")
    bad = events / "event-0001234.yml"
    bad.write_text(bad.read_text().replace("kind: ", "kind: nonsense-"))
    monkeypatch.setenv("ARMSTIMELINE_WORKERS", "1")
    one = validate(events, seeds)
    monkeypatch.setenv("ARMSTIMELINE_WORKERS", "2")
    two = validate(events, seeds)
    assert one == two and len(one) == 1 and one[0].path.endswith("event-0001234.yml")
    bad.write_text(bad.read_text().replace("kind: nonsense-", "kind: "))
    hashes_one: dict[str, str] = {}
    hashes_two: dict[str, str] = {}
    monkeypatch.setenv("ARMSTIMELINE_WORKERS", "1")
    a, _ = load_events(events, seeds, hashes=hashes_one)
    monkeypatch.setenv("ARMSTIMELINE_WORKERS", "2")
    b, _ = load_events(events, seeds, hashes=hashes_two)
    assert a == b and hashes_one == hashes_two and len(hashes_one) == 2100


def test_a_workers_events_come_back_as_they_were():
    """What a parse worker sends (attrs objects as class and field values, rebuilt field by
    field) is the same events here: every field of every kind of object in the project's
    events, and a register row's."""
    import pickle

    import attrs

    from armstimeline.loading import parallel
    from armstimeline.model import RegisterEntry

    from .conftest import EVENTS, SEEDS

    events, _ = load_events(EVENTS, SEEDS)
    row = RegisterEntry("r-1", "T-90S", "tank", "new", (2001, 2002), None, ("2024-03-11",))
    events.append(attrs.evolve(events[0], register=row))
    assert any(e.amounts for e in events) and any(e.places for e in events)
    back = pickle.loads(parallel.pack(events))
    assert back == events
    assert [attrs.asdict(e) for e in back] == [attrs.asdict(e) for e in events]
    assert [type(a) for e in back for a in e.actors] == [type(a) for e in events for a in e.actors]


def test_stamps_do_not_depend_on_when_files_are_read(write_event, events_dir, seeds, monkeypatch):
    """Two loads of the same unchanged files give the same stamps, however long after the
    files were written (the racy-clean rule belongs to what a database records)."""
    import time

    for i in range(3):
        write_event(f"event-{i}")
    written = max(p.stat().st_mtime_ns for p in events_dir.iterdir())
    monkeypatch.setattr(time, "time_ns", lambda: written)  # read the moment they were written
    first: dict[str, tuple[str, int, int]] = {}
    load_events(events_dir, seeds, hashes=first)
    monkeypatch.setattr(time, "time_ns", lambda: written + 3600 * 10**9)  # an hour later
    second: dict[str, tuple[str, int, int]] = {}
    load_events(events_dir, seeds, hashes=second)
    assert first == second and all(stamp[2] > 0 for stamp in first.values())


def test_the_collector_is_paused_for_bulk_work_and_resumed_as_it_was():
    """Loading, reading registers and building pause the cyclic collector for their whole
    length (reading the registers too: in a process that holds much, each full pass walked
    all of it); the outermost pause resumes it, even when the work fails."""
    import gc

    from armstimeline.bulk import collector_paused

    seen: list[bool] = []
    with collector_paused():
        with collector_paused():
            seen.append(gc.isenabled())
        seen.append(gc.isenabled())
    seen.append(gc.isenabled())
    with pytest.raises(ValueError), collector_paused():
        raise ValueError
    assert seen == [False, False, True] and gc.isenabled()
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()  # paused before: left paused
    finally:
        gc.enable()
    # what the work made joins the oldest generation unwalked, not the youngest (whose
    # first pass would walk all of it)
    with collector_paused():
        made = [[i] for i in range(1000)]
    young = {id(o) for o in gc.get_objects(generation=0)}
    old = {id(o) for o in gc.get_objects(generation=2)}
    assert id(made[0]) not in young and id(made[0]) in old
    # a program's own frozen objects stay frozen
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        with collector_paused():
            more = [[i] for i in range(10)]
        assert gc.get_freeze_count() == frozen and len(more) == 10
    finally:
        gc.unfreeze()
