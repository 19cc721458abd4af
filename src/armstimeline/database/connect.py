"""Opening a built database read-only: one way, for every reader outside the site."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path

__all__ = ["read_only"]


@contextlib.contextmanager
def read_only(db_path: Path) -> Iterator[sqlite3.Connection]:
    """A read-only connection (SQLite's ``mode=ro``), closed on leaving the block.

    Opening raises ``sqlite3.Error`` when the file is missing or is not a database; a
    reader decides what that means (usually: build again).
    """
    uri = f"file:{Path(db_path).resolve()}?mode=ro"
    conn = sqlite3.connect(uri, uri=True)
    try:
        yield conn
    finally:
        conn.close()
