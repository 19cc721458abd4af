"""Events to plain dicts in the event-file layout, and back.

The dict has exactly the keys an event file has, in the same order, so JSON exports
read like the YAML files and ``event_from_dict(event_to_dict(e)) == e``.
"""

from __future__ import annotations

from typing import Any

from armstimeline.dates import parse_date
from armstimeline.model import Actor, Amount, Citation, Event, Place, RegisterEntry, Relation

__all__ = ["actor_from_dict", "actor_to_dict", "event_from_dict", "event_to_dict", "register_dict"]


def _number(value: float) -> int | float:
    return int(value) if value.is_integer() and abs(value) < 2**53 else value


def event_to_dict(event: Event) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": event.id,
        "title": event.title,
        "date": str(event.date),
        "kind": event.kind,
        "actors": [actor_to_dict(a) for a in event.actors],
        "systems": list(event.systems),
        "amounts": [
            {
                "value": _number(a.value),
                **({"currency": a.currency} if a.currency else {"unit": a.unit}),
                "what": a.what,
                **({"bound": a.bound} if a.bound else {}),
                **({"upper": _number(a.upper)} if a.upper is not None else {}),
            }
            for a in event.amounts
        ],
        "places": [{"name": p.name, "lat": p.lat, "lon": p.lon} for p in event.places],
        "summary": event.summary,
        "sources": [{"source": c.source, "quote": c.quote} for c in event.sources],
        "tags": list(event.tags),
        "relations": [{"type": r.type, "target": r.target} for r in event.relations],
    }
    if event.note:
        out["note"] = event.note
    if event.date_basis != "source":
        out["date_basis"] = event.date_basis
    if event.register is not None:
        out["register"] = register_dict(event.register)
    return out


def register_dict(reg: RegisterEntry) -> dict[str, Any]:
    """An imported event's register block, as its file writes it."""
    return {
        "row": reg.row,
        "designation": reg.designation,
        "description": reg.description,
        **({"status": reg.status} if reg.status else {}),
        **({"delivered": list(reg.delivered)} if reg.delivered else {}),
        **({"digest": reg.digest} if reg.digest else {}),
        **({"editions": list(reg.editions)} if reg.editions else {}),
        **({"changes": list(reg.changes)} if reg.changes else {}),
        **({"withdrawn_in": reg.withdrawn_in} if reg.withdrawn_in else {}),
    }


def actor_to_dict(actor: Actor) -> dict[str, Any]:
    """An actor as its file writes it: ``{country, role}``, ``{organisation, country?,
    role}``, ``{group, country?, role}``, ``{unknown: true, role}`` or, for a register's
    name armstimeline cannot map, ``{unmapped: NAME, role}``."""
    if actor.type == "state":
        return {"country": actor.country, "role": actor.role}
    if actor.type == "unknown":
        return {"unknown": True, "role": actor.role}
    return {
        actor.type: actor.name,
        **({"country": actor.country} if actor.country else {}),
        "role": actor.role,
    }


def actor_from_dict(data: dict[str, Any]) -> Actor:
    """The inverse of ``actor_to_dict``."""
    for kind in ("organisation", "group", "unmapped"):
        if kind in data:
            return Actor(data.get("country"), data["role"], name=data[kind], type=kind)
    if data.get("unknown"):
        return Actor(None, data["role"], type="unknown")
    return Actor(data["country"], data["role"])


def event_from_dict(data: dict[str, Any]) -> Event:
    """Rebuild an Event from ``event_to_dict`` output (trusted input, not a validator)."""
    return Event(
        id=data["id"],
        title=data["title"],
        date=parse_date(data["date"]),
        kind=data["kind"],
        summary=data["summary"],
        sources=[Citation(**c) for c in data.get("sources", [])],
        actors=[actor_from_dict(a) for a in data.get("actors", [])],
        systems=data.get("systems", []),
        amounts=[
            Amount(
                value=a["value"],
                what=a["what"],
                currency=a.get("currency"),
                unit=a.get("unit"),
                bound=a.get("bound"),
                upper=a.get("upper"),
            )
            for a in data.get("amounts", [])
        ],
        places=[Place(**p) for p in data.get("places", [])],
        tags=data.get("tags", []),
        relations=[Relation(**r) for r in data.get("relations", [])],
        note=data.get("note"),
        date_basis=data.get("date_basis") or "source",
        register=RegisterEntry(**data["register"]) if data.get("register") else None,
    )
