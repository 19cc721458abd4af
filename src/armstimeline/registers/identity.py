"""A register row's id: readable words and a hash of its content, never its place.

``base`` is the words (recipient, supplier, year of order, designation) and a hash of
every field as read, so two different rows never share one and a row SIPRI moves within
the file keeps its own; rows identical in every field share a base and are numbered
among themselves (-2, -3) in file order (``number``).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from hashlib import sha256

from armstimeline.registers.row import CONTENT, RegisterRow
from armstimeline.slugs import slugify

__all__ = ["bases", "content_ids", "number"]

_PART = 24  # characters of each name in an id, so ids stay under 120


def bases(rows: Iterable[RegisterRow]) -> list[str]:
    """Each row's words and the hash of its content (its id before numbering)."""
    out: list[str] = []
    words: dict[tuple[str, str, int, str], str] = {}  # rows repeat their words
    for row in rows:
        key = (row.recipient, row.supplier, row.year, row.designation)
        said = words.get(key)
        if said is None:
            said = words[key] = "-".join((
                _slug(row.recipient.rstrip("*")), _slug(row.supplier.rstrip("*")),
                str(row.year), _slug(row.designation),
            ))  # fmt: skip
        out.append(f"{said}-{sha256(repr(row[CONTENT]).encode()).hexdigest()[:10]}")
    return out


def number(row_bases: Iterable[str]) -> list[str]:
    """Ids from bases in file order: the second and later row alike in every field get
    -2, -3."""
    out: list[str] = []
    seen: dict[str, int] = {}
    for base in row_bases:
        n = seen[base] = seen.get(base, 0) + 1
        out.append(base if n == 1 else f"{base}-{n}")
    return out


def content_ids(rows: Iterable[RegisterRow]) -> list[str]:
    """Each row's own id."""
    return number(bases(rows))


@functools.lru_cache(maxsize=65536)
def _slug(text: str) -> str:
    """One part of an id (names and designations repeat: cached)."""
    return slugify(text)[:_PART].strip("-") or "x"
