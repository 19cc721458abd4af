"""Command lines a careless user or a script might type (issue 30, point 8): whatever
bytes the arguments hold, the answer is a sentence and an exit code, never a traceback;
what a killed export left beside its file, the next export removes."""

from __future__ import annotations

import errno
import os
import pathlib
import shutil
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from armstimeline.cli import cli

from .conftest import EVENTS, SEEDS

# three events with no relations to others: a folder that validates on its own
SMALL = [p.stem for p in sorted(EVENTS.glob("*.yml"))
         if "relations:" not in p.read_text("utf-8")][:3]  # fmt: skip


def run(args: list[str]) -> tuple[int, str]:
    result = CliRunner().invoke(cli, args)
    out = result.output
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"{args!r} raised {result.exception!r}:\n{out}")
    assert "Traceback" not in out, (args, out)
    return result.exit_code, out


class TestKilledExports:
    def test_the_next_export_removes_what_a_killed_one_left(self, tmp_path):
        """A writer killed (-9) inside ``replacing`` leaves its temporary; the next export
        of that file removes it, and leaves one a live writer is still writing."""
        target = tmp_path / "out.csv"
        writer = subprocess.Popen(
            [sys.executable, "-c", textwrap.dedent(f"""
                import sys, time
                from pathlib import Path
                from armstimeline.atomic import replacing
                with replacing(Path({str(target)!r}), "x") as tmp:
                    tmp.write_bytes(b"half" * 100000)
                    print("writing", flush=True)
                    time.sleep(60)
            """)],
            stdout=subprocess.PIPE, env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
        )  # fmt: skip
        assert writer.stdout is not None and writer.stdout.readline() == b"writing\n"
        os.kill(writer.pid, signal.SIGKILL)
        writer.wait()
        left = [p.name for p in tmp_path.iterdir()]
        assert len(left) == 1 and left[0].startswith(".out.csv.") and left[0].endswith(".tmp")
        live = tmp_path / f".out.csv.{os.getpid()}.abcd1234.tmp"  # a writer still running
        live.write_bytes(b"busy")
        code, out = run(["export", "--events", str(EVENTS), "--sources", str(SEEDS),
                         "-o", str(target)])  # fmt: skip
        assert code == 0, out
        assert sorted(p.name for p in tmp_path.iterdir()) == [live.name, "out.csv"]


@pytest.fixture
def small(tmp_path) -> Path:
    events = tmp_path / "events"
    events.mkdir()
    for name in SMALL:
        shutil.copy(EVENTS / f"{name}.yml", events)
    shutil.copytree(SEEDS, tmp_path / "seeds")
    return tmp_path


class TestNoTraceback:
    @pytest.mark.parametrize(
        ("args", "said"),
        [(["export", "-o", "a" * 300 + ".csv"], "file name too long."),
         (["export", "-o", "/".join(["d" * 200] * 30) + "/x.csv"], "file name too long."),
         (["list", "--events", "e" * 300], "file name too long"),
         (["build", "--db", "b" * 300 + ".db"], "file name too long"),
         (["list", "--search", "Iskander\udcff"], "not valid UTF-8"),
         (["new", "T\udcff", "--date", "2016", "--events", "new"], "not valid UTF-8"),
         (["validate", "--events", "e\udcff"], ""),
         (["show", "x\udcfe"], "")],
    )  # fmt: skip
    def test_hostile_arguments_get_a_sentence(self, small, monkeypatch, args, said):
        monkeypatch.chdir(small)
        code, out = run(args)
        assert code in (1, 2), out
        assert said in out
        assert not (small / "new").exists() or not any((small / "new").iterdir())

    def test_a_file_name_of_any_bytes_is_written(self, small, monkeypatch):
        """Linux allows any bytes but / in a name: the export writes it."""
        monkeypatch.chdir(small)
        code, out = run(["export", "-o", "out\udcff.csv"])
        assert code == 0, out
        assert os.fsencode("out\udcff.csv") in os.listdir(os.fsencode(str(small)))

    def test_a_deleted_working_folder(self, tmp_path, monkeypatch):
        gone = tmp_path / "gone"
        gone.mkdir()
        monkeypatch.chdir(gone)
        gone.rmdir()
        for args in (["validate"], ["build"], ["export", "-o", "x.csv"], ["stats"]):
            code, out = run(args)
            assert code == 1, (args, out)
            assert "The current folder no longer exists" in out, (args, out)

    def test_new_into_a_read_only_folder(self, small, monkeypatch):
        """CI runs as root, which may write anywhere: the refusal is injected."""

        def refuse(self, data):
            raise PermissionError(errno.EACCES, "Permission denied", str(self))

        monkeypatch.setattr(pathlib.Path, "write_bytes", refuse)
        code, out = run(["new", "Egypt buys Su-35 fighters", "--date", "2018",
                         "--events", str(small / "events")])  # fmt: skip
        assert code == 1
        assert "permission denied; choose a folder you may write to" in out


# -- a fuzz of every subcommand's arguments -------------------------------------------

Command = tuple[tuple[str, ...], click.Command]


def _commands(group: click.Group, prefix: tuple[str, ...] = ()) -> list[Command]:
    found = []
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            found += _commands(command, (*prefix, name))
        else:
            found.append(((*prefix, name), command))
    return found


COMMANDS = _commands(cli)
WORDS = st.one_of(
    st.sampled_from(["", "TUR", "Turkey", "2016", "2016-13", "../x", "-", "--", "x.csv",
                     "x.ics", "x.json", "x.svg", "x.db", "events", "seeds", "a" * 300,
                     "deal", "supplier", "\udcff\udcfe", "é", "\x00", "*", "%s"]),
    st.text(max_size=12),
    st.text(alphabet=st.characters(min_codepoint=0xDC80, max_codepoint=0xDCFF), max_size=4),
)  # fmt: skip


@st.composite
def command_line(draw) -> list[str]:
    path, command = draw(st.sampled_from(COMMANDS))
    options = [o for p in command.params for o in p.opts if o.startswith("-")]
    args = list(path)
    for _ in range(draw(st.integers(0, 5))):
        if options and draw(st.booleans()):
            args.append(draw(st.sampled_from(options)))
        word = draw(WORDS)
        if not word.startswith("/") and ".." not in word:  # stay in the test's folder
            args.append(word)
    return args


@settings(
    max_examples=int(os.environ.get("ARMSTIMELINE_FUZZ_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(args=command_line())
def test_fuzzed_command_lines_never_end_in_a_traceback(small, args):
    """Every subcommand, options and values drawn at random (text, non-UTF-8 bytes, long
    names), run in a folder of three events: an exit code and words, never a traceback.
    `serve` stops before serving."""
    from armstimeline.site import serve as serve_module

    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(small)
        patch.setattr(serve_module, "serve_database", lambda *a, **k: None)
        code, _ = run(args)
    assert code in (0, 1, 2)
