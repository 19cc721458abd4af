"""armstimeline: dated, sourced events on Russia's arms sales as a foreign-policy tool.

>>> import armstimeline
>>> timeline = armstimeline.load()
>>> timeline["armenia-iskander-2016"].date.precision.label
'year'
"""

from armstimeline.dates import DateInterval, PartialDate, Precision, parse_date
from armstimeline.errors import ArmstimelineError, Problem, ValidationError
from armstimeline.load import load_events, validate
from armstimeline.model import Actor, Amount, Citation, Event, Place, Relation, Source
from armstimeline.timeline import Filter, Timeline, load

__all__ = [
    "Actor",
    "Amount",
    "ArmstimelineError",
    "Citation",
    "DateInterval",
    "Event",
    "Filter",
    "PartialDate",
    "Place",
    "Precision",
    "Problem",
    "Relation",
    "Source",
    "Timeline",
    "ValidationError",
    "build",
    "load",
    "load_events",
    "parse_date",
    "validate",
]


def build(events: str, sources: str, db: str):  # type: ignore[no-untyped-def]
    """Validate ``events`` and build the SQLite database ``db`` atomically."""
    from armstimeline.db import build as _build

    return _build(events, sources, db)
