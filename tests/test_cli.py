"""The command line: exit codes, messages, help."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from armstimeline.cli import cli
from armstimeline.loading.sources import source_registry

from .conftest import EVENTS, GOOD_EVENT, SEEDS


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


class TestValidate:
    def test_project_events_pass(self, runner):
        """`validate` exits 0 on the project's own events and says how many it checked."""
        result = runner.invoke(cli, ["validate", "--events", str(EVENTS), "--sources", str(SEEDS)])
        assert result.exit_code == 0, result.output
        events = len(list(EVENTS.glob("*.yml")))
        sources = len(source_registry(SEEDS)[0])
        assert f"{events} events and {sources} sources are valid" in result.output

    def test_bad_files_exit_1_with_one_line_each(self, runner, events_dir, write_event):
        """Problems go to stderr as PATH:LINE:COL: FIELD: MESSAGE, then a count; exit 1."""
        write_event("bad-one", GOOD_EVENT.format(id="bad-one").replace('"2016"', '"2016-13"'))
        write_event("bad-two", GOOD_EVENT.format(id="bad-two").replace("kind: delivery", "kind: x"))
        result = runner.invoke(
            cli, ["validate", "--events", str(events_dir), "--sources", str(SEEDS)]
        )
        assert result.exit_code == 1
        lines = result.stderr.strip().splitlines()
        assert lines[0].endswith(
            'bad-one.yml:3:7: date: date "2016-13": there is no month 13; months run from 01 to 12'
        )
        assert "bad-two.yml:4:7: kind:" in lines[1]
        assert lines[-1] == "2 problems found; fix them and run the command again."

    def test_missing_folder(self, runner, tmp_path):
        result = runner.invoke(cli, ["validate", "--events", str(tmp_path / "nope")])
        assert result.exit_code == 1
        assert "is not a folder" in result.stderr


def test_help_lists_commands(runner):
    result = runner.invoke(cli, ["--help"])
    assert result.exit_code == 0
    assert "validate" in result.output
    assert "Example:" in result.output
