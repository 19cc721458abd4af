"""Day arithmetic on date bounds: the calendar's ends, fuzzy padding, overlap."""

from __future__ import annotations

import pendulum

__all__ = ["EARLIEST", "LATEST", "overlaps", "padded"]

EARLIEST = pendulum.date(1, 1, 1)  # where an open or unknown start reaches
LATEST = pendulum.date(9999, 12, 31)  # where an open or unknown end reaches

# one unit of each precision (Precision's values: century -1 ... day 3)
_UNITS = {-1: {"years": 100}, 0: {"years": 10}, 1: {"years": 1}, 2: {"months": 1}, 3: {"days": 1}}


def padded(day: pendulum.Date, precision: int, times: int) -> pendulum.Date:
    """``day`` moved by ``times`` units of ``precision`` (later when positive, to the last
    day of the later unit: 30 June plus a month is 31 July), within the calendar's ends."""
    if times == 0:
        return day
    unit = {k: v * abs(times) for k, v in _UNITS[precision].items()}
    try:
        moved = day.add(days=1).add(**unit).subtract(days=1) if times > 0 else day.subtract(**unit)
    except (ValueError, OverflowError):
        return LATEST if times > 0 else EARLIEST
    return min(max(moved, EARLIEST), LATEST)


def overlaps(
    lo: pendulum.Date, hi: pendulum.Date, start: pendulum.Date | None, end: pendulum.Date | None
) -> bool:
    """Whether the days lo..hi meet the range start..end (either end may be open)."""
    if start is not None and hi < start:
        return False
    return not (end is not None and lo > end)
