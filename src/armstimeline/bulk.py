"""Bulk work: loading, reading a register, building. It makes millions of objects that
live to the end, none of them garbage, and Python's cyclic collector would walk every one
of them again and again (in a process that already holds much, each full pass walks that
too: a notebook's objects, a benchmark's). ``collector_paused`` holds the collector off
for the length of the work; nested, the outermost resumes it.

Resuming alone is not enough: objects made while the collector is off are all in its
youngest generation, and the first allocation after it resumes walks them all (0.4 s of
a 1.6 s ``load()`` of 56,000 events). So what the work made is moved to the oldest
generation first, unwalked, with the documented ``gc.freeze`` and ``gc.unfreeze`` (the
permanent generation's objects go back to the oldest one), unless the program froze
objects of its own, which ``unfreeze`` would release."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

__all__ = ["collector_paused"]


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector within the block (as it was after it)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            if not gc.get_freeze_count():
                gc.freeze()
                gc.unfreeze()
            gc.enable()
