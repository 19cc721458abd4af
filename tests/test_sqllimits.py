"""What one SQL call a visitor sends may cost (issue 30, point 1): every form of a printf
width or precision, long instr()/replace() searches, LIKE patterns and result columns.

The tests assert what comes back (NULL, the error, the result), never a time; the times
of the worst queries are measured by ``benchmarks/load.py --attack``.
"""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest
from datasette.app import Datasette

from armstimeline.database import build
from armstimeline.site import sqllimits
from armstimeline.site.serve import SETTINGS, load_metadata

from .conftest import EVENTS, ROOT, SEEDS
from .datasettes import sql_path

LONG = "replace(hex(zeroblob(262000)), '0', 'a')"  # 524,000 a's, within the value cap
NEEDLE = "replace(hex(zeroblob(131000)), '0', 'a') || 'b'"  # 262,000 a's then b


@pytest.fixture(scope="module")
def ds(tmp_path_factory) -> Datasette:
    path: Path = tmp_path_factory.mktemp("limits") / "armstimeline.db"
    build(EVENTS, SEEDS, path)
    site = Datasette(immutables=[str(path)], settings=SETTINGS,
                     metadata=load_metadata(path, ROOT / "metadata.yml"))  # fmt: skip
    # as `serve` does before its first request: the plugin's startup hook serves the
    # file through the site's own database class, whose connections carry every bound
    asyncio.run(site.invoke_startup())
    return site


async def one(ds: Datasette, sql: str) -> dict:
    response = await ds.client.get(sql_path(sql, ".json", _shape="arrays"))
    return response.json()


@pytest.fixture
def formatted(monkeypatch) -> list[tuple]:
    """The printf calls that reach SQLite's own printf."""
    calls: list[tuple] = []
    original = sqllimits.SqliteCall.one

    def spy(self, sql, args):
        if "printf" in sql:
            calls.append(args)
        return original(self, sql, args)

    monkeypatch.setattr(sqllimits.SqliteCall, "one", spy)
    return calls


@pytest.mark.asyncio
class TestPrintfWidths:
    @pytest.mark.parametrize(
        "width",
        ["1000000000", "'1000000000'", "' 1000000000'", "1e9", "1000000000.5",
         "x'31303030303030303030'", "999999999 + 1", "-1000000000", "'-1e9'"],
    )  # fmt: skip
    @pytest.mark.parametrize("fmt", ["%.*c", "%*c", "%-*.*c", "%!.*c"])
    async def test_a_width_past_the_cap_in_any_form_is_null_before_sqlite_formats(
        self, ds, formatted, fmt, width
    ):
        """Text, floats, blobs and expressions are read as SQLite reads them; the call
        gives NULL without SQLite's printf running (it loops for seconds first)."""
        args = f"{width}, {width}" if fmt.count("*") == 2 else width
        for name in ("printf", "format"):
            data = await one(ds, f"select {name}('{fmt}', {args}, 'x') as out")
            assert data["rows"] == [[None]], (name, data)
        assert formatted == []

    async def test_a_written_width_past_the_cap_is_null(self, ds, formatted):
        data = await one(ds, "select printf('%.1000000000c', 'x')")
        assert data["rows"] == [[None]] and formatted == []

    @pytest.mark.parametrize(
        ("sql", "out"),
        [("printf('%5.2f|%*d|%s|%%|%.*c', 3.14159, 4, 7, 'ab', 3, 'x')", " 3.14|   7|ab|%|xxx"),
         ("format('%d', 10000000000)", "10000000000"),
         ("printf('%*c', '3', 'y')", "  y"),
         ("printf('%s and %s', 'a')", "a and ")],
    )  # fmt: skip
    async def test_ordinary_formats_are_sqlites(self, ds, sql, out):
        assert (await one(ds, f"select {sql}"))["rows"] == [[out]]


@pytest.mark.asyncio
class TestLongSearches:
    async def test_instr_of_two_long_values_is_answered(self, ds, monkeypatch):
        """SQLite's instr compares the needle at every position (over a second for these
        two); the site's finds the same answer in linear time."""
        seen: list[str] = []
        original = sqllimits.SqliteCall.one

        def spy(self, sql, args):
            seen.append(sql)
            return original(self, sql, args)

        monkeypatch.setattr(sqllimits.SqliteCall, "one", spy)
        data = await one(ds, f"select instr({LONG}, {NEEDLE}), instr({LONG} || 'b', {NEEDLE}),"
                             f" instr(cast({LONG} as blob), cast('aab' as blob))")  # fmt: skip
        assert data["rows"] == [[0, 524000 - 262000 + 1, 0]]
        assert not any("instr" in sql for sql in seen)

    async def test_replace_of_two_long_values_is_answered(self, ds):
        data = await one(ds, f"select length(replace({LONG} || 'b', {NEEDLE}, 'c'))")
        assert data["rows"] == [[524001 - 262001 + 1]]
        too_big = await one(ds, f"select replace({LONG}, substr({LONG}, 1, 2000), "
                                "substr(hex(zeroblob(3000)), 1, 4000))")  # fmt: skip
        assert "too big" in too_big["error"]

    @pytest.mark.parametrize(
        ("sql", "out"),
        [("instr('héllo', 'l')", 3), ("instr(x'00010203', x'02')", 3),
         ("replace('abcabc', 'b', 'XX')", "aXXcaXXc"), ("replace(123, 2, 9)", "193"),
         ("instr(null, 'a')", None), ("replace('a', '', 'b')", "a")],
    )  # fmt: skip
    async def test_short_searches_are_sqlites(self, ds, sql, out):
        assert (await one(ds, f"select {sql}"))["rows"] == [[out]]

    async def test_a_long_like_pattern_is_refused(self, ds):
        """A LIKE pattern costs its length at every position of a value: past
        ``MAX_PATTERN_BYTES`` SQLite refuses it."""
        pattern = "%" + "a" * sqllimits.MAX_PATTERN_BYTES + "b%"
        data = await one(ds, f"select {LONG} like '{pattern}'")
        assert "pattern too complex" in data["error"]
        ok = await one(ds, f"select {LONG} like '%{'a' * 50}%'")
        assert ok["rows"] == [[1]]


@pytest.mark.asyncio
async def test_one_row_holds_at_most_max_columns_values(ds):
    """Each column may hold a value of the cap: the columns of a row are capped too."""
    wide = ", ".join(f"{i} as c{i}" for i in range(sqllimits.MAX_COLUMNS + 1))
    assert "too many columns" in (await one(ds, f"select {wide}"))["error"]
    ok = ", ".join(f"{i} as c{i}" for i in range(sqllimits.MAX_COLUMNS))
    assert len((await one(ds, f"select {ok}"))["rows"][0]) == sqllimits.MAX_COLUMNS


def test_every_cap_is_set_on_the_connection():
    conn = sqlite3.connect(":memory:")
    sqllimits.bound_connection(conn)
    assert conn.getlimit(sqlite3.SQLITE_LIMIT_LENGTH) == sqllimits.MAX_VALUE_BYTES
    assert conn.getlimit(sqlite3.SQLITE_LIMIT_COLUMN) == sqllimits.MAX_COLUMNS
    assert conn.getlimit(sqlite3.SQLITE_LIMIT_LIKE_PATTERN_LENGTH) == sqllimits.MAX_PATTERN_BYTES
