"""The transfers of a project's registers: each current row once, with its actors, and
what the registered files cover.

A figure may only be given where the registered files cover it: a recipient's dependency
needs every supplier of that recipient, a supplier's share of the world every supplier.
``Coverage`` answers such questions from the scopes the files were registered with.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import attrs

from armstimeline import reference
from armstimeline.errors import Problem, ValidationError
from armstimeline.loading import lookup_table, project_systems
from armstimeline.loading.sources import parse_sources
from armstimeline.model import Actor
from armstimeline.registers import (
    Edition,
    Names,
    RegisterRow,
    current_rows,
    names_match,
    project_names,
    read_editions,
)
from armstimeline.registers.names import fold

__all__ = ["Coverage", "Scope", "Transfer", "Transfers", "delivery_span", "load_transfers"]


@attrs.frozen
class Transfer:
    """One current register row: who supplied whom with what, and when it was delivered."""

    key: str  # the row's id (its derived events are sipri-<key>-order/-delivery)
    row: RegisterRow
    supplier: Actor
    recipient: Actor
    category: str  # the catalog's category, else SIPRI's description
    edition: str
    source: str
    delivery_years: tuple[int, int] | None  # the range a download was limited to

    @property
    def tiv(self) -> float:
        """SIPRI TIV of the weapons delivered (millions; a volume index, not money)."""
        return self.row.tiv_delivered or 0.0

    @property
    def years(self) -> tuple[int, ...]:
        """The delivery years the register lists, each once."""
        return tuple(sorted(set(self.row.years)))


@attrs.frozen
class Scope:
    suppliers: tuple[str, ...]
    recipients: tuple[str, ...]
    source: str
    edition: str
    delivery_years: tuple[int, int] | None


def _covers(values: tuple[str, ...], code: str | None, name: str | None) -> bool:
    """Whether a scope side (empty: everyone) takes in this country or name."""
    if not values:
        return True
    for value in values:
        if code is not None and reference.resolve_country(value) == code:
            return True
        if name is not None and (fold(value) == fold(name) or names_match(name, value)):
            return True
    return False


@attrs.frozen
class Coverage:
    """What the registered registers cover, and the sentence when they do not."""

    scopes: tuple[Scope, ...]

    def all_suppliers_to(self, code: str) -> bool:
        return any(not s.suppliers and _covers(s.recipients, code, None) for s in self.scopes)

    def all_recipients_of(self, code: str) -> bool:
        return any(not s.recipients and _covers(s.suppliers, code, None) for s in self.scopes)

    def world(self) -> bool:
        return any(not s.suppliers and not s.recipients for s in self.scopes)

    def describe(self) -> str:
        if not self.scopes:
            return "no register is registered"
        parts = []
        for s in self.scopes:
            sup = ", ".join(s.suppliers) or "every supplier"
            rec = ", ".join(s.recipients) or "every recipient"
            parts.append(f"{s.source} ({sup} to {rec})")
        return "the registered files cover " + "; ".join(parts)

    @property
    def editions(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(f"{s.source} (edition {s.edition})" for s in self.scopes))


@attrs.frozen
class Transfers:
    """The current transfers of a project's registers and what they cover."""

    rows: tuple[Transfer, ...]
    coverage: Coverage

    def __iter__(self) -> Iterator[Transfer]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)


def _current(editions: list[Edition]) -> Iterator[tuple[Edition, RegisterRow, str]]:
    for edition, row, key, by in current_rows(editions):
        if by is None:
            yield edition, row, key


def delivery_span(text: str | None) -> tuple[int, int] | None:
    """A download's delivery-year range as registered ("2014/2023"), or None."""
    first, _, last = (text or "").partition("/")
    return (int(first), int(last)) if first.isdigit() and last.isdigit() else None


def load_transfers(
    events_dir: str | Path,
    sources_dir: str | Path,
    editions_read: tuple[dict[str, list[Edition]], list[Problem]] | None = None,
) -> Transfers:
    """Every current row of every registered trade register (year-range downloads
    included, as their own register), with actors named as the events name them.
    ``editions_read`` is what ``read_editions`` gave, when the caller has read them."""
    events_dir, sources_dir = Path(events_dir), Path(sources_dir)
    sources, _, problems = parse_sources(sources_dir, read_texts=False)
    by_register, found = editions_read or read_editions(sources, sources_dir)
    extra, name_problems = project_names(events_dir)
    catalog, catalog_problems = project_systems(events_dir)
    problems = [*problems, *found, *name_problems, *catalog_problems]
    if problems:
        raise ValidationError(problems)
    names = Names(extra)
    systems = lookup_table(catalog)
    category = {s.name: s.category for s in catalog}
    rows: list[Transfer] = []
    scopes: list[Scope] = []
    for editions in by_register.values():
        spans = {id(e): delivery_span(e.source.delivery_years) for e in editions}
        for edition, row, key in _current(editions):
            system = systems.get(row.designation.casefold())
            rows.append(Transfer(
                key, row, names.actor(row.supplier, "supplier"),
                names.actor(row.recipient, "recipient"),
                category.get(system, row.description) if system else row.description,
                edition.date, edition.source.id, spans[id(edition)],
            ))  # fmt: skip
        for edition in editions:  # every file's scope: an older one's rows outside a
            s = edition.source  # newer one's scope are still current
            scopes.append(Scope(s.suppliers, s.recipients, s.id, edition.date,
                                spans[id(edition)]))  # fmt: skip
    return Transfers(tuple(rows), Coverage(tuple(scopes)))
