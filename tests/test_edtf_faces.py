"""Every face of a level-1 date: the library, `list`, `show`, CSV, JSON, TimelineJS and
iCalendar each keep what was written and say what it means."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import icalendar
import pytest
from click.testing import CliRunner

from armstimeline.cli import cli
from armstimeline.dates import parse_date
from armstimeline.datewords import describe, qualifier_words
from armstimeline.export import export
from armstimeline.model import Citation, Event
from armstimeline.timeline import Timeline

FORMS = ["2016", "2016?", "2016~", "2016%", "2004-06~", "201X", "19XX", "2004-XX", "2004",
         "2004-06-XX", "2004-XX-XX", "2000/..", "../2006", "2004-06/", "/2006", "199X/2001~",
         "2013-01-15", "2013/2017", "2016~/2018-03", "200X/.."]  # fmt: skip
EXPORT_DAY = dt.date(2026, 12, 1)


def event(text: str, n: int) -> Event:
    return Event(id=f"form-{n:02d}", title=f"Event dated {text}", date=parse_date(text),
                 kind="deal", summary="It happened.", sources=[Citation("s", "q")])  # fmt: skip


@pytest.fixture(scope="module")
def timeline() -> Timeline:
    return Timeline([event(text, n) for n, text in enumerate(FORMS)])


@pytest.fixture(autouse=True)
def fixed_day(monkeypatch):
    epoch = int(dt.datetime(2026, 12, 1, tzinfo=dt.UTC).timestamp())
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(epoch))


def by_text(timeline: Timeline) -> dict[str, Event]:
    return {str(e.date): e for e in timeline}


def test_csv_keeps_the_spelling_and_names_the_qualifiers(timeline):
    rows = list(csv.DictReader(io.StringIO(export(timeline, "csv").decode("utf-8"))))
    for row in rows:
        date = parse_date(row["date"])
        assert row["date"] in FORMS
        assert row["qualifiers"] == " | ".join(qualifier_words(date))
        assert (row["earliest"], row["latest"]) == (date.earliest.isoformat(),
                                                    date.latest.isoformat())  # fmt: skip


def test_json_keeps_the_string_and_spells_out_its_parts(timeline):
    events = json.loads(export(timeline, "json"))["events"]
    for item in events:
        date = parse_date(item["date"])
        parts = item["date_parts"]
        assert parts["precision"] == date.precision.label
        assert parts["qualifiers"] == qualifier_words(date)
        assert parts["words"] == describe(date)


def test_timelinejs_shows_words_and_ends_open_spans_on_the_export_day(timeline):
    slides = {s["unique_id"]: s for s in json.loads(export(timeline, "timelinejs"))["events"]}
    dates = {e.id: e.date for e in timeline}
    for slide_id, slide in slides.items():
        assert slide["display_date"] == describe(dates[slide_id], short=True)
    approx = slides[by_text(timeline)["2016~"].id]
    assert approx["display_date"] == "c. 2016" and "end_date" not in approx
    ongoing = slides[by_text(timeline)["2000/.."].id]
    assert ongoing["end_date"] == {"year": 2026, "month": 12, "day": 1}
    unknown = slides[by_text(timeline)["2004-06/"].id]
    assert "end_date" not in unknown, "an unknown end is not drawn as if known"
    decade = slides[by_text(timeline)["201X"].id]
    assert decade["start_date"] == {"year": 2010} and decade["display_date"] == "2010s"


def test_calendar_keeps_the_spelling_and_cuts_open_ends_where_the_source_stops(timeline):
    calendar = icalendar.Calendar.from_ical(export(timeline, "ics"))
    items = {str(i["uid"]).split("@")[0]: i for i in calendar.walk("VEVENT")}
    for text, ev in by_text(timeline).items():
        item = items[ev.id]
        assert str(item["summary"]) == f"[{text}] {ev.title}"
    ongoing = items[by_text(timeline)["2000/.."].id]
    assert (ongoing.decoded("dtstart"), ongoing.decoded("dtend")) == (
        dt.date(2000, 1, 1), dt.date(2001, 1, 1))  # fmt: skip
    assert "the part the source dates" in str(ongoing["description"])
    assert "2000 – ongoing" in str(ongoing["description"])
    until = items[by_text(timeline)["../2006"].id]
    assert until.decoded("dtstart") == dt.date(2006, 1, 1)
    approx = items[by_text(timeline)["2016~"].id]
    assert (approx.decoded("dtstart"), approx.decoded("dtend")) == (
        dt.date(2016, 1, 1), dt.date(2017, 1, 1))  # fmt: skip
    assert "about 2016" in str(approx["description"])


def test_list_and_show_on_the_command_line(tmp_path):
    events = tmp_path / "events"
    events.mkdir()
    from .conftest import GOOD_EVENT, SEEDS

    for n, text in enumerate(["2016~", "200X/.."]):
        body = GOOD_EVENT.format(id=f"form-{n}").replace('date: "2016"', f'date: "{text}"')
        body = body.replace("Armenia obtains", f"Form {n} Armenia obtains")
        (events / f"form-{n}.yml").write_text(body)
    args = ["--events", str(events), "--sources", str(SEEDS)]
    listed = CliRunner().invoke(cli, ["list", *args]).output
    assert "2016~" in listed and "200X/.." in listed
    shown = CliRunner().invoke(cli, ["show", *args, "form-1"]).output
    assert "200X/.. — the 2000s – ongoing (decade precision, open end)" in shown
    shown = CliRunner().invoke(cli, ["show", *args, "form-0"]).output
    assert "2016~ — about 2016 (year precision, approximate)" in shown
