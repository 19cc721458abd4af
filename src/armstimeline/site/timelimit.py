"""Datasette's SQL time limit, kept by a watchdog instead of a progress handler.

Datasette bounds a query's time with SQLite's progress handler: a Python function called
every 1,000 virtual-machine steps, about 12,000 times a second. Each call takes the GIL
from whatever the serving process is doing, so one query that runs to the limit (any
visitor may send one) made every page that process rendered meanwhile 60-80% slower: the
table page's p99 under load went from 0.7 s to 2.4 s with a single such client. Here the
site's immutable databases make connections whose ``set_progress_handler`` registers the
handler with one watchdog thread per process instead; the watchdog calls each registered
handler every ``POLL_SECONDS`` and interrupts the connection when it asks to stop, which
SQLite reports as the same "interrupted" error Datasette turns into "query took too long".
The query itself runs in C with the GIL released until then.

Handlers are polled by time, not by steps: that keeps Datasette's (a deadline), and is
why only connections to our immutable databases are changed. Putting these connections
under Datasette is outside its documented surface: that part lives in ``adapter``
(``WatchedDatabase``, ``watch_databases``).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from typing import Any

from armstimeline.site.budget import BudgetCursor

__all__ = ["POLL_SECONDS", "WatchedConnection"]

POLL_SECONDS = 0.01  # a 1 s limit is kept to within 10 ms


class _Watchdog:
    """One thread per process calling the registered handlers while any are registered."""

    def __init__(self) -> None:
        self._lock = threading.Condition()
        self._watched: dict[int, tuple[WatchedConnection, Callable[[], Any]]] = {}
        self._thread: threading.Thread | None = None

    def watch(self, conn: WatchedConnection, handler: Callable[[], Any]) -> None:
        with self._lock:
            self._watched[id(conn)] = (conn, handler)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, name="armstimeline-sql-watchdog", daemon=True
                )
                self._thread.start()
            self._lock.notify()

    def unwatch(self, conn: WatchedConnection) -> None:
        # taken under the lock: once this returns, no interrupt meant for the finished
        # query can reach the next one on the same connection
        with self._lock:
            self._watched.pop(id(conn), None)

    def _run(self) -> None:
        with self._lock:
            while True:
                if not self._watched:
                    self._lock.wait()
                    continue
                for conn, handler in list(self._watched.values()):
                    try:
                        stop = handler()
                    except Exception:  # a failing handler stops its query, as SQLite does
                        stop = True
                    if not stop:
                        continue
                    # again at every poll until the query ends and unwatches: SQLite
                    # ignores an interrupt that comes before its statement has started
                    try:
                        conn.interrupt()
                    except sqlite3.ProgrammingError:  # closed: nothing left to stop
                        self._watched.pop(id(conn), None)
                self._lock.wait(POLL_SECONDS)


_WATCHDOG = _Watchdog()


class WatchedConnection(sqlite3.Connection):
    """A connection whose progress handler is polled by the watchdog (see module), and
    whose pages of rows are held to ``budget.MAX_RESULT_BYTES``."""

    def cursor(self, factory: Any = BudgetCursor) -> Any:
        """Cursors that count what a page of rows holds (``budget``)."""
        return super().cursor(factory)

    def set_progress_handler(self, progress_handler: Any, n: int) -> None:
        if progress_handler is None:
            _WATCHDOG.unwatch(self)
        else:
            _WATCHDOG.watch(self, progress_handler)
