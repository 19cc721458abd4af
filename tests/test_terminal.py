"""The terminal commands: list, show, new, stats, and quiet output when piped."""

from __future__ import annotations

import json

from click.testing import CliRunner

from armstimeline.cli import cli
from armstimeline.loader import validate

from .conftest import EVENTS, SEEDS

DATA = ["--events", str(EVENTS), "--sources", str(SEEDS)]


def run(*args: str):
    result = CliRunner().invoke(cli, [*args])
    assert result.exit_code == 0, result.output
    return result


class TestList:
    def test_lines_show_date_as_written_kind_countries_title(self):
        out = run("list", *DATA, "--country", "TUR", "--from", "2015", "--to", "2020").output
        lines = out.splitlines()
        s400 = next(i for i, line in enumerate(lines) if "S-400 air-defence system" in line)
        f35 = next(i for i, line in enumerate(lines) if "F-35 programme" in line)
        assert s400 < f35
        assert lines[s400].startswith("2019 ")
        assert " deal " in lines[s400] and "TUR" in lines[s400]
        assert "\x1b[" not in out, "plain text when piped"

    def test_json_and_alias_filter(self):
        data = json.loads(run("list", *DATA, "--system", "SS-26 Stone", "--json").output)
        assert [d["id"] for d in data][:2] == ["victory-day-parade-2015", "armenia-iskander-2016"]
        assert data[1]["date"] == "2016"

    def test_bad_filter_is_a_sentence(self):
        result = CliRunner().invoke(cli, ["list", *DATA, "--kind", "dael"])
        assert result.exit_code == 1
        assert "Invalid filter: kind 'dael' is not one of" in result.stderr


class TestShow:
    def test_sources_quotes_and_related(self):
        out = run("show", *DATA, "bangladesh-arms-loan-2013").output
        assert "2013-01-15 (day precision), loan" in out
        assert "Understanding Russia’s Foreign Policy" in out
        assert "pledged to lend Bangladesh $1 billion" in out
        assert "quid_pro_quo" in out and "gazprom-bangladesh-gas-wells-2013" in out

    def test_json(self):
        data = json.loads(run("show", *DATA, "turkey-f35-suspension-2019", "--json").output)
        assert {"relation": "response_to", "id": "turkey-s400-purchase-2019"} in data["related"]

    def test_unknown_id_suggests(self):
        result = CliRunner().invoke(cli, ["show", *DATA, "turkey-s400-purchase"])
        assert result.exit_code == 1
        assert "Did you mean 'turkey-s400-purchase-2019'?" in result.stderr


class TestNew:
    def test_skeleton_with_source_validates(self, events_dir):
        result = run(
            "new", "Egypt buys Su-35 fighters", "--date", "2018", "--events", str(events_dir),
            "--source", "wavell-room-arms-sales", "--quote", "SU-35 fighters",
        )  # fmt: skip
        path = events_dir / "egypt-buys-su-35-fighters-2018.yml"
        assert str(path) in result.output
        assert validate(events_dir, SEEDS) == []

    def test_skeleton_without_source_names_the_gaps(self, events_dir):
        run("new", "Something happens", "--date", "2019-05", "--events", str(events_dir))
        problems = validate(events_dir, SEEDS)
        assert [p.field for p in problems] == ["sources"]
        assert "not in the registry" in problems[0].message

    def test_refuses_to_overwrite_and_bad_dates(self, events_dir):
        run("new", "Once", "--date", "2019", "--events", str(events_dir))
        again = CliRunner().invoke(
            cli, ["new", "Once", "--date", "2019", "--events", str(events_dir)]
        )
        assert again.exit_code == 1 and "already exists" in again.stderr
        bad = CliRunner().invoke(
            cli, ["new", "X", "--date", "2019-13", "--events", str(events_dir)]
        )
        assert bad.exit_code == 1 and "no month 13" in bad.stderr


def test_stats_counts():
    data = json.loads(run("stats", *DATA, "--json").output)
    assert data["events"] == sum(data["kind"].values())
    assert data["country"]["RUS"] > data["country"]["TUR"] > 0
    assert set(data["decade"]) == {"1990s", "2000s", "2010s", "2020s"}
    assert data["source"]["wavell-room-arms-sales"] > 0


def test_progress_is_quiet_when_piped(tmp_path):
    """Builds print no progress bar when stderr is not a terminal."""
    result = run("build", *DATA, "--db", str(tmp_path / "x.db"))
    assert "Reading event files" not in result.stderr
    assert result.stderr.startswith("Built ")
