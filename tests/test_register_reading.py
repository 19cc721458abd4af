"""Reading a register fast without reading it differently: the one-step pattern for a
well-formed line, the cache of a file read before, and an earlier edition's lines."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from armstimeline.registers import cache, content_ids, read_register
from armstimeline.registers.row import RowPattern, read_row
from tests.sipri_fixture import HEADER, ROWS_1, ROWS_2, register

_COLUMNS = {
    "recipient": 0, "supplier": 1, "year": 2, "year?": 3, "ordered": 4, "ordered?": 5,
    "designation": 6, "description": 7, "delivered": 8, "delivered?": 9, "years": 10,
    "status": 11, "comments": 12, "tiv_unit": 13, "tiv_order": 14, "tiv_delivered": 15,
}  # fmt: skip
_WIDTH = len(HEADER.split(","))

# cells as registers write them, and as they should not: white space of every kind
# around and inside, marks, numbers too long, letters where digits go, blanks
_SPACE = st.sampled_from(["", " ", "  ", "\t", "\u00a0", "\u2003", "\x0b"])
_WORD = st.text(st.characters(blacklist_characters=",\n\r", blacklist_categories=("Cs",)),
                max_size=12)  # fmt: skip
_CELL = st.one_of(
    _WORD,
    st.sampled_from(["?", "??", "2016", "201", "20160", "2016; 2017", "2016 ;2017;", "12",
                     "1234567890", "0012", "3.5", "3.", ".5", "1e3", "+4", "٢٠١٦"]),
    st.builds(lambda a, w, b: f"{a}{w}{b}", _SPACE, _WORD, _SPACE),
)  # fmt: skip


def _slow(line: str) -> tuple[object, list[object]]:
    problems: list[object] = []
    fields = line.split(",")
    row = read_row("r.csv", 7, line, fields, _COLUMNS, problems)  # type: ignore[arg-type]
    return row, problems


@settings(max_examples=400, deadline=None)
@given(st.lists(_CELL, min_size=_WIDTH, max_size=_WIDTH))
def test_a_line_reads_the_same_in_one_step_as_cell_by_cell(cells):
    """Whatever the cells, the one-step pattern reads a line exactly as the cell-by-cell
    reader does, or leaves it to that reader (which then names its problems)."""
    line = ",".join(cells)
    fast = RowPattern(_COLUMNS, _WIDTH).row(7, line)
    slow, problems = _slow(line)
    if fast is not None:
        assert fast == slow and not problems
    elif slow is not None:
        pytest.fail(f"a well-formed line the pattern refused: {line!r}")


def test_every_fixture_row_reads_in_one_step():
    pattern = RowPattern(_COLUMNS, _WIDTH)
    for line in [r for r in ROWS_1 + ROWS_2 if "\n" not in r]:
        fast = pattern.row(7, line)
        assert fast is not None and fast == _slow(line)[0], line


def _write(path: Path, rows: list[str], stamp: str) -> Path:
    path.write_bytes(register(rows, stamp).encode("latin-1"))
    return path


def test_a_file_read_before_comes_from_the_cache_as_it_was(tmp_path, monkeypatch):
    monkeypatch.setenv("ARMSTIMELINE_CACHE", str(tmp_path / "cache"))
    path = _write(tmp_path / "r.csv", ROWS_1, "13 Mar 2025 10:02:49 AM")
    first, problems = read_register(path)
    assert first is not None and not problems
    kept = list((tmp_path / "cache").iterdir())
    assert len(kept) == 1 and first.sha256 in kept[0].name
    again, _ = read_register(path)
    assert again == first and again.bases == first.bases
    assert content_ids(again.rows) == content_ids(first.rows)
    # a damaged or foreign entry is read again from the file, never trusted
    kept[0].write_bytes(b"\x00not marshal")
    assert read_register(path)[0] == first
    monkeypatch.setenv("ARMSTIMELINE_CACHE", "off")
    assert read_register(path)[0] == first


def test_a_file_with_problems_is_not_cached(tmp_path, monkeypatch):
    monkeypatch.setenv("ARMSTIMELINE_CACHE", str(tmp_path / "cache"))
    bad = [*ROWS_2, "Chad,Russia,20X5,,1,,Mi-24,combat helicopter,1,,2016,New,,1,1,1"]
    path = _write(tmp_path / "r.csv", bad, "13 Mar 2025 10:02:49 AM")
    register_read, problems = read_register(path, skip_bad_rows=True)
    assert register_read is not None and problems and register_read.skipped
    assert not (tmp_path / "cache").exists() or not list((tmp_path / "cache").iterdir())


def test_a_cache_that_cannot_be_written_is_no_error(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("ARMSTIMELINE_CACHE", str(blocker / "cache"))
    path = _write(tmp_path / "r.csv", ROWS_1, "13 Mar 2025 10:02:49 AM")
    found, problems = read_register(path)
    assert found is not None and not problems


def test_an_editions_known_lines_read_as_they_did(tmp_path, monkeypatch):
    """A new edition read with the lines of the one before reads as it does alone."""
    monkeypatch.setenv("ARMSTIMELINE_CACHE", "off")
    one = read_register(_write(tmp_path / "1.csv", ROWS_1, "13 Mar 2025 10:02:49 AM"))[0]
    path = _write(tmp_path / "2.csv", ROWS_2, "10 Mar 2026 09:15:02 AM")
    assert one is not None
    alone, _ = read_register(path)
    helped, _ = read_register(path, known=one.known)
    assert alone is not None and helped == alone and helped.bases == alone.bases
    assert [r.line for r in helped.rows] == [r.line for r in alone.rows]


def test_known_lines_are_used_only_under_the_same_columns(tmp_path, monkeypatch):
    """A line with the very text of a line the edition before had reads by its own
    header: under columns in another order it means something else."""
    monkeypatch.setenv("ARMSTIMELINE_CACHE", "off")
    one = read_register(_write(tmp_path / "1.csv", ROWS_1, "13 Mar 2025 10:02:49 AM"))[0]
    assert one is not None
    cells = HEADER.split(",")
    cells[6], cells[7] = cells[7], cells[6]  # designation and description change places
    path = _write(tmp_path / "2.csv", ROWS_1, "10 Mar 2026 09:15:02 AM")
    path.write_bytes(path.read_bytes().replace(HEADER.encode(), ",".join(cells).encode()))
    alone, _ = read_register(path)
    helped, _ = read_register(path, known=one.known)
    assert alone is not None and helped == alone
    assert [r.designation for r in alone.rows] == [r.description for r in one.rows]


def test_the_cache_is_outside_the_project_by_default(monkeypatch):
    monkeypatch.delenv("ARMSTIMELINE_CACHE", raising=False)
    folder = cache.cache_folder()
    assert folder is not None and os.path.isabs(folder)
    assert not str(folder).startswith(str(Path(__file__).resolve().parent.parent))


def _padded(cell: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.builds(lambda a, c, b: f"{a}{c}{b}", _SPACE, cell, _SPACE)


_TEXT = st.text(st.characters(blacklist_characters=",\n\r", blacklist_categories=("Cs",)),
                min_size=1, max_size=12).filter(lambda t: t.strip() != "")  # fmt: skip
_YEAR = st.integers(1950, 2029).map(str)
_MARK = st.sampled_from(["", "?"])
_COUNT = st.one_of(st.just(""), st.integers(0, 999_999_999).map(str))
_YEARS = st.one_of(st.just(""), st.lists(_YEAR, min_size=1, max_size=4).map("; ".join))
_TIV = st.one_of(st.just(""), st.decimals(0, 10**6, places=2).map(str))
_WELL_FORMED = st.tuples(
    _TEXT, _TEXT, _YEAR, _MARK, _COUNT, _MARK, _TEXT, _TEXT, _COUNT, _MARK, _YEARS,
    st.one_of(st.just(""), _TEXT), st.one_of(st.just(""), _TEXT), _TIV, _TIV, _TIV,
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(_WELL_FORMED.flatmap(lambda cells: st.tuples(*map(_padded, map(st.just, cells)))))
def test_a_well_formed_line_reads_in_one_step_as_cell_by_cell(cells):
    line = ",".join(cells)
    slow, problems = _slow(line)
    assert slow is not None and not problems, problems
    assert RowPattern(_COLUMNS, _WIDTH).row(7, line) == slow


def test_rows_kept_while_held_are_written_by_whoever_the_holder_chooses(tmp_path, monkeypatch):
    """A build holds a register's rows for the cache and has the process it starts
    beside write them: nothing is written inside the block until asked, once."""
    from armstimeline.registers import cache

    monkeypatch.setenv("ARMSTIMELINE_CACHE", str(tmp_path / "cache"))
    path = _write(tmp_path / "r.csv", ROWS_1, "13 Mar 2025 10:02:49 AM")
    with cache.holding() as write:
        first, _ = read_register(path)
        assert not (tmp_path / "cache").exists()
        write()
        assert len(list((tmp_path / "cache").iterdir())) == 1
        write()  # nothing left to write
    assert read_register(path)[0] == first
    with cache.holding():
        read_register(_write(tmp_path / "s.csv", ROWS_2, "13 Mar 2025 10:02:49 AM"))
    assert len(list((tmp_path / "cache").iterdir())) == 1  # let go: read again next time


@pytest.mark.parametrize("workers", ["1", "2"])
def test_a_build_keeps_its_registers_rows_in_the_cache(tmp_path, monkeypatch, workers):
    """In one process, or by the process beside that makes the transfers."""
    from armstimeline.database import build

    from .test_streamed_build import project_with_register

    events, seeds = project_with_register(tmp_path)
    monkeypatch.setenv("ARMSTIMELINE_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("ARMSTIMELINE_WORKERS", workers)
    build(events, seeds, tmp_path / "a.db", incremental=False)
    assert len(list((tmp_path / "cache").iterdir())) == 1
