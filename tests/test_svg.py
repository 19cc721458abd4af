"""The SVG timeline: well-formed, honest widths, links, relations, escaping."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from armstimeline.cli import cli
from armstimeline.dates import PartialDate
from armstimeline.export.svg import render_svg
from armstimeline.model import Actor, Citation, Event
from armstimeline.timeline import load

from .conftest import EVENTS, SEEDS

NS = {"svg": "http://www.w3.org/2000/svg"}


@pytest.fixture(scope="module")
def timeline():
    return load(EVENTS, SEEDS)


def marks(svg: str) -> list[ET.Element]:
    return ET.fromstring(svg).findall(".//svg:a[@class='mark']", NS)


def test_each_event_once_with_the_focused_lane_first(timeline):
    """Filtered to Armenia, Armenia's lane comes first and every event is drawn once (the
    Victory Day parade once, not once per participant)."""
    armenia = timeline.filter(countries="ARM")
    svg = render_svg(armenia, lanes="country", focus="ARM")
    found = marks(svg)
    assert sorted(m.get("data-id") for m in found) == sorted(armenia.ids)
    assert {m.get("data-lane") for m in found} == {"ARM"}
    lanes = [g.get("data-lane") for g in ET.fromstring(svg).findall(".//svg:g[@class='lane']", NS)]
    assert lanes[0] == "ARM"
    by_kind = marks(render_svg(armenia, lanes="kind"))
    assert len(by_kind) == len(armenia)


def test_labels_sit_beside_marks_and_never_run_off(timeline):
    svg = render_svg(timeline, lanes="country", width=1400)
    root = ET.fromstring(svg)
    labels = root.findall(".//svg:a[@class='mark']/svg:text", NS)
    assert len(labels) >= len(timeline) * 0.8, "most marks carry their title"
    from armstimeline.export.svg import CHAR_WIDTH

    for text in labels:
        assert float(text.get("x")) + CHAR_WIDTH * len(text.text or "") <= 1400 + 1
    assert any("Iskander" in (t.text or "") for t in labels)


@pytest.mark.parametrize("width", [900, 1400])
def test_labels_are_whole_words_of_the_title(timeline, width):
    """A label is never cut mid-word ("Rosoboro"): it is the title or whole words from its
    start, so what is seen is what a screen reader announces first."""
    root = ET.fromstring(render_svg(timeline, lanes="country", width=width))
    for mark in root.findall(".//svg:a[@class='mark']", NS):
        text = mark.find("svg:text", NS)
        if text is None:
            continue
        title = timeline.get(mark.get("data-id")).title
        shown = text.text or ""
        assert title.startswith(shown), (shown, title)
        assert len(shown) == len(title) or title[len(shown)] in " ,;:-–—", (shown, title)


def test_kinds_and_relations_do_not_share_colours():
    from armstimeline.export.svg import KIND_COLOURS, RELATION_STYLES

    assert len(set(KIND_COLOURS.values())) == len(KIND_COLOURS)
    assert len(set(RELATION_STYLES.values())) == len(RELATION_STYLES)
    assert len({dash for _, dash in RELATION_STYLES.values()}) >= 4, "told apart by shape too"


def test_width_shows_precision(timeline):
    """A year-precise mark is about 365 times as wide as a day-precise one's true span."""
    svg = render_svg(timeline, lanes="kind", width=4000)
    widths = {}
    for mark in marks(svg):
        rect = mark.find("svg:rect", NS)
        widths[mark.get("data-id")] = float(rect.get("width"))
    year = widths["armenia-iskander-2016"]
    month = widths["tartus-latakia-naval-facilities-2005"]
    day = widths["bangladesh-arms-loan-2013"]
    assert year > month * 10 > day
    assert 11 < year / month < 13


def test_links_and_relations(timeline):
    svg = render_svg(timeline, link="/db/events/{id}")
    hrefs = {m.get("href") for m in marks(svg)}
    assert "/db/events/turkey-s400-purchase-2019" in hrefs
    types = {p.get("data-type") for p in ET.fromstring(svg).findall(".//svg:path", NS)}
    assert {"quid_pro_quo", "caused"} <= types


def test_relation_curves_stay_inside_the_image(timeline):
    """Even a link across the whole chart from the top lane peaks inside the picture."""
    import re

    from armstimeline.export.svg import LEGEND_HEIGHT

    for width in (900, 1400, 4000):
        svg = render_svg(timeline.filter(countries="ARM"), lanes="country", width=width)
        paths = ET.fromstring(svg).findall(".//svg:path[@class='relation']", NS)
        assert paths
        for path in paths:
            numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", path.get("d"))]
            y1, c1, c2, y2 = numbers[1], numbers[3], numbers[5], numbers[7]
            apex = (y1 + 3 * c1 + 3 * c2 + y2) / 8  # the cubic's height at t = 1/2
            assert apex >= LEGEND_HEIGHT - 0.5, path.get("d")


def test_empty():
    assert "No events match" in render_svg([])


@settings(max_examples=40, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=80))
def test_hostile_titles_stay_text(title):
    event = Event(
        id="x", title=title, date=PartialDate(2016), kind="deal", summary="s",
        sources=[Citation("s", "q")], actors=[Actor("RUS", "supplier")],
    )  # fmt: skip
    root = ET.fromstring(render_svg([event]))
    assert root.find(".//svg:a/svg:title", NS).text.startswith(title)
    assert not root.findall(".//svg:script", NS)


def test_export_svg_command(tmp_path):
    out = tmp_path / "turkey.svg"
    result = CliRunner().invoke(
        cli, ["export", "--events", str(EVENTS), "--sources", str(SEEDS), "--country", "TUR",
              "--lanes", "kind", "-o", str(out)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    expected = len(load(EVENTS, SEEDS).filter(countries="TUR"))
    assert len(marks(out.read_text(encoding="utf-8"))) == expected >= 5


def test_labels_sit_above_the_relation_curves_on_a_halo(timeline):
    """Curves are drawn first and every label on a halo of the background, so no curve
    crosses a label's letters."""
    svg = render_svg(timeline, lanes="country", width=1400)
    assert svg.index('<g class="relations"') < svg.index('<a class="mark"')
    style = ET.fromstring(svg).find("svg:style", NS).text
    rule = style[style.index(".mark text{"):].split("}", 1)[0]
    assert "paint-order:stroke" in rule and "stroke:#fff" in rule


@pytest.mark.parametrize("width", [600, 1200])
def test_a_dense_pictures_legend_names_every_kind_inside_the_picture_in_one_order(width):
    """Every kind's legend entry starts inside the picture (wrapped onto rows, none past
    the right edge), most frequent first and ties by name, whatever order counts come in;
    the bars sit below the last row."""
    from armstimeline import reference
    from armstimeline.export.density import render_density_svg

    kinds = sorted(reference.kinds())
    counts = {(2000 + i % 5, kind): 10 + (i % 3) for i, kind in enumerate(kinds)}
    drawn = render_density_svg(counts, lambda y, k: f"/events?year={y}", "t", width=width)
    again = render_density_svg(dict(reversed(list(counts.items()))),
                               lambda y, k: f"/events?year={y}", "t", width=width)  # fmt: skip
    assert drawn == again
    root = ET.fromstring(drawn)
    ns = "{http://www.w3.org/2000/svg}"
    legend = [t for t in root.iter(ns + "text") if t.text in {k.replace("_", " ") for k in kinds}]
    assert sorted(t.text for t in legend) == sorted(k.replace("_", " ") for k in kinds)
    for text in legend:
        assert float(text.get("x")) + 6.5 * len(text.text) <= width
    totals = {k: sum(n for (_, kk), n in counts.items() if kk == k) for k in kinds}
    assert [t.text for t in legend] == [
        k.replace("_", " ") for k in sorted(kinds, key=lambda k: (-totals[k], k))]
    lowest_legend = max(float(t.get("y")) for t in legend)
    bars = [float(r.get("y")) for a in root.iter(ns + "a") for r in a.iter(ns + "rect")]
    assert bars and min(bars) > lowest_legend
