"""The SQLite database: built from the loaded events, cold or incrementally, and read back.

``builder.build`` is the entry: it takes the database's lock, tries an ``incremental``
update, else ``streamed`` writes a cold build batch by batch (``cold`` holds what every
cold build shares, and the build from events in memory); both publish through
``publish`` after ``checks``. ``schema`` and ``rows`` say what is written, ``ordering``
how the timeline is numbered, ``facets`` the counts stored for the site,
``fingerprints`` what a database was built from, ``readback`` how events come out again.
"""

from __future__ import annotations

from armstimeline.database.builder import build
from armstimeline.database.fingerprints import fingerprint, is_current
from armstimeline.database.readback import read_events, table_rows
from armstimeline.database.report import BuildReport
from armstimeline.database.schema import SCHEMA_VERSION

__all__ = [
    "SCHEMA_VERSION",
    "BuildReport",
    "build",
    "fingerprint",
    "is_current",
    "read_events",
    "table_rows",
]
