"""Hostile input: every case in the corpus gets a clear error naming file and field.

The corpus (``corpus/*.yml``, expectations in ``cases.json``) holds files a careless or
malicious contributor might write. Cases that cannot live in git (invalid UTF-8, huge
files, symlinks, FIFOs, pathological nesting) are made at test time below.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from armstimeline.cli import cli
from armstimeline.loading import MAX_FILE_BYTES, validate

from ..conftest import GOOD_EVENT, SEEDS

HERE = Path(__file__).parent
CASES = json.loads((HERE / "cases.json").read_text(encoding="utf-8"))


def check(events_dir: Path, name: str, field: str, message: str) -> None:
    """validate exits 1 and reports the file, the field and the message, once per line."""
    result = CliRunner().invoke(
        cli, ["validate", "--events", str(events_dir), "--sources", str(SEEDS)]
    )
    assert result.exit_code == 1, result.output
    mine = [p for p in validate(events_dir, SEEDS) if Path(p.path).name.startswith(name)]
    assert mine, f"no problem reported for {name}"
    hit = [p for p in mine if message in p.message]
    assert hit, [str(p) for p in mine]
    assert hit[0].field == field, str(hit[0])
    line = str(hit[0])
    assert line in result.stderr
    assert f"{name}" in line and f" {field}:" in line
    assert "\n" not in line
    assert not [p for p in validate(events_dir, SEEDS) if p.path.endswith("good-event.yml")]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    events = tmp_path / "events"
    events.mkdir()
    (events / "good-event.yml").write_text(GOOD_EVENT.format(id="good-event"), encoding="utf-8")
    return events


def test_corpus_is_large_enough():
    assert len(CASES) + len(GENERATED) >= 40
    assert sorted(p.stem for p in (HERE / "corpus").glob("*.yml")) == sorted(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_corpus_case(folder, name):
    case = CASES[name]
    shutil.copy(HERE / "corpus" / f"{name}.yml", folder / f"{name}.yml")
    check(folder, name, case["field"], case["message"])


def _invalid_utf8(folder: Path) -> None:
    (folder / "invalid-utf8.yml").write_bytes(b"id: invalid-utf8\ntitle: caf\xe9\n")


def _too_big(folder: Path) -> None:
    (folder / "too-big.yml").write_text("id: too-big\nsummary: " + "x" * MAX_FILE_BYTES)


def _deep_block(folder: Path) -> None:
    (folder / "deep-block.yml").write_text("- " * 100_000 + "x\n")


def _deep_indent(folder: Path) -> None:
    (folder / "deep-indent.yml").write_text(
        "a:\n" + "".join(" " * (i + 1) + f"k{i}:\n" for i in range(300)) + " " * 302 + "v\n"
    )


def _symlink_out(folder: Path) -> None:
    outside = folder.parent / "outside.yml"
    outside.write_text(GOOD_EVENT.format(id="symlink-out"))
    (folder / "symlink-out.yml").symlink_to(outside)


def _fifo(folder: Path) -> None:
    os.mkfifo(folder / "fifo.yml")


def _directory(folder: Path) -> None:
    (folder / "directory.yml").mkdir()


def _newline_name(folder: Path) -> None:
    (folder / "newline\nname.yml").write_text(GOOD_EVENT.format(id="whatever"))


GENERATED = {
    "invalid-utf8": (_invalid_utf8, "title", "not valid UTF-8"),
    "too-big": (_too_big, "file", "an event file may be at most"),
    "deep-block": (_deep_block, "file", "nests or indents too deeply"),
    "deep-indent": (_deep_indent, "k256", "nests or indents too deeply"),
    "symlink-out": (_symlink_out, "file", "symbolic link"),
    "fifo": (_fifo, "file", "not a regular file"),
    "directory": (_directory, "file", "not a regular file"),
    "newline": (_newline_name, "id", "does not match the file name"),
}


@pytest.mark.parametrize("name", sorted(GENERATED))
def test_generated_case(folder, name):
    make, field, message = GENERATED[name]
    make(folder)
    check(folder, name, field, message)


class TestAccepted:
    def test_bom_and_crlf(self, folder):
        path = folder / "good-event.yml"
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n"))
        assert validate(folder, SEEDS) == []

    def test_messages_escape_and_truncate_values(self, folder):
        bad = GOOD_EVENT.format(id="long-kind").replace("kind: delivery", "kind: " + "k" * 500)
        (folder / "long-kind.yml").write_text(bad)
        problem = next(p for p in validate(folder, SEEDS) if p.field == "kind")
        assert len(problem.message) < 300
        assert "…" in problem.message


def test_failed_build_keeps_previous_database(folder, tmp_path):
    db = tmp_path / "armstimeline.db"
    runner = CliRunner()
    ok = runner.invoke(
        cli, ["build", "--events", str(folder), "--sources", str(SEEDS), "--db", str(db)]
    )
    assert ok.exit_code == 0, ok.output
    before = db.read_bytes()
    shutil.copy(HERE / "corpus" / "billion-laughs.yml", folder / "billion-laughs.yml")
    bad = runner.invoke(
        cli, ["build", "--events", str(folder), "--sources", str(SEEDS), "--db", str(db)]
    )
    assert bad.exit_code == 1
    assert "billion-laughs.yml" in bad.stderr
    assert db.read_bytes() == before
