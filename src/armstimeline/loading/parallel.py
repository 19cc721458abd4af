"""Parsing a large folder in several processes, with the same results in the same order."""

from __future__ import annotations

import collections
import contextlib
import gc
import os
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from armstimeline.errors import Problem
from armstimeline.loading.event import ParsedEvent, parse_event

__all__ = ["PARALLEL_MIN_FILES", "parse_many"]

PARALLEL_MIN_FILES = 2000
_CHUNK = 500


def _workers(n_files: int) -> int:
    """Processes to parse with: one per core (at most 4) for large folders where fork is
    available; ``ARMSTIMELINE_WORKERS`` overrides (1 turns parallel parsing off)."""
    override = os.environ.get("ARMSTIMELINE_WORKERS", "")
    if override.isdigit():
        return max(1, int(override))
    if n_files < PARALLEL_MIN_FILES or sys.platform != "linux":
        return 1
    return max(1, min(os.cpu_count() or 1, 4))


def _parse_chunk(
    job: tuple[list[Path], str, bool, dict[str, str] | None],
) -> list[tuple[ParsedEvent | None, list[Problem], Any]]:
    paths, shown_dir, want_hashes, systems = job
    gc.disable()
    out = []
    for path in paths:
        digest: dict[str, Any] | None = {} if want_hashes else None
        item, found = parse_event(path, os.path.join(shown_dir, path.name), digest, systems)
        out.append((item, found, digest.get(path.name) if digest else None))
    return out


def _die_with_parent(parent: int) -> None:
    """In a parse worker: end when the parent ends, even by ``kill -9`` (Linux's
    parent-death signal), instead of running on for seconds as an orphan."""
    import ctypes
    import signal

    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:  # the parent died before the signal was armed
        os._exit(1)


def parse_many(
    paths: Sequence[Path],
    shown_dir: str,
    hashes: dict[str, Any] | None,
    systems: dict[str, str] | None = None,
) -> Iterator[tuple[ParsedEvent | None, list[Problem]]]:
    """Parse files in order, in several processes when the folder is large.

    Files are independent until the cross-file checks, so chunks of them are parsed by
    forked workers and their results (events, problems, hashes) come back in order.
    """
    workers = _workers(len(paths))
    if workers <= 1:
        for path in paths:
            yield parse_event(path, os.path.join(shown_dir, path.name), hashes, systems)
        return
    import multiprocessing

    starts = range(0, len(paths), _CHUNK)
    with multiprocessing.get_context("fork").Pool(
        workers, initializer=_die_with_parent, initargs=(os.getpid(),)
    ) as pool:

        def submit(start: int) -> tuple[int, Any]:
            job = (paths[start : start + _CHUNK], shown_dir, hashes is not None, systems)
            return start, pool.apply_async(_parse_chunk, (job,))

        # a few chunks ahead per worker, not the whole folder: a consumer slower than the
        # workers (a streamed build writing rows) would otherwise hold every parsed event
        ahead = 2 * workers
        pending = collections.deque(submit(start) for start in starts[:ahead])
        later = iter(starts[ahead:])
        while pending:
            start, result = pending.popleft()
            results = result.get()
            following = next(later, None)
            if following is not None:
                pending.append(submit(following))
            chunk = paths[start : start + _CHUNK]
            for path, (item, found, digest) in zip(chunk, results, strict=True):
                if hashes is not None and digest is not None:
                    hashes[path.name] = digest
                yield item, found
