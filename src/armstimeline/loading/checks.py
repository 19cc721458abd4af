"""Checks that need every file: unique ids, relation targets, sources and quotes."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from armstimeline import reference
from armstimeline.errors import Problem, show_value
from armstimeline.loading.event import ParsedEvent
from armstimeline.loading.quotes import quote_in_text
from armstimeline.model import Source

__all__ = ["Known", "cross_file_problems"]

Known = tuple[str, frozenset[tuple[str, str]]]


def cross_file_problems(
    parsed: list[ParsedEvent],
    sources: dict[str, Source],
    texts: dict[str, str],
    broken: set[str] = frozenset(),  # type: ignore[assignment]
    others: Mapping[str, Known] | None = None,
    imported: frozenset[str] = frozenset(),
) -> Iterator[Problem]:
    """Checks that need every file: unique ids, relation targets, sources and quotes.

    ``broken`` holds the ids (file names) of files that failed to read: links to them
    are not reported again, so one broken file does not bury others in echoes.
    ``others`` are events known without parsing (an incremental build's unchanged
    files): id to (path, relations as (type, target) pairs); ``imported`` the ids among
    them that an import wrote. A symmetric link to an imported event is stated in the
    curated file only: the importer owns the other file and rewrites it.
    """
    others = others or {}
    by_id: dict[str, ParsedEvent] = {}
    for p in parsed:
        first = by_id.get(p.event.id)
        known = others.get(p.event.id)
        if first is not None or known is not None:
            line = p.id_line
            where = first.path if first is not None else known[0]  # type: ignore[index]
            yield Problem(p.path, line, "id", f"the id '{p.event.id}' is also used by {where}")
        else:
            by_id[p.event.id] = p
    types = reference.relation_types()

    def both_ways(rtype: str, source: str, target_path: str) -> str:
        return (
            f"'{rtype}' goes both ways; add {{type: {rtype}, target: {source}}} "
            f"to the relations of {target_path}"
        )

    for p in parsed:
        for rel, line in p.relations:
            other = by_id.get(rel.target)
            if other is not None:
                reverse = other.event.imported or any(
                    r.type == rel.type and r.target == p.event.id for r in other.event.relations
                )
                target_path = other.path
            elif rel.target in others:
                target_path, known_relations = others[rel.target]
                reverse = rel.target in imported or (rel.type, p.event.id) in known_relations
            elif rel.target in broken:
                continue
            else:
                yield Problem(
                    p.path, line, "relations", f"the target '{rel.target}' is not an event id"
                )
                continue
            if types[rel.type].get("symmetric") and not reverse:
                yield Problem(
                    p.path, line, "relations", both_ways(rel.type, p.event.id, target_path)
                )
        for cit, line in p.citations:
            source = sources.get(cit.source)
            if source is None:
                yield Problem(
                    p.path,
                    line,
                    "sources",
                    f"the source '{cit.source}' is not in the registry (seeds/sources.yml)",
                )
            elif source.checked_locally and not quote_in_text(cit.quote, texts.get(cit.source, "")):
                yield Problem(
                    p.path,
                    line,
                    "sources.quote",
                    f"the quote {show_value(cit.quote)} is not in the text of '{cit.source}'; "
                    "copy it verbatim (white space may differ)",
                )
        if not any(
            sources.get(c.source) is not None and sources[c.source].checked_locally
            for c, _ in p.citations
        ) and all(c.source in sources for c, _ in p.citations):
            yield Problem(
                p.path,
                None,
                "sources",
                "no quote comes from a local source; cite at least one seed document",
            )

    for known_id, (path, relations) in others.items():
        for rtype, target in sorted(relations):
            if target in by_id:
                if types[rtype].get("symmetric") and not by_id[target].event.imported and not any(
                    r.type == rtype and r.target == known_id for r in by_id[target].event.relations
                ):
                    yield Problem(
                        path, None, "relations", both_ways(rtype, known_id, by_id[target].path)
                    )
            elif target not in others and target not in broken:
                yield Problem(path, None, "relations", f"the target '{target}' is not an event id")

