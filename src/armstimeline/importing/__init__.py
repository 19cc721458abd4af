"""Importing: registering a register of arms transfers (SIPRI's trade register).

The stage beside the database and the exports: it checks a register file and registers it
as the project's data (``sipri``, ``registry``); loading then derives its events (see
``armstimeline.registers``). ``legacy`` finds and removes the per-row event files that
imports of earlier releases wrote.
"""

from __future__ import annotations

from armstimeline.importing.legacy import drop_legacy_files, legacy_files
from armstimeline.importing.sipri import ImportReport, import_sipri

__all__ = ["ImportReport", "drop_legacy_files", "import_sipri", "legacy_files"]
