"""A register file's rows as read, kept in the user's cache under the file's SHA-256.

A registered register never changes (its SHA-256 is checked), yet every ``load()``,
``validate`` and build reads its 30,000 rows again, and registering a new edition reads
the edition before it. The rows of a file that read without a problem are kept here, with
each row's content hash (the ``base`` of its id, see ``events.content_ids``), so the next
reading of the same bytes is one ``marshal.loads``. It is a cache and nothing more: keyed
by the bytes' SHA-256, the code that read them and the Python that did, never in the
project folder, never required — a missing, unreadable or foreign entry is read again
from the register, and a cache that cannot be written is skipped silently.
``ARMSTIMELINE_CACHE`` names another folder; ``off`` turns it off.
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import os
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from armstimeline.registers.row import FIELDS as _FIELDS
from armstimeline.registers.row import RegisterRow, row_from

__all__ = ["FORMAT", "cache_folder", "cached", "forget", "holding", "keep"]

FORMAT = 1  # bump when what is kept changes


def _reading_code() -> str:
    """A digest of the code that reads a register: rows kept by other code are not read
    back (a cache need not be cleared by hand after an upgrade)."""
    digest = hashlib.sha256()
    for module in ("reader.py", "row.py", "identity.py", "cache.py"):
        with contextlib.suppress(OSError):
            digest.update((Path(__file__).parent / module).read_bytes())
    return digest.hexdigest()[:12]


_TAG = f"{FORMAT}-{sys.implementation.cache_tag}-{_reading_code()}"
# kept column by column: marshal writes a string met again as a reference to the first
_REPEATED = frozenset({"recipient", "supplier", "designation", "description", "status"})


def cache_folder() -> Path | None:
    """Where registers' rows are kept, or None when caching is off."""
    chosen = os.environ.get("ARMSTIMELINE_CACHE", "")
    if chosen.casefold() == "off":
        return None
    if chosen:
        return Path(chosen)
    import platformdirs

    return Path(platformdirs.user_cache_dir("armstimeline")) / "registers"


def _entry(sha256: str) -> Path | None:
    folder = cache_folder()
    return None if folder is None else folder / f"{sha256}.{_TAG}.marshal"


def cached(sha256: str) -> tuple[dict[str, Any], tuple[RegisterRow, ...], tuple[str, ...]] | None:
    """(what the file says of itself, its rows, each row's content hash) as kept for
    these bytes, or None."""
    path = _entry(sha256)
    if path is None:
        return None
    try:
        kept = marshal.loads(path.read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        return None
    try:
        tag, about, columns, bases = kept
        if (
            tag != _TAG or not isinstance(about, dict) or len(columns) != len(_FIELDS)
            or any(len(column) != len(bases) for column in columns)
        ):  # fmt: skip
            return None
        made = tuple(map(row_from, zip(*columns, strict=True)))
    except (TypeError, ValueError):
        return None
    return about, made, tuple(bases)


# what ``keep`` was given inside ``holding``: written later, by whoever the holder chooses
_held: list[tuple[str, dict[str, Any], Sequence[RegisterRow], Sequence[str]]] | None = None


@contextlib.contextmanager
def holding() -> Iterator[Callable[[], None]]:
    """Within the block, rows to keep are held instead of written; the function given
    writes what is held (once; a second call writes nothing). A build holds them so the
    process it starts beside, which has them too, writes them off its critical path; what
    nobody wrote is let go with the block: a cache entry missed is read again next time."""
    global _held
    outer, _held = _held, []
    held = _held

    def write() -> None:
        while held:
            _keep_now(*held.pop(0))

    try:
        yield write
    finally:
        _held = outer


def keep(
    sha256: str, about: dict[str, Any], rows: Sequence[RegisterRow], bases: Sequence[str]
) -> None:
    """Keep a file's rows for the next reading (written whole or not at all), or hold
    them for later inside ``holding``."""
    if _held is not None:
        _held.append((sha256, about, rows, bases))
        return
    _keep_now(sha256, about, rows, bases)


def _keep_now(
    sha256: str, about: dict[str, Any], rows: Sequence[RegisterRow], bases: Sequence[str]
) -> None:
    """``keep``, now."""
    path = _entry(sha256)
    if path is None or not rows or path.exists():
        return
    columns = []
    for field, column in zip(_FIELDS, zip(*rows, strict=True), strict=True):
        if field in _REPEATED:  # one string per name, shared by its rows when read back
            column = tuple(map({value: value for value in column}.__getitem__, column))
        columns.append(column)
    data = marshal.dumps((_TAG, about, tuple(columns), tuple(bases)))
    for older in path.parent.glob(f"{sha256}.*.marshal") if path.parent.is_dir() else ():
        with contextlib.suppress(OSError):  # kept by other code: never read again
            older.unlink()
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.replace(name, path)
        except OSError:
            with contextlib.suppress(OSError):
                os.unlink(name)


def forget(sha256: str) -> None:
    """Drop what is kept for these bytes (as if the file had never been read here)."""
    path = _entry(sha256)
    if path is not None:
        with contextlib.suppress(OSError):
            path.unlink()
