"""One event file to an Event, with the lines the cross-file checks point at."""

from __future__ import annotations

import os
from functools import partial
from pathlib import Path
from typing import Any

from armstimeline import reference
from armstimeline.dates import DateInterval, PartialDate
from armstimeline.errors import Problem, ValidationError, relpath, show_value
from armstimeline.loading.compound import read_amount, read_citation, read_place, read_relation
from armstimeline.loading.fields import FieldReader, Keys
from armstimeline.loading.parties import read_actor
from armstimeline.loading.registerblock import read_register
from armstimeline.loading.yamlsafe import compose, is_empty, node_line
from armstimeline.model import Citation, Event, Relation

__all__ = ["EVENT_KEYS", "ParsedEvent", "parse_event", "read_event"]

EVENT_KEYS = Keys({
    "id": True,
    "title": True,
    "date": True,
    "kind": True,
    "actors": False,
    "systems": False,
    "amounts": False,
    "places": False,
    "summary": True,
    "sources": True,
    "tags": False,
    "relations": False,
    "note": False,
    "date_basis": False,
    "register": False,
})


class ParsedEvent:
    """An event read from a file, with the lines later cross-file checks point at.

    Lines, not YAML nodes, are kept: the node trees are freed as soon as a file is read.
    """

    __slots__ = ("citations", "event", "id_line", "path", "relations")

    def __init__(
        self,
        event: Event,
        path: str,
        id_line: int,
        citations: list[tuple[Citation, int]],
        relations: list[tuple[Relation, int]],
    ) -> None:
        self.event = event
        self.path = path
        self.id_line = id_line
        self.citations = citations
        self.relations = relations


def parse_event(
    path: str | Path,
    shown: str | None = None,
    hashes: dict[str, Any] | None = None,
    systems: dict[str, str] | None = None,
) -> tuple[ParsedEvent | None, list[Problem]]:
    """Read one file; ``systems`` is the project's catalog lookup (the package's by default).

    ``path`` may be a string: a folder's reader makes no ``Path`` per file."""
    shown = shown or relpath(Path(path))
    node, problems = compose(path, shown, hashes)
    if node is None:
        return None, problems
    r = FieldReader(shown, systems)
    keys = r.mapping(node, "", EVENT_KEYS) if r.check_node(node, "") else None
    if keys is None:
        return None, r.problems
    r.curated = "register" not in keys  # a register's text is kept as written
    # each field read straight from its node, when given and not empty (no closure per
    # field: they are read in every file)
    filled = {key: n for key, n in keys.items() if not is_empty(n)}
    get = filled.get
    n = get("id")
    event_id = None if n is None else r.slug(n, "id", "event id")
    name = os.path.basename(path)
    stem, suffix = _split_suffix(name)
    if event_id is not None and event_id != stem:
        r.problem(
            keys["id"],
            "id",
            f"{show_value(event_id)} does not match the file name {show_value(name)}; "
            f"rename the file to '{event_id}{suffix}' or change the id",
        )
    n = get("title")
    title = None if n is None else r.string(n, "title")
    n = get("date")
    date = None if n is None else r.date(n, "date")
    n = get("kind")
    kind = None if n is None else r.choice(n, "kind", reference.kinds(), "kind")
    n = get("summary")
    summary = None if n is None else r.string(n, "summary", multiline=True)
    actors = r.items(keys.get("actors"), "actors", partial(read_actor, r))
    register = None
    if (n := get("register")) is not None:
        register = read_register(r, n, "register")
    designation = register.designation if register else None
    named = r.items(keys.get("systems"), "systems", partial(r.system, as_written=designation))
    amounts = r.items(keys.get("amounts"), "amounts", partial(read_amount, r))
    places = r.items(keys.get("places"), "places", partial(read_place, r))
    tags = r.items(keys.get("tags"), "tags", partial(r.slug, what="tag"))
    citations = r.items(keys.get("sources"), "sources", partial(read_citation, r))
    if "sources" in keys and not citations and not r.problems:
        r.problem(keys["sources"], "sources", "cite at least one source with a quote")
    relations = r.items(keys.get("relations"), "relations", partial(read_relation, r))
    for rel, target_node in relations:
        if event_id is not None and rel.target == event_id:
            r.problem(target_node, "relations", "an event cannot be related to itself")
    note = r.optional_string(keys.get("note"), "note")
    basis = "source"
    if (n := get("date_basis")) is not None:
        basis = r.choice(n, "date_basis", reference.date_bases(), "date basis") or ""
    if basis in ("record", "editors") and not note:
        whose = "the public record" if basis == "record" else "the editors"
        r.problem(keys["date_basis"], "date_basis",
                  f"a date from {whose} needs a note saying where it comes from")  # fmt: skip
    if r.problems:
        return None, r.problems
    assert event_id and title and isinstance(date, PartialDate | DateInterval) and kind and summary
    event = Event(
        id=event_id,
        title=title,
        date=date,
        kind=kind,
        summary=summary,
        sources=[c for c, _ in citations],
        actors=actors,
        systems=tuple(dict.fromkeys(named)),
        amounts=amounts,
        places=places,
        tags=tuple(dict.fromkeys(tags)),
        relations=[rel for rel, _ in relations],
        note=note,
        date_basis=basis,
        register=register,
    )
    line = node_line
    return (
        ParsedEvent(
            event,
            shown,
            line(keys["id"]),
            [(c, line(n)) for c, n in citations],
            [(r, line(n)) for r, n in relations],
        ),
        [],
    )


def _split_suffix(name: str) -> tuple[str, str]:
    """A file name's stem and suffix, as ``PurePath.stem`` and ``.suffix`` give them."""
    dot = name.rfind(".")
    return (name[:dot], name[dot:]) if 0 < dot < len(name) - 1 else (name, "")


def read_event(path: str | Path) -> Event:
    """Read one event file; raise ValidationError listing all its problems."""
    parsed, problems = parse_event(Path(path))
    if problems or parsed is None:
        raise ValidationError(problems)
    return parsed.event

