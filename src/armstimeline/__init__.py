"""armstimeline: dated, sourced events on Russia's arms sales as a foreign-policy tool.

    >>> import armstimeline
    >>> timeline = armstimeline.load()
    >>> timeline["armenia-iskander-2016"].date.precision.label
    'year'

Names are imported on first use (PEP 562), so the command line starts quickly.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from pathlib import Path

    from armstimeline.database import BuildReport
    from armstimeline.dates import DateInterval, PartialDate, Precision, parse_date
    from armstimeline.errors import ArmstimelineError, Problem, ValidationError
    from armstimeline.importing import ImportReport, import_sipri
    from armstimeline.loading import load_events, validate
    from armstimeline.model import (
        Actor,
        Amount,
        Citation,
        Event,
        Place,
        RegisterEntry,
        Relation,
        Source,
    )
    from armstimeline.timeline import Filter, Timeline, load

_WHERE = {
    "Actor": "model",
    "Amount": "model",
    "ArmstimelineError": "errors",
    "Citation": "model",
    "DateInterval": "dates",
    "Event": "model",
    "Filter": "timeline",
    "ImportReport": "importing",
    "PartialDate": "dates",
    "Place": "model",
    "Precision": "dates",
    "Problem": "errors",
    "RegisterEntry": "model",
    "Relation": "model",
    "Source": "model",
    "Timeline": "timeline",
    "ValidationError": "errors",
    "import_sipri": "importing",
    "load": "timeline",
    "load_events": "loading",
    "parse_date": "dates",
    "validate": "loading",
}

__all__ = [
    "Actor",
    "Amount",
    "ArmstimelineError",
    "Citation",
    "DateInterval",
    "Event",
    "Filter",
    "ImportReport",
    "PartialDate",
    "Place",
    "Precision",
    "Problem",
    "RegisterEntry",
    "Relation",
    "Source",
    "Timeline",
    "ValidationError",
    "build",
    "import_sipri",
    "load",
    "load_events",
    "parse_date",
    "validate",
]


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        value = getattr(importlib.import_module(f"armstimeline.{_WHERE[name]}"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'armstimeline' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


def build(events: str | Path, sources: str | Path, db: str | Path) -> BuildReport:
    """Validate ``events`` and build the SQLite database ``db`` atomically."""
    from armstimeline.database import build as build_database

    return build_database(events, sources, db)
