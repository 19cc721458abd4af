"""Figures from a registered register, each against an independent oracle written here in
plain Python over the fixture's CSV: windows that cut delivery spans, unmapped actors,
armed groups, coverage, a year-range download and a two-edition history."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from armstimeline.cli import cli
from armstimeline.figures import (
    CoverageError,
    before_after,
    clients,
    dependency,
    load_transfers,
    main_suppliers,
    suppliers_per_year,
    trend,
)
from armstimeline.importing import import_sipri
from armstimeline.timeline import load
from tests.conftest import EVENTS, SEEDS
from tests.sipri_fixture import register

R = "{rec},{sup},{year},,{n},,{des},{what},{n},,{years},New,,{unit},{total},{delivered}"


def row(rec: str, sup: str, year: int, des: str, years: list[int], delivered: float) -> str:
    return R.format(rec=rec, sup=sup, year=year, n=4, des=des, what="weapon",
                    years="; ".join(map(str, years)), unit=delivered / 4, total=delivered,
                    delivered=delivered)  # fmt: skip


ROWS = [
    row("India", "Russia", 2012, "Su-30MKI", [2013, 2014, 2015, 2016], 400),  # crosses 2015
    row("India", "Russia", 2016, "T-90S", [2017, 2018], 120),
    row("India", "Russia", 2019, "S-400 Triumf", [2021, 2022, 2023], 390),
    row("India", "France", 2016, "Rafale", [2019, 2020, 2021, 2022], 300),  # crosses 2020
    row("India", "United States", 2010, "C-17", [2013, 2014], 160),
    row("India", "unknown supplier(s)", 2018, "UAV", [2019], 10),
    row("India", "Atlantis Arms Works", 2017, "Boat", [2018, 2019, 2020], 30),  # unmapped
    row("Turkiye", "Russia", 2017, "S-400 Triumf", [2019, 2020], 130),
    row("PKK (Turkiye)*", "Russia", 2016, "Kornet", [2017], 5),  # an armed group
    row("Turkiye", "United States", 2015, "F-16", [2016, 2017, 2018, 2019, 2020, 2021], 600),
    row("Armenia", "Russia", 2013, "9M723 Iskander", [2016], 75),
    row("Armenia", "Russia", 2015, "Smerch", [2016, 2017], 40),
    row("Armenia", "India", 2020, "SWATHI", [2021], 12),
    row("China", "Russia", 2015, "Su-35", [2016, 2017, 2018], 540),
]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copytree(EVENTS, tmp_path / "events")
    shutil.copytree(SEEDS, tmp_path / "seeds")
    (tmp_path / "r.csv").write_bytes(register(ROWS).encode("latin-1"))
    import_sipri(tmp_path / "r.csv", tmp_path / "events")
    return tmp_path


def oracle_rows(rows: list[str]) -> list[dict[str, object]]:
    """The fixture as plain csv reads it."""
    out = []
    for cells in csv.reader(io.StringIO("\n".join(rows))):
        years = sorted({int(y) for y in cells[10].split("; ") if y})
        out.append({"rec": cells[0], "sup": cells[1], "years": years,
                    "tiv": float(cells[15])})  # fmt: skip
    return out


def oracle_window(r: dict, first: int, last: int) -> tuple[float, float, float]:
    years = r["years"]
    inside = [y for y in years if first <= y <= last]
    est = r["tiv"] * len(inside) / len(years)
    low = r["tiv"] if len(inside) == len(years) else 0.0
    high = r["tiv"] if inside else 0.0
    return est, low, high


def oracle_shares(parties: dict[str, list[float]]) -> dict[str, tuple[float, float, float]]:
    total = sum(v[0] for v in parties.values())
    lows, highs = sum(v[1] for v in parties.values()), sum(v[2] for v in parties.values())
    return {
        k: (e / total, lo / (lo + highs - hi), hi / (hi + lows - lo))
        for k, (e, lo, hi) in parties.items() if e or hi
    }  # fmt: skip


def by(rows: list[dict], side: str, keep: str, other: str, first: int, last: int) -> dict:
    parties: dict[str, list[float]] = {}
    for r in rows:
        if r[side] == keep:
            e, lo, hi = oracle_window(r, first, last)
            s = parties.setdefault(str(r[other]), [0.0, 0.0, 0.0])
            s[0], s[1], s[2] = s[0] + e, s[1] + lo, s[2] + hi
    return parties


NAMES = {"RUS": "Russia", "FRA": "France", "USA": "United States", "unknown": "unknown supplier(s)",
         "unmapped:Atlantis Arms Works": "Atlantis Arms Works", "IND": "India",
         "TUR": "Turkiye", "ARM": "Armenia", "CHN": "China",
         "group:PKK/TUR": "PKK (Turkiye)*"}  # fmt: skip


@pytest.mark.parametrize("window", [(2015, 2019), (2020, 2024), (2013, 2013), (2010, 2030)])
def test_dependency_equals_the_oracle(project, window):
    transfers = load_transfers(project / "events", project / "seeds")
    figure = dependency(transfers, "India", f"{window[0]}/{window[1]}")
    parties = by(oracle_rows(ROWS), "rec", "India", "sup", *window)
    expected = oracle_shares(parties)
    got = {NAMES[r.key]: (r.share, r.share_low, r.share_high) for r in figure.rows}
    assert got.keys() == expected.keys()
    for name, values in expected.items():
        assert got[name] == pytest.approx(values), name
    assert figure.hhi == pytest.approx(round(sum((s * 100) ** 2 for s, _, _ in
                                                 expected.values()), 1), abs=0.1)  # fmt: skip
    assert "not SIPRI's own figures" in figure.notes[0] and "not money" in figure.notes[0]
    assert "Atlantis Arms Works" in " ".join(figure.notes)  # unmapped, counted and listed


def test_states_only_leaves_non_state_suppliers_out_of_the_denominator(project):
    transfers = load_transfers(project / "events", project / "seeds")
    figure = dependency(transfers, "IND", "2015/2019", states_only=True)
    rows = [r for r in oracle_rows(ROWS) if r["sup"] not in ("unknown supplier(s)",
                                                             "Atlantis Arms Works")]
    expected = oracle_shares(by(rows, "rec", "India", "sup", 2015, 2019))
    assert {NAMES[r.key]: r.share for r in figure.rows} == pytest.approx(
        {k: v[0] for k, v in expected.items()}
    )


def test_a_country_is_its_state_not_its_armed_groups(project):
    transfers = load_transfers(project / "events", project / "seeds")
    turkey = dependency(transfers, "Türkiye", "2015/2024")
    expected = by(oracle_rows(ROWS), "rec", "Turkiye", "sup", 2015, 2024)
    assert sum(r.tiv for r in turkey.rows) == pytest.approx(sum(v[0] for v in expected.values()))
    russia = clients(transfers, "RUS", "2015/2024")
    keys = {r.key for r in russia.rows}
    assert "TUR" in keys and "group:PKK/TUR" in keys  # listed apart, never merged


def test_clients_and_the_world_share(project):
    transfers = load_transfers(project / "events", project / "seeds")
    figure = clients(transfers, "Russia", "2015/2019")
    rows = oracle_rows(ROWS)
    expected = oracle_shares(by(rows, "sup", "Russia", "rec", 2015, 2019))
    assert {NAMES[r.key]: r.share for r in figure.rows} == pytest.approx(
        {k: v[0] for k, v in expected.items()}
    )
    world = oracle_shares({s: v for s, v in by_all(rows, 2015, 2019).items()})
    assert figure.extra["world_share"]["share"] == pytest.approx(world["Russia"][0])


def by_all(rows: list[dict], first: int, last: int) -> dict[str, list[float]]:
    parties: dict[str, list[float]] = {}
    for r in rows:
        e, lo, hi = oracle_window(r, first, last)
        s = parties.setdefault(str(r["sup"]), [0.0, 0.0, 0.0])
        s[0], s[1], s[2] = s[0] + e, s[1] + lo, s[2] + hi
    return parties


def test_trend_change_and_recipients_per_year(project):
    transfers = load_transfers(project / "events", project / "seeds")
    data = trend(transfers, "RUS")
    rows = [r for r in oracle_rows(ROWS) if r["sup"] == "Russia"]
    windows = {w["window"]: w for w in data["windows"]}
    a = sum(oracle_window(r, 2015, 2019)[0] for r in rows)
    b = sum(oracle_window(r, 2020, 2024)[0] for r in rows)
    assert windows["2015/2019"]["tiv"] == pytest.approx(a, abs=1e-3)
    assert windows["2020/2024"]["change"] == pytest.approx((b - a) / a)
    per_year = {y["year"]: y["recipients"] for y in data["years"]}
    assert per_year[2017] == len({r["rec"] for r in rows if 2017 in r["years"]})
    assert suppliers_per_year(transfers, "India")[-1] == {
        "year": 2023, "suppliers": 1
    }


def test_who_replaced_whom(project):
    transfers = load_transfers(project / "events", project / "seeds")
    history = main_suppliers(transfers, "Armenia")
    # Russia's Iskanders and Smerch in 2016-17, India's radars in 2021
    assert [(w["window"], w["supplier"]) for w in history["windows"]] == [
        ("2015/2019", "RUS"), ("2020/2024", "IND")
    ]
    assert history["changes"] == [{"window": "2020/2024", "from": "RUS", "to": "IND"}]
    assert [w["supplier"] for w in main_suppliers(transfers, "Turkiye")["windows"]] == [
        "USA", "USA"
    ]


def test_a_russia_only_file_cannot_say_what_india_depends_on(tmp_path):
    shutil.copytree(EVENTS, tmp_path / "events")
    shutil.copytree(SEEDS, tmp_path / "seeds")
    (tmp_path / "r.csv").write_bytes(register(ROWS).encode("latin-1"))
    import_sipri(tmp_path / "r.csv", tmp_path / "events", suppliers=["Russia"])
    transfers = load_transfers(tmp_path / "events", tmp_path / "seeds")
    with pytest.raises(CoverageError) as caught:
        dependency(transfers, "India", "2020/2024")
    assert "every supplier" in str(caught.value)
    assert "Download SIPRI's trade register for recipient India" in str(caught.value)
    assert clients(transfers, "Russia", "2020/2024").extra["world_share"] is None
    result = CliRunner().invoke(cli, ["figures", "dependency", "--recipient", "IND", "--window",
                                      "2020/2024", "--events", str(tmp_path / "events")])
    assert result.exit_code == 1 and "100" not in result.output
    assert "Download SIPRI's trade register" in result.output


def test_a_newer_edition_alone_is_counted(project):
    revised = [r.replace("[2021, 2022, 2023]", "") for r in ROWS]
    revised[2] = row("India", "Russia", 2019, "S-400 Triumf", [2021, 2022, 2023, 2024], 520)
    (project / "r2.csv").write_bytes(
        register(revised, "10 Mar 2026 09:15:02 AM").encode("latin-1")
    )
    import_sipri(project / "r2.csv", project / "events")
    transfers = load_transfers(project / "events", project / "seeds")
    figure = dependency(transfers, "India", "2020/2024")
    expected = oracle_shares(by(oracle_rows(revised), "rec", "India", "sup", 2020, 2024))
    assert {NAMES[r.key]: r.share for r in figure.rows} == pytest.approx(
        {k: v[0] for k, v in expected.items()}
    )


def test_a_year_range_download_is_said_to_be_exact(tmp_path):
    shutil.copytree(EVENTS, tmp_path / "events")
    shutil.copytree(SEEDS, tmp_path / "seeds")
    text = register(ROWS).replace("'Not specified' to 'Not specified'", "'2014' to '2023'")
    (tmp_path / "r.csv").write_bytes(text.encode("latin-1"))
    import_sipri(tmp_path / "r.csv", tmp_path / "events")
    transfers = load_transfers(tmp_path / "events", tmp_path / "seeds")
    figure = dependency(transfers, "India", "2014/2023")
    assert any("counts only those years" in n for n in figure.notes)
    expected = oracle_shares(by(oracle_rows(ROWS), "rec", "India", "sup", 2014, 2023))
    assert {NAMES[r.key]: r.share for r in figure.rows} == pytest.approx(
        {k: v[0] for k, v in expected.items()}
    )
    assert transfers.rows[0].delivery_years == (2014, 2023)


def test_every_result_is_a_dataframe(project):
    pytest.importorskip("pandas")
    from armstimeline.figures import to_dataframe

    transfers = load_transfers(project / "events", project / "seeds")
    years = to_dataframe(trend(transfers, "RUS"), "years")
    assert list(years.columns) == ["year", "tiv", "recipients"] and len(years) > 3
    windows = to_dataframe(trend(transfers, "RUS"), "windows")
    assert "change" in windows.columns
    frame = to_dataframe(dependency(transfers, "IND", "2015/2019"))
    assert frame["share"].sum() == pytest.approx(1.0)


def test_before_and_after_an_event(project):
    timeline = load(project / "events", project / "seeds")
    transfers = load_transfers(project / "events", project / "seeds")
    event = timeline["armenia-iskander-2016"]
    data = before_after(transfers, event, list(timeline), years=5)
    assert (data["supplier"], data["before"], data["after"]) == ("RUS", "2011/2015", "2017/2021")
    rows = {r["recipient"]: r for r in data["rows"]}
    oracle = [r for r in oracle_rows(ROWS) if r["sup"] == "Russia" and r["rec"] == "Armenia"]
    assert rows["ARM"]["tiv_after"] == pytest.approx(
        sum(oracle_window(r, 2017, 2021)[0] for r in oracle), abs=1e-3
    )
    armenia = by(oracle_rows(ROWS), "rec", "Armenia", "sup", 2017, 2021)
    share_after = oracle_shares(armenia)["Russia"][0]
    assert rows["ARM"]["share_after"] == pytest.approx(share_after)
    # Armenia imported nothing in 2011-2015: no share then, so no change in points
    assert rows["ARM"]["share_before"] is None and rows["ARM"]["change_points"] is None
    india = rows["IND"]  # imports before and after: a change in points
    assert india["change_points"] == pytest.approx(
        round((india["share_after"] - india["share_before"]) * 100, 1)
    )
    assert "armenia-russian-arms-credit-2015" in rows["ARM"]["between"]
    assert "armenia-iskander-2016" not in rows["ARM"]["between"]  # the event itself
    assert all(not i.startswith("sipri-") for i in rows["ARM"]["between"])


def test_the_command_line_prints_tables_json_and_csv(project):
    args = ["--events", str(project / "events")]
    table = CliRunner().invoke(cli, ["figures", "dependency", "--recipient", "India",
                                     "--window", "2015/2019", *args])  # fmt: skip
    assert table.exit_code == 0, table.output
    assert "HHI" in table.output and "RUS" in table.output and "not money" in table.output
    data = json.loads(CliRunner().invoke(cli, ["figures", "clients", "--supplier", "RUS",
                                               "--window", "2015/2019", "--json",
                                               *args]).output)  # fmt: skip
    assert {"key", "share", "share_low", "share_high"} <= set(data["rows"][0])
    assert 0 <= data["rows"][0]["share"] <= 1
    rows = list(csv.DictReader(io.StringIO(CliRunner().invoke(
        cli, ["figures", "trend", "--supplier", "Russia", "--csv", *args]).output)))
    assert rows and "window" in rows[0]
    after = CliRunner().invoke(cli, ["figures", "before-after", "armenia-iskander-2016", *args])
    assert after.exit_code == 0 and "ARM" in after.output
    bad = CliRunner().invoke(cli, ["figures", "dependency", "--recipient", "Narnia",
                                   "--window", "2015/2019", *args])  # fmt: skip
    assert bad.exit_code == 1 and "Traceback" not in bad.output and "not a country" in bad.output


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_the_analysts_tables_read_back_in_pandas(project, tmp_path, fmt):
    """events, transfers and transfer_years: one transfer per current row, one year row
    per listed delivery year, and the years' estimates add up to the row's TIV."""
    pd = pytest.importorskip("pandas")
    if fmt == "parquet":
        pytest.importorskip("pyarrow", reason="pyarrow is in the test extra")
    out = tmp_path / "tables"
    result = CliRunner().invoke(cli, ["figures", "tables", "--out", str(out), "--format", fmt,
                                      "--events", str(project / "events")])  # fmt: skip
    assert result.exit_code == 0, result.output
    read = pd.read_csv if fmt == "csv" else pd.read_parquet
    transfers = read(out / f"transfers.{fmt}")
    years = read(out / f"transfer_years.{fmt}")
    events = read(out / f"events.{fmt}")
    oracle = oracle_rows(ROWS)
    assert len(transfers) == len(ROWS)
    assert len(years) == sum(len(r["years"]) for r in oracle)
    summed = years.groupby("transfer_id")["tiv_estimate"].sum()
    delivered = transfers.set_index("id")["tiv_delivered"]
    assert summed.round(3).to_dict() == delivered.round(3).to_dict()
    assert set(transfers["recipient_type"]) == {"state", "group"}
    assert "unmapped" in set(transfers["supplier_type"])
    assert len(events) == len(load(project / "events", project / "seeds"))


def test_the_readme_examples_for_analysts_run(project, monkeypatch, capsys):
    """The README's figures examples (```shell and ```py, which need a registered
    register) run in a project that has one."""
    import re
    import shlex

    from tests.conftest import ROOT

    readme = (ROOT / "README.md").read_text("utf-8")
    section = readme[readme.index("## For analysts: figures from a register"):]
    section = section[: section.index("\n## ")]
    shell = re.search(r"```shell\n(.*?)```", section, re.S)
    code = re.search(r"```py\n(.*?)```", section, re.S)
    assert shell and code
    monkeypatch.chdir(project)
    for line in shell.group(1).splitlines():
        args = shlex.split(line[2:].split("  #")[0])[1:]
        if "--window" in args:  # the fixture's years
            args[args.index("--window") + 1] = "2015/2019"
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 0, (line, result.output)
    exec(compile(code.group(1), "README.md", "exec"), {"__name__": "readme"})
    assert "HHI" in capsys.readouterr().out
