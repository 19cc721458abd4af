"""Benchmarks: each figure measured side by side with its anchor, printed as a ratio.

    python benchmarks/run.py --n 100000            # generate (cached) data and measure
    python benchmarks/run.py --n 2000 --repeat 1   # a quick look
    python benchmarks/run.py --only build --busy 2 # beside two busy loops

Each target runs the anchor and armstimeline alternately, ``--repeat`` times, and
compares medians, so machine noise hits both sides alike. PASS or MISS is printed
against the target ratio. Beside each wall-clock ratio is the CPU-time ratio (user plus
system time of every process of ours, parse workers included; see ``cpuclock``): what
is left of a figure when other work takes the second core. Loading and the cold build
must meet their targets in both. Row counts are checked, so no speed comes from skipped
work. Not a test: the figures depend on the machine.
"""

from __future__ import annotations

import argparse
import csv
import gc
import io
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))
sys.path.insert(0, str(HERE))

import register_bench  # noqa: E402
import yaml  # noqa: E402
from cpuclock import busy_loops, cpu_seconds  # noqa: E402

from armstimeline.database import build  # noqa: E402
from armstimeline.database.cold import write_database  # noqa: E402
from armstimeline.database.rows import all_rows  # noqa: E402
from armstimeline.database.schema import INDEXES, SCHEMA, VIEWS  # noqa: E402
from armstimeline.datewords import qualifier_words  # noqa: E402
from armstimeline.export import export  # noqa: E402
from armstimeline.loading import event_paths, load_events  # noqa: E402
from armstimeline.records import COLUMNS, event_record  # noqa: E402
from armstimeline.search import FTS_TOKENIZE  # noqa: E402
from armstimeline.timeline import Timeline  # noqa: E402

RESULTS: list[dict] = []


def measured(fn: Callable[[], object]) -> tuple[float, float]:
    """(wall-clock seconds, CPU seconds) of one call."""
    gc.collect()
    cpu, start = cpu_seconds(), time.perf_counter()
    fn()
    return time.perf_counter() - start, cpu_seconds() - cpu


def timed(fn: Callable[[], object]) -> float:
    return measured(fn)[0]


def record(
    name: str,
    ours: float,
    anchor: float,
    target: float,
    note: str = "",
    cpu: tuple[float, float] | None = None,
    cpu_target: float | None = None,
) -> None:
    """One row: the wall-clock ratio against ``target``, and when ``cpu`` (ours, the
    anchor's) is given the CPU-time ratio beside it, against ``cpu_target`` when set."""
    ratio = ours / anchor if anchor else float("inf")
    cpu_ratio = cpu[0] / cpu[1] if cpu and cpu[1] else None
    met = ratio <= target and (cpu_target is None or (cpu_ratio or 0) <= cpu_target)
    verdict = "PASS" if met else "MISS"
    RESULTS.append(
        {"target": name, "ours_s": round(ours, 3), "anchor_s": round(anchor, 3),
         "ratio": round(ratio, 3), "limit": target, "verdict": verdict, "note": note,
         "cpu_ours_s": round(cpu[0], 3) if cpu else None,
         "cpu_anchor_s": round(cpu[1], 3) if cpu else None,
         "cpu_ratio": round(cpu_ratio, 3) if cpu_ratio is not None else None,
         "cpu_limit": cpu_target}
    )  # fmt: skip
    cpu_text = ""
    if cpu_ratio is not None:
        cpu_text = f"  cpu {cpu_ratio:6.3f} " + (
            f"(<= {cpu_target})" if cpu_target is not None else "(shown)"
        )
    print(
        f"{verdict}  {name:<44} {ours:8.3f}s vs {anchor:8.3f}s  ratio {ratio:6.3f} "
        f"(<= {target}){cpu_text} {note}",
        flush=True,
    )


def compare(
    name: str,
    anchor: Callable[[], object],
    ours: Callable[[], object],
    target: float,
    repeat: int,
    note: str = "",
    cpu_target: float | None = None,
) -> None:
    """Anchor and ours alternately, ``repeat`` times; medians of wall-clock and of CPU
    time compared (``cpu_target``: the CPU-time ratio must meet it too)."""
    anchors, ours_ = [], []
    for _ in range(repeat):
        anchors.append(measured(anchor))
        ours_.append(measured(ours))
    wall = statistics.median(t for t, _ in ours_), statistics.median(t for t, _ in anchors)
    cpu = statistics.median(c for _, c in ours_), statistics.median(c for _, c in anchors)
    record(name, *wall, target, note, cpu, cpu_target)


# -- anchors ----------------------------------------------------------------------------


def c_parse(paths: list[Path]) -> list[object]:
    loader = yaml.CSafeLoader
    return [yaml.load(p.read_bytes(), Loader=loader) for p in paths]


def raw_db(path: Path, tables: dict[str, list[tuple]]) -> None:
    """The same rows with plain sqlite3: one transaction, the same indexes, views and FTS."""
    if path.exists():
        path.unlink()
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("pragma journal_mode = off")
    conn.execute("pragma synchronous = off")
    conn.executescript(SCHEMA)
    conn.execute("begin")
    for table, rows in tables.items():
        if rows:
            marks = ", ".join("?" * len(rows[0]))
            conn.executemany(f"insert into [{table}] values ({marks})", rows)
    conn.execute("commit")
    conn.executescript(INDEXES)
    conn.executescript(  # the build's tokenizer: stemming costs a tenth more to index
        "create virtual table events_fts using fts5(title, summary, quotes, note, "
        f"content=events, tokenize='{FTS_TOKENIZE}');"
        "insert into events_fts(rowid, title, summary, quotes, note) "
        "select rowid, title, summary, quotes, note from events;"
    )
    conn.executescript(VIEWS)
    conn.close()


def count(path: Path, table: str) -> int:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(f"select count(*) from [{table}]").fetchone()[0]
    finally:
        conn.close()


# -- the benchmark ----------------------------------------------------------------------


def ensure_data(n: int, cache: Path, level1: float = 0.0) -> tuple[Path, Path]:
    from generate import generate

    folder = cache / (f"n{n}" if not level1 else f"n{n}-level1-{level1:g}")
    events, seeds = folder / "events", folder / "seeds"
    if not (seeds / "sources.yml").exists() or len(list(events.glob("*.yml"))) != n:
        print(f"generating {n} events in {folder} ...", flush=True)
        generate(n, folder, level1=level1)
    return events, seeds


def peak_rss_mb(events: Path, seeds: Path) -> float:
    # VmHWM, not ru_maxrss: on Linux ru_maxrss survives exec, so a child started by this
    # (large) process would report the parent's memory.
    code = (
        f"import sys; sys.path.insert(0, {str(HERE.parent / 'src')!r});"
        "from armstimeline.loading import load_events;"
        f"e, s = load_events({str(events)!r}, {str(seeds)!r});"
        "print(next(l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return int(out.stdout.strip()) / 1024


def build_rss_mb(events: Path, seeds: Path, db: Path) -> tuple[float, float]:
    """Peak RSS of a cold build: the building process (VmHWM) and its largest parse
    worker (the children's ru_maxrss), in MB."""
    code = (
        f"import sys, resource; sys.path.insert(0, {str(HERE.parent / 'src')!r});"
        "from armstimeline.database import build;"
        f"build({str(events)!r}, {str(seeds)!r}, {str(db)!r}, incremental=False);"
        "own = next(l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM'));"
        "print(own, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    own, worker = out.stdout.split()
    return int(own) / 1024, int(worker) / 1024


def help_time(repeat: int) -> None:
    def run(args: list[str]) -> Callable[[], object]:
        env = dict(os.environ, PYTHONPATH=str(HERE.parent / "src"))
        return lambda: subprocess.run([sys.executable, *args], env=env, check=True,
                                      capture_output=True)  # fmt: skip

    compare(
        "6. armstimeline --help vs importing its base",
        run(["-c", "import yaml, attrs, click, pendulum"]),
        run(["-m", "armstimeline", "--help"]),
        1.2,
        max(repeat, 5),
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--cache", type=Path, default=Path(tempfile.gettempdir()) / "armstimeline-bench"
    )
    parser.add_argument("--json", type=Path, default=None, help="also write the results here")
    parser.add_argument("--level1", type=float, default=0.0,
                        help="share of generated dates in EDTF level-1 forms (0 to 1)")
    parser.add_argument("--only", choices=["load", "build", "register"], default=None,
                        help="measure only these figures (load: 1, with its peak memory; "
                        "build: 1 to 3, with a cold build's peak memory; register: 4, 8 and 9)")
    parser.add_argument("--busy", type=int, default=0, metavar="N",
                        help="run N busy loops (separate processes, not counted) beside "
                        "the measurement, as other work on a shared machine")
    args = parser.parse_args()
    with busy_loops(args.busy) as loops:
        if loops:
            print(f"{len(loops)} busy loops running beside the measurement", flush=True)
        return measure_all(args)


def measure_all(args: argparse.Namespace) -> int:
    if args.only == "register":
        register_bench.measure(Path(tempfile.mkdtemp(prefix="armstimeline-bench-")), args.repeat,
                               timed, record, raw_db)  # fmt: skip
        return report(args)
    events, seeds = ensure_data(args.n, args.cache, args.level1)
    paths = event_paths(events)
    print(f"{len(paths)} event files, repeat {args.repeat}, Python {sys.version.split()[0]}")
    work = Path(tempfile.mkdtemp(prefix="armstimeline-bench-"))

    # 1. validate / load
    loaded: dict[str, object] = {}

    def ours_load() -> None:
        loaded["events"], loaded["sources"] = load_events(events, seeds)

    compare("1. load + validate vs C loader parse", lambda: c_parse(paths), ours_load, 1.25,
            args.repeat, cpu_target=1.25)  # fmt: skip
    assert len(loaded["events"]) == args.n  # type: ignore[arg-type]
    print(f"      peak RSS loading {args.n} events: {peak_rss_mb(events, seeds):.0f} MB")
    if args.only == "load":
        return report(args)

    # 2. cold build, and its database phase alone
    ours_db = work / "ours.db"
    raw_path = work / "raw.db"
    tables = all_rows(loaded["events"], loaded["sources"])  # type: ignore[arg-type]

    def ours_build() -> None:
        if ours_db.exists():
            ours_db.unlink()
        build(events, seeds, ours_db)

    def anchor_build() -> None:
        c_parse(paths)
        raw_db(raw_path, tables)

    compare("2a. cold build vs C parse + raw sqlite3", anchor_build, ours_build, 1.3, args.repeat,
            cpu_target=1.3)  # fmt: skip
    assert count(ours_db, "events") == count(raw_path, "events") == args.n
    assert count(ours_db, "actors") == count(raw_path, "actors")
    own, worker = build_rss_mb(events, seeds, work / "rss.db")
    print(f"      peak RSS of a cold build of {args.n} events: {own:.0f} MB "
          f"(largest parse worker {worker:.0f} MB; target 1 GB at 1M)")  # fmt: skip

    def ours_db_phase() -> None:
        path = work / "phase.db"
        if path.exists():
            path.unlink()
        write_database(path, loaded["events"], loaded["sources"], {"fingerprint": "x"})  # type: ignore[arg-type]

    compare("2b. database phase vs raw sqlite3", lambda: raw_db(raw_path, tables), ours_db_phase,
            1.5, args.repeat, "(ours adds row building and integrity checks)",
            cpu_target=1.5)  # fmt: skip

    # 3. incremental builds
    inc = work / "inc.db"
    build(events, seeds, inc)

    def cold_build() -> None:
        build(events, seeds, work / "c.db", incremental=False)

    colds = [measured(cold_build) for _ in range(max(1, args.repeat - 1))]
    cold = statistics.median(t for t, _ in colds), statistics.median(c for _, c in colds)
    sames = [measured(lambda: build(events, seeds, inc)) for _ in range(args.repeat)]
    same = statistics.median(t for t, _ in sames), statistics.median(c for _, c in sames)
    record("3a. incremental build, nothing changed", same[0], cold[0], 0.05, "",
           (same[1], cold[1]))  # fmt: skip
    changed = paths[::100]
    originals = {p: p.read_bytes() for p in changed}
    try:
        for p in changed:
            p.write_bytes(originals[p].replace(b"summary: >-\n  ", b"summary: >-\n  changed "))
        one_percent = measured(lambda: build(events, seeds, inc))
    finally:
        for p, data in originals.items():
            p.write_bytes(data)
    assert count(inc, "events") == args.n
    record("3b. incremental build, 1% of files changed", one_percent[0], cold[0], 0.2, "",
           (one_percent[1], cold[1]))  # fmt: skip
    if args.only == "build":
        return report(args)

    # 5. exports
    timeline = Timeline(loaded["events"], loaded["sources"])  # type: ignore[arg-type]
    assert len(event_record(timeline[0])) == len(COLUMNS)

    def plain_csv() -> None:
        """The same cells written plainly: no escaping, no formula rule."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(COLUMNS)
        j = " | ".join
        for e in timeline:
            d, first = e.date, (e.places[0] if e.places else None)
            writer.writerow([
                e.id, e.title, str(d), d.precision.label, d.earliest.isoformat(),
                d.latest.isoformat(), e.kind, j(e.countries), j(e.countries_in("supplier")),
                j(e.countries_in("recipient")), j(f"{a.country}:{a.role}" for a in e.actors),
                j(e.systems), j(f"{a.value!r} {a.currency or a.unit}: {a.what}" for a in e.amounts),
                j(f"{p.name} ({p.lat!r}, {p.lon!r})" for p in e.places),
                first.lat if first else "", first.lon if first else "", e.summary,
                j(f"{c.source}: {c.quote}" for c in e.sources), j(e.tags),
                j(f"{r.type}:{r.target}" for r in e.relations), e.note or "",
                j(qualifier_words(d)), e.date_basis, "curated", "",
            ])  # fmt: skip

    compare("5a. CSV export vs plain csv.writer", plain_csv, lambda: export(timeline, "csv"), 1.2,
            args.repeat, "(anchor writes the same cells without escaping)")  # fmt: skip

    def naive_ics() -> None:
        """The same calendar, property for property, built in one plain loop."""
        import datetime as dt

        import icalendar

        cal = icalendar.Calendar()
        for key, value in [
            ("prodid", "-//armstimeline//armstimeline events//EN"),
            ("version", "2.0"),
            ("calscale", "GREGORIAN"),
            ("x-wr-calname", "armstimeline"),
            ("name", "armstimeline"),
        ]:
            cal.add(key, value)  # fmt: skip
        stamp = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
        sources = timeline.sources
        for e in timeline:
            d = e.date
            item = icalendar.Event()
            item.add("uid", f"{e.id}@armstimeline")
            item.add("dtstamp", stamp)
            item.add("dtstart", d.earliest)
            item.add("dtend", d.latest.add(days=1))
            item.add("summary", f"[{d}] {e.title}")
            text = [e.summary, "", f"Date: {d} ({d.precision.label} precision; "
                    f"{d.earliest.isoformat()} to {d.latest.isoformat()})"]  # fmt: skip
            if e.note:
                text += ["", f"Note: {e.note}"]
            text += ["", "Sources:"] + [
                f"- {sources[c.source].title if c.source in sources else c.source} "
                f"({c.source}): “{c.quote}”"
                for c in e.sources
            ]
            item.add("description", "\n".join(text))
            item.add("categories", [e.kind, *e.tags])
            item.add("transp", "TRANSPARENT")
            item.add("x-armstimeline-date", str(d))
            item.add("x-armstimeline-precision", d.precision.label)
            if e.places:
                item.add("location", "; ".join(p.name for p in e.places))
                item.add("geo", (e.places[0].lat, e.places[0].lon))
            cal.add_component(item)
        cal.to_ical()

    compare("5b. iCalendar export vs naive icalendar", naive_ics, lambda: export(timeline, "ics"),
            1.2, args.repeat)  # fmt: skip

    compare("5c. SVG export vs CSV export", lambda: export(timeline, "csv"),
            lambda: export(timeline, "svg"), 2.0, args.repeat,
            "(every event drawn: the export is not thinned)")  # fmt: skip

    # 4, 8 and 9. a full-size register: a new edition, the same file again, a cold build
    # and load() of a project that registered it
    register_bench.measure(work, args.repeat, timed, record, raw_db)

    # 6. start-up
    help_time(args.repeat)

    return report(args)


def report(args: argparse.Namespace) -> int:
    """The closing count, and the JSON file when asked for."""
    misses = [r for r in RESULTS if r["verdict"] == "MISS"]
    print(f"\n{len(RESULTS) - len(misses)} of {len(RESULTS)} targets met.")
    if args.json:
        args.json.write_text(json.dumps(RESULTS, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
