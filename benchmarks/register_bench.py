"""The register rows of ``run.py``: importing a full-size SIPRI register, and checking the
quotes of its events against the one 4 MB source they all come from.

- 4a. ``import_sipri`` of a 30,000-row register into an empty folder, against reading the
  same CSV with ``csv.reader`` and writing the same event files (the importer's own output,
  as dicts) with PyYAML's C dumper;
- 4b. the same import again (nothing changed), against the same anchor;
- 7. validating the imported folder, against validating it with the quote check off.
"""

from __future__ import annotations

import csv
import shutil
import statistics
from collections.abc import Callable
from pathlib import Path

import yaml

ROWS = 30_000


def measure(
    work: Path,
    repeat: int,
    timed: Callable[[Callable[[], object]], float],
    record: Callable[..., None],
) -> None:
    from sipri_register import rows, text

    from armstimeline.importing import import_sipri
    from armstimeline.loading import checks, validate

    register = work / "register.csv"
    register.write_bytes(text(rows(ROWS), "13 Mar 2025 10:02:49 AM").encode("latin-1"))
    seeds_master = Path(__file__).resolve().parent.parent / "seeds"

    def fresh(name: str) -> Path:
        root = work / name
        shutil.rmtree(root, ignore_errors=True)
        (root / "events").mkdir(parents=True)
        shutil.copytree(seeds_master, root / "seeds")
        return root / "events"

    # the importer's output once, as dicts, for the anchor to write again
    events_dir = fresh("reference")
    import_sipri(register, events_dir)
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    outputs = [
        (path.name, yaml.load(path.read_bytes(), Loader=loader))
        for path in sorted(events_dir.iterdir())
    ]
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

    def anchor() -> None:
        out = fresh("anchor")
        with open(register, encoding="latin-1", newline="") as handle:
            n = sum(1 for _ in csv.reader(handle))
        assert n > ROWS
        for name, data in outputs:
            (out / name).write_text(
                yaml.dump(data, Dumper=dumper, sort_keys=False, allow_unicode=True), "utf-8"
            )

    def ours() -> None:
        report = import_sipri(register, fresh("ours"))
        assert len(report.added) == len(outputs)

    anchors, first, again = [], [], []
    for _ in range(repeat):
        anchors.append(timed(anchor))
        first.append(timed(ours))
        again.append(timed(lambda: import_sipri(register, work / "ours" / "events")))
    record(f"4a. import a {ROWS:,}-row register vs csv + C dumper",
           statistics.median(first), statistics.median(anchors), 1.3,
           f"({len(outputs):,} event files)")  # fmt: skip
    record("4b. re-import of the same edition vs the same anchor",
           statistics.median(again), statistics.median(anchors), 0.1)  # fmt: skip

    seeds = work / "ours" / "seeds"
    real = checks.quote_in_text

    def without_quotes() -> None:
        checks.quote_in_text = lambda quote, text: True  # type: ignore[assignment]
        try:
            assert validate(work / "ours" / "events", seeds) == []
        finally:
            checks.quote_in_text = real

    def with_quotes() -> None:
        assert validate(work / "ours" / "events", seeds) == []

    off, on = [], []
    for i in range(repeat):
        # each goes first in turn: the second of a pair met a machine the first had warmed
        # (or left busy with its exiting parse workers)
        pair = [(off, without_quotes), (on, with_quotes)]
        for times, run in pair if i % 2 == 0 else pair[::-1]:
            times.append(timed(run))
    record("7. validate, quotes from one 4 MB source vs no quote check",
           statistics.median(on), statistics.median(off), 1.1,
           f"({len(outputs):,} events, one register)")  # fmt: skip
