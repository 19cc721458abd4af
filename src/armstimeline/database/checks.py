"""Checks a database must pass before it is published, and the counts it records."""

from __future__ import annotations

import concurrent.futures
import contextlib
import json
import sqlite3
from pathlib import Path
from typing import Any

from armstimeline.errors import BuildError

__all__ = ["check_database", "record_counts"]

def record_counts(conn: sqlite3.Connection) -> dict[str, int]:
    """Store every table's row count in build_info, for Datasette's inspect file, and
    return them.

    With it, ``serve`` starts without counting (or hashing) a large database.
    """
    names = [r[0] for r in conn.execute("select name from sqlite_master where type = 'table'")]
    counts = {name: conn.execute(f"select count(*) from [{name}]").fetchone()[0] for name in names}
    conn.execute(
        "insert or replace into build_info values ('table_counts', ?)",
        (json.dumps(counts, sort_keys=True),),
    )
    return counts


def check_database(conn: sqlite3.Connection, *, keys: bool = True) -> None:
    """Refuse to publish a file that fails SQLite's structure and key checks.

    ``quick_check`` verifies every page and b-tree like ``integrity_check`` but skips
    matching each index against its table, which costs as much as the build's inserts;
    the test suite runs the full ``integrity_check`` and ``foreign_key_check`` on built
    files. With ``keys``, every foreign key is checked but the owner links of child rows
    (of a file with nothing left to commit: in a thread, beside the structure check).
    """
    file = _file_of(conn) if keys and not conn.in_transaction else None
    if file is None:
        problems = _structure(conn)
        broken = _broken_references(conn) if keys and problems == ["ok"] else []
    else:
        # the keys on a connection of their own, in a thread, beside the structure check:
        # SQLite lets go of the interpreter while it reads, so the two share the cores
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            keys_checked = pool.submit(_keys_of_file, file)
            problems = _structure(conn)
            broken = keys_checked.result()
    if problems != ["ok"]:
        raise BuildError(f"integrity check failed: {problems[:3]}")
    if broken:
        raise BuildError(f"foreign key check failed: {broken[:3]}")


def _structure(conn: sqlite3.Connection) -> list[str]:
    return [r[0] for r in conn.execute("pragma quick_check")]


def _file_of(conn: sqlite3.Connection) -> Path | None:
    """The file of the connection's main database (None in memory)."""
    for _, name, file in conn.execute("pragma database_list"):
        if name == "main":
            return Path(file) if file else None
    return None


def _keys_of_file(file: Path) -> list[tuple[str, str, Any]]:
    with contextlib.closing(sqlite3.connect(f"{file.as_uri()}?mode=ro", uri=True)) as conn:
        return _broken_references(conn)


# A child row's link to the event that owns it is written by rows.event_rows from that
# very event, so it holds by construction; checking it would be most of the key check's
# cost (a lookup in the events index for every child row). Links that come from the data
# (countries, systems, sources, vocabularies, relation targets) are all checked.
_OWNER_COLUMNS = frozenset({("event_id", "events"), ("from_event", "events")})


def _broken_references(conn: sqlite3.Connection) -> list[tuple[str, str, Any]]:
    """(table, column, value) of foreign keys with no parent row, one per key at most."""
    tables = [
        r[0]
        for r in conn.execute(
            "select name from sqlite_master where type = 'table' and name not like 'sqlite_%'"
        )
    ]
    broken = []
    for table in tables:
        for row in conn.execute(f"pragma foreign_key_list([{table}])").fetchall():
            parent, column, to = row[2], row[3], row[4]
            if (column, parent) in _OWNER_COLUMNS:
                continue
            missing = conn.execute(
                f"select [{column}] from [{table}] where [{column}] is not null "
                f"and [{column}] not in (select [{to}] from [{parent}]) limit 1"
            ).fetchone()
            if missing:
                broken.append((table, column, missing[0]))
    return broken

