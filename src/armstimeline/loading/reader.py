"""A folder read file by file: each event checked alone as it comes, and what needs every
file checked once all are read.

``validate`` keeps only the problems, ``load_events`` every event, and the database's
streamed build a batch at a time: one reading loop serves the three, so they find the
same problems in the same words. Of each event, only what the link checks need stays
after it is handed on (see ``checks.Links``).
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import attrs

from armstimeline.errors import Problem, relpath
from armstimeline.loading.checks import Links, Relations, citation_problems, relations_of
from armstimeline.loading.event import ParsedEvent, parse_event
from armstimeline.loading.files import Progress, event_paths
from armstimeline.loading.parallel import CHUNK, in_order
from armstimeline.loading.sources import parse_sources
from armstimeline.loading.stamps import Stamp
from armstimeline.loading.systems import lookup_table, project_systems
from armstimeline.model import Event
from armstimeline.registers import (
    Names,
    RegisterPlan,
    RowParts,
    project_names,
    read_editions,
    register_plan,
    withdrawn_ids,
)

__all__ = ["FolderReader"]

# what a file gives the reader: its own problems, its stamp, and when it reads, what the
# link checks need (id, shown path, id line, relations, imported), its citation problems,
# the warnings of its links to withdrawn register rows and what ``keep`` made of the event
Read = tuple[str, str, int, Relations, bool, list[Problem], list[Problem], Any]
FileResult = tuple[list[Problem], Stamp | None, Read | None]


def _the_event(event: Event) -> Event:
    return event


class FolderReader:
    """Iterate to get (file name, event id, relations, kept) for each readable file in
    name order; then ``finish``.

    ``kept`` is what ``keep`` makes of the event (the event itself by default): it is
    made where the file is parsed, in a worker process for a large folder, so a caller
    that needs rows, or nothing, is not sent whole events. ``problems`` grows as files
    are read (a caller may stop writing once it is not empty). ``bundle``, when given, makes the
    ``kept`` of a chunk of files at once (a build's rows for 500 events cost half as much
    to make at once as one by one, and a tenth to send back from a worker), which
    arrives as the ``kept`` of the chunk's last event, the others' being None: the same
    in a worker and here, so a build is the same file either way; ``hashes``, when given,
    is filled with each file's stamp as it is read; ``planned``, when given, is shown the
    registers' plan once every file is read, before any of their events is made, and
    may answer how many of them (the first ones) the reader should make: it makes them
    here, and hands on the rest with a ``kept`` of None (the caller makes them elsewhere);
    ``bundle_parts``, when given, makes the ``kept`` of a chunk of the registers' events
    from what they are made of (``RegisterPlan.parts``), as ``bundle`` would from the
    events, without making them (``keep`` is then not used for them).
    After the files come the events derived from the registered registers' current rows,
    each with the register file's name; ``warnings`` then names the register names
    that could not be mapped, and ``withdrawn`` holds the events of withdrawn rows when
    ``with_withdrawn`` asks for them; ``registers`` holds the registers' editions as read
    (None without a register), for a build's transfers.
    """

    def __init__(
        self,
        events_dir: str | Path,
        sources_dir: str | Path,
        progress: Progress | None = None,
        hashes: dict[str, Any] | None = None,
        with_withdrawn: bool = False,
        keep: Callable[[Event], Any] = _the_event,
        bundle: Callable[[list[Any]], Any] | None = None,
        planned: Callable[[RegisterPlan], int | None] | None = None,
        bundle_parts: Callable[[list[tuple[RowParts, int]]], Any] | None = None,
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
        self._keep = keep
        self._bundle = bundle
        self._planned = planned
        self._bundle_parts = bundle_parts
        self._systems = lookup_table(self.catalog)
        self._broken: set[str] = set()  # unreadable files: their links are not reported again
        self._links = Links(broken=self._broken)
        # the registers, read once: their withdrawn rows' ids before any file is read (a
        # curated link to one is a warning), their events after the files
        self.registers = (
            read_editions(self.sources, self._sources_dir)
            if any(s.register for s in self.sources.values())
            else None
        )
        self._withdrawn_ids = withdrawn_ids(self.registers[0]) if self.registers else {}
        # rows read from registers: about how much register work there is
        self.register_rows = (
            sum(len(e.register.rows) for es in self.registers[0].values() for e in es)
            if self.registers
            else 0
        )

    def _read(self, start: int, stop: int) -> list[FileResult]:
        """Files ``start`` to ``stop``, each read and checked alone (in a worker process
        when the folder is large)."""
        sources, texts, systems, keep, shown = (
            self.sources, self._texts, self._systems, self._keep, self._shown
        )  # fmt: skip
        want_stamps = self._hashes is not None
        # names, not Paths, joined to their folder by hand: a Path, or os.path.join, costs
        # more than the rest of what is done here to each file
        folder, shown = os.path.join(self._events_dir, ""), os.path.join(shown, "")
        out: list[FileResult] = []
        for name in self.paths.names[start:stop]:
            digest: dict[str, Any] | None = {} if want_stamps else None
            item, found = parse_event(folder + name, shown + name, digest, systems)
            stamp = digest.get(name) if digest else None
            if item is None:
                out.append((found, stamp, None))
                continue
            warned: list[Problem] = []
            if self._withdrawn_ids:
                item, warned = self._unlink_withdrawn(item)
            event = item.event
            cites = list(citation_problems(item, sources, texts))
            read = (event.id, item.path, item.id_line, relations_of(item), event.imported,
                    cites, warned, keep(event))  # fmt: skip
            out.append((found, stamp, read))
        if self._bundle is not None:
            return self._bundled(out)
        return out

    def _bundled(self, out: list[FileResult]) -> list[FileResult]:
        """A chunk's kept values made into one by ``bundle``, carried by its last event."""
        assert self._bundle is not None
        at = [i for i, (_, _, read) in enumerate(out) if read is not None]
        if not at:
            return out
        made = self._bundle([read[-1] for _, _, read in out if read is not None])
        for i in at:
            found, stamp, read = out[i]
            assert read is not None
            out[i] = (found, stamp, (*read[:-1], made if i == at[-1] else None))
        return out

    def __iter__(self) -> Iterator[tuple[str, str, Relations, Any]]:
        names = self.paths.names
        results = in_order(len(names), self._read)
        ticks = iter(self._progress(self.paths)) if self._progress else None
        problems, links, hashes = self.problems, self._links, self._hashes
        for name in names:
            if ticks is not None:
                next(ticks, None)
            found, stamp, read = next(results)
            if stamp is not None and hashes is not None:
                hashes[name] = stamp
            problems.extend(found)
            if read is None:
                self._broken.add(Path(name).stem)
                continue
            event_id, shown, id_line, relations, imported, cites, warned, kept = read
            self.warnings.extend(warned)
            problems.extend(links.add(event_id, shown, id_line, relations, imported))
            problems.extend(cites)
            yield name, event_id, relations, kept
        if ticks is not None:
            for _ in ticks:  # a progress bar that wants to end at its last file
                pass
        yield from self._derived()

    def _unlink_withdrawn(self, item: ParsedEvent) -> tuple[ParsedEvent, list[Problem]]:
        """An event without its links to withdrawn register rows, and a warning for each:
        the file keeps the link, the timeline and the database leave it out."""
        gone = [(r, line) for r, line in item.relations if r.target in self._withdrawn_ids]
        if not gone:
            return item, []
        warned = [
            Problem(
                item.path, line, "relations",
                f"links to '{relation.target}', a register row withdrawn in edition "
                f"{self._withdrawn_ids[relation.target]}; the link is left out until it "
                "points at a current row",
            )
            for relation, line in gone
        ]  # fmt: skip
        kept = [(r, line) for r, line in item.relations if (r, line) not in gone]
        event = attrs.evolve(item.event, relations=[r for r, _ in kept])
        return ParsedEvent(event, item.path, item.id_line, item.citations, kept), warned

    def _derived(self) -> Iterator[tuple[str, str, Relations, Any]]:
        """The registers' events: checked for ids and links like any event; their quote is
        their own row, so there is nothing to look up. A build's (``bundle_parts``) are
        made straight into rows, as many as ``planned`` answers; every id and link is
        known beforehand, so the rest can be made elsewhere (the build's process beside)."""
        if self.registers is None:
            return
        extra, problems = project_names(self._events_dir)
        self.problems.extend(problems)
        plan = register_plan(
            self.sources, self._sources_dir, self._systems, Names(extra),
            self._with_withdrawn, self.registers,
        )  # fmt: skip
        self.problems.extend(plan.problems)
        self.warnings.extend(plan.warnings)
        self.withdrawn = plan.withdrawn
        # the events made here (the first ones): all, unless the caller makes the rest
        here = len(plan)
        if self._planned is not None:
            taken = self._planned(plan)
            here = len(plan) if taken is None else min(taken, len(plan))
        keep, bundle, bundle_parts = self._keep, self._bundle, self._bundle_parts

        def make(start: int, stop: int) -> list[Any]:
            if bundle_parts is not None and stop > start:
                return [*[None] * (stop - start - 1), bundle_parts(plan.parts(start, stop))]
            kept = [keep(event) for event in plan.events(start, stop)]
            if bundle is None or not kept:
                return kept
            return [*[None] * (len(kept) - 1), bundle(kept)]

        # made here, a chunk at a time (a build has a process beside make the rest, when
        # a core is idle: see ``planned``); the rest handed on as None
        made = itertools.chain(
            (kept for start in range(0, here, CHUNK)
             for kept in make(start, min(start + CHUNK, here))),
            itertools.repeat(None, len(plan) - here),
        )  # fmt: skip
        links = self._links
        files = {
            sid: (Path(str(s.file)).name, relpath(self._sources_dir / str(s.file)))
            for sid, s in self.sources.items() if s.register
        }  # fmt: skip
        add, problems = links.add, self.problems
        for event_id, related, source_id, kept in zip(
            plan.ids, plan.relations, plan.sources, made, strict=True
        ):
            name, shown = files[source_id]
            relations = tuple([(rtype, target, 0) for rtype, target in related]) if related else ()
            problems.extend(add(event_id, shown, 0, relations, True))
            self.derived += 1
            yield name, event_id, relations, kept

    def finish(self) -> list[Problem]:
        """Every problem, once every file has been read (the link checks need them all);
        what the link checks kept is let go."""
        self.problems.extend(self._links.problems())
        self._links = Links()
        return self.problems
