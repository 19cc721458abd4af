"""The terminal commands: list, show, new, stats, and quiet output when piped."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from armstimeline.cli import cli
from armstimeline.loading import validate

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
        assert lines[s400].startswith("2017 ")
        assert " deal " in lines[s400] and "TUR" in lines[s400]
        assert "\x1b[" not in out, "plain text when piped"

    def test_json_and_alias_filter(self):
        data = json.loads(run("list", *DATA, "--system", "SS-26 Stone", "--json").output)
        assert [d["id"] for d in data][:2] == ["victory-day-parade-2015", "armenia-iskander-2016"]
        assert data[1]["date"] == "2016"

    def test_bad_filter_is_a_sentence(self):
        result = CliRunner().invoke(cli, ["list", *DATA, "--kind", "dael"])
        assert result.exit_code == 1
        assert "Invalid filter: kind 'dael' is not known (did you mean 'deal'?)" in result.stderr


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
        assert [p.field for p in problems] == ["summary", "sources[0].quote"]
        assert all("is a placeholder" in p.message for p in problems)

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


class TestNewUserDefects:
    """What a new user hit (issue 14): each reproduced, each answered in a sentence."""

    def test_new_refuses_an_empty_title(self, events_dir):
        for title in ("", "   "):
            result = CliRunner().invoke(cli, ["new", title, "--date", "2018", "--events",
                                              str(events_dir)])  # fmt: skip
            assert result.exit_code == 1 and "title is empty" in result.stderr
        assert list(events_dir.iterdir()) == []

    @pytest.mark.parametrize("field", ["title", "summary"])
    @pytest.mark.parametrize("value", ['""', "'   '"])
    def test_blank_required_text_is_a_problem_not_a_traceback(self, write_event, field, value):
        path = write_event("blank-event")
        text = path.read_text()
        lines = [f"{field}: {value}" if ln.startswith(f"{field}:") else ln
                 for ln in text.splitlines()]  # fmt: skip
        path.write_text("\n".join(lines) + "\n")
        result = CliRunner().invoke(cli, ["validate", "--events", str(path.parent),
                                          "--sources", str(SEEDS)])  # fmt: skip
        assert result.exit_code == 1, result.output
        assert result.exception is None or isinstance(result.exception, SystemExit)
        assert f":{field}: is empty" in result.stderr.replace(f" {field}:", f":{field}:")
        assert "1 problem found; fix it and run the command again." in result.stderr

    def test_slug_keeps_apostrophes_inside_words(self, events_dir):
        run("new", "Russia’s and Egypt's deal", "--date", "2018", "--events", str(events_dir))
        assert (events_dir / "russias-and-egypts-deal-2018.yml").is_file()

    def test_placeholders_do_not_validate(self, events_dir):
        run("new", "Something happens", "--date", "2019", "--events", str(events_dir))
        assert any(p.field == "summary" and "placeholder" in p.message
                   for p in validate(events_dir, SEEDS))  # fmt: skip

    def test_new_refuses_unknown_sources_and_quotes(self, events_dir):
        unknown = CliRunner().invoke(cli, ["new", "X happens", "--date", "2019", "--events",
                                           str(events_dir), "--sources", str(SEEDS),
                                           "--source", "wavell-room-arm-sales",
                                           "--quote", "x"])  # fmt: skip
        assert unknown.exit_code == 1
        assert "not in" in unknown.stderr and "did you mean 'wavell-room-arms-sales'" in (
            unknown.stderr
        )
        bad_quote = CliRunner().invoke(cli, ["new", "X happens", "--date", "2019", "--events",
                                             str(events_dir), "--sources", str(SEEDS),
                                             "--source", "wavell-room-arms-sales",
                                             "--quote", "words nobody wrote"])  # fmt: skip
        assert bad_quote.exit_code == 1 and "not in the text" in bad_quote.stderr
        assert list(events_dir.iterdir()) == []

    def test_same_title_twice_is_a_warning(self, events_dir):
        for event_id in ("first-one", "second-one"):
            run("new", "Egypt buys Su-35 fighters", "--date", "2018", "--id", event_id,
                "--events", str(events_dir), "--source", "wavell-room-arms-sales",
                "--quote", "SU-35 fighters")  # fmt: skip
        result = CliRunner().invoke(cli, ["validate", "--events", str(events_dir),
                                          "--sources", str(SEEDS)])  # fmt: skip
        assert result.exit_code == 0
        assert "warning:" in result.stderr and "second-one.yml:2: title: has the same title" in (
            result.stderr
        )

    def test_export_into_a_new_folder(self, tmp_path):
        out = tmp_path / "no" / "such" / "folder" / "out.csv"
        result = CliRunner().invoke(cli, ["export", *DATA, "-o", str(out)])
        assert result.exit_code == 0, result.output
        assert out.read_bytes().startswith(b"id,title,date")
        assert [p.name for p in out.parent.iterdir()] == ["out.csv"]  # no temporary file

    def test_export_that_cannot_be_written_is_a_sentence(self, tmp_path):
        (tmp_path / "a-file").write_text("not a folder")
        result = CliRunner().invoke(cli, ["export", *DATA, "-o", str(tmp_path / "a-file/x.csv")])
        assert result.exit_code == 1 and "Could not write" in result.stderr
        assert result.stderr.count("\n") == 1 and "Traceback" not in result.output
        assert [p.name for p in tmp_path.iterdir()] == ["a-file"]

    @pytest.mark.parametrize(
        ("args", "expected"),
        [
            (["--country", "XX"], "alpha-3 code (TUR)"),
            (["--system", "S400"], "did you mean 'S-400'?"),
            (["--tag", "nonsense"], "no event has the tag 'nonsense'"),
            (["--region", "middle_east"], "did you mean 'middle-east'?"),
        ],
    )
    def test_unknown_filter_values_fail_alike(self, args, expected):
        result = CliRunner().invoke(cli, ["list", *DATA, *args])
        assert result.exit_code == 1 and expected in result.stderr

    def test_country_names_and_alpha2_codes(self):
        turkey = run("list", *DATA, "--country", "TUR").output
        assert turkey and run("list", *DATA, "--country", "Turkey").output == turkey
        assert run("list", *DATA, "--country", "TR").output == turkey

    def test_help_texts_match_the_readme(self):
        top = run("--help").output
        assert "TimelineJS" in top and "SVG" in top
        validate_help = " ".join(run("validate", "--help").output.split())
        assert "PATH:LINE:COLUMN: FIELD: MESSAGE" in validate_help


def test_show_lists_each_related_event_once():
    out = run("show", *DATA, "turkey-s400-purchase-2019").output
    related = out.split("Related:")[1]
    assert related.count("[turkey-f35-suspension-2019]") == 1
    assert "responded_by" not in related
