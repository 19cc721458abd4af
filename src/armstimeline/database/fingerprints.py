"""What a database was built from: file stamps, the sources' fingerprint, freshness."""

from __future__ import annotations

import contextlib
import hashlib
import os
import sqlite3
from pathlib import Path

from armstimeline import reference
from armstimeline.database.connect import read_only
from armstimeline.database.schema import SCHEMA_VERSION
from armstimeline.loading import EVENT_SUFFIXES, Stamp, file_stamp, project_systems_file
from armstimeline.registers import NAMES_FILE

__all__ = [
    "NOT_A_FILE",
    "FileDigest",
    "combine",
    "file_stamps",
    "fingerprint",
    "is_current",
    "sources_fingerprint",
    "stored_stamps",
]

NOT_A_FILE = "not a regular file"  # the stamp's hash for a link or folder named like an event


def file_stamps(events_dir: Path, known: dict[str, Stamp] | None = None) -> dict[str, Stamp]:
    """Every event file's stamp, by name: what incremental builds and ``serve`` compare.

    As git does, a file whose size and modification time match the ``known`` stamp keeps
    its recorded hash without being read (the very stamp ``known`` holds is handed back);
    any other file is read and hashed (and a file modified moments before it was read is
    recorded so that it is hashed again next time: see ``recorded_stamp``).
    """
    known = known or {}
    out: dict[str, Stamp] = {}
    with contextlib.ExitStack() as stack:
        folder = _folder_fd(events_dir)
        if folder is not None:
            stack.callback(os.close, folder)
        entries = stack.enter_context(os.scandir(events_dir))
        lstat = os.lstat
        for entry in entries:
            name = entry.name
            if not name.endswith(EVENT_SUFFIXES):
                continue
            if not entry.is_file(follow_symlinks=False):
                # a link, folder or device where an event file should be: never "unchanged",
                # so the build parses it and refuses it exactly as validate does
                out[name] = (NOT_A_FILE, -1, -1)
                continue
            # by name in the open folder: a third cheaper than the entry's own stat, which
            # joins the folder's path to each name (100,000 files: 0.29 s against 0.41)
            info = lstat(name, dir_fd=folder) if folder is not None else entry.stat(
                follow_symlinks=False
            )
            old = known.get(name)
            if old is not None and old[1] == info.st_size and old[2] == info.st_mtime_ns:
                out[name] = old
            else:
                with open(entry.path, "rb") as handle:
                    out[name] = file_stamp(handle.read(), info)
    return out


def _folder_fd(folder: Path) -> int | None:
    """The folder opened for looking names up in (None where the platform cannot)."""
    if os.lstat not in os.supports_dir_fd:
        return None
    return os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))


def stored_stamps(conn: sqlite3.Connection) -> dict[str, Stamp]:
    """The stamps a database recorded for its files, by name."""
    return {
        row[0]: row[1:] for row in conn.execute("select name, sha256, size, mtime_ns from files")
    }


def sources_fingerprint(sources_dir: Path, events_dir: Path | None = None) -> str:
    """A hash of the schema version, the source registry and texts, the reference data and
    the project's own systems catalog (beside ``events_dir``).

    When it changes, every event may need checking again, so the build starts cold.
    """
    digest = hashlib.sha256(f"schema {SCHEMA_VERSION}\n".encode())
    if Path(sources_dir).is_dir():
        for path in sorted(Path(sources_dir).iterdir()):
            if path.is_file():
                digest.update(f"{path.name}\n".encode())
                digest.update(hashlib.sha256(path.read_bytes()).digest())
    for name in ("vocabulary.yml", "countries.yml", "country_names.yml", "systems.yml",
                 "sipri_names.yml"):  # fmt: skip
        digest.update(reference.data_bytes(name))
    if events_dir is not None:
        project = project_systems_file(events_dir)
        if project.is_file():
            digest.update(b"project systems\n" + project.read_bytes())
        names = Path(events_dir).parent / NAMES_FILE  # how register names map to actors
        if names.is_file():
            digest.update(b"project names\n" + names.read_bytes())
    return digest.hexdigest()


class FileDigest:
    """The build fingerprint fed one file at a time, in name order (a streamed build
    forgets each file's stamp once its rows are written)."""

    def __init__(self, sources_fp: str) -> None:
        self._digest = hashlib.sha256(sources_fp.encode())

    def add(self, name: str, stamp: Stamp) -> None:
        self._digest.update(_line(name, stamp).encode())

    def hexdigest(self) -> str:
        return self._digest.hexdigest()


def combine(sources_fp: str, stamps: dict[str, Stamp]) -> str:
    """The build fingerprint: sources, schema, and every event file's name and content
    (the same digest as ``FileDigest`` fed each file, in one update)."""
    digest = hashlib.sha256(sources_fp.encode())
    # the names sorted alone: sorting (name, stamp) pairs compares tuples, four times slower
    digest.update("".join([_line(name, stamps[name]) for name in sorted(stamps)]).encode())
    return digest.hexdigest()


def _line(name: str, stamp: Stamp) -> str:
    """What the fingerprint takes of one event file: its name and content hash."""
    return f"{name} {stamp[0]}\n"


def fingerprint(events_dir: Path, sources_dir: Path) -> str:
    """A hash of every input file's name and bytes, and of the schema version."""
    return combine(sources_fingerprint(sources_dir, events_dir), file_stamps(events_dir))


def is_current(db_path: Path, events_dir: Path, sources_dir: Path) -> bool:
    """True when the database exists and was built from exactly these files.

    ``serve`` asks this at every start; files unchanged since the build are not re-read.
    """
    if not db_path.is_file() or not Path(events_dir).is_dir():
        return False
    try:
        with read_only(db_path) as conn:
            row = conn.execute("select value from build_info where key = 'fingerprint'").fetchone()
            known = stored_stamps(conn)
    except sqlite3.Error:
        return False
    stamps = file_stamps(Path(events_dir), known)
    sources_fp = sources_fingerprint(sources_dir, events_dir)
    return row is not None and row[0] == combine(sources_fp, stamps)

