"""SQL functions the site's canned queries use, registered on every connection (Datasette's
``prepare_connection`` hook): a country as people write it, resolved as the command line
resolves it, so ``country_timeline?country=Turkey`` means what ``--country Turkey`` does."""

from __future__ import annotations

import functools
import sqlite3

from armstimeline import reference

__all__ = ["country_code", "register_functions"]


@functools.lru_cache(maxsize=4096)
def country_code(text: object) -> str | None:
    """The code for a country's code or name (``TUR``, ``TR``, ``Turkey``, ``Türkiye``), or
    NULL when it names none."""
    if not isinstance(text, str) or len(text) > 200:
        return None
    return reference.resolve_country(text)


def register_functions(conn: sqlite3.Connection) -> None:
    conn.create_function("armstimeline_country", 1, country_code, deterministic=True)
