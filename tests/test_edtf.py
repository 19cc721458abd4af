"""EDTF level 1 (ISO 8601-2): qualifiers, unspecified digits, open and unknown ends.

python-edtf is the oracle: for generated level-0 and level-1 strings, our parser and
python-edtf agree on whether a string is valid and on its strict bounds. The deliberate
differences (README, "Dates") are generated apart and checked to be what we say.
"""

from __future__ import annotations

import datetime as dt
import math
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from armstimeline.dates import EARLIEST, LATEST, DateError, Precision, parse_date
from armstimeline.datewords import describe, facet_label, qualifier_words
from armstimeline.timeline import Filter, Timeline

edtf = pytest.importorskip("edtf", reason="python-edtf is in the test extra")

CASES = 600  # generated strings per property run
IMPOSSIBLE = (dt.date.min, dt.date.min)


def oracle(text: str) -> tuple[dt.date, dt.date] | None:
    """python-edtf's strict bounds, or None when it refuses the string."""
    try:
        parsed = edtf.parse_edtf(text)
    except Exception:
        return None

    def day(value: object) -> dt.date:
        if isinstance(value, float) and math.isinf(value):
            return LATEST if value > 0 else EARLIEST
        assert isinstance(value, time.struct_time)
        if value.tm_year > LATEST.year:  # a long year ('Y12345'): past our calendar
            return LATEST
        return dt.date(value.tm_year, value.tm_mon, value.tm_mday)

    try:
        return day(parsed.lower_strict()), day(parsed.upper_strict())
    except ValueError:
        return IMPOSSIBLE  # python-edtf took a day the Gregorian calendar does not have


def ours(text: str) -> tuple[dt.date, dt.date] | None:
    try:
        date = parse_date(text)
    except DateError:
        return None
    return date.earliest, date.latest


QUALIFIER = st.sampled_from(["", "", "?", "~", "%"])


@st.composite
def single(draw: st.DrawFn, qualified: bool = True) -> str:
    """A level-0 or level-1 date, sometimes impossible (month 13, 30 February)."""
    year = draw(st.integers(1000, 2999))
    form = draw(st.sampled_from(["Y", "YM", "YMD", "YX", "YXX", "YMX", "YMXX", "YXXXX"]))
    month = draw(st.integers(1, 13))
    day = draw(st.integers(1, 31))
    text = {
        "Y": f"{year}", "YM": f"{year}-{month:02d}", "YMD": f"{year}-{month:02d}-{day:02d}",
        "YX": f"{str(year)[:3]}X", "YXX": f"{str(year)[:2]}XX", "YMX": f"{year}-XX",
        "YMXX": f"{year}-{month:02d}-XX", "YXXXX": f"{year}-XX-XX",
    }[form]  # fmt: skip
    return text + (draw(QUALIFIER) if qualified else "")


@st.composite
def level_0_or_1(draw: st.DrawFn) -> str:
    """Dates, and intervals whose end year follows the start year (both parsers then
    agree the order is right) or that are open at one end."""
    shape = draw(st.sampled_from(["single", "interval", "open-end", "open-start"]))
    if shape == "single":
        return draw(single())
    if shape == "open-end":
        return draw(single(qualified=True).filter(lambda t: "X" not in t)) + "/.."
    if shape == "open-start":
        return "../" + draw(single().filter(lambda t: "X" not in t))
    start = draw(single().filter(lambda t: "X" not in t))
    later = int(start[:4]) + draw(st.integers(1, 30))
    end = draw(single().filter(lambda t: "X" not in t))
    return f"{start}/{later:04d}{end[4:]}"


@settings(max_examples=CASES, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(level_0_or_1())
def test_we_and_python_edtf_agree(text):
    expected = oracle(text)
    if expected == IMPOSSIBLE:  # a deliberate difference: see the test below
        assert ours(text) is None, text
    else:
        assert ours(text) == expected, text


def test_century_leap_days():
    """python-edtf accepts 29 February 1000 and 1900 (Julian leap years); the Gregorian
    calendar, and so this project, does not."""
    assert oracle("1900-02-29") == IMPOSSIBLE and ours("1900-02-29") is None
    assert ours("2000-02-29") == (dt.date(2000, 2, 29), dt.date(2000, 2, 29))


# -- the deliberate differences, each pinned -------------------------------------------

@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("201X-05", "a month after an unspecified year is level 2"),
        ("20X5", "unspecified digits inside a year are level 2"),
        ("2XXX", "three unspecified digits are level 2"),
        ("2001-21", "seasons are refused, with a sentence"),
        ("Y12345", "long years are refused, with a sentence"),
        ("../..", "an interval with no date says nothing"),
        ("2004/2003?", "an interval must not end before it starts"),
        ("2016/2016", "an interval must not start and end on one date"),
    ],
)
def test_python_edtf_accepts_what_we_refuse(text, why):
    assert oracle(text) is not None, why
    with pytest.raises(DateError):
        parse_date(text)


def test_python_edtf_refuses_what_we_accept():
    """python-edtf cannot parse an interval with an unspecified end; level 1 allows it."""
    assert oracle("199X/2001~") is None
    assert ours("199X/2001~") == (dt.date(1990, 1, 1), dt.date(2001, 12, 31))


def test_unknown_ends_reach_the_calendar_end():
    """python-edtf gives an unknown end ten years; we say any day could be meant."""
    assert oracle("2004-06/")[1] == dt.date(2014, 6, 1)
    assert ours("2004-06/") == (dt.date(2004, 6, 1), LATEST)
    assert ours("/2006") == (EARLIEST, dt.date(2006, 12, 31))


# -- what each form means ----------------------------------------------------------------

TABLE = [
    # text, precision, qualifiers, earliest, latest, words
    ("2016", "year", [], "2016-01-01", "2016-12-31", "2016"),
    ("2016?", "year", ["uncertain"], "2016-01-01", "2016-12-31", "2016 (uncertain)"),
    ("2016~", "year", ["approximate"], "2016-01-01", "2016-12-31", "about 2016"),
    ("2016%", "year", ["uncertain", "approximate"], "2016-01-01", "2016-12-31",
     "about 2016 (uncertain)"),
    ("2004-06~", "month", ["approximate"], "2004-06-01", "2004-06-30", "about 2004-06"),
    ("201X", "decade", [], "2010-01-01", "2019-12-31", "the 2010s"),
    ("19XX", "century", [], "1900-01-01", "1999-12-31", "the 1900s"),
    ("2004-XX", "month", [], "2004-01-01", "2004-12-31", "a month of 2004"),
    ("2004-06-XX", "day", [], "2004-06-01", "2004-06-30", "a day of 2004-06"),
    ("2000/..", "year", ["open end"], "2000-01-01", "9999-12-31", "2000 – ongoing"),
    ("../2006", "year", ["open start"], "0001-01-01", "2006-12-31", "until 2006"),
    ("2004-06/", "month", ["unknown end"], "2004-06-01", "9999-12-31", "2004-06 – unknown end"),
    ("/2006", "year", ["unknown start"], "0001-01-01", "2006-12-31", "unknown start – 2006"),
    ("199X/2001~", "decade", ["approximate"], "1990-01-01", "2001-12-31",
     "the 1990s – about 2001"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "precision", "qualifiers", "lo", "hi", "words"), TABLE)
def test_each_form(text, precision, qualifiers, lo, hi, words):
    date = parse_date(text)
    assert str(date) == text, "the spelling round-trips"
    assert date.precision.label == precision
    assert qualifier_words(date) == qualifiers
    assert (date.earliest.isoformat(), date.latest.isoformat()) == (lo, hi)
    assert describe(date) == words


def test_an_unspecified_month_is_not_a_year():
    year, month = parse_date("2004"), parse_date("2004-XX")
    assert (year.earliest, year.latest) == (month.earliest, month.latest)
    assert year.precision is Precision.YEAR and month.precision is Precision.MONTH
    assert facet_label(month) == "month, unspecified" and facet_label(year) == "year"
    assert str(month) != str(year)


def test_sorting_is_total_and_honest():
    texts = ["2015", "2010", "201X", "2016?", "2016", "2016/..", "2016/2017", "2000/..",
             "../2016", "2016-XX", "20XX"]  # fmt: skip
    ordered = [str(d) for d in sorted(parse_date(t) for t in texts)]
    assert ordered.index("201X") < ordered.index("2010") < ordered.index("2015")
    assert ordered.index("20XX") < ordered.index("201X"), "a century before its decades"
    assert abs(ordered.index("2016?") - ordered.index("2016")) == 1, "uncertain with the year"
    assert ordered.index("2016/2017") < ordered.index("2016/.."), "open ends after closing"
    assert ordered[0] == "../2016"


@pytest.mark.parametrize(
    ("text", "sentence"),
    [
        ("201X-05", "cannot follow an unspecified year"),
        ("2016??", "one qualifier at most"),
        ("2016-13~", "no month 13"),
        ("2004/2003?", "ends (2003?) before it starts (2004)"),
        ("2001-22", "seasons"),
        ("Y170000002", "written with Y"),
    ],
)
def test_each_mistake_has_its_own_sentence(text, sentence):
    with pytest.raises(DateError) as info:
        parse_date(text)
    assert sentence in str(info.value)


def test_qualifiers_widen_a_filter_only_when_asked(event_on):
    approx = event_on("2016~")
    timeline = Timeline([approx])
    assert timeline.filter(start="2017", end="2017").ids == ()
    assert timeline.filter(Filter(start="2017", end="2017", widen=True)).ids == (approx.id,)
    assert timeline.filter(Filter(start="2018", end="2018", widen=True)).ids == ()
    both = Timeline([event_on("2016%")])
    assert len(both.filter(Filter(start="2018", end="2018", widen=True))) == 1


def test_open_ends_match_every_later_range(event_on):
    ongoing = Timeline([event_on("2000/..")])
    assert len(ongoing.filter(start="2030", end="2031")) == 1
    assert len(ongoing.filter(end="1999")) == 0


@pytest.fixture
def event_on():
    from armstimeline.model import Citation, Event

    def make(text: str) -> Event:
        return Event(id="e-" + str(abs(hash(text))), title="t", date=parse_date(text),
                     kind="deal", summary="s", sources=[Citation("s", "q")])  # fmt: skip

    return make
