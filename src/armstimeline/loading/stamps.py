"""File stamps: what a build records of each event file to tell later whether it changed."""

from __future__ import annotations

import hashlib
import os

__all__ = ["RACY_WINDOW_NS", "Stamp", "file_stamp", "recorded_stamp"]

Stamp = tuple[str, int, int]  # (SHA-256, size, mtime in ns) of one event file

# A file modified this close to when it was read may change again within the same
# timestamp tick, keeping its size and mtime. Like git's "racily clean" index entries, such
# a file is recorded without its mtime (see ``recorded_stamp``), so the next build hashes it
# instead of trusting the stat. The stamp itself never depends on the clock: two reads of
# the same unchanged file always give the same stamp.
RACY_WINDOW_NS = 3_000_000_000


def file_stamp(data: bytes, info: os.stat_result) -> tuple[str, int, int]:
    """(SHA-256, size, mtime in ns) of a file's bytes as read."""
    return hashlib.sha256(data).hexdigest(), info.st_size, info.st_mtime_ns


def recorded_stamp(stamp: tuple[str, int, int], read_at_ns: int) -> tuple[str, int, int]:
    """The stamp a database records for a file read at ``read_at_ns``: mtime -1 when the
    file was modified within ``RACY_WINDOW_NS`` of that moment (or after it)."""
    sha, size, mtime = stamp
    return (sha, size, -1 if read_at_ns - mtime < RACY_WINDOW_NS else mtime)

