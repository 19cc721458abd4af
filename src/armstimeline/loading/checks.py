"""Checks that need every file: unique ids, relation targets, sources and quotes."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Set

from armstimeline import reference
from armstimeline.errors import Problem, show_value
from armstimeline.loading.event import ParsedEvent
from armstimeline.loading.quotes import quote_in_text
from armstimeline.model import Source

__all__ = [
    "Known",
    "Links",
    "Relations",
    "citation_problems",
    "cross_file_problems",
    "relations_of",
]

Known = tuple[str, frozenset[tuple[str, str]]]
Relations = tuple[tuple[str, str, int], ...]  # (type, target, line) of one event
Linked = tuple[str, Relations, bool]  # (path, relations, imported)


class Links:
    """What the link checks need of every event, and nothing more: its file, the line of
    its id, its relations as (type, target, line) and whether an import wrote it.

    Events are added one at a time (a streamed build forgets each event once its rows are
    written); a second event with an id already seen is reported at once, and the
    relation checks, which need every id, run in ``problems`` at the end.
    ``others`` are events known without parsing (an incremental build's unchanged files):
    id to (path, relations as (type, target) pairs); ``imported`` the ids among them that an
    import wrote; ``broken`` the ids of files that failed to read, whose links are not
    reported again. A symmetric link to an imported event is stated in the curated file
    only: the importer owns the other file and rewrites it. ``linking``, when given, are
    the only ``others`` whose links are checked again (by default all of them): an
    incremental build knows its kept events' links held at its last build, so only those
    to the events it replaces or removes can break.
    """

    __slots__ = ("_broken", "_by_id", "_imported", "_linking", "_others")

    def __init__(
        self,
        others: Mapping[str, Known] | None = None,
        imported: frozenset[str] = frozenset(),
        broken: Set[str] = frozenset(),
        linking: Mapping[str, Known] | None = None,
    ) -> None:
        self._others = others if others is not None else {}
        self._imported = imported
        self._broken = broken
        self._linking = linking if linking is not None else self._others
        self._by_id: dict[str, Linked] = {}

    def add(
        self, event_id: str, path: str, id_line: int, relations: Relations, imported: bool
    ) -> tuple[Problem, ...]:
        """Record one event; a problem when its id is taken. (A plain function, not a
        generator: it is called once per event, a register's 55,000 at every load.)"""
        first = self._by_id.get(event_id)
        known = self._others.get(event_id)
        if first is None and known is None:
            self._by_id[event_id] = (path, relations, imported)
            return ()
        where = first[0] if first is not None else known[0]  # type: ignore[index]
        return (Problem(path, id_line, "id", f"the id '{event_id}' is also used by {where}"),)

    def problems(self) -> Iterator[Problem]:
        """Relation targets that are not events, and symmetric links stated one way."""
        by_id, others, imported, broken = self._by_id, self._others, self._imported, self._broken
        types = reference.relation_types()
        for event_id, (path, relations, _) in by_id.items():
            for rtype, target, line in relations:
                other = by_id.get(target)
                if other is not None:
                    reverse = _links_back(other, rtype, event_id)
                    target_path = other[0]
                elif target in others:
                    target_path, known_relations = others[target]
                    reverse = target in imported or (rtype, event_id) in known_relations
                elif target in broken:
                    continue
                else:
                    yield Problem(
                        path, line, "relations", f"the target '{target}' is not an event id"
                    )
                    continue
                if types[rtype].get("symmetric") and not reverse:
                    yield Problem(path, line, "relations", _both_ways(rtype, event_id, target_path))
        for known_id, (path, known) in self._linking.items():
            if not known:
                continue
            for rtype, target in sorted(known):
                found = by_id.get(target)
                if found is not None:
                    if types[rtype].get("symmetric") and not _links_back(found, rtype, known_id):
                        message = _both_ways(rtype, known_id, found[0])
                        yield Problem(path, None, "relations", message)
                elif target not in others and target not in broken:
                    yield Problem(
                        path, None, "relations", f"the target '{target}' is not an event id"
                    )


def _links_back(linked: Linked, rtype: str, event_id: str) -> bool:
    """Whether an event states the ``rtype`` link to ``event_id`` too (an imported event
    need not: the importer owns its file)."""
    _, relations, imported = linked
    return imported or any(r[0] == rtype and r[1] == event_id for r in relations)


def _both_ways(rtype: str, source: str, target_path: str) -> str:
    return (
        f"'{rtype}' goes both ways; add {{type: {rtype}, target: {source}}} "
        f"to the relations of {target_path}"
    )


def relations_of(p: ParsedEvent) -> Relations:
    """A parsed event's relations as ``Links`` keeps them (empty ones shared)."""
    return tuple([(r.type, r.target, line) for r, line in p.relations]) if p.relations else ()


def citation_problems(
    p: ParsedEvent, sources: dict[str, Source], texts: dict[str, str]
) -> Iterator[Problem]:
    """One event's citations: registered sources, quotes found in local texts, and at
    least one quote from a local source. Needs no other event."""
    local = False  # a quote from a source with a local text
    registered = True  # every source in the registry
    for cit, line in p.citations:
        source = sources.get(cit.source)
        if source is None:
            registered = False
            yield Problem(
                p.path,
                line,
                "sources",
                f"the source '{cit.source}' is not in the registry (seeds/sources.yml)",
            )
        elif source.checked_locally:
            local = True
            if not quote_in_text(cit.quote, texts.get(cit.source, "")):
                yield Problem(
                    p.path,
                    line,
                    "sources.quote",
                    f"the quote {show_value(cit.quote)} is not in the text of '{cit.source}'; "
                    "copy it verbatim (white space may differ)",
                )
    if not local and registered:
        yield Problem(
            p.path,
            None,
            "sources",
            "no quote comes from a local source; cite at least one seed document",
        )


def cross_file_problems(
    parsed: list[ParsedEvent],
    sources: dict[str, Source],
    texts: dict[str, str],
    broken: Set[str] = frozenset(),
    others: Mapping[str, Known] | None = None,
    imported: frozenset[str] = frozenset(),
    linking: Mapping[str, Known] | None = None,
) -> Iterator[Problem]:
    """Checks that need every file: unique ids, relation targets, sources and quotes
    (see ``Links`` for ``broken``, ``others``, ``imported`` and ``linking``)."""
    links = Links(others, imported, broken, linking)
    for p in parsed:
        yield from links.add(p.event.id, p.path, p.id_line, relations_of(p), p.event.imported)
        yield from citation_problems(p, sources, texts)
    yield from links.problems()
