"""CPU time beside wall-clock time, and busy loops to measure beside.

A figure won with two parse workers against a one-process anchor holds on a quiet
machine only; what a busy machine (a laptop running a browser, CI running tests) leaves
is the cost per event. CPU time, user plus system of this process and of every child it
has waited for (parse workers included), shows that cost whatever else runs.

The busy loops are not our children: a launcher starts them and exits, so they are
nobody's to wait for here and their CPU time never enters ours. Each ends when asked,
or by itself once the benchmark that started it is gone.
"""

from __future__ import annotations

import contextlib
import os
import resource
import signal
import subprocess
import sys
from collections.abc import Iterator

__all__ = ["busy_loops", "cpu_seconds"]

_LOOP = """
import os, sys
owner = int(sys.argv[1])
while True:
    for _ in range(2_000_000):
        pass
    try:
        os.kill(owner, 0)
    except OSError:
        break
"""

_LAUNCHER = """
import subprocess, sys
loop, owner, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
for _ in range(n):
    p = subprocess.Popen([sys.executable, "-c", loop, owner], start_new_session=True,
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    print(p.pid, flush=True)
"""


def cpu_seconds() -> float:
    """User plus system CPU time of this process and of its waited-for children."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


@contextlib.contextmanager
def busy_loops(n: int) -> Iterator[list[int]]:
    """``n`` processes spinning on the CPU while the block runs (none when ``n`` is 0)."""
    if n <= 0:
        yield []
        return
    launched = subprocess.run(
        [sys.executable, "-c", _LAUNCHER, _LOOP, str(os.getpid()), str(n)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    pids = [int(line) for line in launched.stdout.split()]
    try:
        yield pids
    finally:
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
