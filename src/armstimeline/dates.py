"""Partial dates as the sources give them: EDTF level 0 and level 1 (ISO 8601-2).

pendulum has no notion of precision (``pendulum.parse("2016")`` is 1 January), so
precision, qualifiers and unspecified digits are carried here and pendulum gives only the
bounds. Every date keeps its spelling (``str(date)`` is what was written), its precision,
its qualifiers and its strict bounds (the first and last day it could mean); open and
unknown interval ends reach the calendar's ends. The rules, and where they differ from
python-edtf, are in the README ("Dates").
"""

from __future__ import annotations

import calendar
import enum
import functools
import re
from typing import Union

import attrs
import pendulum

from armstimeline.datehints import FORMAT_HINT, why_not_a_date
from armstimeline.datespan import EARLIEST, LATEST, overlaps, padded
from armstimeline.errors import DateError

__all__ = [
    "EARLIEST",
    "LATEST",
    "DateError",
    "DateInterval",
    "EventDate",
    "IntervalEnd",
    "PartialDate",
    "Precision",
    "parse_bound",
    "parse_date",
]


_DATE = re.compile(
    r"(?P<year>\d{4}|\d{3}X|\d{2}XX)"
    r"(?:-(?P<month>\d{2}|XX)(?:-(?P<day>\d{2}|XX))?)?"
    r"(?P<qualifier>[?~%])?"
)
_QUALIFIERS = {"": (False, False), "?": (True, False), "~": (False, True), "%": (True, True)}
_WRITTEN = {flags: mark for mark, flags in _QUALIFIERS.items()}


class Precision(enum.IntEnum):
    """How much of a date is known. Ordered: a century is coarser than a decade, a year,
    a month, a day."""

    CENTURY = -1
    DECADE = 0
    YEAR = 1
    MONTH = 2
    DAY = 3

    @property
    def label(self) -> str:
        return self.name.lower()


class IntervalEnd(enum.Enum):
    """An interval end that is not a date: open (``..``, still going or reaching back
    without limit) or unknown (empty: the source does not say)."""

    OPEN = ".."
    UNKNOWN = ""


@attrs.frozen(order=False)
class PartialDate:
    """A date known to the century, decade, year, month or day; never silently the 1st.

    ``year`` holds the written digits with any X as 0 (``201X`` is 2010 with
    ``unspecified_digits`` 1); ``month_unspecified`` and ``day_unspecified`` mark a
    month or day written as XX.
    """

    year: int
    month: int | None = None
    day: int | None = None
    unspecified_digits: int = 0
    month_unspecified: bool = False
    day_unspecified: bool = False
    uncertain: bool = False
    approximate: bool = False

    def __attrs_post_init__(self) -> None:
        if self.day is not None and self.month is None:
            raise DateError("a day needs a month")
        if not 1 <= self.year <= 9999:
            raise DateError(f"year {self.year} is out of range 1-9999")
        if self.month is not None and not 1 <= self.month <= 12:
            raise DateError(f"there is no month {self.month}; months run from 01 to 12")
        if self.day is not None:
            assert self.month is not None
            last = calendar.monthrange(self.year, self.month)[1]  # no date object made
            if not 1 <= self.day <= last:
                raise DateError(
                    f"there is no day {self.day} in {self.year}-{self.month:02d}, "
                    f"which has {last} days"
                )

    @classmethod
    def parse(cls, text: str) -> PartialDate:
        stripped = text.strip()
        match = _DATE.fullmatch(stripped)
        if not match:
            raise DateError(why_not_a_date(stripped))
        year_text, month_text, day_text = match.group("year", "month", "day")
        unspecified = year_text.count("X")
        if unspecified and month_text is not None:
            raise DateError(
                f"'{stripped}': a month or day cannot follow an unspecified year; write "
                f"'{year_text}' alone, or the year in full"
            )
        if month_text == "XX" and day_text not in (None, "XX"):
            raise DateError(
                f"'{stripped}': a known day needs a known month; write '{year_text}-XX-XX' "
                "or give the month"
            )
        if month_text is not None and month_text.isdigit() and 21 <= int(month_text) <= 24:
            raise DateError(why_not_a_date(stripped))
        uncertain, approximate = _QUALIFIERS[match.group("qualifier") or ""]
        return cls(
            int(year_text.replace("X", "0")),
            None if month_text in (None, "XX") else int(month_text),
            None if day_text in (None, "XX") else int(day_text),
            unspecified_digits=unspecified,
            month_unspecified=month_text == "XX",
            day_unspecified=day_text == "XX",
            uncertain=uncertain,
            approximate=approximate,
        )

    @property
    def precision(self) -> Precision:
        if self.unspecified_digits == 2:
            return Precision.CENTURY
        if self.unspecified_digits == 1:
            return Precision.DECADE
        if self.day is not None or self.day_unspecified:
            return Precision.DAY
        if self.month is not None or self.month_unspecified:
            return Precision.MONTH
        return Precision.YEAR

    @property
    def is_interval(self) -> bool:
        return False

    # a single date has no interval ends: the same questions answer False
    open_start = open_end = unknown_start = unknown_end = property(lambda self: False)

    @property
    def qualifier(self) -> str:
        """The written qualifier: '', '?', '~' or '%'."""
        return _WRITTEN[(self.uncertain, self.approximate)]

    @property
    def unspecified(self) -> bool:
        """Whether some digits are X: the source leaves that part of the date out."""
        return bool(self.unspecified_digits or self.month_unspecified or self.day_unspecified)

    @functools.cached_property
    def earliest(self) -> pendulum.Date:
        """The first day this date could mean."""
        return pendulum.date(self.year, self.month or 1, self.day or 1)

    @functools.cached_property
    def latest(self) -> pendulum.Date:
        """The last day this date could mean."""
        if self.unspecified_digits:
            return pendulum.date(self.year + 10**self.unspecified_digits - 1, 12, 31)
        if self.day is not None:
            return self.earliest
        if self.month is not None:
            return self.earliest.end_of("month")
        return self.earliest.end_of("year")

    @functools.cached_property
    def sort_key(self) -> tuple[int, int, int]:
        """Timeline order: earliest day, then coarser before finer, then shorter span.
        Qualifiers do not move a date: an uncertain year sorts with the year."""
        return (self.earliest.toordinal(), int(self.precision), self.latest.toordinal())

    @property
    def first_year(self) -> int:
        """The first year the date could fall in (an interval's first known year)."""
        return self.earliest.year

    @property
    def last_year(self) -> int:
        """The last year the date could fall in (an interval's last known year)."""
        return self.latest.year

    def fuzzy_bounds(self) -> tuple[pendulum.Date, pendulum.Date]:
        """The bounds widened by one unit of precision (two for '%') when qualified."""
        times = int(self.uncertain or self.approximate) + int(self.uncertain and self.approximate)
        return (
            padded(self.earliest, int(self.precision), -times),
            padded(self.latest, int(self.precision), times),
        )

    def overlaps(
        self, start: pendulum.Date | None, end: pendulum.Date | None, *, widen: bool = False
    ) -> bool:
        """True when any day this date could mean lies within [start, end]; with
        ``widen``, a qualified date's fuzzy bounds count instead of its strict ones."""
        lo, hi = self.fuzzy_bounds() if widen else (self.earliest, self.latest)
        return overlaps(lo, hi, start, end)

    def __str__(self) -> str:
        digits = f"{self.year:04d}"
        if self.unspecified_digits:
            digits = digits[: 4 - self.unspecified_digits] + "X" * self.unspecified_digits
        if self.month is not None:
            digits += f"-{self.month:02d}"
        elif self.month_unspecified:
            digits += "-XX"
        if self.day is not None:
            digits += f"-{self.day:02d}"
        elif self.day_unspecified:
            digits += "-XX"
        return digits + self.qualifier

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, PartialDate | DateInterval):
            return NotImplemented
        return self.sort_key < other.sort_key


End = Union[PartialDate, IntervalEnd]  # noqa: UP007 - a runtime alias


@attrs.frozen(order=False)
class DateInterval:
    """A span between two ends, each a partial date, open (``..``) or unknown (empty)."""

    start: End
    end: End

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.start, PartialDate) and not isinstance(self.end, PartialDate):
            raise DateError("an interval needs at least one date; '../..' says nothing")
        if isinstance(self.start, PartialDate) and isinstance(self.end, PartialDate):
            if self.end.latest < self.start.earliest or self.end.earliest < self.start.earliest:
                raise DateError(
                    f"the interval ends ({self.end}) before it starts ({self.start}); "
                    "write the earlier date first"
                )
            if self.start == self.end:
                raise DateError(f"the interval starts and ends on {self.start}; write it once")

    @classmethod
    def parse(cls, text: str) -> DateInterval:
        stripped = text.strip()
        left, sep, right = stripped.partition("/")
        if not sep or "/" in right:
            raise DateError(f"'{text}' is not an interval; {FORMAT_HINT}")
        return cls(_parse_end(left), _parse_end(right))

    @property
    def ends(self) -> tuple[PartialDate, ...]:
        """The ends that are dates."""
        return tuple(e for e in (self.start, self.end) if isinstance(e, PartialDate))

    @property
    def precision(self) -> Precision:
        """The coarser of the known ends: how well the span is known."""
        return min(e.precision for e in self.ends)

    @property
    def is_interval(self) -> bool:
        return True

    @property
    def uncertain(self) -> bool:
        return any(e.uncertain for e in self.ends)

    @property
    def approximate(self) -> bool:
        return any(e.approximate for e in self.ends)

    @property
    def unspecified(self) -> bool:
        return any(e.unspecified for e in self.ends)

    @property
    def open_start(self) -> bool:
        return self.start is IntervalEnd.OPEN

    @property
    def open_end(self) -> bool:
        return self.end is IntervalEnd.OPEN

    @property
    def unknown_start(self) -> bool:
        return self.start is IntervalEnd.UNKNOWN

    @property
    def unknown_end(self) -> bool:
        return self.end is IntervalEnd.UNKNOWN

    @property
    def year(self) -> int:
        return self.first_year

    @property
    def first_year(self) -> int:
        return self.ends[0].earliest.year

    @property
    def last_year(self) -> int:
        return self.ends[-1].latest.year

    @property
    def earliest(self) -> pendulum.Date:
        return self.start.earliest if isinstance(self.start, PartialDate) else EARLIEST

    @property
    def latest(self) -> pendulum.Date:
        return self.end.latest if isinstance(self.end, PartialDate) else LATEST

    @functools.cached_property
    def sort_key(self) -> tuple[int, int, int]:
        return (self.earliest.toordinal(), int(self.precision), self.latest.toordinal())

    def fuzzy_bounds(self) -> tuple[pendulum.Date, pendulum.Date]:
        lo = self.start.fuzzy_bounds()[0] if isinstance(self.start, PartialDate) else EARLIEST
        hi = self.end.fuzzy_bounds()[1] if isinstance(self.end, PartialDate) else LATEST
        return lo, hi

    def overlaps(
        self, start: pendulum.Date | None, end: pendulum.Date | None, *, widen: bool = False
    ) -> bool:
        lo, hi = self.fuzzy_bounds() if widen else (self.earliest, self.latest)
        return overlaps(lo, hi, start, end)

    def __str__(self) -> str:
        def side(end: End) -> str:
            return end.value if isinstance(end, IntervalEnd) else str(end)

        return f"{side(self.start)}/{side(self.end)}"

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


def _parse_end(text: str) -> End:
    if text == "..":
        return IntervalEnd.OPEN
    if text == "":
        return IntervalEnd.UNKNOWN
    return PartialDate.parse(text)
