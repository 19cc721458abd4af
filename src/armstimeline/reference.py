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
    "actor_types",
    "amount_bounds",
    "country_name",
    "country_names",
    "country_regions",
    "data_bytes",
    "date_bases",
    "given_in_trade",
    "is_country_code",
    "kinds",
    "region_names",
    "relation_types",
    "resolve_country",
    "roles",
    "sipri_names",
    "spelt_names",
    "system_lookup",
    "systems",
    "trusted_yaml",
    "units",
    "vocabulary",
]

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def trusted_yaml(text: str) -> Any:
    """A YAML document we trust (our data, metadata.yml, files we wrote) as Python values,
    with PyYAML's C loader where present: several times faster than the pure one. Event
    files are not read this way (see ``loading.yamlsafe``)."""
    return yaml.load(text, Loader=_Loader)


def data_bytes(name: str) -> bytes:
    """The bytes of a reference data file (a build fingerprints them)."""
    return resources.files("armstimeline.refdata").joinpath(name).read_bytes()


def _read(name: str) -> Any:
    return trusted_yaml(data_bytes(name).decode("utf-8"))


@functools.cache
def vocabulary() -> dict[str, Any]:
    return _read("vocabulary.yml")


def kinds() -> dict[str, str]:
    """Event kinds and their one-line descriptions."""
    return vocabulary()["kinds"]


def given_in_trade() -> frozenset[str]:
    """Kinds that are the given side of a quid-pro-quo pair (arms, credit, debt relief)."""
    return frozenset(vocabulary()["given_in_trade"])


def amount_bounds() -> dict[str, str]:
    """How an amount may be bounded: at_least, at_most, about."""
    return vocabulary()["amount_bounds"]


def date_bases() -> dict[str, str]:
    """Where a date may come from: source, context, record, editors."""
    return vocabulary()["date_bases"]


def roles() -> dict[str, str]:
    return vocabulary()["roles"]


def actor_types() -> dict[str, str]:
    """What an actor may be: state, organisation, group, unknown."""
    return vocabulary()["actor_types"]


def relation_types() -> dict[str, dict[str, Any]]:
    return vocabulary()["relation_types"]


def units() -> dict[str, str]:
    return vocabulary()["units"]


def regions() -> dict[str, str]:
    return vocabulary()["regions"]


def region_names() -> dict[str, str]:
    """Region ids (spelt like tags, with hyphens) and their names for people."""
    return regions()


@functools.cache
def country_regions() -> dict[str, str]:
    return _read("countries.yml")


@functools.cache
def country_name(code: str) -> str:
    """The common English name of an ISO 3166-1 alpha-3 code (or a former state's ISO 3166-3
    alpha-4 code), from pycountry; codes pycountry lacks (XKX) by ``country_names.yml``."""
    import pycountry

    if len(code) == 4:
        former = pycountry.historic_countries.get(alpha_4=code)
        return _FORMER_NAMES.get(code) or (former.name if former else code)
    country = pycountry.countries.get(alpha_3=code)
    if country is None:
        names = [n for n, c in spelt_names().items() if c == code]
        return str(names[0]) if names else code
    return getattr(country, "common_name", None) or country.name


# pycountry's ISO 3166-3 names are formal ("USSR, Union of Soviet Socialist Republics");
# readers know these states by shorter names.
_FORMER_NAMES = {
    "SUHH": "Soviet Union",
    "CSHH": "Czechoslovakia",
    "DDDE": "East Germany",
    "YUCS": "Yugoslavia",
    "CSXX": "Serbia and Montenegro",
    "YDYE": "South Yemen",
    "RHZW": "Rhodesia",
    "ZRCD": "Zaire",
    "BUMM": "Burma",
}


_FORMER_CODES = {name.casefold(): code for code, name in _FORMER_NAMES.items()}


@functools.cache
def spelt_names() -> dict[str, str]:
    """``country_names.yml``: names people write that pycountry spells otherwise, to codes."""
    return {str(name): str(code) for name, code in _read("country_names.yml").items()}


@functools.cache
def sipri_names() -> dict[str, dict[str, Any]]:
    """``sipri_names.yml``: SIPRI's names for actors, as they appear, to actor specs."""
    return {str(name): spec for name, spec in _read("sipri_names.yml").items()}


def is_country_code(code: str) -> bool:
    """An ISO 3166-1 alpha-3 code, a former state's ISO 3166-3 alpha-4 code, or a code the
    reference data adds (XKX): any code with a region in ``countries.yml``."""
    return code in country_regions()


@functools.cache
def country_names() -> dict[str, str]:
    """Every name a filter accepts for a country (case-folded) to its alpha-3 code: ISO
    names, official and common names from pycountry, and ``country_names.yml``."""
    import pycountry

    table: dict[str, str] = {}
    for country in pycountry.countries:
        for attr in ("name", "official_name", "common_name"):
            name = getattr(country, attr, None)
            if name:
                table.setdefault(name.casefold(), country.alpha_3)
    for name, code in spelt_names().items():
        table[str(name).casefold()] = code
    return table


def resolve_country(text: str) -> str | None:
    """The code a person meant by an alpha-3, alpha-2 or (former state) alpha-4 code or a
    country name (any case; "Soviet Union" too), or None when it names no country."""
    import pycountry

    value = text.strip()
    if len(value) == 4 and value.upper() in country_regions():  # a former state, SUHH
        return value.upper()
    if value.casefold() in _FORMER_CODES:
        return _FORMER_CODES[value.casefold()]
    if len(value) == 3 and value.isalpha():
        found = pycountry.countries.get(alpha_3=value.upper())
        if found is not None:
            return str(found.alpha_3)
    if len(value) == 2 and value.isalpha():
        found = pycountry.countries.get(alpha_2=value.upper())
        return str(found.alpha_3) if found is not None else None
    code = country_names().get(value.casefold())
    if code is None:  # SIPRI's spellings ("Turkiye"), accents aside
        code = _unaccented_names().get(_unaccent(value))
    return code


def _unaccent(text: str) -> str:
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


@functools.cache
def _unaccented_names() -> dict[str, str]:
    """Country names without accents, and SIPRI's names for states, to codes."""
    table = {_unaccent(name): code for name, code in country_names().items()}
    for name, spec in sipri_names().items():
        if set(spec) == {"country"}:
            table.setdefault(_unaccent(name), str(spec["country"]))
    return table


@attrs.frozen
class System:
    """A weapon system with the names it goes by."""

    name: str
    category: str
    origin: str | None
    aliases: tuple[str, ...] = ()
    # what a register lists apart but a deal buys with the system: the S-400's 48N6
    # missiles and 92N6 radars (designations, matched without case)
    package: tuple[str, ...] = ()


@functools.cache
def systems() -> tuple[System, ...]:
    return tuple(
        System(
            name=row["name"],
            category=row["category"],
            origin=row.get("origin"),
            aliases=tuple(row.get("aliases") or ()),
            package=tuple(row.get("package") or ()),
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
