"""Event files of the old layout: one per register row, written by imports before
registers were read directly. They are found by the ``register:`` block only an import
wrote, and removed on request; a curated file is never one of them."""

from __future__ import annotations

import os
from pathlib import Path

from armstimeline.loading import EVENT_SUFFIXES

__all__ = ["drop_legacy_files", "legacy_files"]

_MARK = b"\nregister:\n"


def legacy_files(events_dir: Path) -> list[Path]:
    """The event files an old import wrote, in name order."""
    if not events_dir.is_dir():
        return []
    found = []
    with os.scandir(events_dir) as entries:
        for entry in entries:
            if not entry.name.endswith(EVENT_SUFFIXES) or not entry.is_file(
                follow_symlinks=False
            ):
                continue
            with open(entry.path, "rb") as handle:
                if _MARK in handle.read():
                    found.append(Path(entry.path))
    return sorted(found)


def drop_legacy_files(events_dir: Path, dry_run: bool = False) -> list[Path]:
    """Remove the old import's event files (and the hidden temporaries a killed import
    left in the folder); return the event files removed."""
    found = legacy_files(events_dir)
    if dry_run:
        return found
    for path in found:
        path.unlink()
    for path in events_dir.glob(".sipri-*.tmp"):
        path.unlink()
    return found
