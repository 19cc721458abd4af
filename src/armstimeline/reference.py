"""Reference data shipped as data files: vocabularies, the systems catalog, regions.

Read once and cached; code never hard-codes a kind, role or system name.
"""

from __future__ import annotations

import functools
from importlib import resources
from typing import Any

import attrs
import yaml

__all__ = [
    "System",
    "country_name",
    "country_regions",
    "kinds",
    "relation_types",
    "roles",
    "system_lookup",
    "systems",
    "units",
    "vocabulary",
]

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _read_bytes(name: str) -> bytes:
    return resources.files("armstimeline.refdata").joinpath(name).read_bytes()


def _read(name: str) -> Any:
    return yaml.load(_read_bytes(name).decode("utf-8"), Loader=_Loader)


@functools.cache
def vocabulary() -> dict[str, Any]:
    return _read("vocabulary.yml")


def kinds() -> dict[str, str]:
    """Event kinds and their one-line descriptions."""
    return vocabulary()["kinds"]


def roles() -> dict[str, str]:
    return vocabulary()["roles"]


def relation_types() -> dict[str, dict[str, Any]]:
    return vocabulary()["relation_types"]


def units() -> dict[str, str]:
    return vocabulary()["units"]


def regions() -> dict[str, str]:
    return vocabulary()["regions"]


@functools.cache
def country_regions() -> dict[str, str]:
    return _read("countries.yml")


@functools.cache
def country_name(code: str) -> str:
    """The common English name of an ISO 3166-1 alpha-3 code, from pycountry."""
    import pycountry

    country = pycountry.countries.get(alpha_3=code)
    if country is None:
        return code
    return getattr(country, "common_name", None) or country.name


@attrs.frozen
class System:
    """A weapon system with the names it goes by."""

    name: str
    category: str
    origin: str
    aliases: tuple[str, ...] = ()


@functools.cache
def systems() -> tuple[System, ...]:
    return tuple(
        System(
            name=row["name"],
            category=row["category"],
            origin=row["origin"],
            aliases=tuple(row.get("aliases") or ()),
        )
        for row in _read("systems.yml")
    )


@functools.cache
def system_lookup() -> dict[str, str]:
    """Any spelling (case-folded) to the canonical name."""
    table: dict[str, str] = {}
    for system in systems():
        for name in (system.name, *system.aliases):
            table[name.casefold()] = system.name
    return table
