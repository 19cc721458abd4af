"""Registers: a register of arms transfers (SIPRI's trade register) read as data.

A registered register file is the source of truth for its rows: the project keeps the
file byte for byte and derives its order and delivery events when it loads, instead of
holding a file per row. The stage below loading: it reads a register file as users
download it (``reader``), names its actors (``names``) and money (``figures``), turns
each row into events (``events``) with ids from its content (``identity``), knows what a file covers
(``scope``), matches a new edition's rows to the rows they revise (``revisions``) and
puts a project's editions together (``editions``).
"""

from __future__ import annotations

from armstimeline.registers.editions import (
    MATCHES_FORMAT,
    Edition,
    RegisterEvents,
    RegisterPlan,
    current_rows,
    read_editions,
    register_events,
    register_plan,
    withdrawn_ids,
)
from armstimeline.registers.events import RowParts, row_content
from armstimeline.registers.identity import content_ids, number
from armstimeline.registers.names import NAMES_FILE, Names, nearest_names, project_names
from armstimeline.registers.reader import Register, RegisterRow, read_register
from armstimeline.registers.revisions import Revisions, match_rows
from armstimeline.registers.scope import in_scope, names_match

__all__ = [
    "MATCHES_FORMAT",
    "NAMES_FILE",
    "Edition",
    "Names",
    "Register",
    "RegisterEvents",
    "RegisterPlan",
    "RegisterRow",
    "Revisions",
    "RowParts",
    "content_ids",
    "current_rows",
    "in_scope",
    "match_rows",
    "names_match",
    "nearest_names",
    "number",
    "project_names",
    "read_editions",
    "read_register",
    "register_events",
    "register_plan",
    "row_content",
    "withdrawn_ids",
]
