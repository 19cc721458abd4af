"""Work on a large folder in several processes, with the same results in the same order.

What a worker does to its files is the caller's (``reader``); here is only the fan-out.
The work and everything it reads (the file list, the sources, the systems catalog) reach
the workers by ``fork``, not by pickling: a job is two numbers, and what comes back is
what the caller's work returns for a chunk of files. Measured at 20,000 events, the pool's
extra CPU time was mostly pickling: whole ``Path`` lists sent out with every chunk and
events sent back as objects, then taken apart again into rows by the parent. A chunk's
results travel as one pickle in which an attrs object (an event, its dates, actors,
citations; a problem) is its class and a tuple of its fields, read in C, where attrs'
own pickling builds and reads a dict of them: half the cost to send.
"""

from __future__ import annotations

import collections
import contextlib
import gc
import io
import operator
import os
import pickle
import sys
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import attrs

__all__ = [
    "CHUNK",
    "OWN_SHARE",
    "PARALLEL_MIN_FILES",
    "beside",
    "idle_cores",
    "in_order",
    "pack",
    "processes",
]

T = TypeVar("T")
Work = Callable[[int, int], list[Any]]

PARALLEL_MIN_FILES = 2000
CHUNK = 500  # files a worker is given at a time
# This process parses at least this many times its even share (1 / processes) of the
# chunks: what a worker parses costs CPU time twice more (its results are pickled there
# and read again here), so the fewer the better while the wall-clock time holds. At
# 100,000 files on two idle cores, chunks left to whichever process was free (about half
# each) took 1.27x the C loader's CPU time for a 0.74 wall-clock ratio; 60% here 1.25x /
# 0.71; 70% here 1.18x / 0.70.
OWN_SHARE = 1.4
_work: Work | None = None  # in a worker: what to do with a chunk (set once, by fork)


def processes(n_files: int, idle: Callable[[], int] | None = None) -> int:
    """Processes to parse with, this one included: one per idle core (at most 4) for
    large folders where fork is available; ``ARMSTIMELINE_WORKERS`` overrides (1 turns
    parallel parsing off). ``idle`` counts idle cores (``idle_cores`` by default).

    Workers buy wall-clock time with CPU time (a second process's cold caches, results
    sent between processes): worth it while a core is idle, a loss on a busy machine,
    where the other core is someone else's anyway. So a folder is parsed here when
    fewer than two cores are idle."""
    override = os.environ.get("ARMSTIMELINE_WORKERS", "")
    if override.isdigit():
        return max(1, int(override))
    if n_files < PARALLEL_MIN_FILES or sys.platform != "linux":
        return 1
    return max(1, min(os.cpu_count() or 1, 4, (idle or _idle_lately)()))


_LATELY = 5.0  # seconds an answer of idle_cores holds
_asked: list[tuple[float, int]] = []  # (when, idle cores) of the last ask


def _idle_lately() -> int:
    """``idle_cores``, asked at most once in ``_LATELY`` seconds: one command asks several
    times within a moment (its files, its register's events, work beside them), and a
    worker it has just started must not be taken for someone else's work."""
    import time

    now = time.monotonic()
    if not _asked or now - _asked[0][0] > _LATELY:
        _asked[:] = [(now, idle_cores())]
    return _asked[0][1]


def idle_cores(seconds: float = 0.05) -> int:
    """How many cores were idle over a short moment (Linux's /proc/stat); every core
    when it cannot be read."""
    import time

    def sample() -> tuple[int, int]:
        with open("/proc/stat", encoding="ascii") as stat:
            ticks = [int(n) for n in stat.readline().split()[1:9]]
        return ticks[3] + ticks[4], sum(ticks)  # idle + iowait, all

    try:
        idle, total = sample()
        time.sleep(seconds)
        idle2, total2 = sample()
    except (OSError, ValueError, IndexError):
        return os.cpu_count() or 1
    if total2 <= total:
        return os.cpu_count() or 1
    return round((idle2 - idle) / (total2 - total) * (os.cpu_count() or 1))


def _start(parent: int, work: Work) -> None:
    """In a new worker: end with the parent, keep the work, pause the cyclic collector
    (a worker makes objects that are never garbage, as the loader does)."""
    global _work
    _die_with_parent(parent)
    _work = work
    gc.disable()


def _run(span: tuple[int, int]) -> bytes:
    assert _work is not None
    return pack(_work(*span))


def pack(results: Any) -> bytes:
    """What a worker sends back: one pickle (``pickle.loads`` reads it), attrs objects in
    it as their class and field values."""
    out = io.BytesIO()
    _Pickler(out, pickle.HIGHEST_PROTOCOL).dump(results)
    return out.getvalue()


_FIELDS: dict[type, tuple[tuple[str, ...], Callable[[Any], tuple[Any, ...]]]] = {}
_set = object.__setattr__


def _fields(cls: type) -> tuple[tuple[str, ...], Callable[[Any], tuple[Any, ...]]]:
    """An attrs class's field names, and a getter of all of them at once (in C)."""
    known = _FIELDS.get(cls)
    if known is None:
        names = tuple(a.name for a in attrs.fields(cls))
        getter = operator.attrgetter(*names)
        known = _FIELDS[cls] = (names, (lambda o: (getter(o),)) if len(names) == 1 else getter)
    return known


def _rebuild(cls: type, values: tuple[Any, ...]) -> Any:
    """An attrs object from its fields' values, as they were: no converter or validator
    runs again (they ran where the file was read), and frozen classes are set as attrs
    sets them."""
    make = _MAKERS.get(cls)
    if make is None:
        make = _MAKERS[cls] = _maker(cls)
    return make(values)


_MAKERS: dict[type, Callable[[tuple[Any, ...]], Any]] = {}


def _maker(cls: type) -> Callable[[tuple[Any, ...]], Any]:
    """A function that makes a ``cls`` from its fields' values, written out field by field
    as attrs writes its own methods (a loop over the names cost a fifth more to unpickle)."""
    names = _fields(cls)[0]
    slots = [f"v{i}" for i in range(len(names))]
    lines = [
        "def make(values):",
        f"    {', '.join(slots)}, = values",
        "    obj = new(cls)",
        *(f"    set(obj, {name!r}, {slot})" for name, slot in zip(names, slots, strict=True)),
        "    return obj",
    ]
    scope: dict[str, Any] = {"new": object.__new__, "set": _set, "cls": cls}
    exec("\n".join(lines), scope)  # our own text, made from attrs' field names
    made: Callable[[tuple[Any, ...]], Any] = scope["make"]
    return made


class _Pickler(pickle.Pickler):
    """Pickles attrs objects as (class, field values) for ``_rebuild``."""

    def reducer_override(self, obj: Any) -> Any:
        cls = type(obj)
        if not attrs.has(cls):
            return NotImplemented
        return _rebuild, (cls, _fields(cls)[1](obj))


@contextlib.contextmanager
def beside(work: Callable[[], T], size: int) -> Iterator[Callable[[], T]]:
    """A function that gives ``work()``'s result: done in a forked process, beside what
    this process does meanwhile, when ``size`` is large enough to parallelise and a core
    is idle (``processes``); else done here when the result is first asked for. The
    process ends with the block, whatever happens in it; an error there is raised here,
    and a process that ends without an answer (killed) is an error, never a wait."""
    if processes(size) <= 1:
        done: list[T] = []

        def here() -> T:
            if not done:
                done.append(work())
            return done[0]

        yield here
        return
    import multiprocessing

    context = multiprocessing.get_context("fork")
    receiving, sending = context.Pipe(duplex=False)
    parent = os.getpid()

    def run() -> None:
        _die_with_parent(parent)
        gc.disable()  # what the work makes lives until it is sent
        try:
            answer = pack((True, work()))
        except Exception as exc:  # sent back whole when it can be, else as a sentence
            try:
                answer = pack((False, exc))
            except Exception:
                answer = pack((False, RuntimeError(f"{type(exc).__name__}: {exc}")))
        sending.send_bytes(answer)

    process = context.Process(target=run, daemon=True)
    process.start()
    sending.close()
    got: list[T] = []

    def answer() -> T:
        if not got:
            try:
                ok, value = pickle.loads(receiving.recv_bytes())
            except EOFError:
                process.join()
                # an OSError: the caller's sentence for a failed write takes it in
                raise ChildProcessError(
                    f"the process working beside this one ended without an answer "
                    f"(exit code {process.exitcode}: killed, or out of memory?)"
                ) from None
            if not ok:
                raise value
            got.append(value)
        return got[0]

    try:
        yield answer
    finally:
        receiving.close()
        if process.is_alive():
            process.kill()
        process.join()


def _die_with_parent(parent: int) -> None:
    """In a worker: end when the parent ends, even by ``kill -9`` (Linux's parent-death
    signal), instead of running on for seconds as an orphan."""
    import ctypes
    import signal

    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:  # the parent died before the signal was armed
        os._exit(1)


AHEAD = 2  # chunks in flight per worker, and as many parsed here ahead


def in_order(n_files: int, work: Callable[[int, int], list[T]]) -> Iterator[T]:
    """``work(start, stop)``'s results for files ``start`` to ``stop``, chunk after chunk
    in file order: in forked workers and here when the folder is large, else here.

    This process is one of the parsers: while the next chunk due from a worker is not
    ready, or while it has parsed less than its share (``OWN_SHARE`` times its even
    share), it parses a later chunk itself (a few ahead at most), so only the workers'
    share of the results is pickled and sent, and one process fewer is forked. ``AHEAD``
    chunks are in flight per worker and as many parsed here ahead, never the whole
    folder: a consumer slower than the parsers (a streamed build writing rows) would
    otherwise hold every result."""
    starts = iter(range(0, n_files, CHUNK))
    workers = processes(n_files)
    if workers <= 1:
        for start in starts:
            yield from work(start, min(start + CHUNK, n_files))
        return
    import multiprocessing

    helpers = workers - 1  # this process parses too
    with multiprocessing.get_context("fork").Pool(
        helpers, initializer=_start, initargs=(os.getpid(), work)
    ) as pool:
        # every chunk in file order: parsed here (its results) or sent (its AsyncResult)
        due: collections.deque[tuple[bool, Any]] = collections.deque()
        sent = here = 0

        def send() -> None:
            nonlocal sent
            while sent < AHEAD * helpers:
                start = next(starts, None)
                if start is None:
                    return
                span = (start, min(start + CHUNK, n_files))
                due.append((False, pool.apply_async(_run, (span,))))
                sent += 1

        send()
        parsed_here = parsed_there = 0
        while due:
            local, item = due[0]
            # parse a later chunk here while the worker is busy, or while this process
            # has parsed less than its share
            behind = parsed_here < OWN_SHARE / workers * (parsed_here + parsed_there)
            if not local and (behind or not item.ready()) and here < AHEAD * helpers:
                later = next(starts, None)
                if later is not None:
                    due.append((True, work(later, min(later + CHUNK, n_files))))
                    here += 1
                    parsed_here += 1
                    continue
            due.popleft()
            if local:
                here -= 1
                yield from item
                continue
            results = pickle.loads(item.get())
            sent -= 1
            parsed_there += 1
            send()
            yield from results
