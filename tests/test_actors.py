"""Actors that are not countries, former states, a project's own systems catalog, and
local sources in other encodings: through loading, the database, the exports and back."""

from __future__ import annotations

import csv
import io
import json
import sqlite3

import pycountry
import pytest
from click.testing import CliRunner

from armstimeline import reference
from armstimeline.cli import cli
from armstimeline.database import build, read_events
from armstimeline.errors import ValidationError
from armstimeline.loading import load_events, validate
from armstimeline.model import Actor
from armstimeline.serialize import event_from_dict, event_to_dict
from tests.conftest import GOOD_EVENT

MIXED = GOOD_EVENT.replace(
    "  - {{country: ARM, role: recipient}}\n",
    "  - {{country: ARM, role: recipient}}\n"
    "  - {{organisation: Rosoboronexport, country: RUS, role: supplier}}\n"
    "  - {{organisation: NATO, role: third_party}}\n"
    "  - {{group: Houthi rebels, country: YEM, role: third_party}}\n"
    "  - {{unknown: true, role: buyer}}\n"
    "  - {{country: SUHH, role: party}}\n",
)


def test_every_country_and_former_state_has_a_region():
    regions = reference.country_regions()
    assert {c.alpha_3 for c in pycountry.countries} <= set(regions)
    for code in ("SUHH", "CSHH", "DDDE", "YUCS", "YDYE"):
        assert pycountry.historic_countries.get(alpha_4=code) is not None
        assert regions[code] in reference.region_names()
    assert reference.country_name("SUHH") == "Soviet Union"
    assert reference.country_name("DDDE") == "East Germany"


def test_actors_of_every_type_load_build_export_and_read_back(events_dir, seeds, tmp_path):
    (events_dir / "mixed.yml").write_text(MIXED.format(id="mixed"), "utf-8")
    events, _ = load_events(events_dir, seeds)
    actors = events[0].actors
    assert [a.type for a in actors] == [
        "state", "state", "organisation", "organisation", "group", "unknown", "state",
    ]  # fmt: skip
    assert [a.label for a in actors[2:6]] == [
        "Rosoboronexport (Russian Federation)", "NATO", "Houthi rebels (Yemen)", "unknown buyer",
    ]  # fmt: skip
    assert events[0].countries == ("RUS", "ARM", "YEM", "SUHH")
    assert event_from_dict(event_to_dict(events[0])) == events[0]

    db = tmp_path / "t.db"
    build(events_dir, seeds, db)
    with sqlite3.connect(db) as conn:
        back, _ = read_events(conn, ["mixed"])
        assert back[0] == events[0]
        rows = conn.execute("select type, country, name, role from actors").fetchall()
    assert ("organisation", None, "NATO", "third_party") in rows
    assert ("unknown", None, None, "buyer") in rows

    out = tmp_path / "e.csv"
    result = CliRunner().invoke(
        cli, ["export", "--events", str(events_dir), "--sources", str(seeds),
              "--format", "csv", "-o", str(out)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    row = next(csv.DictReader(io.StringIO(out.read_text("utf-8-sig"))))
    assert "organisation:NATO:third_party" in row["actors"]
    assert "group:Houthi rebels/YEM:third_party" in row["actors"]
    assert "unknown:buyer" in row["actors"]
    assert row["origin"] == "curated"


@pytest.mark.parametrize(
    ("line", "field", "message"),
    [
        ("{unknown: true, country: RUS, role: supplier}", "actors[2].country", "no country"),
        ("{organisation: NATO, group: X, role: supplier}", "actors[2]", "one of"),
        ("{role: supplier}", "actors[2]", "one of"),
        ("{unknown: yes please, role: supplier}", "actors[2].unknown", "unknown: true"),
        ("{group: Rebels, country: Narnia, role: party}", "actors[2].country", "alpha-3"),
        ("{organisation: '', role: party}", "actors[2].organisation", "empty"),
    ],
)
def test_bad_actors_are_problems_with_file_line_and_field(
    events_dir, seeds, line, field, message
):
    text = GOOD_EVENT.replace(
        "  - {{country: ARM, role: recipient}}\n",
        "  - {{country: ARM, role: recipient}}\n  - " + line.replace("{", "{{").replace("}", "}}")
        + "\n",
    )
    (events_dir / "bad.yml").write_text(text.format(id="bad"), "utf-8")
    problems = validate(events_dir, seeds)
    assert [(p.line, p.field) for p in problems] == [(8, field)], problems
    assert message in problems[0].message


def test_the_model_refuses_inconsistent_actors():
    with pytest.raises(ValueError):
        Actor(None, "supplier")
    with pytest.raises(ValueError):
        Actor("RUS", "supplier", type="organisation")
    with pytest.raises(ValueError):
        Actor("RUS", "supplier", type="unknown")
    assert Actor("SUHH", "supplier").key == "SUHH"


def test_a_projects_systems_yml_extends_the_catalog(events_dir, seeds, tmp_path):
    text = GOOD_EVENT.replace("systems: [SS-26 Stone]", "systems: [9K38 Igla, Iskander-M]")
    (events_dir / "e.yml").write_text(text.format(id="e"), "utf-8")
    with pytest.raises(ValidationError) as caught:
        load_events(events_dir, seeds)
    assert '"9K38 Igla" is not in the systems catalog' in str(caught.value)
    catalog = events_dir.parent / "systems.yml"
    catalog.write_text(
        "- {name: Igla, category: air_defence, origin: SUHH, aliases: [9K38 Igla, SA-18]}\n"
        "- {name: Iskander, category: missile, aliases: [Iskander-M Project]}\n",
        "utf-8",
    )
    events, _ = load_events(events_dir, seeds)
    assert events[0].systems == ("Igla", "Iskander")
    db = tmp_path / "p.db"
    build(events_dir, seeds, db)
    with sqlite3.connect(db) as conn:
        assert conn.execute("select origin from systems where name = 'Igla'").fetchone() == (
            "SUHH",
        )
        aliases = conn.execute("select aliases from systems where name = 'Iskander'").fetchone()
    assert "Iskander-M Project" in json.loads(aliases[0])
    # a change to the project's catalog is a change to the build's inputs
    catalog.write_text("- {name: Igla, category: air_defence, aliases: [9K38 Igla]}\n", "utf-8")
    assert build(events_dir, seeds, db).events == 1
    with sqlite3.connect(db) as conn:
        assert conn.execute("select origin from systems where name = 'Igla'").fetchone() == (
            None,
        )
    catalog.write_text("- {name: Igla, category: [x]}\n", "utf-8")
    problems = validate(events_dir, seeds)
    assert any(p.path.endswith("systems.yml") and p.field == "[0].category" for p in problems)


def test_a_local_source_is_read_in_its_declared_encoding(events_dir, tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "doc.txt").write_bytes("Wärtsilä delivered 2 engines to Algeria".encode("latin-1"))
    registry = "- {id: doc, title: A Latin-1 text, file: doc.txt%s}\n"
    text = GOOD_EVENT.replace("edm-azerbaijan-armenia", "doc").replace(
        "in 2016, Armenia obtained Russian Iskander (SS-26 Stone) short-range",
        "Wärtsilä delivered 2 engines",
    )
    (events_dir / "e.yml").write_text(text.format(id="e"), "utf-8")
    (seeds / "sources.yml").write_text(registry % "", "utf-8")
    problems = validate(events_dir, seeds)
    encoding = [p for p in problems if p.path.endswith("sources.yml")]
    assert len(encoding) == 1 and "is not utf-8" in encoding[0].message
    assert "encoding: latin-1" in encoding[0].message
    (seeds / "sources.yml").write_text(registry % ", encoding: latin-1", "utf-8")
    assert validate(events_dir, seeds) == []
    (seeds / "sources.yml").write_text(registry % ", encoding: klingon", "utf-8")
    assert any("not an encoding" in p.message for p in validate(events_dir, seeds))
