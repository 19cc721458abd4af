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

from armstimeline.errors import Problem, relpath
from armstimeline.loading.checks import Links, citation_problems, relations_of
from armstimeline.loading.event import ParsedEvent
from armstimeline.loading.files import Progress, event_paths
from armstimeline.loading.parallel import parse_many
from armstimeline.loading.sources import parse_sources
from armstimeline.loading.systems import lookup_table, project_systems

__all__ = ["FolderReader"]


class FolderReader:
    """Iterate to get (file, event) for each readable file in name order; then ``finish``.

    ``problems`` grows as files are read (a caller may stop writing once it is not
    empty); ``hashes``, when given, is filled with each file's stamp as it is read.
    """

    def __init__(
        self,
        events_dir: str | Path,
        sources_dir: str | Path,
        progress: Progress | None = None,
        hashes: dict[str, Any] | None = None,
    ) -> None:
        events_dir = Path(events_dir)
        self.sources, self._texts, self.problems = parse_sources(Path(sources_dir))
        self.catalog, catalog_problems = project_systems(events_dir)
        self.problems.extend(catalog_problems)
        self.paths = event_paths(events_dir)
        self._shown = relpath(events_dir)
        self._progress = progress
        self._hashes = hashes
        self._broken: set[str] = set()  # unreadable files: their links are not reported again
        self._links = Links(broken=self._broken)

    def __iter__(self) -> Iterator[tuple[Path, ParsedEvent]]:
        results = parse_many(self.paths, self._shown, self._hashes, lookup_table(self.catalog))
        problems, links = self.problems, self._links
        for path in self._progress(self.paths) if self._progress else self.paths:
            item, found = next(results)
            problems.extend(found)
            if item is None:
                self._broken.add(path.stem)
                continue
            event = item.event
            problems.extend(links.add(event.id, item.path, item.id_line, relations_of(item),
                                      event.imported))  # fmt: skip
            problems.extend(citation_problems(item, self.sources, self._texts))
            yield path, item

    def finish(self) -> list[Problem]:
        """Every problem, once every file has been read (the link checks need them all);
        what the link checks kept is let go."""
        self.problems.extend(self._links.problems())
        self._links = Links()
        return self.problems
