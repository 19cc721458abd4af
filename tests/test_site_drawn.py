"""Large answers kept per serving process (``memo.remembered_sized``), and the visual
timeline drawn once for every reader of an immutable database, not on each request."""

from __future__ import annotations

from pathlib import Path

import pytest
from datasette.app import Datasette

from armstimeline.database import build
from armstimeline.site import memo, timeline_page
from armstimeline.site.serve import site_options

from .conftest import EVENTS, ROOT, SEEDS


@pytest.fixture(scope="module")
def db_path(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("drawn") / "armstimeline.db"
    build(EVENTS, SEEDS, path)
    return path


def site(db_path: Path) -> Datasette:
    return Datasette(immutables=[str(db_path)], **site_options(db_path, ROOT / "metadata.yml"))


class Asker:
    """Answers of a given size, counting how often each key was asked."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    def __call__(self, key: str, size: int):  # type: ignore[no-untyped-def]
        async def ask() -> str:
            self.asked.append(key)
            return "x" * size

        return ask


@pytest.mark.asyncio
async def test_sized_answers_stay_within_their_budget(db_path):
    ds = site(db_path)
    asker = Asker()

    async def get(key: str, size: int) -> str:
        return await memo.remembered_sized(ds, "armstimeline", key, asker(key, size), size=len,
                                           budget=1000)  # fmt: skip

    assert await get("a", 200) == "x" * 200
    await get("a", 200)
    assert asker.asked == ["a"]  # kept
    for key in "bcde":
        await get(key, 200)  # 1,000 bytes: all five kept
    await get("a", 200)
    assert asker.asked == ["a", "b", "c", "d", "e"]
    await get("f", 200)  # past the budget: the oldest used ("b") is forgotten, "a" kept
    await get("a", 200)
    await get("b", 200)
    assert asker.asked == ["a", "b", "c", "d", "e", "f", "b"]
    # an answer larger than a quarter of the budget is never kept
    await get("big", 251)
    await get("big", 251)
    assert asker.asked[-2:] == ["big", "big"]
    # a mutable database is always asked
    mutable = Datasette([str(db_path)])
    for _ in range(2):
        await memo.remembered_sized(mutable, "armstimeline", "m", asker("m", 1), size=len)
    assert asker.asked[-2:] == ["m", "m"]


@pytest.mark.asyncio
async def test_the_timeline_is_drawn_once_per_process_for_every_reader(db_path, monkeypatch):
    drawn: list[int] = []
    read_events = timeline_page.read_events

    def counted(conn, ids):  # type: ignore[no-untyped-def]
        drawn.append(len(ids))
        return read_events(conn, ids)

    monkeypatch.setattr(timeline_page, "read_events", counted)
    ds = site(db_path)
    first = await ds.client.get("/timeline?kind=basing")
    again = await ds.client.get("/timeline?kind=basing")
    assert first.status_code == again.status_code == 200
    assert first.text == again.text
    assert len(drawn) == 1 and drawn[0] > 0
    # other choices are another picture; the same choices spelled otherwise are not
    other = await ds.client.get("/timeline?kind=basing&lanes=kind")
    assert other.status_code == 200 and len(drawn) == 2
    named = await ds.client.get("/timeline?country=Turkey")
    coded = await ds.client.get("/timeline?country=TUR")
    assert named.status_code == coded.status_code == 200 and len(drawn) == 3
    # each listed event once, in the phone's list, as before
    fresh = await site(db_path).client.get("/timeline?kind=basing")
    assert fresh.text == first.text
    assert first.text.count('<li class="vevent') == drawn[0]
