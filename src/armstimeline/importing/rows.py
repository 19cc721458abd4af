"""A register row to events: the order, and the deliveries when there are any.

An order and its deliveries are two events linked by ``part_of``, so the timeline, the
calendar and the CSV each show when it was ordered and when it was delivered with the
date each has, at the precision each has: the order at its year (``2013?`` when SIPRI
marks it uncertain), the deliveries at their first to last year ("2017/2019", with every
year listed in the register block). An order with nothing delivered has no delivery
event; its summary says so, and a later edition that records a delivery adds one.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import Any

from armstimeline.dates import parse_date
from armstimeline.importing.figures import money_in_comments
from armstimeline.importing.names import actor_for
from armstimeline.importing.register import RegisterRow
from armstimeline.loading import MAX_QUOTE
from armstimeline.model import Amount, Citation, Event, RegisterEntry, Relation
from armstimeline.scaffold import slugify

__all__ = ["row_events", "row_keys"]

_PART = 24  # characters of each name in a row key, so ids stay under 100


def row_keys(rows: Iterable[RegisterRow]) -> list[str]:
    """A stable key per row: recipient, supplier, year of order and designation; rows
    alike in all four are numbered in file order (-2, -3)."""
    keys, seen = [], dict[str, int]()
    for row in rows:
        parts = [
            row.recipient.rstrip("*"),
            row.supplier.rstrip("*"),
            str(row.year),
            row.designation,
        ]
        key = "-".join(_slug(p) for p in parts)
        seen[key] = seen.get(key, 0) + 1
        keys.append(key if seen[key] == 1 else f"{key}-{seen[key]}")
    return keys


@functools.lru_cache(maxsize=65536)
def _slug(text: str) -> str:
    """One part of a row key (names and designations repeat: cached)."""
    return slugify(text)[:_PART].strip("-") or "x"


def _name(text: str) -> str:
    """SIPRI's name for people: marks dropped, 'unknown supplier(s)' as 'an unknown supplier'."""
    bare = text.rstrip("*").strip()
    return f"an {bare.replace('(s)', '')}" if bare.casefold().startswith("unknown") else bare


def _count(number: int | None, uncertain: bool) -> str:
    return "" if number is None else f"{number}{'?' if uncertain else ''} "


def _quote(row: RegisterRow) -> str:
    """The row verbatim; a row longer than a quote may be is cut at a field boundary."""
    if len(row.text) <= MAX_QUOTE:
        return row.text
    return row.text[:MAX_QUOTE].rsplit(",", 1)[0]


def _years(years: tuple[int, ...]) -> str:
    listed = [str(y) for y in sorted(set(years))]
    return listed[0] if len(listed) == 1 else ", ".join(listed[:-1]) + " and " + listed[-1]


def row_events(
    row: RegisterRow,
    key: str,
    source_id: str,
    systems: dict[str, str],
    digest: str | None = None,
) -> list[Event]:
    """The order event and, when anything was delivered, the delivery event of a row."""
    supplier = actor_for(row.supplier, "supplier")
    recipient = actor_for(row.recipient, "recipient")
    system = systems.get(row.designation.casefold(), row.designation)
    cite = Citation(source_id, _quote(row))
    entry = RegisterEntry(
        key, row.designation, row.description, row.status, row.years, digest
    )
    what = f"{row.designation} ({row.description})"
    delivered = (
        f"SIPRI records {_count(row.delivered, row.delivered_uncertain)}delivered in "
        f"{_years(row.years)}."
        if row.years
        else "Nothing is recorded as delivered in this edition of the register."
    )
    status = f" Status: {row.status.lower()}." if row.status else ""
    order_id = f"sipri-{key}-order"
    note = f"SIPRI's comment: {row.comments}" if row.comments else None
    order_amounts = [
        *_counted(row.ordered, row.ordered_uncertain, "number ordered"),
        *_tiv(row.tiv_unit, "SIPRI TIV per unit"),
        *_tiv(row.tiv_order, "SIPRI TIV for the whole order"),
        *money_in_comments(row.comments),
    ]
    # what the order and its deliveries share: the row, its actors, system and comment
    shared: dict[str, Any] = {"sources": [cite], "actors": [supplier, recipient],
                              "systems": [system], "note": note, "register": entry}  # fmt: skip
    order = Event(
        id=order_id,
        title=f"{_name(row.recipient)} orders {_count(row.ordered, row.ordered_uncertain)}"
        f"{what} from {_name(row.supplier)}",
        date=parse_date(f"{row.year}{'?' if row.year_uncertain else ''}"),
        kind="deal",
        summary=f"SIPRI's trade register records an order by {_name(row.recipient)} for "
        f"{_count(row.ordered, row.ordered_uncertain)}{what} from {_name(row.supplier)} in "
        f"{row.year}{' (a year SIPRI marks uncertain)' if row.year_uncertain else ''}. "
        f"{delivered}{status}",
        amounts=order_amounts,
        **shared,
    )
    if not row.years:
        return [order]
    first, last = min(row.years), max(row.years)
    delivery = Event(
        id=f"sipri-{key}-delivery",
        title=f"{_name(row.supplier)[:1].upper()}{_name(row.supplier)[1:]} delivers "
        f"{_count(row.delivered, row.delivered_uncertain)}{what} to {_name(row.recipient)}",
        date=parse_date(str(first) if first == last else f"{first}/{last}"),
        kind="delivery",
        summary=f"Deliveries of the {what} that {_name(row.recipient)} ordered from "
        f"{_name(row.supplier)} in {row.year}, as SIPRI's trade register records them: "
        f"{_count(row.delivered, row.delivered_uncertain)}delivered in {_years(row.years)}."
        f"{status}",
        amounts=[
            *_counted(row.delivered, row.delivered_uncertain, "number delivered"),
            *_tiv(row.tiv_delivered, "SIPRI TIV of the weapons delivered"),
        ],
        relations=[Relation("part_of", order_id)],
        **shared,
    )
    return [order, delivery]


def _counted(number: int | None, uncertain: bool, what: str) -> list[Amount]:
    if number is None:
        return []
    return [Amount(number, what, unit="count", bound="uncertain" if uncertain else None)]


def _tiv(value: float | None, what: str) -> list[Amount]:
    return [] if value is None else [Amount(value, what, unit="tiv_million")]
