"""The Timeline: an immutable, ordered collection of events to filter (with the one
filter language of ``filtering``), group, link and join with register rows.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import attrs

from armstimeline import paths, reference
from armstimeline.errors import FilterError, UsageError, did_you_mean
from armstimeline.filtering import Filter
from armstimeline.matching import RegisterRow, matching_rows, register_rows
from armstimeline.model import Event, Source, order_events
from armstimeline.records import event_record
from armstimeline.search import matching

if TYPE_CHECKING:  # pragma: no cover
    import pandas

__all__ = ["Filter", "Timeline", "load"]

GroupKey = Literal["year", "decade", "country", "kind", "region", "system", "tag"]


class _Ordered(tuple[Event, ...]):
    """Events already in timeline order: a subset keeps its parent's order."""


def _in_order(events: Iterable[Event]) -> tuple[Event, ...]:
    if isinstance(events, _Ordered):
        return events
    return _Ordered(order_events(list(events)))


def _events(events: Iterable[Event]) -> tuple[Event, ...]:
    return tuple(events)


@attrs.frozen
class Timeline:
    """Events in timeline order (see ``model.order_events``): iterate, filter, group, link."""

    events: tuple[Event, ...] = attrs.field(converter=_in_order)
    sources: Mapping[str, Source] = attrs.field(factory=dict)
    # events of register rows a newer edition no longer lists: left out of the timeline,
    # kept for their pages (``load(withdrawn=True)`` reads them)
    withdrawn: tuple[Event, ...] = attrs.field(default=(), converter=_events)
    # each catalog system's package (see ``matching``), the project's additions included
    packages: Mapping[str, frozenset[str]] = attrs.field(factory=dict, repr=False, eq=False)
    _by_id: dict[str, Event] = attrs.field(init=False, repr=False, eq=False)
    _position: dict[str, int] = attrs.field(init=False, repr=False, eq=False)
    # the tags of the whole loaded timeline, which filters of its subsets may name
    _tags: frozenset[str] = attrs.field(init=False, repr=False, eq=False)
    _rows: dict[str, RegisterRow] | None = attrs.field(
        init=False, default=None, repr=False, eq=False
    )

    def _subset(self, events: Iterable[Event]) -> Timeline:
        subset = attrs.evolve(self, events=_Ordered(events))
        object.__setattr__(subset, "_tags", self._tags)
        return subset

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "_by_id", {e.id: e for e in self.events})
        object.__setattr__(self, "_position", {e.id: i for i, e in enumerate(self.events)})
        object.__setattr__(self, "_tags", frozenset(t for e in self.events for t in e.tags))

    def __iter__(self) -> Iterator[Event]:
        return iter(self.events)

    def __len__(self) -> int:
        return len(self.events)

    def __contains__(self, item: object) -> bool:
        key = item.id if isinstance(item, Event) else item
        return key in self._by_id

    def __getitem__(self, key: str | int) -> Event:
        """``timeline["armenia-iskander-2016"]`` by id, or ``timeline[0]`` by position."""
        if isinstance(key, int):
            return self.events[key]
        try:
            return self._by_id[key]
        except KeyError:
            raise KeyError(f"no event with id '{key}'") from None

    def get(self, event_id: str) -> Event | None:
        return self._by_id.get(event_id)

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(e.id for e in self.events)

    # -- filtering and grouping ------------------------------------------------------

    def filter(self, criteria: Filter | None = None, **kwargs: Any) -> Timeline:
        """A new Timeline with the events matching a Filter or its keyword arguments.

        ``timeline.filter(countries="TUR", start="2015", end="2020")``
        """
        if criteria is None:
            names = [a.name for a in attrs.fields(Filter)]
            for key in kwargs:
                if key not in names:
                    raise FilterError(
                        f"filter() has no keyword '{key}'{did_you_mean(key, names, n=1)}; "
                        f"the keywords are {', '.join(names)}."
                    )
            criteria = Filter(**kwargs)
        lookup = reference.system_lookup()
        # a name the catalog lacks may be a designation imported rows keep as written;
        # only then are the events' own names gathered
        uncatalogued = [s for s in criteria.systems if s.casefold() not in lookup]
        used = {s for e in self.events for s in e.systems} if uncatalogued else set()
        folded = {s.casefold() for s in used}
        strange = [s for s in uncatalogued if s.casefold() not in folded]
        if strange:
            names = sorted({n for s in reference.systems() for n in (s.name, *s.aliases)} | used)
            raise FilterError(
                "Invalid filter: "
                + "; ".join(
                    f"system '{s}' is not in the systems catalog{did_you_mean(s, names)}"
                    for s in strange
                )
                + "."
            )
        unknown = [t for t in criteria.tags if t not in self._tags]
        if unknown:
            raise FilterError(
                "Invalid filter: "
                + "; ".join(
                    f"no event has the tag '{t}'{did_you_mean(t, sorted(self._tags))}"
                    for t in unknown
                )
                + "."
            )
        events: Iterable[Event] = self.events
        if criteria.text:  # one index for all events, not one per event
            found = matching(self.events, criteria.text)
            events = [e for e in self.events if e.id in found]
            criteria = attrs.evolve(criteria, text=None)
        return self._subset(e for e in events if criteria.matches(e))

    def group_by(self, key: GroupKey) -> dict[str, Timeline]:
        """Events grouped by year, decade, country, kind, region, system or tag.

        Dates group under the year their span starts in (an interval '2013/2017' under
        2013). Multi-valued keys put an event in every group it belongs to. Groups come
        in sorted order.
        """
        groups: dict[str, list[Event]] = defaultdict(list)
        for event in self.events:
            for value in _group_values(event, key):
                groups[value].append(event)
        return {k: self._subset(groups[k]) for k in sorted(groups)}

    # -- relations ---------------------------------------------------------------------

    def related(
        self,
        event: Event | str,
        type: str | None = None,
        direction: Literal["out", "in", "both"] = "both",
    ) -> list[tuple[str, Event]]:
        """Events linked to ``event`` as (relation, other event) pairs.

        Outgoing links carry their type ('caused'); incoming ones the inverse name from
        the vocabulary ('caused_by'), or the same name for symmetric types. A link stated
        in both files is one link: a symmetric one, or a pair the vocabulary marks as
        mirrors ('A caused B' and 'B response_to A'), is reported once, by the name this
        event's own file gives it.
        """
        event = self[event] if isinstance(event, str) else event
        types = reference.relation_types()
        found: dict[tuple[str, str], Event] = {}
        if direction in ("out", "both"):
            for rel in event.relations:
                other = self.get(rel.target)
                if other is not None and (type is None or rel.type == type):
                    found[(rel.type, other.id)] = other
        if direction in ("in", "both"):
            stated = {(rel.type, rel.target) for rel in event.relations}
            for other in self.events:
                for rel in other.relations:
                    if rel.target != event.id or (type is not None and rel.type != type):
                        continue
                    spec = types[rel.type]
                    if direction == "both" and (spec.get("mirror"), other.id) in stated:
                        continue  # the same link, already named from this side
                    name = rel.type if spec.get("symmetric") else spec.get("inverse", rel.type)
                    found.setdefault((name, other.id), other)
        pos = self._position
        ordered = sorted(found.items(), key=lambda kv: (pos[kv[1].id], kv[0][0]))
        return [(name, other) for (name, _), other in ordered]

    def quid_pro_quo(self) -> list[tuple[Event, Event]]:
        """Each quid-pro-quo pair once, as (what was given, what it was traded for).

        The given side is the event whose kind the vocabulary lists as ``given_in_trade``
        (arms, credit, debt relief); when both or neither are, the earlier event. Pairs
        come in timeline order of their given side.
        """
        given = reference.given_in_trade()
        pos = self._position

        def side(event: Event) -> tuple[int, int]:
            return (0 if event.kind in given else 1, pos[event.id])

        pairs = set()
        for event in self.events:
            for rel in event.relations:
                other = self.get(rel.target)
                if rel.type == "quid_pro_quo" and other is not None:
                    a, b = sorted([event, other], key=side)
                    pairs.add((a.id, b.id))
        return [(self[a], self[b]) for a, b in sorted(pairs, key=lambda p: (pos[p[0]], pos[p[1]]))]

    def register_matches(self, event: Event | str) -> list[RegisterRow]:
        """The imported register rows that record the same deal as a curated event (same
        supplier and recipient, a shared system, overlapping dates; see ``matching``)."""
        event = self[event] if isinstance(event, str) else event
        rows = self._rows
        if rows is None:
            rows = register_rows(self.events)
            object.__setattr__(self, "_rows", rows)
        return matching_rows(event, rows.values(), self.packages or _packages())

    def citations(self, event: Event | str) -> list[tuple[Source | None, str]]:
        """The sources of an event with their quotes."""
        event = self[event] if isinstance(event, str) else event
        return [(self.sources.get(c.source), c.quote) for c in event.sources]

    # -- conversion --------------------------------------------------------------------

    def to_records(self) -> list[dict[str, Any]]:
        """Flat rows, one per event, as in the CSV export."""
        return [event_record(e) for e in self.events]

    def to_dataframe(self) -> pandas.DataFrame:
        """A pandas DataFrame (install the 'pandas' extra); dates stay strings."""
        try:
            import pandas as pd
        except ImportError as exc:  # pragma: no cover - depends on the extra
            raise UsageError(
                "to_dataframe needs pandas; install it with: pip install 'armstimeline[pandas]'"
            ) from exc
        frame = pd.DataFrame.from_records(self.to_records())
        for column in ("earliest", "latest"):
            frame[column] = pd.to_datetime(frame[column])
        for column in ("lat", "lon"):
            frame[column] = pd.to_numeric(frame[column].replace("", None), errors="coerce")
        return frame


def _group_values(event: Event, key: GroupKey) -> Iterable[str]:
    if key == "year":
        return [str(event.date.first_year)]
    if key == "decade":
        return [f"{event.date.first_year // 10 * 10}s"]
    if key == "country":
        return event.countries
    if key == "kind":
        return [event.kind]
    if key == "region":
        return event.regions
    if key == "system":
        return event.systems
    if key == "tag":
        return event.tags
    raise ValueError(f"cannot group by {key!r}")


def load(
    events: str | Path | None = None,
    sources: str | Path | None = None,
    *,
    withdrawn: bool = False,
) -> Timeline:
    """The bundled timeline, or the one in another events folder, with the events derived
    from its registered registers' current rows.

    Sources default to a ``seeds`` folder beside the events folder, else the bundled one.
    ``withdrawn`` also reads the events of rows a newer edition no longer lists (into
    ``Timeline.withdrawn``; never into the timeline itself).

    Raises ValidationError listing every problem when the files do not validate.
    """
    from armstimeline.loading import load_events

    events_dir = Path(events) if events is not None else paths.bundled_dir() / "events"
    sources_dir = Path(sources) if sources is not None else paths.sources_for(events_dir)
    gone: list[Event] = []
    loaded, registry = load_events(events_dir, sources_dir, withdrawn=gone if withdrawn else None)
    from armstimeline.loading import packages, project_systems

    # load_events gives them in timeline order already: not sorted a second time
    ordered = _Ordered(loaded)
    return Timeline(ordered, registry, tuple(gone), packages(project_systems(events_dir)[0]))


def _packages() -> dict[str, frozenset[str]]:
    """The package catalog's packages, for a timeline made without ``load``."""
    from armstimeline.loading import packages

    return packages(reference.systems())
