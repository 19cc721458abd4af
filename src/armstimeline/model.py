"""The event model: frozen, typed attrs classes with no I/O.

Validators here guard programmers' mistakes; the loading stage checks files first and
words its own messages for people (see ``loading/fields.py``).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Collection, Container, Iterable
from typing import TYPE_CHECKING, Any

import attrs

from armstimeline import reference
from armstimeline.dates import DateInterval, EventDate, PartialDate

__all__ = [
    "ID_PATTERN",
    "ORDERING_RELATIONS",
    "RECEIVING_ROLES",
    "Actor",
    "Amount",
    "Citation",
    "Event",
    "Place",
    "RegisterEntry",
    "Relation",
    "Source",
    "actor_countries",
    "country_regions",
    "order_events",
    "order_ids",
]

# An event, source or tag id: lower-case letters and digits in words joined by single
# hyphens (an event's id is also its file's name and its URL on the site).
ID_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def _in(vocab: str) -> Callable[[object, attrs.Attribute[str], str], None]:
    """A validator: the value is a key of the reference vocabulary ``vocab`` (looked up
    once: the vocabulary is package data, and a million events are checked)."""
    known: list[Collection[str]] = []

    def check(instance: object, attribute: attrs.Attribute[str], value: str) -> None:
        if not known:
            known.append(getattr(reference, vocab)())
        allowed = known[0]
        if value not in allowed:
            raise ValueError(f"{attribute.name} {value!r} is not one of {sorted(allowed)}")

    return check


def _finite_non_negative(instance: object, attribute: attrs.Attribute[float], value: float) -> None:
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"{attribute.name} must be a finite number >= 0, not {value!r}")


if TYPE_CHECKING:  # attrs' mypy plugin types a converter from a named function only

    def _tuple(value: Iterable[Any]) -> tuple[Any, ...]: ...

else:
    # the builtin itself: a converter written in Python costs a call per field, eight per
    # Event, and a register's 55,000 events are made at every load()
    _tuple = tuple


def _exact(value: float) -> str:
    value = value + 0.0  # -0.0 becomes 0.0
    if value.is_integer() and abs(value) < 2**53:
        return str(int(value))
    return repr(value)


@attrs.frozen
class Actor:
    """Who takes part, in a role such as supplier or recipient.

    A state is a ``country`` code (ISO 3166-1 alpha-3, or ISO 3166-3 alpha-4 for a former
    state such as SUHH, the Soviet Union). An organisation or a group has a ``name`` and,
    when it belongs to one, a ``country``; an unknown actor has neither: sources name
    organisations, armed groups and unknown suppliers, and the record keeps them as such.
    """

    country: str | None = attrs.field(
        validator=attrs.validators.optional(attrs.validators.matches_re(r"[A-Z]{3,4}"))
    )
    role: str = attrs.field(validator=_in("roles"))
    name: str | None = None
    type: str = attrs.field(default="state", validator=_in("actor_types"))

    def __attrs_post_init__(self) -> None:
        named = self.type in ("organisation", "group", "unmapped")
        if (self.name is not None) != named:
            raise ValueError(f"a {self.type} actor {'needs' if named else 'has no'} name")
        if self.type == "state" and self.country is None:
            raise ValueError("a state actor needs a country code")
        if self.type == "unknown" and self.country is not None:
            raise ValueError("an unknown actor has no country")

    @property
    def key(self) -> str:
        """One token for a cell or a filter: 'RUS', 'organisation:NATO',
        'group:Houthi rebels/YEM', 'unknown'."""
        if self.type == "state":
            return str(self.country)
        if self.type == "unknown":
            return "unknown"
        return f"{self.type}:{self.name}" + (f"/{self.country}" if self.country else "")

    @property
    def label(self) -> str:
        """How a reader sees the actor: 'Russia', 'NATO', 'Houthi rebels (Yemen)',
        'unknown supplier'."""
        if self.type == "unknown":
            return f"unknown {self.role.replace('_', ' ')}"
        if self.type == "state":
            return reference.country_name(str(self.country))
        if self.country:
            return f"{self.name} ({reference.country_name(self.country)})"
        return str(self.name)


@attrs.frozen
class Amount:
    """A figure: money (ISO 4217 ``currency``) or a quantity with a ``unit``; never both."""

    value: float = attrs.field(converter=float, validator=_finite_non_negative)
    what: str
    currency: str | None = None
    unit: str | None = None
    bound: str | None = attrs.field(
        default=None,
        validator=attrs.validators.optional(_in("amount_bounds")),
    )
    # the top of a range the source gives ("$60-100 m"): value is its bottom
    upper: float | None = attrs.field(
        default=None,
        converter=attrs.converters.optional(float),
        validator=attrs.validators.optional(_finite_non_negative),
    )

    def __attrs_post_init__(self) -> None:
        if (self.currency is None) == (self.unit is None):
            raise ValueError("an amount has either a currency or a unit")
        if self.upper is not None and self.upper <= self.value:
            raise ValueError("a range's upper end is above its value")

    @property
    def number(self) -> str:
        """The value exactly, as a person writes it: '30' and '13400000000', not '30.0';
        '2.5' stays '2.5' (and -0 is '0'); a range is '60000000-100000000'."""
        text = _exact(self.value)
        return text if self.upper is None else f"{text}-{_exact(self.upper)}"

    @property
    def bounded(self) -> str:
        """The number as the source bounds it: 'at least 16500', 'about 200', '30'."""
        if self.bound == "uncertain":
            return self.number + "?"
        words = {"at_least": "at least ", "at_most": "at most ", "about": "about "}
        return words.get(self.bound or "", "") + self.number

    @property
    def label(self) -> str:
        """'1000000000 USD' or '65 percent', for one-cell displays."""
        number = f"{self.value:g}" if self.value < 1e15 else repr(self.value)
        if self.value == int(self.value) and self.value < 1e15:
            number = str(int(self.value))
        return f"{number} {self.currency or self.unit}"


@attrs.frozen
class Place:
    """A named location; latitude and longitude in WGS84 degrees."""

    name: str
    lat: float = attrs.field(
        converter=float, validator=[attrs.validators.ge(-90), attrs.validators.le(90)]
    )
    lon: float = attrs.field(
        converter=float, validator=[attrs.validators.ge(-180), attrs.validators.le(180)]
    )


@attrs.frozen
class Citation:
    """A source id and a short verbatim quote from it that supports the event."""

    source: str
    quote: str


@attrs.frozen
class Relation:
    """A typed link from this event to another one."""

    type: str = attrs.field(validator=_in("relation_types"))
    target: str


@attrs.frozen
class RegisterEntry:
    """The register row an imported event came from, and what the row says beyond the model.

    ``row`` is the row's stable key, shared by the order and delivery events made from it;
    ``designation`` and ``description`` are SIPRI's words for the weapon; ``delivered`` the
    delivery years as listed (empty while nothing has been delivered).
    """

    row: str
    designation: str
    description: str
    status: str | None = None
    delivered: tuple[int, ...] = attrs.field(default=(), converter=_tuple)
    # the importer's fingerprint of the row (event files written by the importer of
    # releases before registers were read directly; kept so those files still load)
    digest: str | None = None
    # the editions of the register the row appears in (their dates, oldest first) and what
    # SIPRI changed between them ("Number delivered: 12 -> 14")
    editions: tuple[str, ...] = attrs.field(default=(), converter=_tuple)
    changes: tuple[str, ...] = attrs.field(default=(), converter=_tuple)
    # the edition (date) that no longer lists the row; such an event is left out of lists
    withdrawn_in: str | None = None


# who receives: recipients, and buyers, who receive what they pay for (a source that
# says otherwise names a recipient apart)
RECEIVING_ROLES = ("recipient", "buyer")


def actor_countries(
    actors: Iterable[Actor], roles: Container[str] | None = None
) -> tuple[str, ...]:
    """The actors' country codes (of those in ``roles``, when given), once each, in order:
    an event's countries, suppliers or recipients, with or without the event."""
    return tuple(dict.fromkeys(
        a.country for a in actors if a.country and (roles is None or a.role in roles)
    ))  # fmt: skip


def country_regions(countries: Iterable[str]) -> tuple[str, ...]:
    """The regions of these countries, once each, in their order."""
    table = reference.country_regions()
    return tuple(dict.fromkeys(table[c] for c in countries if c in table))


@attrs.frozen
class Event:
    """One dated, sourced event."""

    id: str
    title: str
    date: EventDate = attrs.field(
        validator=attrs.validators.instance_of((PartialDate, DateInterval))
    )
    kind: str = attrs.field(validator=_in("kinds"))
    summary: str
    sources: tuple[Citation, ...] = attrs.field(converter=_tuple)
    actors: tuple[Actor, ...] = attrs.field(default=(), converter=_tuple)
    systems: tuple[str, ...] = attrs.field(default=(), converter=_tuple)
    amounts: tuple[Amount, ...] = attrs.field(default=(), converter=_tuple)
    places: tuple[Place, ...] = attrs.field(default=(), converter=_tuple)
    tags: tuple[str, ...] = attrs.field(default=(), converter=_tuple)
    relations: tuple[Relation, ...] = attrs.field(default=(), converter=_tuple)
    note: str | None = None
    date_basis: str = attrs.field(default="source", validator=_in("date_bases"))
    register: RegisterEntry | None = None

    @property
    def countries(self) -> tuple[str, ...]:
        """Every country code, once, in the order the file lists them (an organisation's
        or a group's country too: Houthi rebels are a Yemeni actor)."""
        return actor_countries(self.actors)

    def countries_in(self, *roles: str) -> tuple[str, ...]:
        """The countries in any of these roles, once each, in the file's order."""
        return actor_countries(self.actors, roles)

    @property
    def imported(self) -> bool:
        """Whether the event was imported from a register rather than written by editors."""
        return self.register is not None

    @property
    def recipients(self) -> tuple[str, ...]:
        """Who receives: recipients, and buyers, who receive what they pay for (a source
        that says otherwise names a recipient apart)."""
        return actor_countries(self.actors, RECEIVING_ROLES)

    @property
    def regions(self) -> tuple[str, ...]:
        return country_regions(self.countries)

    @property
    def sort_key(self) -> tuple[int, int, int, str]:
        return (*self.date.sort_key, self.id)


@attrs.frozen
class Source:
    """A document events cite; quotes from one with a local text ``file`` are checked."""

    id: str
    title: str
    publisher: str | None = None
    author: str | None = None
    published: EventDate | None = None
    url: str | None = None
    file: str | None = None
    note: str | None = None
    encoding: str | None = None
    # a register (SIPRI's trade register): its events are derived from its rows. Files of
    # one ``register`` are its editions (``edition``: an ISO date, newest is current); the
    # scope it covers (supplier and recipient names; empty: everyone); the delivery years
    # a download was limited to ("2014/2023"); the file recording how its rows match the
    # previous edition's; and the lines ``--skip-bad-rows`` left out
    register: str | None = None
    edition: str | None = None
    suppliers: tuple[str, ...] = attrs.field(default=(), converter=_tuple)
    recipients: tuple[str, ...] = attrs.field(default=(), converter=_tuple)
    delivery_years: str | None = None
    matches: str | None = None
    skipped: tuple[int, ...] = attrs.field(default=(), converter=_tuple)

    @property
    def checked_locally(self) -> bool:
        """Quotes from a source with a local text are verified; external ones are not."""
        return self.file is not None


# relations that order ties in the timeline: a cause before its effect, and a whole (or
# what is answered) before its part (or the answer); ``order_ids`` reads no other type
_TARGET_AFTER = "caused"
_TARGET_BEFORE = frozenset({"response_to", "part_of"})
ORDERING_RELATIONS = _TARGET_BEFORE | {_TARGET_AFTER}


def order_ids(
    keys: dict[str, tuple[int, int, int]], edges: Iterable[tuple[str, str, str]]
) -> list[str]:
    """Timeline order of ids from their date sort keys and (type, from, to) relations.

    Earliest day, coarser precision first, shorter span, then cause before effect (so two
    '2019' events linked by 'caused' keep their story order) and a whole before its part,
    then id.
    """
    # only events with something before them get a set: a million empty sets cost 200 MB
    before: dict[str, set[str]] = {}
    for rtype, source, target in edges:
        if source not in keys or target not in keys:
            continue
        if rtype == _TARGET_AFTER:
            before.setdefault(target, set()).add(source)
        elif rtype in _TARGET_BEFORE:  # a part after its whole (a deal's delivery)
            before.setdefault(source, set()).add(target)
    depth: dict[str, int] = {}
    nothing: frozenset[str] = frozenset()

    def rank(event_id: str) -> int:
        # iterative longest-path depth; cycles (bad data) are cut where they close
        if event_id not in before:
            return 0
        if event_id in depth:
            return depth[event_id]
        if not any(p in before for p in before[event_id]):  # the usual: one step deep
            depth[event_id] = 1
            return 1
        stack, on_path = [event_id], {event_id}
        while stack:
            top = stack[-1]
            pending = [p for p in before.get(top, nothing) if p not in depth and p not in on_path]
            if pending:
                stack.append(pending[0])
                on_path.add(pending[0])
                continue
            depth[top] = 1 + max(
                (depth[p] for p in before.get(top, nothing) if p in depth), default=-1
            )
            stack.pop()
            on_path.discard(top)
        return depth[event_id]

    # most events have nothing before them: their rank is 0 without a call
    ranked = [(*key, rank(k) if k in before else 0, k) for k, key in keys.items()]
    ranked.sort()
    return [r[-1] for r in ranked]


def order_events(events: list[Event] | tuple[Event, ...]) -> list[Event]:
    """Events in timeline order (see ``order_ids``)."""
    by_id = {e.id: e for e in events}
    edges = [(r.type, e.id, r.target) for e in events for r in e.relations]
    return [by_id[i] for i in order_ids({e.id: e.date.sort_key for e in events}, edges)]
