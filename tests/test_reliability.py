"""Reliability defects found with hostile files, fault injection and loopback load
(issue 20): each reproduced here, each answered at its root."""

from __future__ import annotations

import json
import os
import sqlite3

import icalendar
import pytest

from armstimeline.database import build, is_current
from armstimeline.errors import ValidationError
from armstimeline.export import export
from armstimeline.loading import validate
from armstimeline.timeline import load

from .conftest import GOOD_EVENT, SEEDS

VICTIM = "armenia-iskander-2016.yml"


def count_events(db) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute("select count(*) from events").fetchone()[0]


@pytest.mark.parametrize("replacement", ["link-inside", "link-outside", "link-to-itself",
                                         "directory"])  # fmt: skip
def test_incremental_build_refuses_what_validate_refuses(tmp_path, dataset_copy, replacement):
    events, seeds = dataset_copy
    db = tmp_path / "a.db"
    build(events, seeds, db)
    before, n = db.read_bytes(), count_events(db)
    victim = events / VICTIM
    outside = tmp_path / "outside.yml"
    outside.write_bytes(victim.read_bytes())
    victim.unlink()
    if replacement == "link-inside":
        victim.symlink_to(events / "bangladesh-arms-loan-2013.yml")
    elif replacement == "link-outside":
        victim.symlink_to(outside)
    elif replacement == "link-to-itself":
        victim.symlink_to(victim)
    else:
        victim.mkdir()
    assert validate(events, seeds), "validate refuses the folder"
    assert not is_current(db, events, seeds), "serve must not take the old database as current"
    with pytest.raises(ValidationError) as info:
        build(events, seeds, db)
    assert any(p.path.endswith(VICTIM) for p in info.value.problems)
    assert db.read_bytes() == before and count_events(db) == n


@pytest.mark.parametrize(
    ("citation", "field"),
    [('{source: edm-azerbaijan-armenia, quote: ""}', "sources[1].quote"),
     ('{source: edm-azerbaijan-armenia, quote: "   "}', "sources[1].quote"),
     ('{source: "", quote: in 2016}', "sources[1].source")],
)  # fmt: skip
def test_blank_quote_or_source_beside_a_good_one_is_a_problem(write_event, events_dir,
                                                               citation, field):  # fmt: skip
    text = GOOD_EVENT.format(id="blank-cite").replace(
        "tags: [south-caucasus]", f"  - {citation}\ntags: [south-caucasus]"
    )
    write_event("blank-cite", text)
    problems = validate(events_dir, SEEDS)
    assert [(p.field, p.line) for p in problems] == [(field, 17)], problems
    assert "is empty" in problems[0].message


def test_line_breaks_in_summary_and_note_are_kept(write_event, events_dir, tmp_path):
    text = GOOD_EVENT.format(id="two-paragraphs").replace(
        "summary: Armenia received Iskander missiles.\n",
        "summary: |-\n  First paragraph.\n\n  Second paragraph,\n  its second line.\n"
        "note: |-\n  A note\n  on two lines.\n",
    )
    write_event("two-paragraphs", text)
    timeline = load(events_dir, SEEDS)
    event = timeline["two-paragraphs"]
    assert event.summary == "First paragraph.\n\nSecond paragraph,\nits second line."
    assert event.note == "A note\non two lines."
    data = json.loads(export(timeline, "json"))["events"][0]
    assert data["summary"] == event.summary and data["note"] == event.note
    import csv
    import io

    row = next(csv.DictReader(io.StringIO(export(timeline, "csv").decode("utf-8"))))
    assert row["summary"] == event.summary and row["note"] == event.note
    ics = export(timeline, "ics")
    item = next(iter(icalendar.Calendar.from_ical(ics).walk("VEVENT")))
    assert str(item["description"]).startswith(event.summary)
    assert b"First paragraph.\\n\\nSecond paragraph" in ics.replace(b"\r\n ", b"")
    build(events_dir, SEEDS, tmp_path / "b.db")
    with sqlite3.connect(tmp_path / "b.db") as conn:
        assert conn.execute("select summary from events").fetchone()[0] == event.summary


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\x85", "\n"])
def test_every_unicode_line_break_breaks_the_one_line_rule(write_event, events_dir, separator):
    title = f"Armenia obtains{separator}Iskanders"
    text = GOOD_EVENT.format(id="broken-title").replace(
        "title: Armenia obtains Russian Iskander missile systems", f"title: {json.dumps(title)}"
    )
    write_event("broken-title", text)
    problems = validate(events_dir, SEEDS)
    assert [p.field for p in problems] == ["title"]
    assert "line" in problems[0].message or "control" in problems[0].message


def test_file_stamps_mark_non_files(tmp_path):
    from armstimeline.database.fingerprints import NOT_A_FILE, file_stamps

    (tmp_path / "a.yml").mkdir()
    os.symlink(tmp_path / "nowhere", tmp_path / "b.yml")
    stamps = file_stamps(tmp_path)
    assert stamps["a.yml"][0] == NOT_A_FILE and stamps["b.yml"][0] == NOT_A_FILE
