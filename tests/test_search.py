"""One search language: the library, the CLI and the site find the same events."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner
from datasette.app import Datasette
from datasette.utils import escape_fts
from hypothesis import given, settings
from hypothesis import strategies as st

from armstimeline.cli import cli
from armstimeline.database import build
from armstimeline.search import fts_query, matching
from armstimeline.site.serve import site_options
from armstimeline.timeline import load

from .conftest import EVENTS, ROOT, SEEDS

TIMELINE = load(EVENTS, SEEDS)
WORDS = sorted(
    {w for e in TIMELINE for w in re.findall(r"[A-Za-z]{3,}", f"{e.title} {e.summary}")}
)


@pytest.fixture(scope="module")
def ds(tmp_path_factory) -> Datasette:
    path = tmp_path_factory.mktemp("search") / "armstimeline.db"
    build(EVENTS, SEEDS, path)
    return Datasette(immutables=[str(path)], **site_options(path, ROOT / "metadata.yml"))


async def site_ids(ds: Datasette, text: str) -> set[str]:
    response = await ds.client.get(
        "/armstimeline/events.json",
        params={"_search": text, "_shape": "objects", "_col": "id", "_size": "max"},
    )
    assert response.status_code == 200, response.text[:300]
    return {row["id"] for row in response.json()["rows"]}


def test_our_escaping_is_datasettes():
    for text in ['Iskander', 'S-400 "air defence', 'a "b c" d', 'OR AND NOT *', '""', "  "]:
        assert fts_query(text) == escape_fts(text)


def test_a_plural_finds_the_singular_and_back():
    """The defect: 'iskander' missed the event that says 'Iskanders'."""
    found = TIMELINE.filter(text="iskander").ids
    assert "azerbaijan-diversifies-arms-imports-2017-2018" in found  # says "Iskanders"
    assert set(TIMELINE.filter(text="Iskanders").ids) == set(found)


@pytest.mark.asyncio
async def test_site_and_cli_agree_on_iskander(ds):
    result = CliRunner().invoke(
        cli, ["list", "--events", str(EVENTS), "--sources", str(SEEDS), "--search", "iskander",
              "--json"]
    )  # fmt: skip
    assert result.exit_code == 0
    import json

    cli_ids = {e["id"] for e in json.loads(result.output)}
    assert cli_ids == await site_ids(ds, "iskander") == set(TIMELINE.filter(text="iskander").ids)
    assert {"armenia-iskander-2016", "victory-day-parade-2015",
            "azerbaijan-diversifies-arms-imports-2017-2018"} <= cli_ids  # fmt: skip


@pytest.mark.asyncio
@settings(max_examples=60, deadline=None)
@given(
    words=st.lists(st.sampled_from(WORDS), min_size=1, max_size=3),
    quoted=st.booleans(),
    upper=st.booleans(),
)
async def test_library_and_site_find_the_same_events(ds, words, quoted, upper):
    text = " ".join(words)
    text = f'"{text}"' if quoted else text
    text = text.upper() if upper else text
    assert matching(TIMELINE, text) == await site_ids(ds, text)
