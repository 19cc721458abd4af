"""Events and vocabularies to table rows, in schema column order and a fixed row order."""

from __future__ import annotations

import functools
import itertools
import json
import sqlite3
from collections.abc import Iterable
from typing import Any

from armstimeline import reference
from armstimeline.database.schema import EVENT_TABLES
from armstimeline.dates import EventDate
from armstimeline.datewords import date_texts
from armstimeline.figures import Transfers
from armstimeline.figures.tables import scope_rows, transfer_rows, year_rows
from armstimeline.loading import EVENT_SUFFIXES, Stamp
from armstimeline.model import (
    RECEIVING_ROLES,
    Actor,
    Event,
    Source,
    actor_countries,
    country_regions,
)
from armstimeline.registers import RowParts

__all__ = [
    "all_rows",
    "event_rows",
    "file_rows",
    "insert_rows",
    "parts_rows",
    "transfer_tables",
    "vocabulary_rows",
    "withdrawn_rows",
]

# json.dumps makes a new encoder for every call with a non-default option
_ENCODE = json.JSONEncoder(ensure_ascii=False).encode


@functools.lru_cache(maxsize=65536)
def json_array(values: tuple[str, ...]) -> str:
    """A JSON array; cached, since the same lists of codes and tags recur across events."""
    return _ENCODE(list(values))



@functools.lru_cache(maxsize=16384)
def _placed(actors: tuple[Actor, ...]) -> tuple[tuple[str, ...], str | None, tuple[str, ...]]:
    """Where an event's actors put it: its regions, its primary region (the first
    non-Russian country's, else the first country's), and the JSON of its regions,
    countries, suppliers and recipients. Cached: a register's thousands of rows share a
    few hundred pairs of supplier and recipient."""
    region_of = reference.country_regions()
    countries = actor_countries(actors)
    regions = country_regions(countries)
    primary = next((region_of[c] for c in countries if c != "RUS" and c in region_of), None)
    if primary is None and countries:
        primary = region_of.get(countries[0])
    where = (json_array(regions), json_array(countries),
             json_array(actor_countries(actors, ("supplier",))),
             json_array(actor_countries(actors, RECEIVING_ROLES)))  # fmt: skip
    return regions, primary, where


def all_rows(
    events: list[Event],
    sources: dict[str, Source],
    systems: tuple[reference.System, ...] | None = None,
    order_of: dict[str, int] | None = None,
) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows, in a fixed order, as tuples in schema column order.

    ``systems`` is the project's catalog (the package's by default); designations of
    imported rows that it lacks join it, with the register's description as category.
    ``order_of`` is each event's place in the timeline (by default, its place in
    ``events``)."""
    tables = vocabulary_rows(sources, systems or reference.systems())
    order_of = order_of if order_of is not None else {e.id: i for i, e in enumerate(events)}
    rows = event_rows(events, order_of)
    known = {row[0] for row in tables["systems"]}
    tables["systems"] += [row for row in rows.pop("systems") if row[0] not in known]
    tables.update(rows)
    return tables


def vocabulary_rows(
    sources: dict[str, Source], systems: tuple[reference.System, ...]
) -> dict[str, list[tuple[Any, ...]]]:
    """The rows of the tables that are not events: vocabularies, countries, the systems
    catalog, the sources."""
    vocab = reference.vocabulary()
    regions = reference.country_regions()
    return {
        "kinds": [
            (k, d, int(k in reference.given_in_trade())) for k, d in sorted(vocab["kinds"].items())
        ],
        "roles": sorted(vocab["roles"].items()),
        "regions": sorted(vocab["regions"].items()),
        "relation_types": [
            (k, v["description"], int(bool(v.get("symmetric"))), v.get("inverse"))
            for k, v in sorted(vocab["relation_types"].items())
        ],
        "countries": [(c, reference.country_name(c), regions[c]) for c in sorted(regions)],
        "systems": [
            (s.name, s.category, s.origin or None, json_array(s.aliases))
            for s in sorted(systems, key=lambda s: s.name)
        ],
        "sources": [
            (
                s.id,
                s.title,
                s.publisher,
                s.author,
                str(s.published) if s.published else None,
                s.url,
                s.file,
                int(s.checked_locally),
                s.note,
            )
            for s in sorted(sources.values(), key=lambda s: s.id)
        ],
    }


def event_rows(
    events: Iterable[Event], order_of: dict[str, int]
) -> dict[str, list[tuple[Any, ...]]]:
    """The rows of the events table and its child tables for some events, and under
    "systems" the designations of imported rows, which the catalog may lack (inserted
    with "or ignore": the catalog's own row wins).

    One loop with everything bound locally: at 100k events this is a third of the build's
    database phase, so the events row is written inline rather than by a helper."""
    tables: dict[str, list[tuple[Any, ...]]] = {name: [] for name in EVENT_TABLES}
    as_json, fromkeys, placed, date_cells = json_array, dict.fromkeys, _placed, _date_cells
    events_rows, actors = tables["events"], tables["actors"]
    systems, tags, regions_rows = (
        tables["event_systems"],
        tables["event_tags"],
        tables["event_regions"],
    )
    amounts, places, citations = tables["amounts"], tables["places"], tables["citations"]
    relations = tables["relations"]
    designations: dict[str, tuple[Any, ...]] = {}
    for event in events:
        eid, date, actor_list, register = event.id, event.date, event.actors, event.register
        regions, primary, where = placed(actor_list)
        cells, years = date_cells(date)
        first = event.places[0] if event.places else None
        events_rows.append((
            eid, event.title, *cells, event.date_basis, *years, event.kind, primary, *where,
            as_json(event.systems), as_json(event.tags), event.summary,
            "\n".join([c.quote for c in event.sources]), event.note,
            first.lat if first else None, first.lon if first else None, order_of[eid],
            "register" if register else "curated",
        ))  # fmt: skip
        actors.extend(fromkeys([(eid, a.type, a.country, a.name, a.role) for a in actor_list]))
        if register is not None:
            tables["registers"].append((
                eid, register.row, register.designation, register.description, register.status,
                as_json(tuple(str(y) for y in register.delivered)), register.digest,
                as_json(register.editions), as_json(register.changes),
            ))  # fmt: skip
            if register.designation in event.systems:
                designations.setdefault(
                    register.designation, (register.designation, register.description, None, "[]")
                )
        systems.extend([(eid, s) for s in event.systems])
        tags.extend([(eid, t) for t in event.tags])
        regions_rows.extend([(eid, r) for r in regions])
        amounts.extend(
            [
                (None, eid, a.value, a.currency, a.unit, a.what, a.bound, a.upper)
                for a in event.amounts
            ]
        )
        places.extend([(None, eid, p.name, p.lat, p.lon) for p in event.places])
        citations.extend([(None, eid, c.source, c.quote) for c in event.sources])
        relations.extend(fromkeys([(eid, r.target, r.type) for r in event.relations]))
    tables["systems"] = list(designations.values())
    return tables



@functools.lru_cache(maxsize=65536)
def _date_cells(date: EventDate) -> tuple[tuple[Any, ...], tuple[int, int, int]]:
    """A date's cells in the events row: from ``written`` to ``qualifiers``, and its
    years (first, last, decade), which follow the date's basis. Cached: dates recur (a
    register's are mostly years)."""
    written, _, facet, earliest, latest, words = date_texts(date)
    first_year = date.first_year
    return (
        (written, facet, int(date.is_interval), earliest, latest, ", ".join(words) or None),
        (first_year, date.last_year, first_year // 10 * 10),
    )


def parts_rows(
    parts: Iterable[tuple[RowParts, int]], order_of: dict[str, int]
) -> dict[str, list[tuple[Any, ...]]]:
    """The rows ``event_rows`` writes for register events, from what they are made of
    (``RegisterPlan.parts``), without making them: what a row's order and delivery share
    is worked out once, and no ``Event`` is checked and built only to be taken apart
    again (a third of a build's time with a 30,000-row register). An event ``order_of``
    lacks is placed first (a build that found problems numbers nothing: it writes no rows)."""
    tables: dict[str, list[tuple[Any, ...]]] = {name: [] for name in EVENT_TABLES}
    as_json, fromkeys = json_array, dict.fromkeys
    events_rows, actors, registers = tables["events"], tables["actors"], tables["registers"]
    amounts, citations, relations = tables["amounts"], tables["citations"], tables["relations"]
    systems, regions_rows = tables["event_systems"], tables["event_regions"]
    actors_append, registers_append, systems_append = (
        actors.append, registers.append, systems.append)  # fmt: skip
    regions_append, amounts_append = regions_rows.append, amounts.append
    citations_append, relations_append = citations.append, relations.append
    date_cells = _date_cells
    designations: dict[str, tuple[Any, ...]] = {}
    shared: dict[int, tuple[Any, ...]] = {}  # by id(parts): made once for a row's events
    for row, part in parts:
        common = shared.get(id(row))
        if common is None:
            regions, primary, where = _placed(row.actors)
            entry, system = row.entry, row.system
            common = shared[id(row)] = (
                regions, primary, where, as_json((system,)), row.citation.quote,
                list(fromkeys([(a.type, a.country, a.name, a.role) for a in row.actors])),
                (entry.row, entry.designation, entry.description, entry.status,
                 as_json(tuple(str(y) for y in entry.delivered)), entry.digest,
                 as_json(entry.editions), as_json(entry.changes)),
            )  # fmt: skip
            if system == entry.designation:
                designations.setdefault(system, (system, entry.description, None, "[]"))
        regions, primary, where, systems_json, quote, who, entry_row = common
        eid, title, date, kind, summary, figures, links = row.said[part]
        cells, years = date_cells(date)
        events_rows.append((
            eid, title, *cells, "source", *years, kind, primary, *where,
            systems_json, "[]", summary, quote, row.note, None, None, order_of.get(eid, 0),
            "register",
        ))  # fmt: skip
        # loops, not comprehensions: a row has two actors, a region or two, a figure or
        # three and at most one link (its delivery's to its order)
        for actor in who:
            actors_append((eid, *actor))
        registers_append((eid, *entry_row))
        systems_append((eid, row.system))
        for region in regions:
            regions_append((eid, region))
        for figure in figures.rows:
            amounts_append((None, eid, *figure))
        citations_append((None, eid, row.citation.source, quote))
        for rtype, target in links:
            relations_append((eid, target, rtype))
    tables["systems"] = list(designations.values())
    return tables


def file_rows(events: list[Event], stamps: dict[str, Stamp]) -> list[tuple[Any, ...]]:
    """(file name, hash, size, mtime, event id): each event's id is its file's stem."""
    rows = []
    for event in events:
        for suffix in EVENT_SUFFIXES:
            name = event.id + suffix
            if name in stamps:
                rows.append((name, *stamps[name], event.id))
                break
    return sorted(rows)


def withdrawn_rows(events: Iterable[Event]) -> list[tuple[Any, ...]]:
    """The events of withdrawn register rows, for their pages."""
    return [
        (e.id, e.register.withdrawn_in, e.kind, str(e.date), e.title, e.summary,
         e.sources[0].quote, e.sources[0].source, e.register.row,
         json_array(e.register.editions), json_array(e.register.changes))
        for e in events
        if e.register is not None and e.register.withdrawn_in
    ]  # fmt: skip


def transfer_tables(transfers: Transfers) -> dict[str, list[tuple[Any, ...]]]:
    """The registers' transfers and their delivery years, as the build stores them."""
    return {"transfers": transfer_rows(transfers), "transfer_years": year_rows(transfers),
            "register_scopes": scope_rows(transfers)}  # fmt: skip


ROWS_PER_INSERT = 300  # at most, within SQLite's limit on a statement's parameters


def insert_rows(conn: sqlite3.Connection, tables: dict[str, list[tuple[Any, ...]]]) -> None:
    """Insert each table's rows (in schema column order), in the order given, many rows
    to a statement: an ``insert`` a row costs a statement's step and reset for each,
    the same rows 300 to an ``insert ... values (...), (...)`` a quarter less (300 a
    statement measured 7% cheaper than 100, 500 no better)."""
    limit = conn.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    flat = itertools.chain.from_iterable
    for table, rows in tables.items():
        if not rows:
            continue
        width = len(rows[0])
        one = f"({', '.join('?' * width)})"
        # a designation already in the catalog (or an earlier build) keeps its row
        verb = "insert or ignore" if table == "systems" else "insert"
        per = max(1, min(ROWS_PER_INSERT, limit // width))
        whole = len(rows) - len(rows) % per if per > 1 else 0
        if whole:
            conn.executemany(
                f"{verb} into [{table}] values " + ", ".join([one] * per),
                [tuple(flat(rows[at : at + per])) for at in range(0, whole, per)],
            )
        left = len(rows) - whole
        if left > 1 and per > 1:  # the rest in one statement too, not one each
            conn.execute(
                f"{verb} into [{table}] values " + ", ".join([one] * left),
                tuple(flat(rows[whole:])),
            )
        elif left:
            conn.executemany(f"{verb} into [{table}] values {one}", rows[whole:])
