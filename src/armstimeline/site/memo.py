"""Answers that cannot change while an immutable database is served, kept per process.

The events page asked the database the same questions on every request (is there a
``facet_counts`` table, what are the stored counts of each facet, what are these codes
called): three dozen round trips through Datasette's thread pool, each a wait behind
other requests in the event loop when the site is busy. An immutable database gives the
same answer every time, so each is asked once per serving process. Mutable databases
(a development ``datasette`` over a file being rebuilt) are always asked afresh.
"""

from __future__ import annotations

import weakref
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from typing import Any, TypeVar

__all__ = ["LIMIT", "remembered"]

T = TypeVar("T")

# answers kept per Datasette instance: the unfiltered page needs a few dozen; filtered
# views add label look-ups per value set, so the oldest are forgotten past this
LIMIT = 2048

_kept: weakref.WeakKeyDictionary[Any, OrderedDict[Hashable, Any]] = weakref.WeakKeyDictionary()


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
