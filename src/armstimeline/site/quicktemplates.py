"""Datasette's template environment, read the quick way (``prepare_jinja2_environment``).

Under load a third of the event loop's time went to writing pages from templates, and a
quarter of that to two costs Jinja pays again and again: ``cell.value`` on a dict (every
cell of Datasette's table page, most values of the site's own pages) first asks the dict
for an attribute, raises ``AttributeError`` and catches it, then reads the item; and each
template, included ones too, asks the disk whether its file changed. A plain dict has no
attributes but dict's own, so ``getattr`` reads its item at once when the name is not one
of them (Jinja's answer, without the exception); a served site's templates do not change
while it runs (Datasette's ``--reload`` restarts the process), so they are not re-checked.
"""

from __future__ import annotations

from typing import Any

__all__ = ["quick_templates"]

_DICT_ATTRIBUTES = frozenset(dir(dict))


def quick_templates(env: Any) -> None:
    """Make ``env`` read plain dicts' items directly and stop re-checking template files."""
    env.auto_reload = False
    slow = env.getattr

    def getattr_(obj: Any, attribute: str) -> Any:
        if obj.__class__ is dict and attribute not in _DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except KeyError:
                pass  # Jinja's own answer: undefined
        return slow(obj, attribute)

    env.getattr = getattr_
