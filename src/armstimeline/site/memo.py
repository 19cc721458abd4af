"""Answers that cannot change while an immutable database is served, kept per process.

The events page asked the database the same questions on every request (is there a
``facet_counts`` table, what are the stored counts of each facet, what are these codes
called): three dozen round trips through Datasette's thread pool, each a wait behind
other requests in the event loop when the site is busy. An immutable database gives the
same answer every time, so each is asked once per serving process. Mutable databases
(a development ``datasette`` over a file being rebuilt) are always asked afresh.

Large answers (a drawn timeline of a thousand events: its reading took most of the SQL
threads' time under load) are kept by ``remembered_sized`` within ``SIZED_BYTES`` per
process, the oldest forgotten first; one larger than a quarter of that is never kept, so
a visitor asking for many large answers cannot make a process hold more.
"""

from __future__ import annotations

import weakref
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from typing import Any, TypeVar

__all__ = ["LIMIT", "SIZED_BYTES", "remembered", "remembered_sized"]

T = TypeVar("T")

# answers kept per Datasette instance: the unfiltered page needs a few dozen; filtered
# views add label look-ups per value set, so the oldest are forgotten past this
LIMIT = 2048

SIZED_BYTES = 32 * 1024 * 1024

_kept: weakref.WeakKeyDictionary[Any, OrderedDict[Hashable, Any]] = weakref.WeakKeyDictionary()


class _Sized:
    """Answers with their sizes, oldest first, and the sizes' sum."""

    def __init__(self) -> None:
        self.kept: OrderedDict[Hashable, tuple[Any, int]] = OrderedDict()
        self.total = 0


_sized: weakref.WeakKeyDictionary[Any, _Sized] = weakref.WeakKeyDictionary()


async def remembered(
    ds: Any, database: str, key: Hashable, ask: Callable[[], Awaitable[T]]
) -> T:
    """``await ask()``, once per (database, key) while ``database`` is immutable."""
    if ds.get_database(database).is_mutable:
        return await ask()
    kept = _kept.setdefault(ds, OrderedDict())
    full_key = (database, key)
    if full_key in kept:
        kept.move_to_end(full_key)
        return kept[full_key]
    answer = await ask()
    kept[full_key] = answer
    if len(kept) > LIMIT:
        kept.popitem(last=False)
    return answer


async def remembered_sized(
    ds: Any, database: str, key: Hashable, ask: Callable[[], Awaitable[T]],
    size: Callable[[T], int], budget: int = SIZED_BYTES,
) -> T:  # fmt: skip
    """``await ask()``, kept per (database, key) while ``database`` is immutable and the
    answers kept, by ``size`` in bytes, stay within ``budget`` (see module)."""
    if ds.get_database(database).is_mutable:
        return await ask()
    sized = _sized.setdefault(ds, _Sized())
    full_key = (database, key)
    if full_key in sized.kept:
        sized.kept.move_to_end(full_key)
        return sized.kept[full_key][0]
    answer = await ask()
    weight = size(answer)
    if weight > budget // 4 or full_key in sized.kept:  # too large, or kept meanwhile
        return answer
    sized.kept[full_key] = (answer, weight)
    sized.total += weight
    while sized.total > budget:
        sized.total -= sized.kept.popitem(last=False)[1][1]
    return answer
