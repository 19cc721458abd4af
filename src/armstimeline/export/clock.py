"""The one clock exports read: ``SOURCE_DATE_EPOCH`` when set, so builds are reproducible."""

from __future__ import annotations

import datetime as dt
import os

__all__ = ["export_day", "stamp"]


def _epoch() -> int | None:
    value = os.environ.get("SOURCE_DATE_EPOCH", "")
    return int(value) if value.isdigit() else None


def stamp() -> dt.datetime:
    """When an export says it was made (iCalendar's DTSTAMP): ``SOURCE_DATE_EPOCH``, else
    the epoch itself, so two exports of the same events are byte-identical."""
    return dt.datetime.fromtimestamp(_epoch() or 0, tz=dt.UTC)


def export_day() -> dt.date:
    """'Today' for an open interval end ('2000/..' is still going): the day of
    ``SOURCE_DATE_EPOCH`` when set, else the real day (so two exports on one day match)."""
    epoch = _epoch()
    if epoch is None:
        return dt.date.today()
    return dt.datetime.fromtimestamp(epoch, tz=dt.UTC).date()
