"""Drive `armstimeline serve` with concurrent clients on loopback and report what it served.

    python benchmarks/load.py --clients 8 --seconds 20
    python benchmarks/load.py --clients 32 --seconds 60 --heavy 1   # issue 20's target
    python benchmarks/load.py --clients 32 --seconds 60 --heavy 1 --attack 4 --workers 2

Builds the database (from --events, default the bundled events), starts the server on a
free 127.0.0.1 port, and has each client request, in turn, the events table, a facet
view, a full-text search, an event's page, an .ics download, the visual timeline and a
canned query, until the time or the request budget runs out. It prints requests served,
errors (any status but 200), latency percentiles, and whether the database file is
byte-for-byte unchanged afterwards. Exits 1 on any error or change. Traffic goes only to
127.0.0.1 and stops by itself. ``--attack N`` makes N clients send, in turn, the worst
requests found against the site (issue 30, ``ATTACKS``); ``--db FILE`` serves a copy of a
database already built (a 20,000-event one from ``generate.py``) instead of building one.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from armstimeline.site.sqllimits import MAX_PATTERN_BYTES, MAX_VALUE_BYTES  # noqa: E402


def paths(db: str, event: str = "turkey-s400-purchase-2019") -> list[str]:
    """The readers' pages (the site's own first), and Datasette's views people use."""
    through = json.dumps({"table": "actors", "column": "country", "value": "TUR"})
    return [
        "/events",
        "/events?country=TUR",
        "/events?q=Iskander",
        f"/events/{event}",
        "/countries/TUR",
        "/timeline?kind=basing",
        "/",
        f"/{db}/events",
        f"/{db}/events.json?_facet_array=countries&_size=5",
        f"/{db}/events.ics?" + urllib.parse.urlencode({"_through": through}),
        f"/{db}/country_timeline.json?country=MMR",
    ]


# The heaviest queries the site allows, sent in turn by --heavy clients: as many rows of
# the longest value as Datasette returns, a recursive count until the time limit, and a
# cross join the time limit stops. Their answers (200, or 400 when a limit stops them) are
# counted apart from the readers' requests, which must all succeed.
HEAVY_SQL = [
    # as many rows as Datasette returns, each the longest value the site allows
    # (hex doubles the length: one byte short of half the cap is the longest that passes)
    "with recursive n(i) as (select 1 union all select i + 1 from n limit 1000) "
    f"select i, hex(randomblob({MAX_VALUE_BYTES // 2 - 1})) as blob from n",
    "with recursive n(i) as (select 1 union all select i + 1 from n) select count(*) from n",
    "select count(*) from events a, events b, events c, events d, events e",
    "select length(printf('%.*c', 1000000000, 'x'))",
]


LONG = "replace(hex(zeroblob(262000)), '0', 'a')"  # 524,000 a's: within the value cap
NEEDLE = "replace(hex(zeroblob(131000)), '0', 'a') || 'b'"
ROWS = "with recursive n(i) as (select 1 union all select i + 1 from n limit {n}) "
# The worst requests found against the site (issue 30), sent in turn by --attack clients:
# single SQL steps that ran for seconds (printf widths in every form, instr/replace and
# LIKE of long values), the most memory one query may hold (rows of 500 KB up to the
# 4 MiB budget, one row of 64 such values), the largest calendar a query may ask for, a
# full page of the events table and the whole table streamed as CSV. Their answers (200,
# 400 at a limit, 503 from a busy lane) are counted apart from the readers'.
ATTACK_SQL = [
    "select length(printf('%.*c', '1000000000', 'x'))",
    "select length(printf('%.*c', 1e9, 'x'))",
    "select length(format('%*c', x'31303030303030303030', 'x'))",
    f"select instr({LONG}, {NEEDLE})",
    f"select length(replace({LONG} || 'b', {NEEDLE}, 'c'))",
    # the longest patterns allowed
    f"select {LONG} like '%' || substr({LONG}, 1, {MAX_PATTERN_BYTES - 3}) || 'b%'",
    f"select {LONG} glob '*' || substr({LONG}, 1, {MAX_PATTERN_BYTES - 3}) || 'b*'",
    ROWS.format(n=8) + "select i, zeroblob(500000) as big from n",
    ROWS.format(n=1000) + "select i, zeroblob(500000) as big from n",
    "select " + ", ".join(f"zeroblob(524000) as c{i}" for i in range(64)),
]


def attack_paths(db: str) -> list[str]:
    def sql(query: str, ext: str = ".json") -> str:
        return f"/{db}{ext}?" + urllib.parse.urlencode({"sql": query})

    return [
        *(sql(q) for q in ATTACK_SQL),
        sql("select id as event_id from events limit 10000", ".ics"),
        f"/{db}/events?_size=max",
        f"/{db}/events.csv?_stream=1&_size=max",
    ]


def _peak_rss_mb(pid: int) -> float | None:
    """The peak resident memory (Linux's VmHWM) of the server and its worker processes,
    added up, or None where unknown."""

    def peak(process: int) -> int:
        for line in Path(f"/proc/{process}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
        return 0

    def family(process: int) -> list[int]:
        children = []
        for task in Path(f"/proc/{process}/task").iterdir():
            children += [int(c) for c in (task / "children").read_text().split()]
        return [process] + [p for child in children for p in family(child)]

    try:
        return round(sum(peak(p) for p in family(pid)) / 1024, 1)
    except OSError:
        return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(base: str, proc: subprocess.Popen, timeout: float = 60) -> float:
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if proc.poll() is not None:
            raise SystemExit("the server exited before answering")
        try:
            with urllib.request.urlopen(base + "/-/versions.json", timeout=1):
                return time.monotonic() - start
        except OSError:
            time.sleep(0.05)
    raise SystemExit("the server did not answer in time")


def run(args: argparse.Namespace) -> dict:
    work = Path(tempfile.mkdtemp(prefix="armstimeline-load-"))
    db = work / "armstimeline.db"
    events = args.events or ROOT / "events"
    sources = args.sources or ROOT / "seeds"
    if args.db is not None:
        shutil.copyfile(args.db, db)
    else:
        subprocess.run(
            [sys.executable, "-m", "armstimeline", "build", "--events", str(events),
             "--sources", str(sources), "--db", str(db)],
            check=True, capture_output=True,
        )  # fmt: skip
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    load_before = [round(x, 2) for x in os.getloadavg()]
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen(
        [sys.executable, "-m", "armstimeline", "serve", "--db", str(db), "--no-rebuild",
         "--port", str(port), "--metadata", str(ROOT / "metadata.yml"),
         "--workers", str(args.workers)],
        stdout=subprocess.DEVNULL, stderr=(work / "server.log").open("wb"),
    )  # fmt: skip
    try:
        started = wait_until_up(base, proc)
        with sqlite3.connect(f"file:{db}?immutable=1", uri=True) as conn:
            names = {r[0] for r in conn.execute("select id from events")}
        event = "turkey-s400-purchase-2019"
        urls = [base + p for p in paths(db.stem, event if event in names else min(names))]
        latencies: list[float] = []
        errors: list[str] = []
        lock = threading.Lock()
        deadline = time.monotonic() + args.seconds
        budget = [args.max_requests]

        heavy: dict[str, int] = {}
        heavy_urls = [
            f"{base}/{db.stem}.json?" + urllib.parse.urlencode({"sql": sql}) for sql in HEAVY_SQL
        ]
        attack_urls = [base + p for p in attack_paths(db.stem)]
        attacks: dict[str, int] = {}

        def heavy_client(offset: int, chosen: list[str] = heavy_urls,
                         answers: dict[str, int] = heavy) -> None:  # fmt: skip
            i = offset
            while time.monotonic() < deadline:
                url = chosen[i % len(chosen)]
                i += 1
                try:
                    with urllib.request.urlopen(url, timeout=30) as response:
                        response.read()
                        status = str(response.status)
                except urllib.error.HTTPError as exc:
                    status = str(exc.code)
                except OSError as exc:
                    status = type(exc).__name__
                with lock:
                    answers[status] = answers.get(status, 0) + 1

        table_latencies: list[float] = []
        by_page: dict[str, list[float]] = {}

        def client(offset: int) -> None:
            i = offset
            while time.monotonic() < deadline:
                with lock:
                    if budget[0] <= 0:
                        return
                    budget[0] -= 1
                url = urls[i % len(urls)]
                i += 1
                t0 = time.perf_counter()
                try:
                    with urllib.request.urlopen(url, timeout=10) as response:
                        response.read()
                        ok = response.status == 200
                        status = str(response.status)
                except urllib.error.HTTPError as exc:
                    ok, status = False, str(exc.code)
                except OSError as exc:
                    ok, status = False, type(exc).__name__
                elapsed = time.perf_counter() - t0
                with lock:
                    latencies.append(elapsed)
                    if url == urls[0]:
                        table_latencies.append(elapsed)
                    by_page.setdefault(url[len(base) :], []).append(elapsed)
                    if not ok:
                        errors.append(f"{status} {url}")

        def attack_client(offset: int) -> None:
            heavy_client(offset, attack_urls, attacks)

        def role(n: int) -> Any:
            if n < args.heavy:
                return heavy_client
            return attack_client if n < args.heavy + args.attack else client

        threads = [threading.Thread(target=role(n), args=(n,)) for n in range(args.clients)]
        t_start = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.monotonic() - t_start
        peak_mb = _peak_rss_mb(proc.pid)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    after = hashlib.sha256(db.read_bytes()).hexdigest()
    ordered = sorted(latencies)
    tables = sorted(table_latencies)

    def pct(p: float, values: list[float] = ordered) -> float:
        return values[min(len(values) - 1, int(p * len(values)))] * 1000 if values else 0.0

    return {
        "clients": args.clients,
        "workers": args.workers,
        "seconds": round(wall, 2),
        "requests": len(latencies),
        "errors": len(errors),
        "error_samples": errors[:5],
        "requests_per_second": round(len(latencies) / wall, 1) if wall else 0,
        "p50_ms": round(pct(0.50), 1),
        "p99_ms": round(pct(0.99), 1),
        "max_ms": round(ordered[-1] * 1000, 1) if ordered else 0,
        "mean_ms": round(statistics.fmean(ordered) * 1000, 1) if ordered else 0,
        "events_page_p99_ms": round(pct(0.99, tables), 1),
        # the site's own reader pages (not Datasette's table, JSON and calendar views)
        "site_pages_p99_ms": round(pct(0.99, sorted(
            t for page, times in by_page.items() if not page.startswith(f"/{db.stem}")
            for t in times)), 1),
        "slowest_pages_p99_ms": dict(sorted(
            ((page[:50], round(pct(0.99, sorted(times)), 1)) for page, times in by_page.items()),
            key=lambda item: -item[1])[:4]),
        # every reader page: requests, p50 and p99 in ms
        "pages": {
            page[:60]: [len(times), round(pct(0.50, sorted(times)), 1),
                        round(pct(0.99, sorted(times)), 1)]
            for page, times in by_page.items()
        },
        "heavy_clients": args.heavy,
        "heavy_answers": dict(sorted(heavy.items())),
        "attack_clients": args.attack,
        "attack_answers": dict(sorted(attacks.items())),
        "load_average_before": load_before,
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "server_peak_rss_mb": peak_mb,
        "first_answer_s": round(started, 2),
        "database_unchanged": before == after,
        "server_log": str(work / "server.log"),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--max-requests", type=int, default=100_000)
    parser.add_argument(
        "--heavy", type=int, default=0, help="clients that send the heaviest SQL in a loop"
    )
    parser.add_argument("--workers", type=int, default=min(os.cpu_count() or 1, 4),
                        help="server processes (armstimeline serve --workers); default one "
                             "per core, up to 4, as the README advises for many readers")
    parser.add_argument(
        "--attack", type=int, default=0, help="clients that send the worst requests found"
    )
    parser.add_argument("--db", type=Path, default=None, help="serve a copy of this database")
    parser.add_argument("--events", type=Path, default=None)
    parser.add_argument("--sources", type=Path, default=None)
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    args = parser.parse_args(argv)
    if args.clients < 1 or args.clients > 64 or args.seconds <= 0 or args.seconds > 600:
        parser.error("use 1-64 clients for at most 600 seconds")
    if not args.heavy >= 0 or args.attack < 0 or args.heavy + args.attack >= args.clients:
        parser.error("--heavy and --attack must leave at least one reading client")
    report = run(args)
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        for key, value in report.items():
            print(f"{key:>20}: {value}")
    return 0 if report["errors"] == 0 and report["database_unchanged"] else 1


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    sys.exit(main())
