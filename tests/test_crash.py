"""Builds killed at random moments (kill -9) and builds run at the same time.

After each crash the previous database is byte-identical or the new one complete and
intact, and the next build leaves no temporary file and no worker process behind. Two
builds of one database never both claim to have published: the second waits its turn.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from armstimeline.database import build

ROOT = Path(__file__).resolve().parent.parent
N_FILES = 600
TRIALS = 20


def generated(tmp_path: Path) -> tuple[Path, Path]:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from generate import generate

    return generate(N_FILES, tmp_path / "data")


def edit(events: Path, rng: random.Random, share: float) -> None:
    """Change the summary of a share of the files: a cold rebuild past a quarter."""
    paths = sorted(events.glob("*.yml"))
    for path in rng.sample(paths, max(1, int(len(paths) * share))):
        text = path.read_text()
        path.write_text(text.replace("summary: ", f"summary: Edit {rng.randrange(10**6)}. ", 1))


def run_build(events: Path, seeds: Path, db: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "ARMSTIMELINE_WORKERS": "2"}  # parse workers even for 600 files
    code = (
        "import sys; from armstimeline.database import build; "
        "build(sys.argv[1], sys.argv[2], sys.argv[3])"
    )
    return subprocess.Popen(
        [sys.executable, "-c", code, str(events), str(seeds), str(db)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip


def processes_naming(marker: str) -> list[int]:
    """Live processes whose command line names ``marker`` (a build and its workers)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes()
            state = (entry / "stat").read_text().split(") ", 1)[1][:1]
        except OSError:
            continue
        if marker.encode() in cmdline and state != "Z":
            found.append(int(entry.name))
    return found


def check_database(db: Path) -> int:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        assert conn.execute("pragma integrity_check").fetchone()[0] == "ok"
        assert conn.execute("pragma foreign_key_check").fetchall() == []
        return conn.execute("select count(*) from events").fetchone()[0]


@pytest.mark.slow
@pytest.mark.skipif(sys.platform != "linux", reason="kill -9 and /proc are Linux's")
def test_builds_killed_at_random_moments(tmp_path):
    rng = random.Random(20)
    events, seeds = generated(tmp_path)
    db = tmp_path / "out" / "crash.db"
    build(events, seeds, db)
    # how long a build takes here, so the kill times scale with the machine
    edit(events, rng, 0.3)
    started = time.monotonic()
    assert run_build(events, seeds, db).wait() == 0
    duration = time.monotonic() - started
    for trial in range(TRIALS):
        edit(events, rng, 0.3 if trial % 2 else 0.05)  # cold and incremental builds
        before = db.read_bytes()
        process = run_build(events, seeds, db)
        time.sleep(rng.uniform(0.05, 1.0) * duration)
        process.send_signal(signal.SIGKILL)
        process.wait()
        after = db.read_bytes()
        assert after == before or check_database(db) == N_FILES, f"trial {trial}"
        check_database(db)
        assert run_build(events, seeds, db).wait() == 0, f"trial {trial}: the next build"
        assert check_database(db) == N_FILES
        leftovers = [p.name for p in db.parent.iterdir() if p.name != db.name]
        assert leftovers == [], f"trial {trial}: {leftovers}"
        assert processes_naming(str(db)) == [], f"trial {trial}: a worker outlived its build"


@pytest.mark.slow
def test_two_builds_of_one_database_take_turns(tmp_path, monkeypatch):
    """Both finish, one after the other; neither result is silently lost."""
    events, seeds = generated(tmp_path)
    db = tmp_path / "turns.db"
    order: list[str] = []
    from armstimeline.database import builder

    real = builder.stream

    def traced(*args, **kwargs):
        order.append("start")
        try:
            return real(*args, **kwargs)
        finally:
            time.sleep(0.2)  # give the other thread every chance to overlap
            order.append("end")

    monkeypatch.setattr(builder, "stream", traced)
    threads = [
        threading.Thread(target=build, args=(events, seeds, db), kwargs={"incremental": False})
        for _ in range(2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert order == ["start", "end", "start", "end"]
    assert check_database(db) == N_FILES


def test_a_held_lock_makes_the_second_build_wait_then_say_so(tmp_path):
    from armstimeline.atomic import exclusive
    from armstimeline.errors import BuildError

    db = tmp_path / "held.db"
    with exclusive(db), pytest.raises(BuildError, match=r"Another build of .* is still running"):  # noqa: SIM117
        with exclusive(db, BuildError, wait=0.2):
            pass


def test_stale_temporary_files_are_removed(tmp_path):
    from .conftest import EVENTS, SEEDS

    db = tmp_path / "stale.db"
    (tmp_path / ".stale.db.abc123.tmp").write_bytes(b"x" * 1000)
    (tmp_path / ".other.db.abc123.tmp").write_bytes(b"not ours")
    build(EVENTS, SEEDS, db)
    assert sorted(p.name for p in tmp_path.iterdir()) == [".other.db.abc123.tmp", "stale.db"]
