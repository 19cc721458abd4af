"""The one filter language: what ``Timeline.filter``, ``armstimeline list`` and
``armstimeline export`` share — country (any role or a given one), kind, weapon system
(aliases match), tag, region, a date range (an event matches when its possible span
overlaps), origin (curated or imported) and free text.
"""

from __future__ import annotations

from collections.abc import Iterable

import attrs
import pendulum

from armstimeline import reference
from armstimeline.dates import parse_bound
from armstimeline.errors import FilterError, did_you_mean
from armstimeline.model import Event
from armstimeline.search import matching

__all__ = ["ORIGINS", "Filter"]

ORIGINS = {
    "curated": "events the editors wrote from their sources",
    "register": "events imported from a register of transfers (SIPRI's)",
}


def _lower_tuple(values: Iterable[str] | str | None) -> tuple[str, ...]:
    if values is None:
        return ()
    if isinstance(values, str):
        values = [values]
    return tuple(v.strip() for v in values if v and v.strip())


def _unknown(what: str, value: str, allowed: Iterable[str]) -> str:
    allowed = list(allowed)
    hint = did_you_mean(value, allowed)
    return f"{what} '{value}' is not known{hint}; use one of {', '.join(allowed)}"


def _country_display_names() -> list[str]:
    """Names worth suggesting: the countries the reference data uses, as people write them."""
    return [reference.country_name(code) for code in reference.country_regions()]


def _bound(value: str | pendulum.Date | None, *, end: bool) -> pendulum.Date | None:
    if value is None or isinstance(value, pendulum.Date):
        return value
    try:
        return parse_bound(str(value), end=end)
    except ValueError as exc:
        raise FilterError(f"The date bound '{value}' is not valid: {exc}") from exc


def _start_bound(value: str | pendulum.Date | None) -> pendulum.Date | None:
    return _bound(value, end=False)


def _end_bound(value: str | pendulum.Date | None) -> pendulum.Date | None:
    return _bound(value, end=True)


@attrs.frozen
class Filter:
    """Criteria an event must meet; values within one criterion are alternatives (OR).

    ``start`` and ``end`` accept partial dates: ``start="2015"`` means from 1 January
    2015 and ``end="2020"`` up to 31 December 2020. An event matches when any day it
    could mean falls in that range, so a year-precise '2016' matches a range ending
    in March 2016.

    Qualifiers ("2016?", "2016~") do not change which days a date could mean, so by
    default a date matches only through its strict bounds. With ``widen=True`` an
    uncertain or approximate date also matches a range it misses by one unit of its
    precision (two for "%"): "2016~" then matches 2017. Open ends ("2000/..") reach the
    end of the calendar, so an ongoing span matches every later range.
    """

    countries: tuple[str, ...] = attrs.field(default=(), converter=_lower_tuple)
    role: str | None = None
    kinds: tuple[str, ...] = attrs.field(default=(), converter=_lower_tuple)
    systems: tuple[str, ...] = attrs.field(default=(), converter=_lower_tuple)
    tags: tuple[str, ...] = attrs.field(default=(), converter=_lower_tuple)
    regions: tuple[str, ...] = attrs.field(default=(), converter=_lower_tuple)
    start: pendulum.Date | None = attrs.field(default=None, converter=_start_bound)
    end: pendulum.Date | None = attrs.field(default=None, converter=_end_bound)
    text: str | None = None  # words to search for: see ``armstimeline.search``
    widen: bool = False  # let approximate or uncertain dates match near misses
    origin: str | None = None  # "curated" (the editors' events) or "register" (imported)
    # what the actor matched by ``countries``/``role`` is: "state" keeps a country's armed
    # groups (the PKK as Turkey's) out of its count; empty: any actor
    actor_types: tuple[str, ...] = attrs.field(default=(), converter=_lower_tuple)

    def __attrs_post_init__(self) -> None:
        problems = []
        codes = []
        for country in self.countries:
            code = reference.resolve_country(country)
            if code is None:
                hint = did_you_mean(
                    country, [*reference.country_regions(), *_country_display_names()]
                )
                problems.append(
                    f"country '{country}' is not a country{hint}; give an ISO 3166-1 alpha-3 "
                    "code (TUR), an alpha-2 code (TR) or a name (Turkey)"
                )
            else:
                codes.append(code)
        object.__setattr__(self, "countries", tuple(dict.fromkeys(codes)))
        if self.role is not None and self.role not in reference.roles():
            problems.append(_unknown("role", self.role, reference.roles()))
        for kind in self.kinds:
            if kind not in reference.kinds():
                problems.append(_unknown("kind", kind, reference.kinds()))
        for region in self.regions:
            if region not in reference.regions():
                problems.append(_unknown("region", region, reference.regions()))
        for kind in self.actor_types:
            if kind not in reference.actor_types():
                problems.append(_unknown("actor type", kind, reference.actor_types()))
        if self.origin is not None and self.origin not in ORIGINS:
            problems.append(_unknown("origin", self.origin, ORIGINS))
        # a system the catalog lacks may still be a designation an imported row keeps as
        # written: Timeline.filter checks those against the events it holds
        if self.start and self.end and self.end < self.start:
            problems.append("the end of the date range comes before its start")
        if problems:
            raise FilterError("Invalid filter: " + "; ".join(problems) + ".")

    def matches(self, event: Event) -> bool:
        if self.countries or self.role or self.actor_types:
            wanted, types = set(self.countries), self.actor_types
            if not any(
                (not wanted or a.country in wanted or a.key in wanted)
                and (self.role is None or a.role == self.role)
                and (not types or a.type in types)
                for a in event.actors
            ):
                return False
        if self.kinds and event.kind not in self.kinds:
            return False
        if self.origin is not None and event.imported != (self.origin == "register"):
            return False
        if self.systems:
            lookup = reference.system_lookup()
            names = {lookup.get(s.casefold(), s).casefold() for s in self.systems}
            if not any(s.casefold() in names for s in event.systems):
                return False
        if self.tags and not set(self.tags).intersection(event.tags):
            return False
        if self.regions and not set(self.regions).intersection(event.regions):
            return False
        if (self.start or self.end) and not event.date.overlaps(
            self.start, self.end, widen=self.widen
        ):
            return False
        return not self.text or event.id in matching([event], self.text)
