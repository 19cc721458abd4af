"""The systems catalog of a project: the package's catalog and a ``systems.yml`` beside
the events folder, so a user's own register needs no edit to the package."""

from __future__ import annotations

from pathlib import Path

from armstimeline import reference
from armstimeline.errors import Problem, relpath, show_value
from armstimeline.loading.fields import FieldReader
from armstimeline.loading.yamlsafe import MAX_LIST_BYTES, compose, is_empty
from armstimeline.reference import System

__all__ = ["lookup_table", "project_systems", "project_systems_file"]

_SYSTEM_KEYS = {
    "name": True, "category": True, "origin": False, "aliases": False, "package": False,
}


def project_systems_file(events_dir: str | Path) -> Path:
    """Where a project's own catalog lives: ``systems.yml`` beside the events folder."""
    return Path(events_dir).resolve().parent / "systems.yml"


def project_systems(events_dir: str | Path) -> tuple[tuple[System, ...], list[Problem]]:
    """The package's catalog followed by the project's systems (when it has a file).

    A project entry may name a system the package lacks, or add aliases to one it has
    (same name); every problem names the file, line and field.
    """
    path = project_systems_file(events_dir)
    base = reference.systems()
    if not path.is_file():
        return base, []
    shown = relpath(path)
    node, problems = compose(path, shown, limit=(MAX_LIST_BYTES, "a systems catalog"))
    if node is None:
        return base, problems
    r = FieldReader(shown)
    r.check_node(node, "")
    by_name = {s.name: s for s in base}
    added: list[System] = []
    for i, item in enumerate(r.sequence(node, "systems")):
        field = f"[{i}]"
        keys = r.mapping(item, field, _SYSTEM_KEYS, 1)
        if not keys or "name" not in keys or "category" not in keys:
            continue
        name = r.string(keys["name"], f"{field}.name")
        category = r.string(keys["category"], f"{field}.category")
        origin = None
        if "origin" in keys and not is_empty(keys["origin"]):
            origin = r.country(keys["origin"], f"{field}.origin")
        aliases = r.items(keys.get("aliases"), f"{field}.aliases", r.string)
        if name is None or category is None:
            continue
        package = r.items(keys.get("package"), f"{field}.package", r.string)
        known = by_name.get(name)
        if known is not None:
            aliases = [*known.aliases, *aliases]
            package = [*known.package, *package]
        system = System(name, category, origin, tuple(dict.fromkeys(aliases)),
                        tuple(dict.fromkeys(package)))  # fmt: skip
        if known is None and name in {s.name for s in added}:
            r.problem(keys["name"], f"{field}.name", f"{show_value(name)} is listed twice")
            continue
        by_name[name] = system
        if known is None:
            added.append(system)
    problems = r.problems
    merged = tuple(by_name[s.name] for s in base) + tuple(added)
    return merged, problems


def packages(systems: tuple[System, ...]) -> dict[str, frozenset[str]]:
    """Each system's package, case-folded, with the system's own names: what a deal for
    it may be listed as in a register."""
    return {
        s.name: frozenset(n.casefold() for n in (s.name, *s.aliases, *s.package))
        for s in systems
        if s.package
    }


def lookup_table(systems: tuple[System, ...]) -> dict[str, str]:
    """Any spelling (case-folded) to its system's canonical name."""
    table: dict[str, str] = {}
    for system in systems:
        for name in (system.name, *system.aliases):
            table.setdefault(name.casefold(), system.name)
    return table
