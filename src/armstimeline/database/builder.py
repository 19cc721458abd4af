"""``build``: validate, then write the database cold or incrementally, atomically.

A build validates first, writes a new file beside the target inside one transaction,
checks it, fsyncs it and only then renames it over the old database, so a failed or
interrupted build never damages the last good one. The same events always give the
same rows in the same order.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from armstimeline import atomic
from armstimeline.database.fingerprints import sources_fingerprint
from armstimeline.database.incremental import update
from armstimeline.database.publish import replacing
from armstimeline.database.report import BuildReport
from armstimeline.database.streamed import stream
from armstimeline.errors import BuildError

__all__ = ["build"]

def build(
    events_dir: str | Path,
    sources_dir: str | Path,
    db_path: str | Path,
    progress: Any = None,
    *,
    incremental: bool = True,
) -> BuildReport:
    """Validate the events and build the database at ``db_path`` atomically.

    With ``incremental`` (the default) and an existing database built from the same
    sources and schema, only changed files are parsed and their rows replaced; with
    nothing changed, nothing is written. Raises ValidationError (nothing written) when
    the events have problems, and BuildError when the database cannot be written; the
    old file is untouched in both. One build of a database runs at a time (a second
    waits for the lock), and temporary files of crashed builds are removed.
    """
    events_dir, sources_dir, db_path = Path(events_dir), Path(sources_dir), Path(db_path)
    with atomic.exclusive(db_path, BuildError):
        atomic.remove_stale_temporaries(db_path)
        return _locked_build(events_dir, sources_dir, db_path, progress, incremental)


def _locked_build(
    events_dir: Path, sources_dir: Path, db_path: Path, progress: Any, incremental: bool
) -> BuildReport:
    """``build`` once it holds the database's lock."""
    sources_fp = sources_fingerprint(sources_dir, events_dir)
    if incremental and db_path.is_file() and events_dir.is_dir():
        report = update(events_dir, sources_dir, db_path, sources_fp)
        if report is not None:
            return report
    with replacing(db_path, "Could not build") as tmp:
        stamp, events, tables = stream(tmp, events_dir, sources_dir, sources_fp, progress)
    return BuildReport(path=db_path, events=events, tables=tables, fingerprint=stamp)
