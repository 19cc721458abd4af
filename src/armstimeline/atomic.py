"""Publishing a file atomically: written beside its target, fsynced, renamed into place.

Builds and exports both go through ``replacing``, so a reader of the target sees the old
file or the complete new one, never a half-written file, and a failure leaves no
temporary file behind.
"""

from __future__ import annotations

import contextlib
import glob
import os
import sqlite3
import tempfile
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

from armstimeline.errors import ArmstimelineError

__all__ = [
    "exclusive",
    "remove_orphaned_temporaries",
    "remove_stale_temporaries",
    "replacing",
    "write_atomic",
    "write_many",
]

LOCK_WAIT_SECONDS = 600.0
# a temporary file whose name carries no writer (an older version's) is an orphan once
# it has not changed for this long
ORPHAN_AGE_SECONDS = 600.0


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
        # the writer's process id in the name: a later writer can tell an orphan (its
        # writer was killed) from a file being written (``remove_orphaned_temporaries``)
        fd, tmp_name = tempfile.mkstemp(
            prefix=f".{resolved.name}.{os.getpid()}.", suffix=".tmp", dir=resolved.parent
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


@contextlib.contextmanager
def exclusive(
    target: Path,
    error: type[ArmstimelineError] = ArmstimelineError,
    wait: float | None = None,
) -> Iterator[None]:
    """Hold the lock of ``target``: an advisory ``flock`` on the folder that holds it.

    Two builds of one database would both write and the last rename would win, losing
    the other's result without a word; the second now waits for the first, up to
    ``wait`` seconds (``LOCK_WAIT_SECONDS`` by default), then fails with a sentence. The
    folder is locked, not a lock file, so nothing is left beside the database, and the
    operating system releases the lock when its holder exits, even by ``kill -9``: a
    crash never leaves the database locked. (Builds of two databases in one folder wait
    for each other too.)
    """
    import fcntl

    resolved = target.resolve()
    try:
        resolved.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(resolved.parent, os.O_RDONLY)
    except OSError as exc:
        raise error(f"Could not lock {target}: {_reason(exc)}.") from exc
    try:
        deadline = time.monotonic() + (LOCK_WAIT_SECONDS if wait is None else wait)
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise error(
                        f"Another build of {target} is still running; wait for it to finish "
                        "and run the command again."
                    ) from None
                time.sleep(0.05)
        yield
    finally:
        os.close(fd)  # releases the lock


def remove_stale_temporaries(target: Path) -> list[Path]:
    """Remove temporary files an earlier, crashed writer of ``target`` left beside it.

    Call it while holding ``exclusive(target)``: then no live writer owns such a file.
    """
    resolved = target.resolve()
    removed = []
    for path in resolved.parent.glob(f".{glob.escape(resolved.name)}.*.tmp"):
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
            removed.append(path)
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process: alive
        return True
    return True


def remove_orphaned_temporaries(target: Path) -> list[Path]:
    """Remove the temporary files of ``target`` whose writer is gone (killed mid-write).

    Unlike ``remove_stale_temporaries`` this needs no lock: a file named after a process
    still running is left to it (see ``replacing``).
    """
    resolved = target.resolve()
    removed = []
    prefix = f".{resolved.name}."
    for path in resolved.parent.glob(f"{glob.escape(prefix)}*.tmp"):
        writer = path.name[len(prefix) :].split(".", 1)[0]
        try:
            if writer.isdigit():
                orphan = not _alive(int(writer))
            else:
                orphan = time.time() - path.stat().st_mtime > ORPHAN_AGE_SECONDS
            if orphan:
                path.unlink()
                removed.append(path)
        except FileNotFoundError:
            continue
    return removed


def write_atomic(
    target: Path, data: bytes, error: type[ArmstimelineError] = ArmstimelineError
) -> None:
    """Write ``data`` to ``target`` through ``replacing``, first removing what writers
    of it killed earlier left beside it."""
    with contextlib.suppress(OSError):
        remove_orphaned_temporaries(target)
    with replacing(target, "Could not write", error) as tmp:
        tmp.write_bytes(data)


def write_many(
    items: Iterable[tuple[Path, bytes]], error: type[ArmstimelineError] = ArmstimelineError
) -> int:
    """Write many small files, each atomically, with one flush to disk for them all.

    Every file is first written beside its target; then one ``os.sync`` makes them all
    durable, and only then are they renamed into place (and their folders fsynced). A
    reader or a crash sees each file old or complete, as with ``replacing``, at the cost
    of one sync instead of two fsyncs a file (an import writes tens of thousands). On any
    error the temporary files are removed and no target has changed.
    """
    pending: list[tuple[str, str]] = []
    try:
        for target, data in items:
            tmp = os.path.join(target.parent, f".{target.name}.{os.getpid()}.tmp")
            pending.append((tmp, str(target)))
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            try:
                os.write(fd, data)
            finally:
                os.close(fd)
        os.sync()
        for tmp, target_name in pending:
            os.replace(tmp, target_name)
    except OSError as exc:
        for tmp, _ in pending:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
        raise error(f"Could not write {exc.filename or 'a file'}: {_reason(exc)}.") from exc
    for folder in {os.path.dirname(t) for _, t in pending}:
        _fsync_dir(Path(folder))
    return len(pending)


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
