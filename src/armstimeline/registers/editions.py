"""The registered registers of a project: which rows are current, and their events.

Every file of one register (``Source.register``) is an edition of it, ordered by its date
(``Source.edition``). A newer edition supersedes an older one inside the scope both cover:
an older row whose supplier and recipient lie in a newer edition's scope is replaced by
that edition's row with the same id, or, when the newer edition has none, is *withdrawn*
(kept for its page, left out of every list). Ids come from a row's content; a row that
SIPRI revised keeps the id of the row it revises because the match, made once when the
edition was registered, is recorded beside it (``Source.matches``, see ``matching``), so
loading never matches again.
"""

from __future__ import annotations

import functools
import json
import operator
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs

from armstimeline.bulk import collector_paused
from armstimeline.errors import Problem, relpath
from armstimeline.model import Event, Source
from armstimeline.registers.events import (
    Outline,
    RowParts,
    row_outline,
    row_parts,
)
from armstimeline.registers.identity import number
from armstimeline.registers.names import Names
from armstimeline.registers.reader import Register, RegisterRow, read_register
from armstimeline.registers.scope import in_scope

__all__ = [
    "MATCHES_FORMAT",
    "Edition",
    "RegisterEvents",
    "RegisterPlan",
    "current_rows",
    "read_editions",
    "register_events",
    "register_plan",
    "withdrawn_ids",
]

MATCHES_FORMAT = 1


@attrs.frozen
class Edition:
    """One registered file of a register: its entry, its rows and each row's id."""

    source: Source
    register: Register
    ids: tuple[str, ...]  # each row's id: inherited from an earlier edition, or its own
    changes: dict[str, tuple[str, ...]]  # id -> what SIPRI changed in it in this edition

    @property
    def scope(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        return self.source.suppliers, self.source.recipients

    def covers(self, row: RegisterRow) -> bool:
        return in_scope(row.supplier, row.recipient, *self.scope)

    @property
    def date(self) -> str:
        return self.source.edition or ""


def read_editions(
    sources: dict[str, Source], folder: Path
) -> tuple[dict[str, list[Edition]], list[Problem]]:
    """Every registered register's editions, oldest first, by register name."""
    with collector_paused():  # tens of thousands of rows that live on
        return _read_editions(sources, folder)


def _read_editions(
    sources: dict[str, Source], folder: Path
) -> tuple[dict[str, list[Edition]], list[Problem]]:
    by_register: dict[str, list[Edition]] = {}
    problems: list[Problem] = []
    for source in sources.values():
        if source.register is None or source.file is None:
            continue
        edition = _read_edition(source, folder, problems)
        if edition is not None:
            by_register.setdefault(source.register, []).append(edition)
    for editions in by_register.values():
        editions.sort(key=lambda e: (e.date, e.source.id))
    return by_register, problems


def _read_edition(source: Source, folder: Path, problems: list[Problem]) -> Edition | None:
    path = folder / str(source.file)
    register, found = read_register(path, skip_bad_rows=bool(source.skipped))
    if register is None:
        problems.extend(found)
        return None
    if register.skipped != source.skipped:
        problems.append(Problem(
            relpath(folder / "sources.yml"), None, f"{source.id}.skipped",
            f"lists lines {list(source.skipped)} as skipped, but the file's unreadable lines "
            f"are {list(register.skipped)}: the file changed after it was registered",
        ))  # fmt: skip
        return None
    inherited: dict[str, str] = {}
    changes: dict[str, tuple[str, ...]] = {}
    if source.matches is not None:
        record = _read_matches(folder / source.matches, problems)
        inherited = record.get("inherited", {})
        changes = {k: tuple(v) for k, v in record.get("changes", {}).items()}
    ids = tuple(inherited.get(own, own) for own in number(register.bases))
    return Edition(source, register, ids, changes)


def _read_matches(path: Path, problems: list[Problem]) -> dict[str, Any]:
    try:
        record = json.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        problems.append(Problem(relpath(path), None, "", f"cannot be read: {exc}"))
        return {}
    if not isinstance(record, dict) or record.get("format") != MATCHES_FORMAT:
        problems.append(Problem(relpath(path), None, "format",
                                f"is not an armstimeline match record (format {MATCHES_FORMAT})"))
        return {}
    return record


def current_rows(
    editions: list[Edition],
) -> Iterator[tuple[Edition, RegisterRow, str, Edition | None]]:
    """(edition, row, id, superseded by) for every row of every edition: ``superseded by``
    is None for a current row, else the newest edition covering it that lists its id (the
    row is revised there), or the first covering edition that does not (withdrawn there)."""
    for at, edition in enumerate(editions):
        newer = editions[at + 1 :]
        newer_ids = [frozenset(e.ids) for e in newer]
        everyone = edition.scope == ((), ())
        for row, key in zip(edition.register.rows, edition.ids, strict=True):
            if not everyone and not edition.covers(row):  # outside what it was registered for
                continue
            if not newer:  # the newest edition: every row it covers is current
                yield edition, row, key, None
                continue
            covering = [(e, ids) for e, ids in zip(newer, newer_ids, strict=True) if e.covers(row)]
            if not covering:
                yield edition, row, key, None
                continue
            listing = [e for e, ids in covering if key in ids]
            yield edition, row, key, listing[-1] if listing else covering[0][0]


@attrs.frozen
class RegisterEvents:
    """The events derived from a project's registers."""

    events: list[Event]
    withdrawn: list[Event]
    problems: list[Problem]
    warnings: list[Problem]


# row, id, source id, register (its history), outline
Planned = tuple[RegisterRow, str, str, int, Outline]
History = tuple[dict[str, list[str]], dict[str, list[str]]]  # editions, changes by row id


@attrs.frozen
class RegisterPlan:
    """The events of a project's registers before they are made: each one's id,
    relations, source and date's sort key, in id order (the order they are handed on),
    and the row it comes from. Knowing these, the events can be made a span at a time,
    in any process (``events``): a build makes them in a parse worker while it writes
    rows, and places them in the timeline before. The names of every row were looked
    up, and the unmapped ones reported, when it was planned."""

    ids: list[str]
    relations: list[tuple[tuple[str, str], ...]]  # (type, target) of each event's links
    sources: list[str]  # the id of each event's register source
    withdrawn: list[Event]
    problems: list[Problem]
    warnings: list[Problem]
    rows: list[Planned]  # every current row
    made_from: list[tuple[int, int]]  # each event's row (index in ``rows``) and part
    keys: list[tuple[int, int, int]]  # each event's date's place in the timeline
    histories: list[History]  # of each register: where each row id appears, its changes
    systems: dict[str, str]
    names: Names

    def __len__(self) -> int:
        return len(self.ids)

    def events(self, start: int, stop: int) -> list[Event]:
        """Events ``start`` to ``stop``, in id order."""
        return [parts.event(part) for parts, part in self.parts(start, stop, shared=True)]

    def parts(
        self, start: int, stop: int, shared: bool = False
    ) -> list[tuple[RowParts, int]]:
        """What events ``start`` to ``stop`` are made of, in id order: their row's parts
        (made once for a row's order and delivery) and which of its events each is.
        ``shared``: their figures are the ones events share (see ``row_parts``); a
        build's rows, which make no event, keep none."""
        made: dict[int, RowParts] = {}
        out = []
        for at, part in self.made_from[start:stop]:
            parts = made.get(at)
            if parts is None:
                row, key, source_id, register, outline = self.rows[at]
                history = _history(self.histories[register], key)
                parts = made[at] = row_parts(
                    row, key, source_id, self.systems, self.names, history, False, outline,
                    shared,
                )
            out.append((parts, part))
        return out


def _history(history: History, key: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """A row's editions (each once) and what SIPRI changed in it, from its register's."""
    seen_in, changed = history
    seen, what = seen_in.get(key), changed.get(key)
    return _once(tuple(seen)) if seen else (), tuple(what) if what else ()


@functools.lru_cache(maxsize=1024)
def _once(editions: tuple[str, ...]) -> tuple[str, ...]:
    """Editions each once, in order; one tuple for every row seen in the same ones."""
    return tuple(dict.fromkeys(editions))


def register_plan(
    sources: dict[str, Source],
    folder: Path,
    systems: dict[str, str],
    names: Names,
    with_withdrawn: bool = False,
    editions_read: tuple[dict[str, list[Edition]], list[Problem]] | None = None,
) -> RegisterPlan:
    """The plan of the order and delivery events of every current row of every registered
    register; withdrawn rows' events apart (made now, only when asked for).
    ``editions_read`` is what ``read_editions`` gave, when the caller has read them."""
    by_register, problems = editions_read or read_editions(sources, folder)
    planned: list[tuple[str, tuple[tuple[str, str], ...], str, int, int, Any]] = []
    rows: list[Planned] = []
    withdrawn: list[Event] = []
    histories: list[History] = []
    actor = names.actor
    for register, editions in enumerate(by_register.values()):
        seen_in: dict[str, list[str]] = {}
        changed: dict[str, list[str]] = {}
        for edition in editions:
            for key in edition.ids:
                seen_in.setdefault(key, []).append(edition.date)
            for key, what in edition.changes.items():
                changed.setdefault(key, []).extend(f"{edition.date}: {c}" for c in what)
        histories.append((seen_in, changed))
        listed = {id(e): frozenset(e.ids) for e in editions}
        files = {id(e): relpath(folder / str(e.source.file)) for e in editions}
        for edition, row, key, by in current_rows(editions):
            names.file = files[id(edition)]  # an unmapped name is reported with its file
            source_id = edition.source.id
            if by is None:
                # the names, reported here as making the events would report them
                if (actor(row.supplier, "supplier", None).type == "unmapped"
                        or actor(row.recipient, "recipient", None).type == "unmapped"):
                    where = f"line {row.line}"
                    actor(row.supplier, "supplier", where)
                    actor(row.recipient, "recipient", where)  # fmt: skip
                at = len(rows)
                outline = row_outline(row, key)
                rows.append((row, key, source_id, register, outline))
                for part, (event_id, relations, date) in enumerate(outline):
                    planned.append((event_id, relations, source_id, at, part, date.sort_key))
            elif with_withdrawn and key not in listed[id(by)]:
                history = _history((seen_in, changed), key)
                made = row_parts(row, key, source_id, systems, names, history).events()
                withdrawn.extend(
                    attrs.evolve(e, register=attrs.evolve(entry, withdrawn_in=by.date))
                    for e in made
                    if (entry := e.register) is not None
                )
    planned.sort(key=operator.itemgetter(0))  # stable: an id made twice keeps its order
    shown = relpath(folder / "sources.yml")
    # one pass over the plan for its columns (five comprehensions cost three times more)
    # (id, relations, source id, row, part, date's key) of every event, column by column
    columns: list[tuple[Any, ...]] = list(zip(*planned, strict=True)) if planned else [()] * 6
    return RegisterPlan(
        ids=list(columns[0]),
        relations=list(columns[1]),
        sources=list(columns[2]),
        withdrawn=withdrawn,
        problems=problems,
        warnings=names.report(shown),
        rows=rows,
        made_from=list(zip(columns[3], columns[4], strict=True)),
        keys=list(columns[5]),
        histories=histories,
        systems=systems,
        names=names,
    )


def withdrawn_ids(by_register: dict[str, list[Edition]]) -> dict[str, str]:
    """The event ids of withdrawn rows (order and delivery alike), to the edition that
    no longer lists them: a curated link to one is a warning, not a broken link."""
    out: dict[str, str] = {}
    for editions in by_register.values():
        listed = {id(e): frozenset(e.ids) for e in editions}
        for _, _, key, by in current_rows(editions):
            if by is not None and key not in listed[id(by)]:
                for part in ("order", "delivery"):
                    out[f"sipri-{key}-{part}"] = by.date
    return out


def register_events(
    sources: dict[str, Source],
    folder: Path,
    systems: dict[str, str],
    names: Names,
    with_withdrawn: bool = False,
    editions_read: tuple[dict[str, list[Edition]], list[Problem]] | None = None,
) -> RegisterEvents:
    """The order and delivery events of every current row of every registered register,
    in id order; withdrawn rows' events apart (made only when asked for)."""
    plan = register_plan(sources, folder, systems, names, with_withdrawn, editions_read)
    return RegisterEvents(plan.events(0, len(plan)), plan.withdrawn, plan.problems,
                          plan.warnings)  # fmt: skip
