"""A whole events folder: every file parsed, checked against the others, in timeline order."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from armstimeline.bulk import collector_paused
from armstimeline.errors import Problem, ValidationError, relpath
from armstimeline.loading.files import EVENT_SUFFIXES, Progress
from armstimeline.loading.reader import FolderReader
from armstimeline.model import Event, Source, order_events

__all__ = [
    "load_events",
    "read_folder",
    "title_warnings",
    "validate",
]


def read_folder(
    events_dir: str | Path,
    sources_dir: str | Path,
    progress: Progress | None = None,
    hashes: dict[str, Any] | None = None,
    withdrawn: list[Event] | None = None,
    warnings: list[Problem] | None = None,
) -> tuple[list[Event], dict[str, Source], list[Problem]]:
    """Every event of a folder in timeline order, its sources, and every problem; the
    events of withdrawn register rows into ``withdrawn`` when it is given."""
    # Bulk loading makes millions of objects that are never garbage; the cyclic collector
    # would walk them again and again (a third of the time at 100k files): reading the
    # registers, ordering and the link checks too
    with collector_paused():
        reader = FolderReader(events_dir, sources_dir, progress, hashes, withdrawn is not None)
        events = order_events([event for _, _, _, event in reader])
        problems = reader.finish()
    if withdrawn is not None:
        withdrawn.extend(reader.withdrawn)
    if warnings is not None:
        warnings.extend(reader.warnings)
    return events, reader.sources, problems


def validate(
    events_dir: str | Path, sources_dir: str | Path, progress: Progress | None = None
) -> list[Problem]:
    """Every problem in an events folder and its sources, sorted by file and line.

    Each event is let go once checked (where it was parsed: a parse worker sends back
    only what the checks need): validating holds no more than the checks that need every
    file keep."""
    reader = FolderReader(events_dir, sources_dir, progress, keep=_nothing)
    for _ in reader:
        pass
    return sorted(reader.finish())


def load_events(
    events_dir: str | Path,
    sources_dir: str | Path,
    progress: Progress | None = None,
    hashes: dict[str, Any] | None = None,
    withdrawn: list[Event] | None = None,
    warnings: list[Problem] | None = None,
) -> tuple[list[Event], dict[str, Source]]:
    """Events in timeline order and their sources; raise ValidationError on any problem.

    ``progress`` may wrap the list of file paths (a progress bar); it must yield them all.
    ``hashes``, when given, is filled with each file's (SHA-256, size, mtime) as it is
    read, so a build need not read the files twice. ``withdrawn`` and ``warnings``, when
    given, receive the events of withdrawn register rows and the register names that
    could not be mapped.
    """
    events, sources, problems = read_folder(
        events_dir, sources_dir, progress, hashes, withdrawn, warnings
    )
    if problems:
        raise ValidationError(problems)
    return events, sources


def _nothing(event: Event) -> None:
    return None


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

