"""Partial dates: parsing, precision, bounds, order and round trips."""

from __future__ import annotations

import datetime as dt
import itertools
import re

import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from armstimeline.dates import (
    DateError,
    DateInterval,
    PartialDate,
    Precision,
    parse_bound,
    parse_date,
)


@st.composite
def partial_dates(draw: st.DrawFn) -> PartialDate:
    day = draw(st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)))
    precision = draw(st.sampled_from(list(Precision)))
    if precision is Precision.YEAR:
        return PartialDate(day.year)
    if precision is Precision.MONTH:
        return PartialDate(day.year, day.month)
    return PartialDate(day.year, day.month, day.day)


@st.composite
def event_dates(draw: st.DrawFn) -> PartialDate | DateInterval:
    a = draw(partial_dates())
    if draw(st.booleans()):
        return a
    b = draw(partial_dates())
    lo, hi = sorted([a, b], key=lambda d: (d.earliest, d.latest))
    try:
        return DateInterval(lo, hi)
    except DateError:
        return a


class TestParse:
    @pytest.mark.parametrize(
        ("text", "precision", "earliest", "latest"),
        [
            ("2016", Precision.YEAR, (2016, 1, 1), (2016, 12, 31)),
            ("2005-01", Precision.MONTH, (2005, 1, 1), (2005, 1, 31)),
            ("2024-02", Precision.MONTH, (2024, 2, 1), (2024, 2, 29)),
            ("2013-01-15", Precision.DAY, (2013, 1, 15), (2013, 1, 15)),
            ("2013/2017", Precision.YEAR, (2013, 1, 1), (2017, 12, 31)),
            ("2017-09/2018-02", Precision.MONTH, (2017, 9, 1), (2018, 2, 28)),
            ("2013-01/2019", Precision.YEAR, (2013, 1, 1), (2019, 12, 31)),
        ],
    )
    def test_precision_and_bounds(self, text, precision, earliest, latest):
        """A date keeps the precision it was written with, and spans every day it could mean."""
        date = parse_date(text)
        assert date.precision is precision
        assert date.earliest == pendulum.date(*earliest)
        assert date.latest == pendulum.date(*latest)
        assert isinstance(date.earliest, pendulum.Date)
        assert str(date) == text

    def test_year_is_not_first_of_january(self):
        """'2016' is a year: it is not equal to, and does not print as, 1 January 2016."""
        year = parse_date("2016")
        day = parse_date("2016-01-01")
        assert year != day
        assert str(year) == "2016"
        assert year.latest == pendulum.date(2016, 12, 31)

    @pytest.mark.parametrize(
        ("text", "message"),
        [
            ("2019-02-30", "no day 30 in 2019-02"),
            ("2019-13", "no month 13"),
            ("2019-00", "no month 0"),
            ("20015", "is not a date"),
            ("last year", "is not a date"),
            ("2017/2013", "ends (2013) before it starts (2017)"),
            ("2016/2016", "starts and ends on 2016"),
            ("2016-1-5", "is not a date"),
            ("2016//", "is not an interval"),
            ("2016??", "one qualifier at most"),
            ("2016-13~", "no month 13"),
            ("201X-05", "cannot follow an unspecified year"),
            ("2004/2003?", "ends (2003?) before it starts (2004)"),
            ("2001-21", "seasons"),
            ("Y12345", "written with Y"),
            ("2X15", "only the last one or two digits"),
            ("201x", "capital X"),
            ("2004-XX-05", "a known day needs a known month"),
            ("../..", "at least one date"),
            ("/", "at least one date"),
            ("2013/2015/2017", "is not an interval"),
            ("0000", "out of range"),
            ("", "is not a date"),
        ],
    )
    def test_invalid_dates_are_errors(self, text, message):
        """Impossible or malformed dates raise DateError with a reason."""
        with pytest.raises(DateError, match=re.escape(message)):
            parse_date(text)

    def test_bounds_for_filters(self):
        """A filter bound '2015' means the year's first day as a start, its last as an end."""
        assert parse_bound("2015", end=False) == pendulum.date(2015, 1, 1)
        assert parse_bound("2015", end=True) == pendulum.date(2015, 12, 31)


class TestProperties:
    @given(event_dates())
    def test_round_trip(self, date):
        """Printing a date and parsing it back gives the same date."""
        assert parse_date(str(date)) == date

    @given(event_dates())
    def test_bounds_ordered(self, date):
        """The earliest possible day never comes after the latest."""
        assert date.earliest <= date.latest

    @given(partial_dates())
    def test_bounds_match_precision(self, date):
        """Day precision spans one day; month, the month's days; year, 365 or 366 days."""
        days = (date.latest - date.earliest).days + 1
        if date.precision is Precision.DAY:
            assert days == 1
        elif date.precision is Precision.MONTH:
            assert days == date.earliest.days_in_month
        else:
            assert days in (365, 366)

    @given(st.lists(event_dates(), min_size=2, max_size=20))
    def test_order_is_by_earliest_then_precision(self, dates):
        """Sorting orders by earliest day, and on a tie the coarser date first."""
        ordered = sorted(dates)
        for a, b in itertools.pairwise(ordered):
            assert (a.earliest, a.precision) <= (b.earliest, b.precision)

    @given(event_dates(), partial_dates(), partial_dates())
    def test_overlap_matches_bounds(self, date, a, b):
        """A date overlaps a range exactly when some possible day falls inside it."""
        start, end = sorted([a.earliest, b.latest])
        expected = not (date.latest < start or date.earliest > end)
        assert date.overlaps(start, end) is expected
        assert date.overlaps(None, None)
