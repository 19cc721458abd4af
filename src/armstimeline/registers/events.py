"""A register row to events: the order, and the deliveries when there are any.

An order and its deliveries are two events linked by ``part_of``, so the timeline, the
calendar and the CSV each show when it was ordered and when it was delivered with the
date each has, at the precision each has: the order at its year (``2013?`` when SIPRI
marks it uncertain), the deliveries at their first to last year ("2017/2019", with every
year listed in the register entry). An order with nothing delivered has no delivery
event; its summary says so, and a later edition that records a delivery adds one.

Each event's id is its row's (see ``identity``) with ``-order`` or ``-delivery``.
"""

from __future__ import annotations

import functools
from typing import Any, NamedTuple, cast

from armstimeline.dates import EventDate, parse_date
from armstimeline.model import Actor, Amount, Citation, Event, RegisterEntry, Relation
from armstimeline.registers.figures import money_in_comments
from armstimeline.registers.names import Names
from armstimeline.registers.reader import RegisterRow
from armstimeline.registers.row import CONTENT

__all__ = ["Outline", "RowParts", "row_content", "row_outline", "row_parts"]


def row_content(row: RegisterRow) -> tuple[Any, ...]:
    """Every field of a row as read (not its raw text: white space SIPRI moves about, or a
    line break inside Comments, is not a different row)."""
    return cast(tuple[Any, ...], row[CONTENT])


@functools.lru_cache(maxsize=4096)
def _date(text: str) -> EventDate:
    return parse_date(text)


@functools.lru_cache(maxsize=4096)
def _name(text: str) -> str:
    """SIPRI's name for people: marks dropped, 'unknown supplier(s)' as 'an unknown supplier'."""
    bare = text.rstrip("*").strip()
    return f"an {bare.replace('(s)', '')}" if bare.casefold().startswith("unknown") else bare


def _count(number: int | None, uncertain: bool) -> str:
    return "" if number is None else f"{number}{'?' if uncertain else ''} "


@functools.lru_cache(maxsize=4096)
def _years(years: tuple[int, ...]) -> str:
    listed = [str(y) for y in sorted(set(years))]
    return listed[0] if len(listed) == 1 else ", ".join(listed[:-1]) + " and " + listed[-1]


# each of a row's events' id, links ((type, target) pairs) and date
Outline = list[tuple[str, tuple[tuple[str, str], ...], EventDate]]


def row_outline(row: RegisterRow, key: str) -> Outline:
    """The id, relations ((type, target) pairs) and date of each of a row's events (its
    order's; its deliveries', part of the order, when anything was delivered), known
    before the events are made."""
    order_id = f"sipri-{key}-order"
    ordered = _date(f"{row.year}{'?' if row.year_uncertain else ''}")
    if not row.years:
        return [(order_id, (), ordered)]
    first, last = min(row.years), max(row.years)
    delivered = _date(str(first) if first == last else f"{first}/{last}")
    return [
        (order_id, (), ordered),
        (f"sipri-{key}-delivery", (("part_of", order_id),), delivered),
    ]


# An amount as its row in the amounts table has it: value, currency, unit, what, bound,
# upper (a register's figures pass the checks ``Amount`` makes by how they are read)
Figure = tuple[float, str | None, str | None, str, str | None, float | None]


class Figures:
    """What one of a row's events states in figures: as amounts rows (what a build
    writes) and, made when first asked, as Amounts (what an Event holds): a build makes
    no Amount, and events share one for every row that states the same (see
    ``_shared_ordered``), so a load() after the first makes none either."""

    __slots__ = ("_amounts", "rows")

    def __init__(self, rows: tuple[Figure, ...]) -> None:
        self.rows = rows
        self._amounts: tuple[Amount, ...] | None = None

    @property
    def amounts(self) -> tuple[Amount, ...]:
        if self._amounts is None:
            self._amounts = tuple(map(_as_amount, self.rows))
        return self._amounts


# What one of a row's events says that the other does not: its id, title, date, kind,
# summary, figures and links ((type, target) pairs)
Said = tuple[str, str, EventDate, str, str, Figures, tuple[tuple[str, str], ...]]


class RowParts(NamedTuple):
    """What a row's events are made of, before any is made: what they share (the row's
    actors, system, quote, comment and register entry) once, and what each says. A build
    writes table rows from these without making an ``Event``; ``event`` makes one."""

    actors: tuple[Actor, ...]
    system: str
    citation: Citation
    note: str | None
    entry: RegisterEntry
    said: tuple[Said, ...]  # the order's, then the deliveries' when anything was delivered

    def events(self) -> list[Event]:
        """The order event and, when anything was delivered, the delivery event."""
        return [self.event(part) for part in range(len(self.said))]

    def event(self, part: int) -> Event:
        actors, system, citation, note, entry, said = self
        event_id, title, date, kind, summary, figures, relations = said[part]
        # by position, in the order of Event's fields: sources, actors, systems, amounts,
        # places, tags, relations, note, date basis, register entry
        return Event(
            event_id, title, date, kind, summary, (citation,), actors, (system,),
            figures.amounts, (), (),
            tuple([Relation(rtype, target) for rtype, target in relations]) if relations
            else (),
            note, "source", entry,
        )  # fmt: skip


def row_parts(
    row: RegisterRow,
    key: str,
    source_id: str,
    systems: dict[str, str],
    names: Names,
    history: tuple[tuple[str, ...], tuple[str, ...]] = ((), ()),
    record: bool = True,
    outline: Outline | None = None,
    shared: bool = True,
) -> RowParts:
    """What the order event and, when anything was delivered, the delivery event of a
    row are made of.

    ``key`` is the row's id (its own, or the one it inherited from an earlier edition);
    ``history`` the editions it appears in and what SIPRI changed in it. ``record``
    False leaves ``names`` as it is: the row's names were reported when it was planned;
    ``outline`` is the row's ``row_outline``, when the caller has it; ``shared`` False
    (a build's rows) makes the row's figures for it alone, kept in no cache."""
    where = f"line {row.line}" if record else None
    order_figures, delivery_figures = (
        (_shared_ordered, _shared_delivered) if shared else (_ordered, _delivered)
    )
    supplier = names.actor(row.supplier, "supplier", where)
    recipient = names.actor(row.recipient, "recipient", where)
    system = systems.get(row.designation.casefold(), row.designation)
    editions, changes = history
    # by position: row, designation, description, status, delivered, digest, editions,
    # changes
    entry = RegisterEntry(key, row.designation, row.description, row.status, row.years,
                          None, editions, changes)  # fmt: skip
    what = f"{row.designation} ({row.description})"
    # each said several times over
    buyer, seller = _name(row.recipient), _name(row.supplier)
    ordered_n = _count(row.ordered, row.ordered_uncertain)
    delivered_n = _count(row.delivered, row.delivered_uncertain)
    delivered = (
        f"SIPRI records {delivered_n}delivered in "
        f"{_years(row.years)}."
        if row.years
        else "Nothing is recorded as delivered in this edition of the register."
    )
    status = f" Status: {row.status.lower()}." if row.status else ""
    outline = outline or row_outline(row, key)
    order_id, _, ordered = outline[0]
    note = f"SIPRI's comment: {row.comments}" if row.comments else None
    said: list[Said] = [(
        order_id,
        f"{buyer} orders {ordered_n}"
        f"{what} from {seller}",
        ordered,
        "deal",
        f"SIPRI's trade register records an order by {buyer} for "
        f"{ordered_n}{what} from {seller} in "
        f"{row.year}{' (a year SIPRI marks uncertain)' if row.year_uncertain else ''}. "
        f"{delivered}{status}",
        order_figures(
            row.ordered, row.ordered_uncertain, row.tiv_unit, row.tiv_order, row.comments
        ),
        (),
    )]  # fmt: skip
    if len(outline) > 1:
        delivery_id, relations, delivered_in = outline[1]
        said.append((
            delivery_id,
            f"{seller[:1].upper()}{seller[1:]} delivers "
            f"{delivered_n}{what} to {buyer}",
            delivered_in,
            "delivery",
            f"Deliveries of the {what} that {buyer} ordered from "
            f"{seller} in {row.year}, as SIPRI's trade register records them: "
            f"{delivered_n}delivered in "
            f"{_years(row.years)}.{status}",
            delivery_figures(row.delivered, row.delivered_uncertain, row.tiv_delivered),
            relations,
        ))  # fmt: skip
    return RowParts((supplier, recipient), system, Citation(source_id, row.text), note, entry,
                    tuple(said))  # fmt: skip


def _ordered(
    number: int | None, uncertain: bool, unit: float | None, whole: float | None,
    comments: str | None,
) -> Figures:
    """What an order states: the number ordered, TIV per unit and for the whole order,
    and the money its comment states."""
    return Figures((
        *_counted(number, uncertain, "number ordered"),
        *_tiv(unit, "SIPRI TIV per unit"),
        *_tiv(whole, "SIPRI TIV for the whole order"),
        *_money(comments),
    ))  # fmt: skip


def _delivered(number: int | None, uncertain: bool, worth: float | None) -> Figures:
    """What deliveries state: the number delivered and their TIV."""
    return Figures((
        *_counted(number, uncertain, "number delivered"),
        *_tiv(worth, "SIPRI TIV of the weapons delivered"),
    ))  # fmt: skip


# Events' figures: one Figures for every row that states the same, kept while the process
# lives (load() reads the same rows again, and makes no Amount twice). A build's rows take
# each row's figures once and keep none: a cache there would only hold memory.
_shared_ordered = functools.lru_cache(maxsize=262144)(_ordered)
_shared_delivered = functools.lru_cache(maxsize=262144)(_delivered)


@functools.lru_cache(maxsize=16384)
def _money(comments: str | None) -> tuple[Figure, ...]:
    """The money a comment states (most state none)."""
    return tuple((a.value, a.currency, a.unit, a.what, a.bound, a.upper)
                 for a in money_in_comments(comments))  # fmt: skip


@functools.lru_cache(maxsize=262144)
def _as_amount(figure: Figure) -> Amount:
    """A figure as an ``Amount``: counts recur across rows (and amounts are immutable)."""
    value, currency, unit, what, bound, upper = figure
    return Amount(value, what, currency=currency, unit=unit, bound=bound, upper=upper)


@functools.lru_cache(maxsize=16384)
def _counted(number: int | None, uncertain: bool, what: str) -> tuple[Figure, ...]:
    """Counts repeat across rows: made once each."""
    if number is None:
        return ()
    return ((float(number), None, "count", what, "uncertain" if uncertain else None, None),)


def _tiv(value: float | None, what: str) -> tuple[Figure, ...]:
    return () if value is None else ((value, None, "tiv_million", what, None, None),)
