"""Checks a database must pass before it is published, and the counts it records."""

from __future__ import annotations

import json
import sqlite3
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
    files. With ``keys``, every foreign key is checked but the owner links of child rows.
    """
    problems = [r[0] for r in conn.execute("pragma quick_check")]
    if problems != ["ok"]:
        raise BuildError(f"integrity check failed: {problems[:3]}")
    broken = _broken_references(conn) if keys else []
    if broken:
        raise BuildError(f"foreign key check failed: {broken[:3]}")


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

