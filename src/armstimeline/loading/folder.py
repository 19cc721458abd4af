"""A whole events folder: every file parsed, checked against the others, in timeline order."""

from __future__ import annotations

import gc
import os
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, overload

from armstimeline.errors import Problem, ValidationError, relpath
from armstimeline.loading.checks import cross_file_problems
from armstimeline.loading.event import ParsedEvent
from armstimeline.loading.parallel import parse_many
from armstimeline.loading.sources import parse_sources
from armstimeline.loading.systems import lookup_table, project_systems
from armstimeline.model import Event, Source, order_events

__all__ = [
    "EVENT_SUFFIXES",
    "FolderFiles",
    "Progress",
    "event_paths",
    "load_events",
    "read_folder",
    "title_warnings",
    "validate",
]

EVENT_SUFFIXES = (".yml", ".yaml")
Progress = Callable[[Sequence[Path]], Iterable[Path]]


class FolderFiles(Sequence[Path]):
    """A folder's event files by name, each ``Path`` made when it is asked for: a million
    ``Path`` objects held at once cost about 400 MB, their names a sixth of that."""

    __slots__ = ("_folder", "_names")

    def __init__(self, folder: Path, names: list[str]) -> None:
        self._folder = folder
        self._names = names

    def __len__(self) -> int:
        return len(self._names)

    @overload
    def __getitem__(self, index: int) -> Path: ...

    @overload
    def __getitem__(self, index: slice) -> list[Path]: ...

    def __getitem__(self, index: int | slice) -> Path | list[Path]:
        if isinstance(index, slice):
            return [self._folder / name for name in self._names[index]]
        return self._folder / self._names[index]

    def __iter__(self) -> Iterator[Path]:
        folder = self._folder
        return (folder / name for name in self._names)


def event_paths(folder: str | Path) -> FolderFiles:
    """Event files in a folder, sorted by name so every run sees the same order."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ValidationError(
            [Problem(relpath(folder), None, "", "is not a folder; pass --events DIR")]
        )
    names = sorted(
        entry.name for entry in os.scandir(folder) if entry.name.endswith(EVENT_SUFFIXES)
    )
    return FolderFiles(folder, names)



def read_folder(
    events_dir: str | Path,
    sources_dir: str | Path,
    progress: Progress | None = None,
    hashes: dict[str, Any] | None = None,
) -> tuple[list[Event], dict[str, Source], list[Problem]]:
    problems: list[Problem] = []
    sources, texts, source_problems = parse_sources(Path(sources_dir))
    problems.extend(source_problems)
    catalog, catalog_problems = project_systems(events_dir)
    problems.extend(catalog_problems)
    parsed: list[ParsedEvent] = []
    broken: set[str] = set()
    paths = event_paths(events_dir)
    shown_dir = relpath(Path(events_dir))
    # Bulk loading makes millions of objects that are never garbage; the cyclic collector
    # would walk them again and again (a third of the time at 100k files).
    collecting = gc.isenabled()
    gc.disable()
    try:
        results = parse_many(paths, shown_dir, hashes, lookup_table(catalog))
        for path in progress(paths) if progress else paths:
            item, found = next(results)
            problems.extend(found)
            if item is not None:
                parsed.append(item)
            else:
                broken.add(path.stem)
    finally:
        if collecting:
            gc.enable()
    problems.extend(cross_file_problems(parsed, sources, texts, broken))
    events = order_events([p.event for p in parsed])
    return events, sources, problems



def validate(
    events_dir: str | Path, sources_dir: str | Path, progress: Progress | None = None
) -> list[Problem]:
    """Every problem in an events folder and its sources, sorted by file and line."""
    return sorted(read_folder(events_dir, sources_dir, progress)[2])


def load_events(
    events_dir: str | Path,
    sources_dir: str | Path,
    progress: Progress | None = None,
    hashes: dict[str, Any] | None = None,
) -> tuple[list[Event], dict[str, Source]]:
    """Events in timeline order and their sources; raise ValidationError on any problem.

    ``progress`` may wrap the list of file paths (a progress bar); it must yield them all.
    ``hashes``, when given, is filled with each file's (SHA-256, size, mtime) as it is
    read, so a build need not read the files twice.
    """
    events, sources, problems = read_folder(events_dir, sources_dir, progress, hashes)
    if problems:
        raise ValidationError(problems)
    return events, sources


_WORDS = re.compile(r"[^\W_]+")


def title_warnings(events: Iterable[Event], events_dir: str | Path) -> list[Problem]:
    """Events whose titles are the same words (case, accents and punctuation aside): most
    often one event added twice. A warning, not a problem: two events may share a title.
    Imported events are left out: their titles are made from register rows, which repeat."""
    seen: dict[tuple[str, ...], str] = {}
    warnings = []
    for event in events:
        if event.imported:
            continue
        key = tuple(_WORDS.findall(_fold(event.title)))
        first = seen.setdefault(key, event.id)
        if first != event.id:
            path, line = _title_place(Path(events_dir), event.id)
            other = _title_place(Path(events_dir), first)[0]
            message = f"has the same title as {other}; is it the same event?"
            warnings.append(Problem(path, line, "title", message))
    return sorted(warnings)


def _fold(text: str) -> str:
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _title_place(folder: Path, event_id: str) -> tuple[str, int | None]:
    for suffix in EVENT_SUFFIXES:
        path = folder / f"{event_id}{suffix}"
        if path.is_file():
            for number, line in enumerate(path.read_text("utf-8-sig").splitlines(), 1):
                if line.startswith("title:"):
                    return relpath(path), number
            return relpath(path), None
    return relpath(folder / f"{event_id}.yml"), None

