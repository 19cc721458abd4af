"""Invisible characters shown as visible marks on every page the site renders.

Curated titles and names may not hold characters that change how text reads without
being seen (direction overrides, zero-width characters: ``loading.safetext.SPOOFING``), but
a register's rows are kept as written and may. A page shows each such character as a
mark naming it (``⟨U+202E⟩``), so "Iskander‮ed" cannot pass for another text. The JSON
and CSV keep the value as written. Done once for every template through Jinja's
``finalize`` (set in the documented ``prepare_jinja2_environment`` hook), which every
``{{ value }}`` a template writes passes through.
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

from armstimeline.loading.safetext import SPOOFING

__all__ = ["mark_invisible", "visible"]


def _mark(match: Any) -> str:
    return f"⟨U+{ord(match.group()):04X}⟩"


def visible(value: Any) -> Any:
    """``value`` with each invisible character as a mark; anything else as it is (HTML
    the site built stays HTML: the marks are text, safe inside tags and attributes)."""
    # isascii() first: most values are ASCII, and it is far cheaper than the search; as
    # str's own method, not the value's: Datasette's URL strings (PrefixedUrlString) look
    # up every method anew through dir(str), 17 µs a call, a third of the events page's time
    if isinstance(value, str) and not str.isascii(value) and SPOOFING.search(value):
        marked = SPOOFING.sub(_mark, value)
        return Markup(marked) if isinstance(value, Markup) else marked
    return value


def mark_invisible(env: Any) -> None:
    """Make every value a template writes go through ``visible`` (after any finalize
    already set)."""
    before = env.finalize
    env.finalize = visible if before is None else (lambda v: visible(before(v)))
