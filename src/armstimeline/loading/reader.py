"""A folder read file by file: each event checked alone as it comes, and what needs every
file checked once all are read.

``validate`` keeps only the problems, ``load_events`` every event, and the database's
streamed build a batch at a time: one reading loop serves the three, so they find the
same problems in the same words. Of each event, only what the link checks need stays
after it is handed on (see ``checks.Links``).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs

from armstimeline.errors import Problem, relpath
from armstimeline.loading.checks import Links, citation_problems, relations_of
from armstimeline.loading.event import ParsedEvent
from armstimeline.loading.files import Progress, event_paths
from armstimeline.loading.parallel import parse_many
from armstimeline.loading.sources import parse_sources
from armstimeline.loading.systems import lookup_table, project_systems
from armstimeline.model import Event
from armstimeline.registers import (
    Names,
    project_names,
    read_editions,
    register_events,
    withdrawn_ids,
)

__all__ = ["FolderReader"]


class FolderReader:
    """Iterate to get (file, event) for each readable file in name order; then ``finish``.

    ``problems`` grows as files are read (a caller may stop writing once it is not
    empty); ``hashes``, when given, is filled with each file's stamp as it is read.
    After the files come the events derived from the registered registers' current rows,
    each with the register file as its path; ``warnings`` then names the register names
    that could not be mapped, and ``withdrawn`` holds the events of withdrawn rows when
    ``with_withdrawn`` asks for them.
    """

    def __init__(
        self,
        events_dir: str | Path,
        sources_dir: str | Path,
        progress: Progress | None = None,
        hashes: dict[str, Any] | None = None,
        with_withdrawn: bool = False,
    ) -> None:
        events_dir = Path(events_dir)
        self._sources_dir = Path(sources_dir)
        self._events_dir = events_dir
        self._with_withdrawn = with_withdrawn
        self.warnings: list[Problem] = []
        self.withdrawn: list[Event] = []
        self.derived = 0  # events derived from registers
        self.sources, self._texts, self.problems = parse_sources(Path(sources_dir))
        self.catalog, catalog_problems = project_systems(events_dir)
        self.problems.extend(catalog_problems)
        self.paths = event_paths(events_dir)
        self._shown = relpath(events_dir)
        self._progress = progress
        self._hashes = hashes
        self._broken: set[str] = set()  # unreadable files: their links are not reported again
        self._links = Links(broken=self._broken)
        # the registers, read once: their withdrawn rows' ids before any file is read (a
        # curated link to one is a warning), their events after the files
        self._editions = (
            read_editions(self.sources, self._sources_dir)
            if any(s.register for s in self.sources.values())
            else None
        )
        self._withdrawn_ids = withdrawn_ids(self._editions[0]) if self._editions else {}

    def __iter__(self) -> Iterator[tuple[Path, ParsedEvent]]:
        results = parse_many(self.paths, self._shown, self._hashes, lookup_table(self.catalog))
        problems, links = self.problems, self._links
        for path in self._progress(self.paths) if self._progress else self.paths:
            item, found = next(results)
            problems.extend(found)
            if item is None:
                self._broken.add(path.stem)
                continue
            if self._withdrawn_ids:
                item = self._unlink_withdrawn(item)
            event = item.event
            problems.extend(links.add(event.id, item.path, item.id_line, relations_of(item),
                                      event.imported))  # fmt: skip
            problems.extend(citation_problems(item, self.sources, self._texts))
            yield path, item
        yield from self._derived()

    def _unlink_withdrawn(self, item: ParsedEvent) -> ParsedEvent:
        """An event without its links to withdrawn register rows, each one a warning: the
        file keeps the link, the timeline and the database leave it out."""
        gone = [(r, line) for r, line in item.relations if r.target in self._withdrawn_ids]
        if not gone:
            return item
        for relation, line in gone:
            self.warnings.append(Problem(
                item.path, line, "relations",
                f"links to '{relation.target}', a register row withdrawn in edition "
                f"{self._withdrawn_ids[relation.target]}; the link is left out until it "
                "points at a current row",
            ))  # fmt: skip
        kept = [(r, line) for r, line in item.relations if (r, line) not in gone]
        event = attrs.evolve(item.event, relations=[r for r, _ in kept])
        return ParsedEvent(event, item.path, item.id_line, item.citations, kept)

    def _derived(self) -> Iterator[tuple[Path, ParsedEvent]]:
        """The registers' events: checked for ids and links like any event; their quote is
        their own row, so there is nothing to look up."""
        if self._editions is None:
            return
        extra, problems = project_names(self._events_dir)
        self.problems.extend(problems)
        made = register_events(
            self.sources, self._sources_dir, lookup_table(self.catalog), Names(extra),
            self._with_withdrawn, self._editions,
        )  # fmt: skip
        self._editions = None  # let the rows go
        self.problems.extend(made.problems)
        self.warnings.extend(made.warnings)
        self.withdrawn = made.withdrawn
        links = self._links
        paths = {
            sid: (self._sources_dir / str(s.file), relpath(self._sources_dir / str(s.file)))
            for sid, s in self.sources.items() if s.register
        }  # fmt: skip
        for event in sorted(made.events, key=lambda e: e.id):  # as a build from memory
            path, shown = paths[event.sources[0].source]
            item = ParsedEvent(event, shown, 0, [], [(r, 0) for r in event.relations])
            self.problems.extend(links.add(event.id, item.path, 0, relations_of(item), True))
            self.derived += 1
            yield path, item

    def finish(self) -> list[Problem]:
        """Every problem, once every file has been read (the link checks need them all);
        what the link checks kept is let go."""
        self.problems.extend(self._links.problems())
        self._links = Links()
        return self.problems
