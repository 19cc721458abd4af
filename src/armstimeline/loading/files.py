"""The event files of a folder: which names count, in which order, held cheaply."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import overload

from armstimeline.errors import Problem, ValidationError, relpath

__all__ = ["EVENT_SUFFIXES", "FolderFiles", "Progress", "event_paths"]

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

    @property
    def names(self) -> list[str]:
        """The file names, in order (no ``Path`` made)."""
        return self._names

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
