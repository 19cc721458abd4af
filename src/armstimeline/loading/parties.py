"""Reading who takes part: a country, an organisation, a group or an unknown actor."""

from __future__ import annotations

import functools

import yaml

from armstimeline import reference
from armstimeline.loading.fields import FieldReader, Keys
from armstimeline.model import Actor

__all__ = ["read_actor"]

_ACTOR_KEYS = Keys({"country": False, "organisation": False, "group": False, "unknown": False,
                    "role": True})  # fmt: skip
_KINDS = ("organisation", "group", "unknown")


def read_actor(r: FieldReader, node: yaml.Node, field: str) -> Actor | None:
    """``{country: RUS, role: supplier}``; ``{organisation: NATO, role: …}`` or
    ``{group: Houthi rebels, country: YEM, role: …}``; ``{unknown: true, role: …}``."""
    keys = r.mapping(node, field, _ACTOR_KEYS, 2)
    if not keys or "role" not in keys:
        return None
    role = r.choice(keys["role"], f"{field}.role", reference.roles(), "role")
    # the usual actor is a country and its role: no other kind to look for
    kinds = [] if len(keys) == 2 and "country" in keys else [k for k in _KINDS if k in keys]
    if len(kinds) > 1 or (not kinds and "country" not in keys):
        r.problem(
            node,
            field,
            "an actor is one of: a country, an organisation, a group or unknown; "
            "give 'country', 'organisation: NAME', 'group: NAME' or 'unknown: true'",
        )
        return None
    kind = kinds[0] if kinds else "state"
    country = None
    if "country" in keys:
        if kind == "unknown":
            r.problem(keys["country"], f"{field}.country", "an unknown actor has no country")
            return None
        country = r.country(keys["country"], f"{field}.country")
        if country is None:
            return None
    name = None
    if kind in ("organisation", "group"):
        name = r.string(keys[kind], f"{field}.{kind}")
        if name is None:
            return None
    if kind == "unknown" and r.string(keys["unknown"], f"{field}.unknown") != "true":
        r.problem(keys["unknown"], f"{field}.unknown", "write 'unknown: true'")
        return None
    if role is None:
        return None
    if kind == "state":
        return _state(country, role)
    return Actor(country, role, name=name, type=kind)


# A state in a role is a frozen value that thousands of events share: made once each
@functools.lru_cache(maxsize=8192)
def _state(country: str | None, role: str) -> Actor:
    return Actor(country, role)
