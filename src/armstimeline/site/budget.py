"""What one query's results may hold in a serving process: ``MAX_RESULT_BYTES``.

SQLite has no per-query heap limit, and Datasette holds a page's rows (up to
``max_returned_rows``) in memory, then renders them (JSON, HTML, CSV) from there: 1,000
rows of 500 KB each, within every other cap, made one request cost 3 GB. The rows a page
reads are counted as they arrive; past the budget the query fails with a sentence, as a
query stopped at the time limit does, so a response's body stays within a few times the
budget. The rows of the site's own reads (calendars, event pages), which fetch all of
theirs at once, are not counted: they are bounded by what they read.
"""

from __future__ import annotations

import sqlite3
from typing import Any

__all__ = ["MAX_RESULT_BYTES", "BudgetCursor", "row_bytes"]

# 4 MiB: every column of 1,000 events of a 20,000-event database is 0.7 MiB. A response
# may be six times the values it holds (JSON writes a control character as \u0000), and
# rendering holds it two or three times over: about 100 MB for the worst page of rows.
MAX_RESULT_BYTES = 4 * 1024 * 1024
TOO_MUCH = (
    "This query's results hold more than {mib} MiB, more than one page may: select fewer "
    "or shorter columns (substr(), length()) or fewer rows."
)


def row_bytes(row: Any) -> int:
    """About what a row holds: its text and blobs, eight bytes for anything else."""
    return sum(len(v) if isinstance(v, str | bytes) else 8 for v in row)


class BudgetCursor(sqlite3.Cursor):
    """A cursor whose ``fetchmany`` (Datasette's page of rows) stops past the budget."""

    def fetchmany(self, size: int | None = None) -> list[Any]:
        count = self.arraysize if size is None else size
        rows: list[Any] = []
        held = 0
        for row in self:
            held += row_bytes(row)
            if held > MAX_RESULT_BYTES:
                del rows
                # reset the statement now, not when the exception's frames are freed: a
                # statement left running on the connection keeps an interrupt meant for
                # another query (the time limit's) alive for the next one
                self.close()
                raise sqlite3.OperationalError(TOO_MUCH.format(mib=MAX_RESULT_BYTES >> 20))
            rows.append(row)
            if len(rows) >= count:
                break
        return rows
