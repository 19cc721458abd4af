"""What one SQL call on the site may cost: caps set on every connection the site opens.

Datasette's time limit stops a query between SQLite's virtual-machine steps, and a few
built-in functions can run for seconds inside one step: ``randomblob(1e9)`` and
``printf('%.*c', 1e9, 'x')`` make (or try to make) a gigabyte, and ``instr()``,
``replace()``, ``LIKE`` and ``GLOB`` compare a long needle at every position of a long
value. Each cost is bounded here by what it can do, whatever form its arguments take:

- the length of any value (``MAX_VALUE_BYTES``), of the SQL text, of LIKE/GLOB patterns,
  compound selects, expression depth and result columns; no ATTACH;
- ``printf``/``format`` give NULL at once (what SQLite gives for a result too big) when a
  width or precision, written in the format or passed for a ``*`` as an integer, a float,
  text, a blob or an expression, is past the value cap;
- ``instr``/``replace`` search with Python's linear-time string search when both values
  are long (SQLite's compares the needle at every position: seconds for 500 KB values),
  and with SQLite's own, unchanged, otherwise.
"""

from __future__ import annotations

import re
import sqlite3
import threading
from typing import Any

__all__ = [
    "LONG_SEARCH",
    "MAX_COLUMNS",
    "MAX_PATTERN_BYTES",
    "MAX_SQL_BYTES",
    "MAX_VALUE_BYTES",
    "SqliteCall",
    "bound_connection",
]


# The longest value a query on the site may make or read; a query that needs more fails
# with "string or blob too big". Nothing the build writes comes near it: an event file is
# at most 256 KiB, and so is every row made from it.
MAX_VALUE_BYTES = 512 * 1024
MAX_SQL_BYTES = 64 * 1024  # the text of one query (a URL's ?sql=)
# A LIKE/GLOB pattern of n characters costs up to n comparisons at every position of a
# value, in one step: 1,000 (SQLite's default) took half a second on a 512 KiB value, and
# a GLOB of 200 0.44 s; 100 keeps the worst to about a fifth of a second.
MAX_PATTERN_BYTES = 100
# The columns of one result row (and of a table or index): each may hold a value of
# MAX_VALUE_BYTES, so this bounds what one row can hold (32 MiB). The widest table has 27.
MAX_COLUMNS = 64
# Past this product of the two lengths instr()/replace() search in Python (linear time).
LONG_SEARCH = 1_000_000
_LIMITS = {
    sqlite3.SQLITE_LIMIT_LENGTH: MAX_VALUE_BYTES,
    sqlite3.SQLITE_LIMIT_SQL_LENGTH: MAX_SQL_BYTES,
    sqlite3.SQLITE_LIMIT_LIKE_PATTERN_LENGTH: MAX_PATTERN_BYTES,
    sqlite3.SQLITE_LIMIT_COMPOUND_SELECT: 100,
    sqlite3.SQLITE_LIMIT_EXPR_DEPTH: 200,
    sqlite3.SQLITE_LIMIT_ATTACHED: 0,
    sqlite3.SQLITE_LIMIT_COLUMN: MAX_COLUMNS,
}

# one conversion of SQLite's printf: flags, width, precision, length, type
_SPEC = re.compile(r"%([-+ 0#!,]*)(\*|\d*)(?:\.(\*|\d*))?(l{0,2})(.?)", re.DOTALL)


class SqliteCall:
    """A private in-memory connection with the same limits, so the functions taken over
    here still format, search and convert exactly as SQLite does."""

    def __init__(self, limits: dict[int, int]) -> None:
        self._local = threading.local()
        self._limits = limits
        # handed back for a result past the cap, so that SQLite itself refuses it with
        # "string or blob too big" (an exception would read "user-defined function raised")
        self.too_big = " " * (limits[sqlite3.SQLITE_LIMIT_LENGTH] + 1)

    def one(self, sql: str, args: tuple[Any, ...]) -> Any:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(":memory:", check_same_thread=False)
            for category, value in self._limits.items():
                conn.setlimit(category, value)
            self._local.conn = conn
        try:
            return conn.execute(sql, args).fetchone()[0]
        except sqlite3.DataError:
            return self.too_big

    def size(self, value: Any) -> int:
        """The largest number SQLite could read from ``value`` for a width or precision."""
        if value is None:
            return 0
        if isinstance(value, int):
            return abs(value)
        as_int, as_real = (self.one("select abs(cast(? as integer))", (value,)),
                           self.one("select abs(cast(? as real))", (value,)))  # fmt: skip
        return max(as_int or 0, int(min(as_real or 0.0, 1e18)))

    def text(self, value: Any) -> str:
        if isinstance(value, str):
            return value
        if isinstance(value, bytes):
            return value.decode("utf-8", "replace")
        return str(self.one("select cast(? as text)", (value,)))


def _too_wide(helper: SqliteCall, fmt: str, args: tuple[Any, ...], cap: int) -> bool:
    """Whether any width or precision of ``fmt`` (written, or a ``*`` taking the next
    argument) is past ``cap``."""
    position = 0
    for match in _SPEC.finditer(fmt):
        width, precision, kind = match.group(2), match.group(3), match.group(5)
        if kind == "%" and not width and precision is None:
            continue
        for part in (width, precision):
            if part == "*":
                value = args[position] if position < len(args) else None
                position += 1
                if helper.size(value) > cap:
                    return True
            elif part and int(part) > cap:
                return True
        position += 1  # the value this conversion prints
    return False


def _length(value: Any) -> int:
    return len(value) if isinstance(value, str | bytes) else 32


def _functions(limits: dict[int, int]) -> dict[str, Any]:
    helper = SqliteCall(limits)
    cap = limits[sqlite3.SQLITE_LIMIT_LENGTH]

    def printf(fmt: Any, *args: Any) -> Any:
        if fmt is None:
            return None
        if _too_wide(helper, helper.text(fmt), args, cap):
            return None  # what SQLite's printf gives when its result is too big
        marks = ", ".join("?" * (len(args) + 1))
        return helper.one(f"select printf({marks})", (fmt, *args))

    def instr(haystack: Any, needle: Any) -> Any:
        if haystack is None or needle is None:
            return None
        if _length(haystack) * _length(needle) <= LONG_SEARCH:
            return helper.one("select instr(?, ?)", (haystack, needle))
        if isinstance(haystack, bytes) and isinstance(needle, bytes):
            return haystack.find(needle) + 1  # bytes, as SQLite counts for two blobs
        return helper.text(haystack).find(helper.text(needle)) + 1

    def replace(value: Any, old: Any, new: Any) -> Any:
        if value is None or old is None or new is None:
            return None
        if _length(value) * _length(old) <= LONG_SEARCH:
            return helper.one("select replace(?, ?, ?)", (value, old, new))
        old_text = helper.text(old)
        if not old_text:
            return value
        # a result past the cap is refused by SQLite as "string or blob too big"
        return helper.text(value).replace(old_text, helper.text(new))

    return {"printf": printf, "format": printf, "instr": instr, "replace": replace}


def bound_connection(conn: sqlite3.Connection) -> None:
    """Bound what a single SQL call can cost on this connection (see module)."""
    for category, value in _LIMITS.items():
        conn.setlimit(category, value)
    functions = _functions(_LIMITS)
    for name, function in functions.items():
        arity = 2 if name == "instr" else 3 if name == "replace" else -1
        conn.create_function(name, arity, function, deterministic=True)
