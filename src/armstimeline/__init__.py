"""armstimeline: dated, sourced events on Russia's arms sales as a foreign-policy tool."""

from armstimeline.dates import DateInterval, PartialDate, Precision, parse_date
from armstimeline.errors import ArmstimelineError, Problem, ValidationError
from armstimeline.load import load_events, validate
from armstimeline.model import Actor, Amount, Citation, Event, Place, Relation, Source

__all__ = [
    "Actor",
    "Amount",
    "ArmstimelineError",
    "Citation",
    "DateInterval",
    "Event",
    "PartialDate",
    "Place",
    "Precision",
    "Problem",
    "Relation",
    "Source",
    "ValidationError",
    "load_events",
    "parse_date",
    "validate",
]
