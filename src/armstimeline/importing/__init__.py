"""Importing: registers of arms transfers (SIPRI's trade register) into event files.

The stage beside the database and the exports: it reads a register file as users download
it (``register``), names its actors (``names``) and money (``figures``), turns each row into
events (``rows``), registers the file as a source (``registry``) and writes the event files,
telling what an import adds, revises or no longer finds (``eventfiles``, ``sipri``).
"""

from __future__ import annotations

from armstimeline.importing.sipri import ImportReport, import_sipri

__all__ = ["ImportReport", "import_sipri"]
