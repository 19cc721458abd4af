"""The bundled dataset: headline events exact, relations typed and consistent."""

from __future__ import annotations

import pytest

from armstimeline import reference
from armstimeline.dates import Precision
from armstimeline.timeline import Timeline, load

from .conftest import EVENTS, SEEDS


@pytest.fixture(scope="module")
def timeline() -> Timeline:
    return load(EVENTS, SEEDS)


def roles(event) -> set[tuple[str, str]]:
    return {(a.country, a.role) for a in event.actors}


def money(event) -> set[tuple[float, str]]:
    return {(a.value, a.currency) for a in event.amounts if a.currency}


HEADLINES = [
    # id, date as written, precision, (country, role) pairs that must be present, money
    ("tartus-latakia-naval-facilities-2005", "2005-01", Precision.MONTH,
     {("SYR", "supplier"), ("RUS", "recipient")}, {(13.4e9, "USD")}),
    ("bangladesh-arms-loan-2013", "2013-01-15", Precision.DAY,
     {("RUS", "supplier"), ("BGD", "recipient")}, {(1e9, "USD")}),
    ("armenia-iskander-2016", "2016", Precision.YEAR,
     {("RUS", "supplier"), ("ARM", "recipient")}, set()),
    ("turkey-s400-purchase-2019", "2019", Precision.YEAR,
     {("RUS", "supplier"), ("TUR", "buyer")}, set()),
    ("turkey-f35-suspension-2019", "2019", Precision.YEAR,
     {("USA", "supplier"), ("TUR", "target")}, set()),
    ("myanmar-coup-2021", "2021-02-01", Precision.DAY, {("MMR", "party")}, set()),
    ("rosoboronexport-55bn-backlog-2024", "2024-11-13", Precision.DAY,
     {("RUS", "supplier")}, {(55e9, "USD")}),
]  # fmt: skip


class TestHeadlines:
    @pytest.mark.parametrize(
        ("event_id", "date", "precision", "actors", "amounts"),
        HEADLINES,
        ids=[h[0] for h in HEADLINES],
    )
    def test_headline_event(self, timeline, event_id, date, precision, actors, amounts):
        """Each headline event has its seed's date and precision, actors and money."""
        event = timeline[event_id]
        assert str(event.date) == date
        assert event.date.precision is precision
        assert actors <= roles(event)
        assert money(event) == amounts

    def test_headline_systems(self, timeline):
        assert "Iskander" in timeline["armenia-iskander-2016"].systems
        assert "S-400 Triumf" in timeline["turkey-s400-purchase-2019"].systems
        assert "F-35 Lightning II" in timeline["turkey-f35-suspension-2019"].systems

    def test_headline_links(self, timeline):
        """The seeds' arguments are links: S-400 caused the F-35 suspension; bases for debt."""
        s400 = timeline["turkey-s400-purchase-2019"]
        assert ("caused", "turkey-f35-suspension-2019") in {
            (r.type, r.target) for r in s400.relations
        }
        tartus = timeline["tartus-latakia-naval-facilities-2005"]
        assert ("quid_pro_quo", "syria-debt-write-off-2005") in {
            (r.type, r.target) for r in tartus.relations
        }
        loan = timeline["bangladesh-arms-loan-2013"]
        assert ("quid_pro_quo", "gazprom-bangladesh-gas-wells-2013") in {
            (r.type, r.target) for r in loan.relations
        }


class TestRelations:
    def test_every_relation_typed_and_resolves(self, timeline):
        types = reference.relation_types()
        for event in timeline:
            for rel in event.relations:
                assert rel.type in types
                assert rel.target in timeline, (event.id, rel.target)
                assert rel.target != event.id

    def test_symmetric_relations_point_both_ways(self, timeline):
        """quid_pro_quo and related are written on both events."""
        symmetric = {t for t, spec in reference.relation_types().items() if spec.get("symmetric")}
        for event in timeline:
            for rel in event.relations:
                if rel.type in symmetric:
                    back = {(r.type, r.target) for r in timeline[rel.target].relations}
                    assert (rel.type, event.id) in back, (event.id, rel.target)

    def test_every_deal_for_access_is_linked(self, timeline):
        """Basing, resource rights and debt relief each link to what they were traded for."""
        for event in timeline:
            if event.kind in {"basing", "resource_rights", "debt_relief"}:
                assert any(r.type == "quid_pro_quo" for r in event.relations), event.id


class TestCoverage:
    def test_well_over_fifty_events_from_every_seed(self, timeline):
        assert len(timeline) >= 50
        cited = {c.source for e in timeline for c in e.sources}
        local = {s.id for s in timeline.sources.values() if s.checked_locally}
        assert local <= cited

    def test_every_country_has_a_region_and_name(self, timeline):
        for event in timeline:
            for code in event.countries:
                assert code in reference.country_regions()
                assert reference.country_name(code) != code

    def test_tiv_figure_is_not_dollars(self, timeline):
        """The seed's '$USD6148 million' is SIPRI TIV; the dataset says so."""
        event = timeline["russia-arms-exports-2017"]
        assert [a.unit for a in event.amounts] == ["tiv_million"]
        assert "trend-indicator value" in event.summary
