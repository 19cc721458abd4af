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

Threads of one process also take turns holding Python's interpreter lock: a thread that
wants it waits until the holder has run ``sys.getswitchinterval()`` (5 ms by default),
and the event loop wants it back after every socket write and every SQL call's answer.
``favour_the_event_loop`` shortens the turn to ``SWITCH_SECONDS``: with four clients
attacking beside 32 readers on two busy cores, 48 -> 65 requests a second and the
reader pages' p99 1.5 -> 1.1 s (two runs each, load average 5-9).
"""

from __future__ import annotations

import os
import sys
import threading

__all__ = ["SQL_NICENESS", "SWITCH_SECONDS", "favour_the_event_loop", "lower_sql_thread"]

SWITCH_SECONDS = 0.001

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


def favour_the_event_loop() -> None:
    """Let a thread that wants the interpreter lock have it after ``SWITCH_SECONDS`` of
    another's turn (see module); never lengthens a shorter interval already set."""
    if sys.getswitchinterval() > SWITCH_SECONDS:
        sys.setswitchinterval(SWITCH_SECONDS)
