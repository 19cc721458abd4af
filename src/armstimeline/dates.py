"""Partial dates: a day, a month, a year, or an interval of two of them.

pendulum has no notion of precision (``pendulum.parse("2016")`` is 1 January), so
precision is carried here and pendulum is used only for the bounds. The spelling
follows EDTF / ISO 8601-2 level 0: ``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD`` and
``start/end`` for an interval.
"""

from __future__ import annotations

import enum
import functools
import re
from typing import Union

import attrs
import pendulum

from armstimeline.errors import DateError

__all__ = [
    "DateError",
    "DateInterval",
    "EventDate",
    "PartialDate",
    "Precision",
    "parse_date",
]

_SINGLE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
FORMAT_HINT = "use YYYY, YYYY-MM, YYYY-MM-DD or START/END (for example '2013/2017')"


class Precision(enum.IntEnum):
    """How much of a date is known. Ordered: a year is coarser than a month."""

    YEAR = 1
    MONTH = 2
    DAY = 3

    @property
    def label(self) -> str:
        return self.name.lower()


@attrs.frozen(order=False)
class PartialDate:
    """A date known to the year, the month or the day; never silently the 1st."""

    year: int
    month: int | None = None
    day: int | None = None

    def __attrs_post_init__(self) -> None:
        if self.day is not None and self.month is None:
            raise DateError("a day needs a month")
        if not 1 <= self.year <= 9999:
            raise DateError(f"year {self.year} is out of range 1-9999")
        if self.month is not None and not 1 <= self.month <= 12:
            raise DateError(f"there is no month {self.month}; months run from 01 to 12")
        if self.day is not None:
            assert self.month is not None
            last = pendulum.date(self.year, self.month, 1).days_in_month
            if not 1 <= self.day <= last:
                raise DateError(
                    f"there is no day {self.day} in {self.year}-{self.month:02d}, "
                    f"which has {last} days"
                )

    @classmethod
    def parse(cls, text: str) -> PartialDate:
        m = _SINGLE.fullmatch(text.strip())
        if not m:
            raise DateError(f"'{text}' is not a date; {FORMAT_HINT}")
        year, month, day = (int(g) if g else None for g in m.groups())
        assert year is not None
        return cls(year, month, day)

    @property
    def precision(self) -> Precision:
        if self.day is not None:
            return Precision.DAY
        if self.month is not None:
            return Precision.MONTH
        return Precision.YEAR

    @property
    def is_interval(self) -> bool:
        return False

    @functools.cached_property
    def earliest(self) -> pendulum.Date:
        """The first day this date could mean."""
        return pendulum.date(self.year, self.month or 1, self.day or 1)

    @functools.cached_property
    def latest(self) -> pendulum.Date:
        """The last day this date could mean."""
        if self.day is not None:
            return self.earliest
        if self.month is not None:
            return self.earliest.end_of("month")
        return self.earliest.end_of("year")

    @functools.cached_property
    def sort_key(self) -> tuple[int, int, int]:
        """Timeline order: earliest day, then coarser before finer, then shorter span."""
        return (self.earliest.toordinal(), int(self.precision), self.latest.toordinal())

    def overlaps(self, start: pendulum.Date | None, end: pendulum.Date | None) -> bool:
        """True when any day this date could mean lies within [start, end]."""
        return _overlaps(self.earliest, self.latest, start, end)

    def __str__(self) -> str:
        text = f"{self.year:04d}"
        if self.month is not None:
            text += f"-{self.month:02d}"
        if self.day is not None:
            text += f"-{self.day:02d}"
        return text

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, PartialDate | DateInterval):
            return NotImplemented
        return self.sort_key < other.sort_key


@attrs.frozen(order=False)
class DateInterval:
    """A span from one partial date to another, such as '2013/2017'."""

    start: PartialDate
    end: PartialDate

    def __attrs_post_init__(self) -> None:
        if self.end.latest < self.start.earliest or self.end.earliest < self.start.earliest:
            raise DateError(
                f"the interval ends ({self.end}) before it starts ({self.start}); "
                "write the earlier date first"
            )
        if self.start == self.end:
            raise DateError(f"the interval starts and ends on {self.start}; write it once")

    @classmethod
    def parse(cls, text: str) -> DateInterval:
        left, sep, right = text.partition("/")
        if not sep or "/" in right:
            raise DateError(f"'{text}' is not an interval; {FORMAT_HINT}")
        return cls(PartialDate.parse(left), PartialDate.parse(right))

    @property
    def precision(self) -> Precision:
        """The coarser of the two ends: how well the span is known."""
        return min(self.start.precision, self.end.precision)

    @property
    def is_interval(self) -> bool:
        return True

    @property
    def year(self) -> int:
        return self.start.year

    @property
    def earliest(self) -> pendulum.Date:
        return self.start.earliest

    @property
    def latest(self) -> pendulum.Date:
        return self.end.latest

    @functools.cached_property
    def sort_key(self) -> tuple[int, int, int]:
        return (self.earliest.toordinal(), int(self.precision), self.latest.toordinal())

    def overlaps(self, start: pendulum.Date | None, end: pendulum.Date | None) -> bool:
        return _overlaps(self.earliest, self.latest, start, end)

    def __str__(self) -> str:
        return f"{self.start}/{self.end}"

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, PartialDate | DateInterval):
            return NotImplemented
        return self.sort_key < other.sort_key


EventDate = Union[PartialDate, DateInterval]  # noqa: UP007 - a runtime alias


def parse_date(text: str) -> EventDate:
    """Parse a partial date or an interval; raise DateError with a fix on bad input."""
    if not isinstance(text, str):
        raise DateError(f"a date must be a quoted string; {FORMAT_HINT}")
    text = text.strip()
    if "/" in text:
        return DateInterval.parse(text)
    return PartialDate.parse(text)


def parse_bound(text: str, *, end: bool) -> pendulum.Date:
    """Read a filter bound: '2015' as a start means 2015-01-01, as an end 2015-12-31."""
    date = parse_date(text)
    return date.latest if end else date.earliest


def _overlaps(
    lo: pendulum.Date, hi: pendulum.Date, start: pendulum.Date | None, end: pendulum.Date | None
) -> bool:
    if start is not None and hi < start:
        return False
    return not (end is not None and lo > end)
