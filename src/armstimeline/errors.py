"""One base error; every problem a person sees names its place, field and fix."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path

import attrs

__all__ = [
    "ArmstimelineError",
    "BuildError",
    "DateError",
    "ExportError",
    "FilterError",
    "Problem",
    "RegisterError",
    "UsageError",
    "ValidationError",
    "did_you_mean",
    "relpath",
    "show_value",
]

_MAX_SHOWN = 60


def show_value(value: object, limit: int = _MAX_SHOWN) -> str:
    """Quote a value for a message: escaped (no raw control characters) and truncated."""
    text = value if isinstance(value, str) else repr(value)
    text = text.encode("unicode_escape").decode("ascii") if not text.isprintable() else text
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return f'"{text}"'


@attrs.frozen(order=True)
class Problem:
    """One thing wrong with one file: where, which field, and what to do about it."""

    path: str
    line: int | None
    field: str
    message: str
    column: int | None = attrs.field(default=None, order=False)

    def __str__(self) -> str:
        place = (
            self.path
            if self.path.isprintable()
            else self.path.encode("unicode_escape").decode("ascii")
        )
        if self.line is not None:
            place += f":{self.line}"
            if self.column is not None:
                place += f":{self.column}"
        field = f" {self.field}:" if self.field else ""
        return f"{place}:{field} {self.message}"


class ArmstimelineError(Exception):
    """Base class of every error this library raises on purpose; each kind of failure
    has its own subclass below, and every message says what to do about it."""


class DateError(ArmstimelineError, ValueError):
    """A date string that is not a valid partial date; the message says why."""


class ValidationError(ArmstimelineError):
    """The events or sources have problems; all of them are listed, not only the first."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: Sequence[Problem] = sorted(problems)
        super().__init__(self._message())

    def _message(self) -> str:
        n = len(self.problems)
        head = f"{n} problem{'s' if n != 1 else ''} found:"
        return "\n".join([head, *(str(p) for p in self.problems)])


class BuildError(ArmstimelineError):
    """The database could not be built; the previous database is untouched."""


class RegisterError(ArmstimelineError):
    """A register could not be registered (the disk, the folder, a lock); nothing changed."""


class FilterError(ArmstimelineError, ValueError):
    """A filter names a value, keyword or range that cannot match; the message says what
    was expected and suggests the nearest valid values."""


class ExportError(ArmstimelineError):
    """An export could not be written (unknown format, no format for standard output, a
    file that cannot be written)."""


class UsageError(ArmstimelineError):
    """A function or command was given something it cannot use: an event id that does
    not exist, a title ``new`` cannot write, a feature whose optional extra is missing."""


def did_you_mean(value: str, choices: Iterable[str], n: int = 3) -> str:
    """The text ' (did you mean 'TUR'?)' for the nearest choices, compared case- and
    punctuation-blind so 'S400' finds 'S-400'; empty when none is close."""

    def fold(text: str) -> str:
        return "".join(ch for ch in text.casefold() if ch.isalnum())

    by_fold: dict[str, str] = {}
    for choice in choices:
        by_fold.setdefault(fold(choice), choice)
    import difflib

    found = difflib.get_close_matches(fold(value), list(by_fold), n=n, cutoff=0.6)
    if not found:
        return ""
    names = [f"'{by_fold[f]}'" for f in found]
    joined = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]
    return f" (did you mean {joined}?)"


def relpath(path: Path) -> str:
    """A path as a person would type it: relative to the working directory when inside it."""
    # absolute, not resolved: a path may be a link (or a loop of links) being reported
    try:
        return str(Path(os.path.abspath(path)).relative_to(os.path.abspath(Path.cwd())))
    except ValueError:
        return str(path)
