"""The Timeline: filters, grouping and relations against the real dataset."""

from __future__ import annotations

import pytest

from armstimeline.errors import ArmstimelineError, FilterError
from armstimeline.timeline import Filter, Timeline, load

from .conftest import EVENTS, SEEDS


@pytest.fixture(scope="module")
def timeline() -> Timeline:
    return load(EVENTS, SEEDS)


class TestFilters:
    def test_turkey_2015_2020_s400_before_f35(self, timeline):
        """Turkey's 2015-2020 events include the S-400 purchase, then the F-35 suspension."""
        ids = timeline.filter(countries="TUR", start="2015", end="2020").ids
        s400 = ids.index("turkey-s400-purchase-2019")
        f35 = ids.index("turkey-f35-suspension-2019")
        assert s400 < f35
        assert (
            all("TUR" in timeline[i].countries for i in ids)
            and "us-patriot-withdrawal-turkey-2015" in ids
        )

    def test_role(self, timeline):
        buyers = timeline.filter(countries="TUR", role="buyer")
        assert "turkey-s400-contract-2017" in buyers
        assert "turkey-f35-suspension-2019" not in buyers

    def test_system_alias_matches(self, timeline):
        assert timeline.filter(systems="SS-26 Stone").ids == timeline.filter(systems="Iskander").ids
        assert "armenia-iskander-2016" in timeline.filter(systems="ss-26 stone")

    def test_date_overlap_is_honest(self, timeline):
        """A year-precise 2016 event matches a range that ends in March 2016."""
        assert "armenia-iskander-2016" in timeline.filter(start="2015-06", end="2016-03")
        assert "armenia-iskander-2016" not in timeline.filter(start="2017")
        assert "azerbaijan-russian-arms-share-2013-2017" in timeline.filter(
            start="2015", end="2015"
        )

    def test_kind_tag_region_text(self, timeline):
        assert all(e.kind == "basing" for e in timeline.filter(kinds="basing"))
        assert "hamedan-air-base-2016" in timeline.filter(
            tags="arms-for-access", regions="middle-east"
        )
        assert timeline.filter(text="ten natural gas").ids == ("gazprom-bangladesh-gas-wells-2013",)

    def test_bad_filter_is_a_clear_error(self):
        with pytest.raises(FilterError, match=r"kind 'dea' is not known \(did you mean 'deal'\?\)"):
            Filter(kinds="dea")
        with pytest.raises(ArmstimelineError, match="end of the date range comes before"):
            Filter(start="2020", end="2019")


class TestGroupingAndRelations:
    def test_group_by(self, timeline):
        years = timeline.group_by("year")
        assert "armenia-iskander-2016" in years["2016"]
        assert sum(len(g) for g in years.values()) == len(timeline)
        countries = timeline.group_by("country")
        assert len(countries["TUR"]) == len(timeline.filter(countries="TUR"))
        assert list(timeline.group_by("decade")) == ["1990s", "2000s", "2010s", "2020s"]

    def test_bangladesh_loan_quid_pro_quo_is_gas_wells(self, timeline):
        related = timeline.related("bangladesh-arms-loan-2013", type="quid_pro_quo")
        assert [(rel, e.id) for rel, e in related] == [
            ("quid_pro_quo", "gazprom-bangladesh-gas-wells-2013")
        ]
        pairs = [(a.id, b.id) for a, b in timeline.quid_pro_quo()]
        unordered = {frozenset(p) for p in pairs}
        assert {"bangladesh-arms-loan-2013", "gazprom-bangladesh-gas-wells-2013"} in unordered
        assert len(pairs) == len(unordered), "each pair once"
        for a, b in pairs:  # what was given (arms, credit, debt relief), then what it bought
            assert timeline[a].kind in {"deal", "negotiation", "loan", "delivery", "debt_relief"}
            assert timeline[b].kind in {"basing", "resource_rights"}
        assert ("bangladesh-arms-loan-2013", "gazprom-bangladesh-gas-wells-2013") in pairs

    def test_a_link_stated_from_both_sides_is_listed_once(self, timeline):
        """S-400 'caused' the F-35 suspension, and the suspension is a 'response_to' the
        S-400: one link, named from the side asked about."""
        related = timeline.related("turkey-s400-purchase-2019")
        others = [e.id for _, e in related]
        assert len(others) == len(set(others)), related
        assert ("caused", "turkey-f35-suspension-2019") in [(r, e.id) for r, e in related]
        back = [(r, e.id) for r, e in timeline.related("turkey-f35-suspension-2019")]
        assert back == [("response_to", "turkey-s400-purchase-2019")]

    def test_inverse_names(self, timeline):
        """Incoming links are named from this side: the F-35 suspension was caused_by the S-400."""
        related = dict((e.id, rel) for rel, e in timeline.related("turkey-f35-suspension-2019"))
        assert related["turkey-s400-purchase-2019"] in {"caused_by", "response_to"}
        out = timeline.related("turkey-f35-suspension-2019", direction="out")
        assert [(r, e.id) for r, e in out] == [("response_to", "turkey-s400-purchase-2019")]

    def test_collection_protocol(self, timeline):
        assert len(timeline) == len(list(timeline))
        assert timeline[0].date.earliest <= timeline[-1].date.earliest
        with pytest.raises(KeyError, match="no event"):
            timeline["nope"]
        sources = timeline.citations("armenia-iskander-2016")
        assert sources[0][0].publisher.startswith("Jamestown")


def test_dataframe_keeps_dates_as_written(timeline):
    """to_dataframe: one row per event, the date as written plus earliest/latest columns."""
    frame = timeline.to_dataframe()
    assert len(frame) == len(timeline)
    row = frame.set_index("id").loc["armenia-iskander-2016"]
    assert row["date"] == "2016"
    assert row["precision"] == "year"
    assert str(row["earliest"].date()) == "2016-01-01"
    assert str(row["latest"].date()) == "2016-12-31"
    assert frame["lat"].dtype.kind == "f"


class TestFilterErrors:
    """Every unknown filter value is an error that says what was expected and suggests."""

    @pytest.mark.parametrize("given", ["TUR", "tur", "TR", "Turkey", "Türkiye", "turkey"])
    def test_country_by_code_or_name(self, timeline, given):
        assert timeline.filter(countries=given).ids == timeline.filter(countries="TUR").ids

    def test_unknown_country_says_what_is_expected(self):
        with pytest.raises(FilterError, match="alpha-3 code \\(TUR\\), an alpha-2 code"):
            Filter(countries="XX")
        with pytest.raises(FilterError, match="did you mean 'Türkiye'"):
            Filter(countries="Turkiy")

    def test_system_suggests_the_spelling(self, timeline):
        # checked against the catalog and the designations imported rows keep as written
        with pytest.raises(FilterError, match="did you mean 'S-400'"):
            timeline.filter(systems="S400")

    def test_unknown_tag_is_an_error_with_a_suggestion(self, timeline):
        with pytest.raises(FilterError, match="no event has the tag 'nonsense'"):
            timeline.filter(tags="nonsense")
        with pytest.raises(FilterError, match="did you mean 'middle-east'"):
            timeline.filter(tags="middle-eat")

    def test_tags_of_the_whole_timeline_filter_its_subsets(self, timeline):
        turkey = timeline.filter(countries="TUR")
        expected = tuple(e.id for e in turkey if "south-caucasus" in e.tags)
        assert turkey.filter(tags="south-caucasus").ids == expected  # known tag: no error

    def test_regions_are_spelt_like_tags(self, timeline):
        assert "hamedan-air-base-2016" in timeline.filter(regions="middle-east")
        with pytest.raises(FilterError, match="did you mean 'middle-east'"):
            Filter(regions="middle_east")
        tags = {t for e in timeline for t in e.tags}
        assert tags & {r for e in timeline for r in e.regions}  # one convention for both

    @pytest.mark.parametrize(
        ("kwargs", "hint"),
        [({"kinds": "dael"}, "deal"), ({"role": "buyr"}, "buyer")],
    )
    def test_kind_and_role_suggest(self, kwargs, hint):
        with pytest.raises(FilterError, match=f"did you mean '{hint}'"):
            Filter(**kwargs)

    def test_unknown_keyword_names_the_valid_ones(self, timeline):
        with pytest.raises(FilterError, match=r"did you mean 'countries'.*the keywords are"):
            timeline.filter(country="TUR")


def test_timeline_order_is_date_then_depth_in_the_story_then_id():
    """``order_ids`` against a plain recursive definition, on random acyclic stories:
    a cause before its effect, a whole before its part, however deep the chain."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from armstimeline.model import order_ids

    @settings(max_examples=200, deadline=None)
    @given(
        st.lists(st.tuples(st.integers(0, 3), st.integers(0, 2), st.integers(0, 3)),
                 min_size=1, max_size=12),
        st.lists(st.tuples(st.sampled_from(["caused", "part_of", "response_to", "other"]),
                           st.integers(0, 11), st.integers(0, 11)), max_size=20),
    )  # fmt: skip
    def check(keys_list, raw_edges):
        keys = {f"e{i}": key for i, key in enumerate(keys_list)}
        n = len(keys)
        before: dict[str, set[str]] = {}
        edges = []
        for rtype, a, b in raw_edges:
            a, b = a % n, b % n
            if a == b:
                continue
            # acyclic: what comes first has the lower number
            if rtype == "caused":  # a caused b: a first
                source, target = min(a, b), max(a, b)
                before.setdefault(f"e{target}", set()).add(f"e{source}")
            else:  # a is part of (or a response to) b: b first
                source, target = max(a, b), min(a, b)
                if rtype != "other":
                    before.setdefault(f"e{source}", set()).add(f"e{target}")
            edges.append((rtype, f"e{source}", f"e{target}"))

        def depth(e: str) -> int:
            return 1 + max((depth(p) for p in before.get(e, ())), default=-1)

        expected = sorted(keys, key=lambda k: (*keys[k], depth(k), k))
        assert order_ids(keys, edges) == expected

    check()
