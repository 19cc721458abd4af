"""Reading an imported event's ``register`` block: the row it came from."""

from __future__ import annotations

import yaml

from armstimeline.loading.fields import FieldReader
from armstimeline.model import RegisterEntry

__all__ = ["read_register"]


def read_register(r: FieldReader, node: yaml.Node, field: str) -> RegisterEntry | None:
    """An imported event's register block (see ``model.RegisterEntry``)."""
    keys = r.mapping(
        node,
        field,
        {"row": True, "designation": True, "description": True, "status": False,
         "delivered": False, "digest": False},
        1,
    )  # fmt: skip
    if not keys or len(keys) < 3:
        return None
    row = r.slug(keys["row"], f"{field}.row", "register row key")
    designation = r.string(keys["designation"], f"{field}.designation")
    description = r.string(keys["description"], f"{field}.description")
    status = r.optional_string(keys.get("status"), f"{field}.status")
    years = r.items(
        keys.get("delivered"),
        f"{field}.delivered",
        lambda n, f: r.number(n, f, 1000, 9999),
    )
    if any(y != int(y) for y in years):
        r.problem(keys["delivered"], f"{field}.delivered", "delivery years are whole years")
        return None
    if row is None or designation is None or description is None:
        return None
    digest = r.optional_string(keys.get("digest"), f"{field}.digest")
    return RegisterEntry(
        row, designation, description, status, tuple(int(y) for y in years), digest
    )
