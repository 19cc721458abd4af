"""``armstimeline import sipri``: a register is data. The file is registered, never split
into event files; its events are derived at load, checked here against an independent
parse; editions supersede each other within their scope; bad input and faults leave the
project as it was."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from armstimeline.cli import cli
from armstimeline.errors import RegisterError, ValidationError
from armstimeline.importing import import_sipri, registry
from armstimeline.loading import load_events, validate
from armstimeline.registers import read_register
from armstimeline.timeline import load
from tests.conftest import EVENTS, ROOT, SEEDS
from tests.sipri_fixture import HEADER, PREAMBLE, ROWS_1, ROWS_2, register


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the curated events and seeds, as a contributor's checkout has them."""
    shutil.copytree(EVENTS, tmp_path / "events")
    shutil.copytree(SEEDS, tmp_path / "seeds")
    return tmp_path


def write(path: Path, text: str, encoding: str = "latin-1") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file below ``folder`` (hidden ones too) and its bytes."""
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def state(project: Path) -> tuple[dict[str, bytes], dict[str, bytes]]:
    """The project's folders as they are, byte for byte (register files users download
    lie beside them in these tests)."""
    return snapshot(project / "events"), snapshot(project / "seeds")


def derived(project: Path) -> dict[str, object]:
    events, _ = load_events(project / "events", project / "seeds")
    return {e.id: e for e in events if e.imported}


def plain_rows(text: str) -> list[dict[str, str]]:
    """An independent parse: the header line on, with a raw line break inside a row
    joined, as plain csv reads it once the preamble is cut off."""
    body = text[text.index("Recipient,Supplier") :]
    lines, out = body.splitlines(), []
    for line in lines:
        if out and out[-1].count(",") < 15:
            out[-1] += " " + line
        else:
            out.append(line)
    reader = csv.reader(io.StringIO("\n".join(out)))
    header = next(reader)
    names = [h if h.strip() else f"{header[i - 1]} ?" for i, h in enumerate(header)]
    return [dict(zip(names, row, strict=True)) for row in reader]


def test_a_register_is_registered_not_split_into_files(project, tmp_path):
    text = register(ROWS_1)
    file = write(tmp_path / "register.csv", text)
    before = sorted(p.name for p in (project / "events").iterdir())
    report = import_sipri(file, project / "events")
    assert sorted(p.name for p in (project / "events").iterdir()) == before  # no event file
    copy = project / "seeds" / f"{report.source_id}.csv"
    assert copy.read_bytes() == file.read_bytes()  # byte for byte
    assert validate(project / "events", project / "seeds") == []
    events = derived(project)
    rows = plain_rows(text)
    assert len(rows) == 11 and report.selected == 11
    # row for row against the independent parse
    orders = {e.register.row: e for e in events.values() if e.kind == "deal"}
    deliveries = {e.register.row: e for e in events.values() if e.kind == "delivery"}
    assert len(orders) == 11
    for row in rows:
        year = row["Year of order"] + ("?" if row["Year of order ?"] == "?" else "")
        match = [
            o for o in orders.values()
            if o.register.designation == row["Weapon designation"] and str(o.date) == year
            and row["Recipient"].rstrip("*").split(" (")[0] in o.title
        ]  # fmt: skip
        assert len(match) == 1, row
        order = match[0]
        assert order.sources[0].quote.split(",")[:3] == [
            row["Recipient"], row["Supplier"], row["Year of order"]
        ]
        delivered_years = [y.strip() for y in row["Year(s) of delivery"].split(";") if y.strip()]
        delivery = deliveries.get(order.register.row)
        assert (delivery is not None) == bool(delivered_years)
        if delivery is not None:
            assert str(delivery.date) == (
                delivered_years[0] if len(set(delivered_years)) == 1
                else f"{min(delivered_years)}/{max(delivered_years)}"
            )  # fmt: skip
            tiv = [a.value for a in delivery.amounts if a.unit == "tiv_million"]
            assert tiv == [float(row["SIPRI TIV of delivered weapons"])]
    iskander = next(o for o in orders.values() if o.register.designation == "9M723 Iskander")
    assert iskander.systems == ("Iskander",)  # through the catalog's aliases
    assert iskander.id.startswith("sipri-armenia-russia-2013-9m723-iskander-")


def test_ids_come_from_content_not_position(project, tmp_path):
    """Shuffled rows keep their ids; two rows alike in the key columns (or whose
    designations make the same words) never share one."""
    twins = [
        "Ukraine,United Kingdom,2022,,10,,Brimstone,anti-tank missile,10,,2022,New,,0.1,1,1",
        "Ukraine,United Kingdom,2022,,20,,Brimstone,anti-tank missile,20,,2023,New,,0.1,2,2",
        "Ukraine,United Kingdom,2022,,5,,Brimstone-2,anti-tank missile,5,,2023,New,,0.1,0.5,0.5",
        "Ukraine,United Kingdom,2022,,5,,Brimstone 2,anti-tank missile,5,,2023,New,,0.1,0.5,0.5",
    ]
    one = write(tmp_path / "a.csv", register([*ROWS_1, *twins]))
    two = write(tmp_path / "b.csv", register(list(reversed([*ROWS_1, *twins]))))
    first, _ = read_register(one)
    second, _ = read_register(two)
    from armstimeline.registers import content_ids, row_content

    ids_1 = dict(zip(map(row_content, first.rows), content_ids(first.rows), strict=True))
    ids_2 = dict(zip(map(row_content, second.rows), content_ids(second.rows), strict=True))
    assert ids_1 == ids_2
    assert len(set(ids_1.values())) == len(first.rows)
    import_sipri(one, project / "events")
    assert validate(project / "events", project / "seeds") == []


def test_a_newer_edition_supersedes_revises_and_withdraws(project, tmp_path):
    import_sipri(write(tmp_path / "1.csv", register(ROWS_1)), project / "events")
    before = derived(project)
    renamed = [r.replace("P-35,anti-ship", "P-35M,anti-ship") for r in ROWS_2]  # a rename
    corrected = [r.replace("Turkiye,Russia,2008,", "Turkiye,Russia,2007,") for r in renamed]
    file = write(tmp_path / "2.csv", register(corrected, "10 Mar 2026 09:15:02 AM"))
    unchanged = state(project)
    dry = import_sipri(file, project / "events", dry_run=True)
    assert state(project) == unchanged  # a dry run registers nothing
    report = import_sipri(file, project / "events")
    assert (dry.added, dry.revised, dry.withdrawn) == (
        report.added, report.revised, report.withdrawn
    )
    rules = {rule: (key, changes) for key, rule, changes in report.revised}
    assert set(rules) == {"revised", "designation renamed", "order year corrected"}
    assert rules["revised"][1] == (
        "Number delivered: 30? -> 40", "Year(s) of delivery: 2017; 2018; 2019 -> 2017; 2018; "
        "2019; 2020", "SIPRI TIV of delivered weapons: 1.2 -> 1.6",
    )  # fmt: skip
    assert rules["designation renamed"][1] == ("Weapon designation: P-35 -> P-35M",)
    assert rules["order year corrected"][1] == ("Year of order: 2008 -> 2007",)
    assert len(report.withdrawn) == 1 and report.withdrawn[0].startswith("nigeria-")
    assert len(report.added) == 1 and report.added[0].startswith("syria-russia-2020-mig-29s")
    after = derived(project)
    # revised rows keep their ids; the withdrawn row leaves every list; nothing twice
    for key, _ in rules.values():
        assert f"sipri-{key}-order" in before and f"sipri-{key}-order" in after
    assert not any(i.startswith("sipri-nigeria") for i in after)
    algeria = after[f"sipri-{rules['revised'][0]}-delivery"]
    assert algeria.register.editions == ("2025-03-13", "2026-03-10")
    assert algeria.register.changes[0].startswith("2026-03-10: Number delivered: 30? -> 40")
    # delivered TIV equals an independent sum over the newer edition alone
    rows = plain_rows(register(corrected))
    total = sum(float(r["SIPRI TIV of delivered weapons"] or 0) for r in rows)
    got = sum(a.value for e in after.values() if e.kind == "delivery"
              for a in e.amounts if a.unit == "tiv_million")  # fmt: skip
    assert got == pytest.approx(total)
    # the withdrawn row keeps its page: the library gives it when asked
    withdrawn = load(project / "events", project / "seeds", withdrawn=True).withdrawn
    assert {e.register.withdrawn_in for e in withdrawn} == {"2026-03-10"}
    # a curated link to the withdrawn row is a warning: validate and build go on
    curated = project / "events" / "armenia-iskander-2016.yml"
    text = curated.read_text("utf-8")
    gone_id = f"sipri-{report.withdrawn[0]}-order"
    curated.write_text(text.replace("relations:\n", f"relations:\n- {{type: related, "
                                    f"target: {gone_id}}}\n", 1), "utf-8")  # fmt: skip
    result = CliRunner().invoke(cli, ["validate", "--events", str(project / "events")])
    assert result.exit_code == 0, result.output
    assert f"links to '{gone_id}', a register row withdrawn in edition 2026-03-10" in (
        result.output
    )
    from armstimeline.database import build

    built = build(project / "events", project / "seeds", project / "a.db")
    assert built.events == len(load(project / "events", project / "seeds"))
    import sqlite3

    with sqlite3.connect(project / "a.db") as conn:  # the withdrawn row keeps its page
        kept = conn.execute("select withdrawn_in from withdrawn_events where id = ?",
                            (gone_id,)).fetchall()  # fmt: skip
        listed = conn.execute("select count(*) from events where id = ?", (gone_id,))
        assert kept == [("2026-03-10",)] and listed.fetchone() == (0,)
    curated.write_text(text, "utf-8")
    # show prints the history, and a withdrawn row's page
    args = ["--events", str(project / "events"), "--sources", str(project / "seeds")]
    shown = CliRunner().invoke(cli, ["show", algeria.id, *args])
    assert "In the register's editions: 2025-03-13, 2026-03-10" in shown.output
    assert "SIPRI changed 2026-03-10: Number delivered: 30? -> 40" in shown.output
    gone = CliRunner().invoke(cli, ["show", f"sipri-{report.withdrawn[0]}-order", *args])
    assert gone.exit_code == 0 and "Withdrawn in edition 2026-03-10" in gone.output
    # registering the same file again changes nothing
    again = state(project)
    assert not import_sipri(file, project / "events").source_added
    assert state(project) == again


def test_a_narrower_edition_supersedes_only_inside_its_scope(project, tmp_path):
    import_sipri(write(tmp_path / "all.csv", register(ROWS_1)), project / "events")
    russia_only = [r for r in ROWS_2 if ",Russia," in r]
    file = write(tmp_path / "ru.csv", register(russia_only, "10 Mar 2026 09:15:02 AM"))
    report = import_sipri(file, project / "events", suppliers=["RUS"])
    assert report.withdrawn == ()  # Nigeria's unknown supplier is outside Russia's scope
    after = derived(project)
    assert any(i.startswith("sipri-nigeria") for i in after)  # kept from the older edition
    assert any(i.startswith("sipri-houthi-rebels-yemen-iran") for i in after)
    entry = next(s for s in load(project / "events", project / "seeds").sources.values()
             if s.edition == "2026-03-10")  # fmt: skip
    assert entry.suppliers == ("RUS",)


def test_every_name_is_accepted_and_unknown_ones_are_kept_and_reported(project, tmp_path):
    rows = [*ROWS_1, "Libya GNC,Russia,2014,,2,,Mi-35,combat helicopter,2,,2015,New,,10,20,20",
            "Atlantis Navy,Russia,2015,,1,,Kilo,submarine,1,,2016,New,,200,200,200",
            "Atlantis Navy,Russia,2017,,4,,Kilo,submarine,4,,2019,New,,200,800,800"]
    file = write(tmp_path / "r.csv", register(rows, unknown=True))
    result = CliRunner().invoke(cli, ["import", "sipri", str(file), "--events",
                                      str(project / "events")])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "\"Ruritania Army*\": is a name" in result.output
    assert "\"Atlantis Navy\": is a name" in result.output
    assert "names.yml" in result.output
    # loading reports it once, at the first row that uses it, counting the others
    first = next(n for n, line in enumerate(file.read_text("latin-1").splitlines(), 1)
                 if line.startswith("Atlantis Navy"))  # fmt: skip
    result = CliRunner().invoke(cli, ["validate", "--events", str(project / "events")])
    warned = [line for line in result.output.splitlines() if "Atlantis Navy" in line]
    assert len(warned) == 1 and f"first at line {first} of the register, and 1 more rows" in (
        warned[0]
    ), result.output
    events = derived(project)
    atlantis = next(e for e in events.values() if "Atlantis" in e.title)
    assert [(a.type, a.name) for a in atlantis.actors if a.role == "recipient"] == [
        ("unmapped", "Atlantis Navy")
    ]
    gnc = next(e for e in events.values() if "Libya GNC" in e.title)
    assert gnc.actors[1].type == "group" and gnc.actors[1].country == "LBY"
    # a project's names.yml maps it without editing the package
    (project / "names.yml").write_text("Atlantis Navy: {country: GRC}\n", "utf-8")
    atlantis = next(e for e in derived(project).values() if "Atlantis" in e.title)
    assert atlantis.countries_in("recipient") == ("GRC",)
    result = CliRunner().invoke(cli, ["validate", "--events", str(project / "events")])
    assert result.exit_code == 0 and "Ruritania" in result.output
    # the warning names the register file that uses the name, not the registry
    warned = next(line for line in result.output.splitlines() if "Ruritania" in line)
    assert ".csv" in warned and "sources.yml" not in warned, warned


def test_broken_and_odd_rows(project, tmp_path):
    """Line breaks anywhere that join into one row, Windows-1252 quotes, a row that cannot
    be read refused by line or skipped and listed."""
    broken = "Chad,Russia,2019,,4,,BTR-80,APC,4,,2020,Second hand,Probably\n,0.5,2,2"
    before_numbers = "Mali,Russia,2021,,2,,Mi-171Sh,transport helicopter,2,,2021,New,\n" \
                     "for \x93Wagner\x94 support,5,10,10"  # fmt: skip
    twice = "Laos,Russia,2018,,10,\n,Yak-130,trainer aircraft,10,,2019; \n2020,New,,4,40,40"
    text = register([*ROWS_1, broken, before_numbers, twice])
    file = tmp_path / "r.csv"
    file.write_bytes(text.encode("latin-1"))  # \x93 as the byte Windows-1252 writes
    read, problems = read_register(file)
    assert problems == [] and len(read.rows) == 14
    mali = next(r for r in read.rows if r.recipient == "Mali")
    assert mali.comments == "for “Wagner” support"  # not U+0093 control characters
    bad = write(tmp_path / "bad.csv", register([*ROWS_1[:3], "Peru,Russia,2011", *ROWS_1[3:]]))
    result = CliRunner().invoke(cli, ["import", "sipri", str(bad), "--events",
                                      str(project / "events")])  # fmt: skip
    assert result.exit_code == 1 and "bad.csv:12:" in result.output
    result = CliRunner().invoke(cli, ["import", "sipri", str(bad), "--skip-bad-rows",
                                      "--events", str(project / "events")])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "skipped: " in result.output and "bad.csv:12:" in result.output
    assert validate(project / "events", project / "seeds") == []


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (register(ROWS_1).replace("status,Comments", "Comments,Comments"), "twice"),
        (register(ROWS_1).replace("Recipient,Supplier", "Recipient,Recipient"),
         "recipient\" twice (fields 1 and 2)"),
        (register(ROWS_1).replace(HEADER, HEADER.replace(",", ";")), "(line 8)"),
        ("id,title\n1,x\n", "not a SIPRI trade register"),
        (register(ROWS_1, stamp=None), "--edition"),
    ],
)
def test_bad_input_is_a_sentence_and_nothing_changes(project, tmp_path, text, message):
    file = write(tmp_path / "bad.csv", text)
    before = state(project)
    result = CliRunner().invoke(cli, ["import", "sipri", str(file), "--events",
                                      str(project / "events")])  # fmt: skip
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert message in result.output and "bad.csv" in result.output
    assert state(project) == before


def test_a_register_dated_by_hand(project, tmp_path):
    file = write(tmp_path / "r.csv", register(ROWS_1, stamp=None))
    report = import_sipri(file, project / "events", edition="2025-03-13")
    assert report.edition == "2025-03-13"
    assert validate(project / "events", project / "seeds") == []


@pytest.mark.parametrize("what", ["pipe", "zero", "huge"])
def test_what_is_not_a_register_file_is_refused_up_front(project, tmp_path, what, monkeypatch):
    if what == "pipe":
        target = tmp_path / "fifo"
        os.mkfifo(target)
    elif what == "zero":
        target = Path("/dev/zero")
    else:
        from armstimeline.registers import reader

        monkeypatch.setattr(reader, "MAX_REGISTER_BYTES", 1000)
        target = write(tmp_path / "big.csv", register(ROWS_1))
    with pytest.raises(ValidationError) as caught:
        import_sipri(target, project / "events")
    assert "regular file" in str(caught.value) or "MiB" in str(caught.value)


@pytest.mark.parametrize("step", [0, 1, 2, 3])
@pytest.mark.parametrize("fault", ["disk full", "read-only"])
def test_a_fault_at_any_step_leaves_the_project_as_it_was(project, tmp_path, monkeypatch,
                                                          step, fault):  # fmt: skip
    """Disk full or a read-only folder at the n-th write: a sentence with the cause, and
    the folder byte for byte as before (CI runs as root, so the fault is injected)."""
    import errno

    from armstimeline import atomic

    before = state(project)
    calls = {"n": 0}
    real = os.replace

    def failing(src, dst, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] > step:
            code = errno.ENOSPC if fault == "disk full" else errno.EACCES
            raise OSError(code, os.strerror(code), str(dst))
        return real(src, dst, *args, **kwargs)

    monkeypatch.setattr(atomic.os, "replace", failing)
    file = write(tmp_path / "r.csv", register(ROWS_1))
    with pytest.raises(RegisterError) as caught:
        import_sipri(file, project / "events")
    assert "Nothing was registered" in str(caught.value)
    assert ("no space left" in str(caught.value)) or ("permission denied" in str(caught.value))
    monkeypatch.setattr(atomic.os, "replace", real)
    registry.recover(project / "seeds")  # what the next import does first
    assert state(project) == before


KILLED = """
import os, sys
from armstimeline import atomic
from armstimeline.importing import import_sipri
real, n = os.replace, {{"n": 0}}
def dying(src, dst, *a, **k):
    n["n"] += 1
    if n["n"] > {step}:
        os._exit(9)  # as kill -9: no clean-up runs
    return real(src, dst, *a, **k)
atomic.os.replace = dying
import_sipri(sys.argv[1], sys.argv[2])
"""


@pytest.mark.parametrize("step", [0, 1, 2, 3, 4])
def test_a_killed_import_is_rolled_back_or_complete(project, tmp_path, step):
    file = write(tmp_path / "r.csv", register(ROWS_1))
    before = state(project)
    subprocess.run([sys.executable, "-c", KILLED.format(step=step), str(file),
                    str(project / "events")], cwd=ROOT, check=False)  # fmt: skip
    registry.recover(project / "seeds")  # what the next import does first
    after = state(project)
    if after != before:  # killed after the registry was written: registered completely
        assert validate(project / "events", project / "seeds") == []
        assert len(derived(project)) == 21
        assert not (project / "seeds" / registry.JOURNAL).exists()


def test_two_imports_at_once_take_turns(project, tmp_path):
    file = write(tmp_path / "r.csv", register(ROWS_1))
    errors: list[BaseException] = []

    def run() -> None:
        try:
            import_sipri(file, project / "events")
        except BaseException as exc:  # pragma: no cover - the assertion reports it
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    text = (project / "seeds" / "sources.yml").read_text("utf-8")
    assert text.count("register: sipri-trade-register") == 1
    assert validate(project / "events", project / "seeds") == []


def test_the_old_layout_is_refused_and_dropped_on_request(project, tmp_path):
    old = project / "events" / "sipri-armenia-russia-2013-9m723-iskander-order.yml"
    text = (EVENTS / "armenia-iskander-2016.yml").read_text("utf-8").replace(
        "id: armenia-iskander-2016", f"id: {old.stem}"
    ) + "register:\n  row: armenia-russia-2013-9m723-iskander\n  designation: x\n" \
        "  description: y\n"  # fmt: skip
    old.write_text(text, "utf-8")
    file = write(tmp_path / "r.csv", register(ROWS_1))
    result = CliRunner().invoke(cli, ["import", "sipri", str(file), "--events",
                                      str(project / "events")])  # fmt: skip
    assert result.exit_code == 1 and "drop-files" in result.output
    result = CliRunner().invoke(cli, ["import", "drop-files", "--events",
                                      str(project / "events")])  # fmt: skip
    assert result.exit_code == 0 and "Removed 1 event files" in result.output
    assert not old.exists() and (project / "events" / "armenia-iskander-2016.yml").exists()
    assert import_sipri(file, project / "events").source_added


def test_the_registry_entry_says_what_the_file_is(project, tmp_path):
    text = register([r for r in ROWS_1 if ",Russia," in r]).replace(
        "from All countries  to All countries", "from Russia  to All countries"
    ).replace("'Not specified' to 'Not specified'", "'2014' to '2023'")
    file = write(tmp_path / "r.csv", text)
    report = import_sipri(file, project / "events")
    source = load(project / "events", project / "seeds").sources[report.source_id]
    assert source.suppliers == ("Russia",)  # what the download says it covers
    assert source.delivery_years == "2014/2023"
    assert source.register == "sipri-trade-register-2014-2023"
    record = json.loads((project / "seeds" / str(source.matches)).read_text("utf-8"))
    assert record["edition"] == "2025-03-13"


def test_the_fixture_format_is_the_real_one():
    """The fixture's header and preamble are the real export's (kept in shared/)."""
    real = ROOT.parent / "shared" / "sipri" / "trade-register-excerpt.csv"
    if not real.is_file():
        pytest.skip("the real excerpt lies beside the repository, not in it")
    lines = real.read_bytes().decode("latin-1").splitlines()
    assert HEADER.split(",")[:6] == lines[11].split(",")[:6]
    assert PREAMBLE.splitlines()[0].split(".")[0] == lines[0].split(".")[0]


@pytest.mark.parametrize(
    ("comment", "amounts"),
    [
        ("$174 m deal", [(174e6, "USD", None)]),
        ("worth $1.2 b", [(1.2e9, "USD", None)]),
        ("deal worth $60-100 m", [(60e6, "USD", 100e6)]),
        ("valued at EUR300 m", [(300e6, "EUR", None)]),
        ("$1.2 b worth; Mi-26T2 version", [(1.2e9, "USD", None)]),
        ("INR390 b ($5.4 b) deal", [(390e9, "INR", None), (5.4e9, "USD", None)]),
        ("worth mentioning: 4 were lost", []),
        ("$5 deal", []),  # no scale: not SIPRI's phrase
    ],
)
def test_money_in_the_common_phrasings(comment, amounts):
    from armstimeline.registers.figures import money_in_comments

    assert [(a.value, a.currency, a.upper) for a in money_in_comments(comment)] == amounts


def test_filters_tell_states_from_armed_groups(project, tmp_path):
    """A country's armed groups count as that country's actors unless the filter asks
    for states: the Houthi rebels are Yemeni actors, not the state of Yemen."""
    import_sipri(write(tmp_path / "r.csv", register(ROWS_1)), project / "events")
    timeline = load(project / "events", project / "seeds")
    anyone = timeline.filter(countries="YEM", role="recipient")
    states = timeline.filter(countries="YEM", role="recipient", actor_types="state")
    assert any("Houthi" in e.title for e in anyone)
    assert not any("Houthi" in e.title for e in states)
    groups = timeline.filter(actor_types="group", role="recipient")
    assert groups and all(
        any(a.type == "group" and a.role == "recipient" for a in e.actors) for e in groups
    )
    result = CliRunner().invoke(cli, ["list", "--country", "YEM", "--actor-type", "state",
                                      "--events", str(project / "events")])  # fmt: skip
    assert result.exit_code == 0 and "Houthi" not in result.output
    bad = CliRunner().invoke(cli, ["list", "--actor-type", "rebel", "--events",
                                   str(project / "events")])  # fmt: skip
    assert bad.exit_code != 0 and "actor type" in bad.output


def test_editions_that_disagree_are_said_so(project, tmp_path):
    """--edition never overrides a file's own stamp; a registered file keeps its scope;
    an edition older than a registered one says that it is superseded; the ids the
    report prints are ids `show` takes."""
    old = write(tmp_path / "old.csv", register(ROWS_1))
    new = write(tmp_path / "new.csv", register(ROWS_2, "10 Mar 2026 09:15:02 AM"))
    with pytest.raises(ValidationError) as caught:
        import_sipri(old, project / "events", edition="2020-01-01")
    assert "disagrees with the file's own stamp" in str(caught.value)
    import_sipri(new, project / "events")
    with pytest.raises(ValidationError) as caught:
        import_sipri(new, project / "events", suppliers=["Russia"])
    assert "keeps its scope" in str(caught.value)
    args = ["--events", str(project / "events")]
    result = CliRunner().invoke(cli, ["import", "sipri", str(old), *args])
    assert result.exit_code == 0, result.output
    assert "is older than 'sipri-trade-register-2026-03-10'" in result.output
    shown = [line.split()[-1] for line in result.output.splitlines()
             if line.strip().startswith("withdrawn ")]  # fmt: skip
    for event_id in shown:
        assert CliRunner().invoke(cli, ["show", event_id, *args]).exit_code == 0
    bad = CliRunner().invoke(cli, ["import", "sipri", str(tmp_path), *args])
    assert bad.exit_code == 1 and "not a regular file" in bad.output


def test_an_invisible_character_in_a_name_is_kept_and_named(project, tmp_path):
    """A zero-width space makes "Ind\u200bia" another name than India: kept as written
    (unmapped), and the warning names the character instead of printing it invisibly."""
    rows = [*ROWS_1, "Ind\u200bia,Russia,2021,,2,,Ka-226,light helicopter,2,,2022,New,,3,6,6"]
    file = tmp_path / "r.csv"
    file.write_bytes(register(rows).encode("utf-8"))
    result = CliRunner().invoke(cli, ["import", "sipri", str(file), "--events",
                                      str(project / "events")])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Ind\\u200bia" in result.output and "Ind\u200bia" not in result.output
    actor = next(e for e in derived(project).values() if "Ka-226" in e.title).actors[1]
    assert (actor.type, actor.name) == ("unmapped", "Ind\u200bia")
