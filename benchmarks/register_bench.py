"""The register rows of ``run.py``: a full-size SIPRI register (all suppliers, 30,000 rows,
about 56,000 derived events) registered as a project's data, at an analyst's scale.

- 4a. registering a revised edition over the first, the diff included, against reading
  both editions with ``csv.reader`` and joining their rows by key in a dict (<= 3);
- 4b. registering the same file again, against the same anchor;
- 8. a cold build of the project (curated events and the register), against reading the
  register with ``csv.reader`` and writing the same tables with raw ``sqlite3``
  executemany, as the cold-build anchor of row 2a does (<= 1.5);
- 9. ``load()`` of the project, against ``load()`` of as many generated YAML event files
  (<= 0.25).

A register read once is kept in the user's cache (``registers.cache``; here a folder of
the run's own). 4a: the edition registered first is read from it, as on the machine that
registered it, while the new edition is a file never read before (its entry is dropped
before every timed import). 8: the cache is emptied before every build, so the register
is read from its file (a fresh clone). 9: ``load()`` of a project whose register was read
when it was registered.
"""

from __future__ import annotations

import csv
import hashlib
import os
import shutil
import statistics
from collections.abc import Callable
from pathlib import Path

ROWS = 30_000


def _csv_rows(path: Path) -> list[list[str]]:
    with open(path, encoding="latin-1", newline="") as handle:
        return list(csv.reader(handle))


def measure(
    work: Path,
    repeat: int,
    timed: Callable[[Callable[[], object]], float],
    record: Callable[..., None],
    raw_db: Callable[[Path, dict[str, list[tuple]]], None] | None = None,
) -> None:
    from generate import generate
    from sipri_register import revise, rows, text

    from armstimeline.database import build
    from armstimeline.database.rows import all_rows, transfer_tables
    from armstimeline.figures import load_transfers
    from armstimeline.importing import import_sipri
    from armstimeline.loading import load_events
    from armstimeline.registers import cache
    from armstimeline.timeline import load

    os.environ["ARMSTIMELINE_CACHE"] = str(work / "cache")
    first_rows = rows(ROWS)
    one, two = work / "register-1.csv", work / "register-2.csv"
    one.write_bytes(text(first_rows, "13 Mar 2025 10:02:49 AM").encode("latin-1"))
    two.write_bytes(text(revise(first_rows), "10 Mar 2026 09:15:02 AM").encode("latin-1"))
    repo = Path(__file__).resolve().parent.parent

    def fresh(name: str) -> Path:
        root = work / name
        shutil.rmtree(root, ignore_errors=True)
        shutil.copytree(repo / "events", root / "events")
        shutil.copytree(repo / "seeds", root / "seeds")
        return root / "events"

    def anchor_join() -> None:
        a, b = _csv_rows(one), _csv_rows(two)
        old = {(r[0], r[1], r[2], r[6]): r for r in a if len(r) > 6}
        joined = sum(1 for r in b if len(r) > 6 and (r[0], r[1], r[2], r[6]) in old)
        assert joined > ROWS // 2

    base = fresh("base")
    import_sipri(one, base)
    revised, again, anchors = [], [], []
    for _ in range(repeat):
        anchors.append(timed(anchor_join))
        target = fresh("edition")
        shutil.rmtree(target.parent / "seeds")
        shutil.copytree(base.parent / "seeds", target.parent / "seeds")
        cache.forget(hashlib.sha256(two.read_bytes()).hexdigest())  # a new download
        revised.append(timed(lambda t=target: import_sipri(two, t)))  # type: ignore[misc]
        again.append(timed(lambda t=target: import_sipri(two, t)))  # type: ignore[misc]
    dry = fresh("dry")
    shutil.rmtree(dry.parent / "seeds")
    shutil.copytree(base.parent / "seeds", dry.parent / "seeds")
    report = import_sipri(two, dry, dry_run=True)
    record("4a. register a revised edition, with its diff, vs csv + dict join",
           statistics.median(revised), statistics.median(anchors), 3.0,
           f"({report.selected:,} rows: {len(report.added)} added, {len(report.revised)} "
           f"revised, {len(report.withdrawn)} withdrawn)")  # fmt: skip
    record("4b. register the same file again vs the same anchor",
           statistics.median(again), statistics.median(anchors), 1.0)  # fmt: skip

    # 8. a cold build of the project with one edition registered
    events, sources = load_events(base, base.parent / "seeds")
    tables = all_rows(events, sources)  # the same tables a build writes, transfers too
    tables.update(transfer_tables(load_transfers(base, base.parent / "seeds")))
    n = len(events)

    def anchor_build() -> None:
        assert len(_csv_rows(one)) > ROWS
        assert raw_db is not None
        raw_db(work / "raw-register.db", tables)

    def ours_build() -> None:
        shutil.rmtree(work / "cache", ignore_errors=True)  # the register never read here
        report = build(base, base.parent / "seeds", work / "register.db", incremental=False)
        assert report.events == n

    if raw_db is not None:
        built, anchored = [], []
        for _ in range(repeat):
            anchored.append(timed(anchor_build))
            built.append(timed(ours_build))
        record("8. cold build with a register vs csv + raw sqlite3",
               statistics.median(built), statistics.median(anchored), 1.5,
               f"({n:,} events)")  # fmt: skip

    # 9. load() of the register's events against as many YAML event files
    load(base, base.parent / "seeds")  # the register is read once, as its import did
    yaml_events, yaml_seeds = generate(n, work / "yaml-files")
    ours_load, files_load = [], []
    for _ in range(repeat):
        files_load.append(timed(lambda: load(yaml_events, yaml_seeds)))
        ours_load.append(timed(lambda: load(base, base.parent / "seeds")))
    record("9. load() of a register's events vs as many YAML files",
           statistics.median(ours_load), statistics.median(files_load), 0.25,
           f"({n:,} events)")  # fmt: skip
