"""One search language for the library, the command line and the site.

Words are matched after SQLite FTS5's ``porter`` tokenizer has folded case, dropped
accents and reduced each word to its stem, so "Iskander" finds "Iskanders" and
"sanction" finds "sanctioned". Every word must match (AND); a phrase in double quotes
must match as a phrase. The searched text is an event's title, summary, quotes and note.

The site's full-text index is built with the same tokenizer and Datasette escapes a
search the way ``fts_query`` does, so the site and the library cannot disagree: the
library asks SQLite itself, through an in-memory index, rather than imitating it.
"""

from __future__ import annotations

import contextlib
import re
import sqlite3
from collections.abc import Iterable, Iterator

from armstimeline.model import Event

__all__ = ["FTS_COLUMNS", "FTS_TOKENIZE", "fts_query", "matching", "search_text"]

FTS_TOKENIZE = "porter"  # porter stemming over unicode61 (case and accent folding)
FTS_COLUMNS = ("title", "summary", "quotes", "note")
_SPLIT = re.compile(r'\s+|(".*?")')


def fts_query(text: str) -> str:
    """A reader's words as an FTS5 query: each word, or each "quoted phrase", must match.

    The same escaping Datasette applies to ``?_search=`` (its ``escape_fts``), so any
    text is a valid query: FTS syntax typed by a reader is searched for as words.
    """
    if text.count('"') % 2:
        text += '"'
    bits = [b for b in _SPLIT.split(text) if b and b != '""']
    return " ".join(b if b.startswith('"') else f'"{b}"' for b in bits)


def search_text(event: Event) -> tuple[str, str, str, str]:
    """The columns of an event that a search reads, as the database stores them."""
    return (
        event.title,
        event.summary,
        "\n".join(c.quote for c in event.sources),
        event.note or "",
    )


def matching(events: Iterable[Event], text: str) -> set[str]:
    """The ids of the events that a search for ``text`` finds.

    An empty search (no words) finds every event.
    """
    events = list(events)
    query = fts_query(text)
    if not query:
        return {e.id for e in events}
    with _index(events) as conn:
        rows = conn.execute("select rowid from fts where fts match ?", (query,)).fetchall()
    return {events[rowid].id for (rowid,) in rows}


@contextlib.contextmanager
def _index(events: list[Event]) -> Iterator[sqlite3.Connection]:
    conn = sqlite3.connect(":memory:")
    try:
        columns = ", ".join(FTS_COLUMNS)
        conn.execute(f"create virtual table fts using fts5({columns}, tokenize='{FTS_TOKENIZE}')")
        conn.executemany(
            f"insert into fts(rowid, {columns}) values (?, ?, ?, ?, ?)",
            ((i, *search_text(e)) for i, e in enumerate(events)),
        )
        yield conn
    finally:
        conn.close()
