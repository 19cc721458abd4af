"""SIPRI's names for recipients and suppliers, to actors.

SIPRI writes English names, not codes, and marks what is not a state: ``**`` an
international organisation, ``*`` a non-state armed group ("Houthi rebels (Yemen)*"), and
"unknown supplier(s)". States resolve through pycountry's names, ``country_names.yml`` and
``sipri_names.yml`` (compared without case or accents); a name none of them knows is an
error with the nearest known name, never a silent drop.
"""

from __future__ import annotations

import difflib
import functools
import re
import unicodedata

from armstimeline import reference
from armstimeline.model import Actor

__all__ = ["UnknownName", "actor_for", "fold", "known_names"]

_GROUP = re.compile(r"(?P<name>.+?)\s*\((?P<country>[^()]+)\)\s*\*$")


class UnknownName(ValueError):
    """A name the mapping does not know; ``suggestion`` is the nearest known one."""

    def __init__(self, name: str, suggestion: str | None) -> None:
        super().__init__(name)
        self.name = name
        self.suggestion = suggestion


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


@functools.cache
def _mapping() -> dict[str, dict[str, object]]:
    return {fold(name): spec for name, spec in reference.sipri_names().items()}


@functools.cache
def known_names() -> dict[str, str]:
    """Every state name the importer resolves (folded) to its code."""
    table = {fold(name): code for name, code in reference.country_names().items()}
    for name, spec in _mapping().items():
        if "country" in spec and len(spec) == 1:
            table[name] = str(spec["country"])
    return table


def _state(name: str) -> str | None:
    code = known_names().get(fold(name))
    if code is None:
        code = reference.resolve_country(name)
    return code if code is not None and reference.is_country_code(code) else None


@functools.cache
def _actor_spec(name: str) -> tuple[str, str | None, str | None]:
    """(type, country, name) for a SIPRI name; raises UnknownName."""
    spec = _mapping().get(fold(name))
    if spec is not None:
        for kind in ("organisation", "group"):
            if kind in spec:
                return kind, spec.get("country"), str(spec[kind])  # type: ignore[return-value]
        if spec.get("unknown"):
            return "unknown", None, None
        return "state", str(spec["country"]), None
    text = name.strip()
    if text.endswith("**"):
        return "organisation", None, text[:-2].strip()
    group = _GROUP.fullmatch(text)
    if group is not None:
        country = _state(group["country"])
        if country is not None:
            return "group", country, group["name"].strip()
    if not text.endswith("*"):
        code = _state(text)
        if code is not None:
            return "state", code, None
    names = _display_names()
    # letters in the wrong order ("Sirya") are closer by their sorted letters
    folded = fold(text)
    hint = difflib.get_close_matches(folded, list(names), n=1, cutoff=0.6)
    shuffled = [n for n in names if sorted(n) == sorted(folded)]
    hint = shuffled[:1] or hint
    raise UnknownName(name, names[hint[0]] if hint else None)


@functools.cache
def _display_names() -> dict[str, str]:
    """Every name the importer knows, folded, to the way people write it."""
    import pycountry

    out: dict[str, str] = {}
    for country in pycountry.countries:
        for attr in ("name", "common_name"):
            if getattr(country, attr, None):
                out.setdefault(fold(getattr(country, attr)), getattr(country, attr))
    for name in (*reference.sipri_names(), *reference.spelt_names()):
        out.setdefault(fold(name), name)
    return out


def actor_for(name: str, role: str) -> Actor:
    """The actor SIPRI means by ``name``, in ``role``; raises UnknownName."""
    kind, country, label = _actor_spec(name)
    return Actor(country, role, name=label, type=kind)
