"""Threads that run SQL yield the processor to the thread that renders pages.

A serving process renders pages on its event-loop thread and runs SQL on Datasette's
worker threads. When the machine is busy, a query any visitor may send (up to the time
limit, in a loop) competed on equal terms with every reader's page: with 32 clients on
two cores, one such client cut the site's throughput from 115 to 82 requests a second
and pushed the events page's p99 past a second. Lowering the SQL threads' scheduling
priority (a nice value of ``SQL_NICENESS`` on each worker thread, Linux's per-thread
priority) gives rendering the processor first; readers' own queries are short and
barely notice, and an idle machine runs every query at full speed as before.

The event-loop thread is never lowered: without worker threads (Datasette's
``num_sql_threads`` 0) queries run on it, and it renders everything.
"""

from __future__ import annotations

import os
import threading

__all__ = ["SQL_NICENESS", "lower_sql_thread"]

SQL_NICENESS = 10  # of Linux's 0 (normal) to 19 (lowest): about a tenth of a busy core


def lower_sql_thread() -> None:
    """Lower the calling worker thread's priority to ``SQL_NICENESS``, once; a no-op on
    the main thread, where the scheduler cannot do it, or when it is already lower."""
    if threading.current_thread() is threading.main_thread():
        return
    setpriority = getattr(os, "setpriority", None)
    if setpriority is None:  # not on this platform (Windows)
        return
    thread = threading.get_native_id()
    try:
        if os.getpriority(os.PRIO_PROCESS, thread) < SQL_NICENESS:
            setpriority(os.PRIO_PROCESS, thread, SQL_NICENESS)
    except OSError:
        return  # not permitted here (a sandbox): run at the priority given
