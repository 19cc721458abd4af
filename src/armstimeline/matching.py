"""Register rows that match a curated event: the same deal as the register records it.

A row matches when its supplier is one of the event's suppliers, its recipient one of
the event's recipients (or buyers), it shares a weapon system with the event (or names a
part of the system's package in the catalog: the S-400's 48N6 missiles), and its
span — from the year of order to the last delivery year, or open while nothing has been
delivered — overlaps the event's date. The site's event page finds candidate rows in SQL
(same supplier, recipient and system, through indexes) and applies this very rule to them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import attrs
import pendulum

from armstimeline.model import Event

__all__ = ["RegisterRow", "matching_rows", "register_rows"]


@attrs.frozen
class RegisterRow:
    """An imported register row: its order event and, once delivered, its delivery event."""

    key: str
    order: Event
    delivery: Event | None = None

    @property
    def span(self) -> tuple[pendulum.Date, pendulum.Date | None]:
        """From the year of order to the last delivery (None: open, nothing delivered)."""
        end = self.delivery.date.latest if self.delivery is not None else None
        return self.order.date.earliest, end


def register_rows(events: Iterable[Event]) -> dict[str, RegisterRow]:
    """The imported rows among ``events``, by row key (rows without their order event,
    as a filtered timeline may hold, are left out)."""
    orders: dict[str, Event] = {}
    deliveries: dict[str, Event] = {}
    for event in events:
        if event.register is not None:
            (orders if event.kind == "deal" else deliveries)[event.register.row] = event
    return {
        key: RegisterRow(key, order, deliveries.get(key)) for key, order in sorted(orders.items())
    }


def matching_rows(
    event: Event,
    rows: Iterable[RegisterRow],
    packages: Mapping[str, frozenset[str]] | None = None,
) -> list[RegisterRow]:
    """The rows that match a curated event (none for an imported one), by year of order;
    ``packages`` (system name to the case-folded names of its package) widen a system."""
    if event.imported:
        return []
    suppliers, recipients = set(event.countries_in("supplier")), set(event.recipients)
    systems = set(event.systems)
    for name in event.systems:
        systems.update((packages or {}).get(name, ()))
    if not (suppliers and recipients and systems):
        return []
    start, end = event.date.earliest, event.date.latest
    found = []
    for row in rows:
        order = row.order
        if not (
            suppliers.intersection(order.countries_in("supplier"))
            and recipients.intersection(order.recipients)
            and (systems.intersection(order.systems)
                 or any(s.casefold() in systems for s in order.systems))
        ):
            continue
        row_start, row_end = row.span
        if row_start <= end and (row_end is None or row_end >= start):
            found.append(row)
    return sorted(found, key=lambda r: (r.order.date.sort_key, r.key))
