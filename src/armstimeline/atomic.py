"""Publishing a file atomically: written beside its target, fsynced, renamed into place.

Builds and exports both go through ``replacing``, so a reader of the target sees the old
file or the complete new one, never a half-written file, and a failure leaves no
temporary file behind.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import tempfile
from collections.abc import Iterator
from pathlib import Path

from armstimeline.errors import ArmstimelineError

__all__ = ["replacing", "write_atomic"]


@contextlib.contextmanager
def replacing(
    target: Path,
    failure: str,
    error: type[ArmstimelineError] = ArmstimelineError,
    what: str = "file",
) -> Iterator[Path]:
    """A temporary file beside ``target`` that replaces it only if the block succeeds.

    The target's folder is created when missing. On success the file is fsynced, made
    world-readable (it is published) and renamed over the target, and the folder is
    fsynced; on any error the temporary file is removed and the old file is untouched.
    SQLite and OS errors become ``error`` with a sentence that says so.
    """
    resolved = target.resolve()  # a symbolic link's target is what gets replaced
    try:
        resolved.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(
            prefix=f".{resolved.name}.", suffix=".tmp", dir=resolved.parent
        )
        os.close(fd)
    except OSError as exc:
        raise error(f"{failure} {target}: {_reason(exc)}.") from exc
    tmp = Path(tmp_name)
    try:
        yield tmp
        with open(tmp, "rb+") as handle:
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, resolved)
        _fsync_dir(resolved.parent)
    except (sqlite3.Error, OSError) as exc:
        raise error(
            f"{failure} {target}: {_reason(exc)}. The previous {what}, if any, is unchanged."
        ) from exc
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def write_atomic(
    target: Path, data: bytes, error: type[ArmstimelineError] = ArmstimelineError
) -> None:
    """Write ``data`` to ``target`` through ``replacing``."""
    with replacing(target, "Could not write", error) as tmp:
        tmp.write_bytes(data)


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror[0].lower() + exc.strerror[1:]
    return str(exc)


def _fsync_dir(folder: Path) -> None:
    """Make a rename durable: fsync the folder entry (not possible on every platform)."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
