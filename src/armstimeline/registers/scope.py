"""What a register file covers: the suppliers and recipients it was downloaded or
imported for. A newer edition supersedes an older one only inside the scope both cover."""

from __future__ import annotations

import functools

from armstimeline import reference
from armstimeline.registers.names import UnknownName, actor_for, fold

__all__ = ["in_scope", "names_match"]


@functools.lru_cache(maxsize=65536)
def names_match(sipri_name: str, wanted: str) -> bool:
    """Whether a filter value names this SIPRI name: the name itself (marks, case and
    accents aside) or, for a state, any name or code of the same country."""
    if fold(sipri_name.rstrip("*")) == fold(wanted.rstrip("*")):
        return True
    code = reference.resolve_country(wanted)
    if code is None:
        return False
    try:
        actor = actor_for(sipri_name, "supplier")
    except UnknownName:
        return False
    return actor.type == "state" and actor.country == code


def in_scope(
    supplier: str, recipient: str, suppliers: tuple[str, ...], recipients: tuple[str, ...]
) -> bool:
    """Whether a row of ``supplier`` to ``recipient`` lies inside a scope (an empty side
    covers everyone)."""
    return (not suppliers or any(names_match(supplier, v) for v in suppliers)) and (
        not recipients or any(names_match(recipient, v) for v in recipients)
    )
