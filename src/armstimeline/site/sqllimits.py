"""What one SQL call on the site may cost: caps set on every connection the site opens."""

from __future__ import annotations

import re
import sqlite3
from typing import Any

__all__ = ["MAX_SQL_BYTES", "MAX_VALUE_BYTES", "bound_connection"]


# The longest value a query on the site may make or read. Datasette's time limit counts
# SQLite's VM steps, and one call such as randomblob(1e9) or printf('%.*c', 1e9, 'x') is a
# single step that takes seconds and a gigabyte; capping the length makes every such call
# fail fast ("string or blob too big"). Nothing the build writes comes near it: an event
# file is at most 256 KiB, and so is every row made from it.
MAX_VALUE_BYTES = 512 * 1024
MAX_SQL_BYTES = 64 * 1024  # the text of one query (a URL's ?sql=)
_LIMITS = {
    sqlite3.SQLITE_LIMIT_LENGTH: MAX_VALUE_BYTES,
    sqlite3.SQLITE_LIMIT_SQL_LENGTH: MAX_SQL_BYTES,
    sqlite3.SQLITE_LIMIT_LIKE_PATTERN_LENGTH: 1000,
    sqlite3.SQLITE_LIMIT_COMPOUND_SELECT: 100,
    sqlite3.SQLITE_LIMIT_EXPR_DEPTH: 200,
    sqlite3.SQLITE_LIMIT_ATTACHED: 0,
}


_DIGITS = re.compile(r"\d+")


def _bounded_printf(limits: dict[int, int]) -> Any:
    """printf()/format() that give NULL for a width or precision past the length cap, at
    once (as SQLite's printf does for a result that is too big).

    SQLite's own printf honours the cap, but ``%.*c`` with a precision of 1e9 still loops
    for seconds before giving up; the checked call is handed to a private connection
    with the same limits, so the formatting itself stays SQLite's.
    """
    helper = sqlite3.connect(":memory:", check_same_thread=False)
    for category, value in limits.items():
        helper.setlimit(category, value)
    cap = limits[sqlite3.SQLITE_LIMIT_LENGTH]

    def printf(fmt: Any, *args: Any) -> Any:
        if fmt is None:
            return None
        numbers = [int(n) for n in _DIGITS.findall(str(fmt))]
        numbers += [abs(a) for a in args if isinstance(a, int)]
        if any(n > cap for n in numbers):
            return None  # what SQLite's printf gives when its result is too big
        marks = ", ".join("?" * (len(args) + 1))
        return helper.execute(f"select printf({marks})", (fmt, *args)).fetchone()[0]

    return printf


def bound_connection(conn: sqlite3.Connection) -> None:
    """Bound what a single SQL call can cost on this connection."""
    for category, value in _LIMITS.items():
        conn.setlimit(category, value)
    printf = _bounded_printf(_LIMITS)
    for name in ("printf", "format"):
        conn.create_function(name, -1, printf, deterministic=True)
