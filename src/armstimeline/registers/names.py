"""SIPRI's names for recipients and suppliers, to actors.

SIPRI writes English names, not codes, and marks what is not a state: ``**`` an
international organisation, ``*`` a non-state armed group ("Houthi rebels (Yemen)*"), and
"unknown supplier(s)". States resolve through pycountry's names, ``country_names.yml``,
``sipri_names.yml`` and a project's own ``names.yml`` (compared without case or accents).
The world is open: SIPRI adds names every edition, so a name none of them knows is kept
exactly as written as an "unmapped" actor, and reported with the nearest known names.
"""

from __future__ import annotations

import difflib
import functools
import re
import unicodedata
from pathlib import Path
from typing import Any

from armstimeline import reference
from armstimeline.errors import Problem, relpath, show_value
from armstimeline.model import Actor

__all__ = [
    "NAMES_FILE",
    "Names",
    "UnknownName",
    "actor_for",
    "fold",
    "known_names",
    "nearest_names",
    "project_names",
]

NAMES_FILE = "names.yml"  # a project's own names, beside its events folder

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
    return _spec_actor(name, spec)


def _spec_actor(name: str, spec: dict[str, Any] | None) -> tuple[str, str | None, str | None]:
    if spec is not None:
        for kind in ("organisation", "group"):
            if kind in spec:
                return kind, spec.get("country"), str(spec[kind])
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
    nearest = nearest_names(text)
    raise UnknownName(name, nearest[0] if nearest else None)


def nearest_names(text: str, n: int = 1) -> list[str]:
    """The known names nearest to ``text``, as people write them."""
    names = _display_names()
    # letters in the wrong order ("Sirya") are closer by their sorted letters
    folded = fold(text.rstrip("*").strip())
    shuffled = [k for k in names if sorted(k) == sorted(folded)]
    close = difflib.get_close_matches(folded, list(names), n=n, cutoff=0.6)
    return [names[k] for k in dict.fromkeys([*shuffled, *close])][:n]


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


_SPEC_KEYS = {"country", "organisation", "group", "unknown"}


def project_names(events_dir: str | Path) -> tuple[dict[str, dict[str, Any]], list[Problem]]:
    """A project's ``names.yml`` (beside its events folder): SIPRI names to actors, in
    ``sipri_names.yml``'s format, so a project maps a new name without editing the package."""
    path = Path(events_dir).parent / NAMES_FILE
    if not path.is_file():
        return {}, []
    shown = relpath(path)
    try:
        data = reference.trusted_yaml(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        return {}, [Problem(shown, None, "", f"cannot be read: {exc}")]
    except Exception as exc:  # PyYAML's errors name their line
        return {}, [Problem(shown, None, "", f"is not valid YAML: {exc}")]
    if data is None:
        return {}, []
    if not isinstance(data, dict):
        return {}, [Problem(shown, 1, "", "should map names to actors, e.g. "
                            "'Libya GNC: {group: General National Congress, country: LBY}'")]
    table: dict[str, dict[str, Any]] = {}
    problems = []
    for name, spec in data.items():
        field = str(name)
        try:
            if not isinstance(spec, dict) or not spec or set(spec) - _SPEC_KEYS:
                raise ValueError("should be {country: CODE}, {organisation: NAME}, "
                                 "{group: NAME, country: CODE} or {unknown: true}")
            kind, country, label = _spec_actor(field, {str(k): v for k, v in spec.items()})
            if country is not None and not reference.is_country_code(str(country)):
                raise ValueError(f"'{country}' is not a country code")
            Actor(country, "supplier", name=label, type=kind)
        except (ValueError, TypeError) as exc:
            problems.append(Problem(shown, None, field, str(exc)))
            continue
        table[fold(field)] = {str(k): v for k, v in spec.items()}
    return table, problems


class Names:
    """SIPRI's names to actors with a project's own names first; every name it could not
    map is remembered (with the rows that use it) so it can be reported once."""

    def __init__(self, extra: dict[str, dict[str, Any]] | None = None) -> None:
        self._extra = extra or {}
        self._cache: dict[tuple[str, str], Actor] = {}
        self.unmapped: dict[str, list[str]] = {}  # name as written -> where it is used
        self.first_file: dict[str, str] = {}  # name as written -> the file first using it
        self.file = ""  # the register file being read, shown (set by the caller)

    def actor(self, name: str, role: str, where: str | None = "") -> Actor:
        """The actor ``name`` means; an unmapped actor, kept as written, when none does
        (remembered for the report with ``where`` it is used, unless ``where`` is None)."""
        key = (name, role)
        found = self._cache.get(key)
        if found is None:
            spec = self._extra.get(fold(name))
            try:
                kind, country, label = (
                    _spec_actor(name, spec) if spec is not None else _actor_spec(name)
                )
            except UnknownName:
                kind, country, label = "unmapped", None, name.strip()
            found = self._cache[key] = Actor(country, role, name=label, type=kind)
        if found.type == "unmapped" and where is not None:
            self.unmapped.setdefault(name, []).append(where)
            self.first_file.setdefault(name, self.file)
        return found

    def report(self, shown: str) -> list[Problem]:
        """One warning per unmapped name: the register file and line where it is first
        used (``shown`` when no file was set), how often, the nearest known names and how
        to map it."""
        out = []
        for name, places in sorted(self.unmapped.items()):
            shown_here = self.first_file.get(name) or shown
            nearest = nearest_names(name, 3)
            hint = f" (nearest known: {', '.join(nearest)})" if nearest else ""
            more = f", and {len(places) - 1} more rows" if len(places) > 1 else ""
            out.append(Problem(
                shown_here, None, show_value(name),
                f"is a name armstimeline cannot map yet: kept as written and flagged "
                f"unmapped (first at {places[0]} of the register{more}){hint}; map it in a "
                "names.yml beside the events folder",
            ))  # fmt: skip
        return out
