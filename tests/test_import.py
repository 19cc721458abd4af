"""``armstimeline import sipri``: every quirk of the register format, provenance, stable
ids and re-imports, and what bad input gets."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from armstimeline.cli import cli
from armstimeline.errors import ValidationError
from armstimeline.importing import import_sipri
from armstimeline.loading import load_events, validate
from tests.conftest import EVENTS, SEEDS
from tests.sipri_fixture import HEADER, ROWS_1, ROWS_2, register


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the curated events and seeds, as a contributor's checkout has them."""
    shutil.copytree(EVENTS, tmp_path / "events")
    shutil.copytree(SEEDS, tmp_path / "seeds")
    return tmp_path


def write(path: Path, text: str, encoding: str = "latin-1") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def event(project: Path, event_id: str) -> dict:
    return yaml.safe_load((project / "events" / f"{event_id}.yml").read_text("utf-8"))


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(folder.iterdir())}


def test_every_quirk_of_the_format_becomes_honest_events(project, tmp_path):
    file = write(tmp_path / "register.csv", register(ROWS_1))
    report = import_sipri(file, project / "events")
    assert report.register.encoding == "latin-1"
    assert report.register.generated.isoformat() == "2025-03-13"
    assert len(report.register.rows) == 11  # two rows broken by a raw line break, joined
    # every row has an order; all but the undelivered Myanmar order have a delivery
    assert len(report.added) == 21 and report.written == 21

    order = event(project, "sipri-armenia-russia-2013-9m723-iskander-order")
    assert order["date"] == "2013?" and order["kind"] == "deal"
    assert order["systems"] == ["Iskander"]  # 9M723 Iskander is an alias in the catalog
    assert {"value": 25, "unit": "count", "what": "number ordered", "bound": "uncertain"} in (
        order["amounts"]
    )
    assert order["sources"][0]["quote"] == ROWS_1[0]
    assert order["register"]["delivered"] == [2016]

    delivery = event(project, "sipri-algeria-russia-2015-kornet-delivery")
    assert delivery["date"] == "2017/2019"  # first to last delivery year
    assert delivery["register"]["delivered"] == [2017, 2018, 2019]
    assert delivery["relations"] == [
        {"type": "part_of", "target": "sipri-algeria-russia-2015-kornet-order"}
    ]
    assert {"value": 30, "unit": "count", "what": "number delivered", "bound": "uncertain"} in (
        delivery["amounts"]
    )
    # an order with nothing delivered and no number yet stays open: no delivery event
    myanmar = event(project, "sipri-myanmar-russia-2022-96k9-pantsyr-s1-order")
    undelivered = "sipri-myanmar-russia-2022-96k9-pantsyr-s1-delivery.yml"
    assert not (project / "events" / undelivered).exists()
    assert "Nothing is recorded as delivered" in myanmar["summary"]
    assert not [a for a in myanmar["amounts"] if a["what"] == "number ordered"]
    assert myanmar["systems"] == ["Pantsir-S1"]

    broken = event(project, "sipri-donbas-militia-ukraine-russia-2021-mi-17-order")
    assert broken["note"] == "SIPRI's comment: Cummins (275hp) engines for 3 Mi-17 from Kazakhstan"
    assert {"group": "Donbas militia", "country": "UKR", "role": "recipient"} in broken["actors"]

    assert {"country": "SUHH", "role": "supplier"} in event(
        project, "sipri-syria-soviet-union-1986-p-35-order")["actors"]  # fmt: skip
    assert {"organisation": "African Union", "role": "recipient"} in event(
        project, "sipri-african-union-belarus-2019-mi-24-order")["actors"]  # fmt: skip
    nigeria = event(project, "sipri-nigeria-unknown-supplier-s-2008-mi-17-order")
    assert {"unknown": True, "role": "supplier"} in nigeria["actors"]
    assert "an unknown supplier" in nigeria["title"]

    turkey = event(project, "sipri-turkiye-russia-2017-s-400-triumf-order")
    assert {"country": "TUR", "role": "recipient"} in turkey["actors"]
    assert {"value": 2500000000, "currency": "USD",
            "what": "value of the deal (SIPRI's comment)"} in turkey["amounts"]  # fmt: skip
    india = event(project, "sipri-india-russia-2018-s-400-triumf-order")
    currencies = {a.get("currency"): a["value"] for a in india["amounts"] if "currency" in a}
    assert currencies == {"INR": 390_000_000_000, "USD": 5_400_000_000}
    kornet = event(project, "sipri-turkiye-russia-2008-kornet-order")
    ranged = [a for a in kornet["amounts"] if "currency" in a]
    assert ranged == [{"value": 60000000, "currency": "USD", "upper": 100000000,
                       "what": "value of the deal (SIPRI's comment)"}]  # fmt: skip
    # a designation the catalog lacks is kept as written, and validation accepts it
    assert event(project, "sipri-syria-soviet-union-1986-p-35-order")["systems"] == ["P-35"]

    # the register is a registered local source, read in its encoding; every quote checks
    registry = yaml.safe_load((project / "seeds" / "sources.yml").read_text("utf-8"))
    entry = registry[-1]
    assert entry["id"] == "sipri-trade-register-2025-03-13"
    assert entry["encoding"] == "latin-1" and entry["published"] == "2025-03-13"
    assert "SIPRI" in entry["publisher"] and "(c) SIPRI" in entry["note"]
    copy = project / "seeds" / entry["file"]
    assert copy.read_bytes() == file.read_bytes()
    events, _ = load_events(project / "events", project / "seeds")
    imported = [e for e in events if e.imported]
    assert len(imported) == 21
    assert all(not e.imported for e in events if not e.id.startswith("sipri-"))


def test_a_tampered_quote_fails_validation_like_any_other(project, tmp_path):
    import_sipri(write(tmp_path / "r.csv", register(ROWS_1)), project / "events")
    path = project / "events" / "sipri-armenia-russia-2013-9m723-iskander-order.yml"
    path.write_text(path.read_text("utf-8").replace(",25,?,9M723", ",26,?,9M723"), "utf-8")
    problems = validate(project / "events", project / "seeds")
    assert [(p.path.endswith(path.name), p.field) for p in problems] == [(True, "sources.quote")]


def test_the_same_file_twice_writes_nothing(project, tmp_path):
    file = write(tmp_path / "r.csv", register(ROWS_1))
    import_sipri(file, project / "events")
    events_before, seeds_before = snapshot(project / "events"), snapshot(project / "seeds")
    again = CliRunner().invoke(
        cli, ["import", "sipri", str(file), "--events", str(project / "events")]
    )
    assert again.exit_code == 0, again.output
    assert "0 events added, 0 changed, 0 now citing this edition, 21 unchanged" in again.output
    assert "Wrote 0 event files" in again.output
    assert snapshot(project / "events") == events_before
    assert snapshot(project / "seeds") == seeds_before


def test_a_newer_edition_updates_adds_and_reports_what_is_gone(project, tmp_path):
    import_sipri(write(tmp_path / "r1.csv", register(ROWS_1)), project / "events")
    second = write(tmp_path / "r2.csv", register(ROWS_2, stamp="10 Mar 2026 09:00:00 AM"))
    before = snapshot(project / "events")
    dry = CliRunner().invoke(
        cli, ["import", "sipri", str(second), "--events", str(project / "events"), "--dry-run"]
    )
    assert dry.exit_code == 0, dry.output
    assert snapshot(project / "events") == before  # a dry run writes nothing
    assert "2 events added, 2 changed, 17 now citing this edition, 0 unchanged, 2 gone" in (
        dry.output
    )
    assert "added    sipri-syria-russia-2020-mig-29s-order" in dry.output
    fields = "title, date, amounts, summary, sources, register"
    assert f"changed  sipri-algeria-russia-2015-kornet-delivery: {fields}" in dry.output
    assert "gone     sipri-nigeria-unknown-supplier-s-2008-mi-17-order" in dry.output
    assert "would register the file as source 'sipri-trade-register-2026-03-10'" in dry.output

    report = import_sipri(second, project / "events")
    assert report.written == 21
    delivery = event(project, "sipri-algeria-russia-2015-kornet-delivery")
    assert delivery["date"] == "2017/2020"
    assert delivery["sources"][0]["source"] == "sipri-trade-register-2026-03-10"
    # gone rows are kept (reported, never deleted); both editions stay registered
    assert (project / "events" / "sipri-nigeria-unknown-supplier-s-2008-mi-17-order.yml").exists()
    assert validate(project / "events", project / "seeds") == []
    assert import_sipri(second, project / "events").written == 0


def test_filters_take_names_codes_and_former_names(project, tmp_path):
    file = write(tmp_path / "r.csv", register(ROWS_1))
    report = import_sipri(file, project / "events", suppliers=["RUS", "Soviet Union"],
                          recipients=["Turkey", "Syria"], dry_run=True)  # fmt: skip
    assert report.selected == 3  # Türkiye twice (as Türkiye and Turkiye), Syria once
    with pytest.raises(ValidationError) as caught:
        import_sipri(file, project / "events", suppliers=["Rusia"], dry_run=True)
    assert "no supplier in this register is \"Rusia\"" in str(caught.value)
    assert "did you mean 'Russia'" in str(caught.value)


def test_filtered_imports_report_gone_rows_only_within_their_filter(project, tmp_path):
    import_sipri(write(tmp_path / "r1.csv", register(ROWS_1)), project / "events")
    second = write(tmp_path / "r2.csv", register(ROWS_2, stamp="10 Mar 2026 09:00:00 AM"))
    report = import_sipri(second, project / "events", suppliers=["Iran"], dry_run=True)
    assert report.gone == ()  # the Nigeria row had an unknown supplier, not Iran


@pytest.mark.parametrize(
    ("variant", "encoding"),
    [("no preamble", "latin-1"), ("utf-8", "utf-8"), ("utf-8 with BOM", "utf-8-sig"),
     ("CRLF line ends", "latin-1")],
)  # fmt: skip
def test_what_users_download_reads_alike(project, tmp_path, variant, encoding):
    text = register(ROWS_1, stamp=None if variant == "no preamble" else "13 Mar 2025")
    if variant == "CRLF line ends":
        text = text.replace("\n", "\r\n")
    file = write(tmp_path / "r.csv", text, encoding)
    report = import_sipri(file, project / "events")
    assert len(report.added) == 21
    assert report.register.encoding == ("latin-1" if "latin" in encoding else encoding)
    if variant == "no preamble":
        assert report.source_id.startswith("sipri-trade-register-")
        assert report.register.generated is None
    assert validate(project / "events", project / "seeds") == []


BAD = {
    "another csv": ("id,title,date\n1,Hello,2020\n", 1, "not a SIPRI trade register"),
    "spreadsheet with a BOM": (
        "\ufeff" + register(ROWS_1).replace(",", ";"), 1, "re-saved by a spreadsheet"),
    "quoted cells": (
        register(ROWS_1).replace("Armenia,Russia", '"Armenia","Russia"').replace(
            HEADER, '"' + HEADER.replace(",", '","') + '"'), 1, "not a SIPRI trade register"),
    "truncated last row": (register(ROWS_1) + "Syria,Russia,2020,?,6", 22, "looks truncated"),
    "a comma in a field": (
        register(ROWS_1).replace("Kornet-E version", "Kornet-E, version"), 10, "has 17 fields"),
    "a missing field": (
        register(ROWS_1).replace(",Kornet-E version,0.04", ",0.04"), 10, "has 15 fields"),
    "a year that is not one": (register(ROWS_1).replace("2013,?,25", "20X3,?,25"), 9,
                               "Year of order: \"20X3\" is not a year"),
    "an unknown recipient": (register(ROWS_1, unknown=True), 12,
                             "\"Ruritania Army*\" is not a state, organisation or group"),
    "a number too long to be one": (register(ROWS_1).replace("2013,?,25", "2013,?," + "9" * 5000),
                                    9, "is not a whole number"),
    "empty": ("", 1, "not a SIPRI trade register"),
    "a header and no rows": (register([]), 8, "has a header but no rows"),
    "a wrong question mark": (register(ROWS_1).replace("2013,?,25", "2013,!,25"), 9,
                              "should be '?' or empty"),
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_input_is_a_sentence_with_its_line_and_nothing_is_written(project, tmp_path, name):
    text, line, message = BAD[name]
    file = write(tmp_path / "bad.csv", text, "utf-8" if "\ufeff" in text else "latin-1")
    before = snapshot(project / "events"), snapshot(project / "seeds")
    result = CliRunner().invoke(
        cli, ["import", "sipri", str(file), "--events", str(project / "events")]
    )
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    first = result.output.splitlines()[0]
    assert f"bad.csv:{line}:" in first, result.output
    assert message in result.output
    assert (snapshot(project / "events"), snapshot(project / "seeds")) == before


def test_an_import_never_replaces_a_curated_file(project, tmp_path):
    curated = project / "events" / "sipri-armenia-russia-2013-9m723-iskander-order.yml"
    shutil.copy(EVENTS / "armenia-iskander-2016.yml", curated)
    curated.write_text(
        curated.read_text("utf-8").replace("id: armenia-iskander-2016", f"id: {curated.stem}"),
        "utf-8",
    )
    before = curated.read_bytes()
    with pytest.raises(ValidationError) as caught:
        import_sipri(write(tmp_path / "r.csv", register(ROWS_1)), project / "events")
    assert "is a curated event file; an import never replaces one" in str(caught.value)
    assert curated.read_bytes() == before
    assert len(os.listdir(project / "events")) == len(os.listdir(EVENTS)) + 1


def test_a_new_folder_gets_its_own_seeds_registry(tmp_path):
    report = import_sipri(write(tmp_path / "r.csv", register(ROWS_1)), tmp_path / "mine" / "events")
    assert report.written == 21
    assert (tmp_path / "mine" / "seeds" / "sources.yml").is_file()
    assert validate(tmp_path / "mine" / "events", tmp_path / "mine" / "seeds") == []


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(edits=st.lists(st.tuples(st.integers(0, 3000), st.sampled_from(
    [",", "\n", "?", ";", "", '"', "\x00", "é", "9" * 30, "*", "**", "\r", "Ruritania"])),
    max_size=6), encoding=st.sampled_from(["latin-1", "utf-8", "utf-8-sig"]))  # fmt: skip
def test_any_mangled_register_is_read_or_refused_in_sentences(tmp_path, edits, encoding):
    text = register(ROWS_1)
    for at, insert in edits:
        at = at % (len(text) + 1)
        text = text[:at] + insert + text[at + (0 if insert else 1):]
    file = tmp_path / "mangled.csv"
    file.write_bytes(text.encode(encoding, errors="replace"))
    try:
        import_sipri(file, tmp_path / "events", dry_run=True)
    except ValidationError as exc:
        assert exc.problems and all(p.path.endswith("mangled.csv") for p in exc.problems)


def test_a_re_import_skips_rows_whose_files_hold_their_fingerprint(project, tmp_path, monkeypatch):
    from armstimeline.importing import sipri

    file = write(tmp_path / "r.csv", register(ROWS_1))
    import_sipri(file, project / "events")
    built: list[str] = []
    real = sipri.row_events

    def counting(row, key, *args, **kwargs):
        built.append(key)
        return real(row, key, *args, **kwargs)

    monkeypatch.setattr(sipri, "row_events", counting)
    assert import_sipri(file, project / "events").unchanged == 21
    assert built == []  # every row known unchanged from its files' fingerprints
    path = project / "events" / "sipri-armenia-russia-2013-9m723-iskander-order.yml"
    path.write_text(path.read_text("utf-8").replace("digest:", "digest: 0"), "utf-8")
    report = import_sipri(file, project / "events")
    assert built == ["armenia-russia-2013-9m723-iskander"]  # only the row whose file changed
    # the file differed only in its fingerprint: rewritten, reported as re-cited, not revised
    assert report.changed == ()
    assert report.recited == ("sipri-armenia-russia-2013-9m723-iskander-order",)
