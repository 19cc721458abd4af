"""Reading an event's compound values, each a mapping of a few keys: amounts, places,
citations and relations (``fields.FieldReader`` reads the values inside them)."""

from __future__ import annotations

import math
import re

import yaml

from armstimeline import reference
from armstimeline.errors import show_value
from armstimeline.loading.fields import FieldReader, Keys
from armstimeline.loading.quotes import MAX_QUOTE
from armstimeline.loading.yamlsafe import is_empty
from armstimeline.model import Amount, Citation, Place, Relation

__all__ = ["read_amount", "read_citation", "read_place", "read_relation"]

_AMOUNT_KEYS = Keys({"value": True, "what": True, "currency": False, "unit": False,
                     "bound": False, "upper": False})  # fmt: skip
_PLACE_KEYS = Keys({"name": True, "lat": True, "lon": True})
_CITATION_KEYS = Keys({"source": True, "quote": True})
_RELATION_KEYS = Keys({"type": True, "target": True})


def read_amount(r: FieldReader, node: yaml.Node, field: str) -> Amount | None:
    keys = r.mapping(node, field, _AMOUNT_KEYS, 2)
    if not keys or "value" not in keys or "what" not in keys:
        return None
    value = r.number(keys["value"], f"{field}.value", 0, math.inf)
    what = r.string(keys["what"], f"{field}.what")
    currency = r.optional_string(keys.get("currency"), f"{field}.currency")
    unit = r.optional_string(keys.get("unit"), f"{field}.unit")
    ok = value is not None and what is not None
    if (currency is None) == (unit is None):
        r.problem(node, field, "give either 'currency' (ISO 4217, e.g. USD) or 'unit'")
        return None
    if currency is not None:
        import pycountry

        if (
            not re.fullmatch(r"[A-Z]{3}", currency)
            or pycountry.currencies.get(alpha_3=currency) is None
        ):
            r.problem(
                keys["currency"],
                f"{field}.currency",
                f"{show_value(currency)} is not an ISO 4217 currency code; use e.g. USD",
            )
            ok = False
    if unit is not None and unit not in reference.units():
        r.problem(
            keys["unit"],
            f"{field}.unit",
            f"{show_value(unit)} is not a known unit; use one of: "
            + ", ".join(reference.units()),
        )
        ok = False
    if unit == "percent" and value is not None and value > 100:
        r.problem(keys["value"], f"{field}.value", "a percentage is at most 100")
        ok = False
    if not ok:
        return None
    assert value is not None and what is not None
    bound = None
    if "bound" in keys and not is_empty(keys["bound"]):
        bound = r.choice(keys["bound"], f"{field}.bound", reference.amount_bounds(), "bound")
        if bound is None:
            return None
    upper = None
    if "upper" in keys and not is_empty(keys["upper"]):
        upper = r.number(keys["upper"], f"{field}.upper", 0, math.inf)
        if upper is None:
            return None
        if upper <= value:
            r.problem(keys["upper"], f"{field}.upper",
                         "the top of a range is above its value (the bottom)")  # fmt: skip
            return None
    return Amount(
        value=value, what=what, currency=currency, unit=unit, bound=bound, upper=upper
    )

def read_place(r: FieldReader, node: yaml.Node, field: str) -> Place | None:
    keys = r.mapping(node, field, _PLACE_KEYS, 2)
    if not keys or len(keys) < 3:
        return None
    name = r.string(keys["name"], f"{field}.name")
    lat = r.number(keys["lat"], f"{field}.lat", -90, 90)
    lon = r.number(keys["lon"], f"{field}.lon", -180, 180)
    if name is None or lat is None or lon is None:
        return None
    return Place(name, lat, lon)

def read_citation(r: FieldReader, node: yaml.Node, field: str) -> tuple[Citation, yaml.Node] | None:
    keys = r.mapping(node, field, _CITATION_KEYS, 2)
    if not keys or len(keys) < 2:
        return None
    source = r.string(keys["source"], f"{field}.source")
    quote = r.string(keys["quote"], f"{field}.quote", multiline=True)
    if quote is not None and len(quote) > MAX_QUOTE:
        r.problem(
            keys["quote"],
            f"{field}.quote",
            f"the quote has {len(quote)} characters; quotes are short (at most {MAX_QUOTE})",
        )
        return None
    if not source or not quote:
        return None
    return Citation(source, quote), keys["quote"]

def read_relation(r: FieldReader, node: yaml.Node, field: str) -> tuple[Relation, yaml.Node] | None:
    keys = r.mapping(node, field, _RELATION_KEYS, 2)
    if not keys or len(keys) < 2:
        return None
    rtype = r.choice(
        keys["type"], f"{field}.type", reference.relation_types(), "relation type"
    )
    target = r.slug(keys["target"], f"{field}.target", "event id")
    if not rtype or not target:
        return None
    return Relation(rtype, target), keys["target"]
