"""The register's figures on the reader's pages: a country's suppliers by window with its
curated events, a supplier's clients, an event's before-and-after table; the same numbers
as the library's; a sentence where the registered files do not cover a figure; and, in a
real Chromium, readable and accessible on a laptop and a phone."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from datasette.app import Datasette

from armstimeline.database import build
from armstimeline.figures import before_after, dependency, load_transfers
from armstimeline.importing import import_sipri
from armstimeline.site.serve import load_metadata
from armstimeline.timeline import load
from tests.conftest import EVENTS, ROOT, SEEDS
from tests.sipri_fixture import register
from tests.test_figures import ROWS

pytestmark = pytest.mark.asyncio


def project(root: Path, **filters: list[str]) -> Path:
    shutil.copytree(EVENTS, root / "events")
    shutil.copytree(SEEDS, root / "seeds")
    (root / "r.csv").write_bytes(register(ROWS).encode("latin-1"))
    import_sipri(root / "r.csv", root / "events", **filters)  # type: ignore[arg-type]
    build(root / "events", root / "seeds", root / "armstimeline.db")
    return root


def datasette(root: Path) -> Datasette:
    db = root / "armstimeline.db"
    return Datasette(immutables=[str(db)], metadata=load_metadata(db, ROOT / "metadata.yml"),
                     settings={"suggest_facets": False})  # fmt: skip


@pytest.fixture(scope="module")
def registered(tmp_path_factory) -> Path:
    return project(tmp_path_factory.mktemp("figures-site"))


async def test_a_country_page_shows_its_suppliers_as_the_library_computes_them(registered):
    page = (await datasette(registered).client.get("/countries/IND")).text
    assert "In SIPRI&#39;s register" in page or "In SIPRI's register" in page
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in page and 'role="img"' in page
    assert "not SIPRI&#39;s own figures" in page or "not SIPRI's own figures" in page
    transfers = load_transfers(registered / "events", registered / "seeds")
    figure = dependency(transfers, "IND", "2015/2019")
    row = re.search(r"<th scope=\"row\">2015–2019</th>\s*<td>(.*?)</td>", page, re.S)
    assert row is not None
    for share in figure.rows[:4]:
        assert f"{share.label} {share.share * 100:.0f}%" in row.group(1), share.label
    # the curated events of those years stand beside the shares
    assert "/events/india-su30mki-grounded-2014" in page


async def test_a_supplier_page_shows_its_clients(registered):
    page = (await datasette(registered).client.get("/countries/RUS")).text
    assert "Its clients" in page and "How many recipients Russian Federation delivered to" in page
    # the clients are of the latest window the register fully knows, never a partial one
    clients = re.search(r"<h3>Its clients, ([^<]+)</h3>", page)
    assert clients is not None and "so far" not in clients.group(1)


async def test_an_event_page_shows_before_and_after(registered):
    page = (await datasette(registered).client.get("/events/armenia-iskander-2016")).text
    assert "Before and after, in SIPRI" in page
    timeline = load(registered / "events", registered / "seeds")
    transfers = load_transfers(registered / "events", registered / "seeds")
    data = before_after(transfers, timeline["armenia-iskander-2016"], list(timeline))
    arm = next(r for r in data["rows"] if r["recipient"] == "ARM")
    cells = re.search(r"<th scope=\"row\">Armenia</th>(.*?)</tr>", page, re.S)
    assert cells is not None
    assert f"{arm['share_after'] * 100:.0f}%" in cells.group(1)
    assert f"{arm['tiv_after']:,.0f}" in cells.group(1)
    # an event derived from the register has no such table
    derived = next(e for e in timeline if e.imported)
    assert "Before and after" not in (await datasette(registered).client.get(
        f"/events/{derived.id}")).text


async def test_a_russia_only_file_gives_a_sentence_not_a_dependency(tmp_path):
    root = project(tmp_path, suppliers=["Russia"])
    page = (await datasette(root).client.get("/countries/IND")).text
    assert "need every supplier" in page and "Download SIPRI" in page
    assert "100%" not in page


async def test_no_register_no_figures(tmp_path):
    shutil.copytree(EVENTS, tmp_path / "events")
    shutil.copytree(SEEDS, tmp_path / "seeds")
    build(tmp_path / "events", tmp_path / "seeds", tmp_path / "armstimeline.db")
    ds = datasette(tmp_path)
    assert "In SIPRI" not in (await ds.client.get("/countries/IND")).text
    assert "Before and after" not in (await ds.client.get("/events/armenia-iskander-2016")).text


async def test_whether_a_register_is_stored_is_asked_once(registered, tmp_path, monkeypatch):
    """Every event and country page asks whether transfers are stored: once per process."""
    from datasette.database import Database

    sent: list[str] = []
    execute = Database.execute

    async def recorded(self, sql, *args, **kwargs):  # type: ignore[no-untyped-def]
        sent.append(sql)
        return await execute(self, sql, *args, **kwargs)

    monkeypatch.setattr(Database, "execute", recorded)
    ds = datasette(registered)
    for path in ("/countries/IND", "/events/armenia-iskander-2016", "/countries/ARM"):
        page = await ds.client.get(path)
        assert page.status_code == 200
    assert sent.count("select 1 from transfers limit 1") == 1
    assert "In SIPRI" in (await ds.client.get("/countries/IND")).text


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.parametrize("path", ["/countries/IND", "/countries/RUS",
                                  "/events/armenia-iskander-2016"])
@pytest.mark.parametrize("width", [1400, 390])
def test_figures_pages_in_a_browser(registered, path, width):
    """Chromium at a laptop's and a phone's width: the chart fits the page, and axe-core
    finds no serious or critical violation."""
    from tests.browser import axe_script, browser_page, running_site

    db = registered / "armstimeline.db"
    with running_site(db, registered / "events", registered / "seeds",
                      ROOT / "metadata.yml") as base, browser_page(bypass_csp=True) as page:
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(base + path)
        if path.startswith("/countries/IND"):
            box = page.locator("svg.share-chart").bounding_box()
            assert box is not None and box["width"] <= width
        page.add_script_tag(path=str(axe_script()))
        found = page.evaluate(
            """async () => (await axe.run()).violations
                .filter(v => v.impact === 'serious' || v.impact === 'critical')
                .map(v => `${v.id} (${v.impact}): ${v.nodes.length} ${v.help}`)"""
        )
        assert found == []


async def test_an_event_page_tells_its_editions_and_a_withdrawn_row_keeps_its_page(tmp_path):
    root = project(tmp_path)
    revised = [r.replace("10,,2018; 2019; 2020", "12,,2018; 2019; 2020") for r in ROWS[:-1]]
    (root / "r2.csv").write_bytes(register(revised, "10 Mar 2026 09:15:02 AM").encode("latin-1"))
    report = import_sipri(root / "r2.csv", root / "events")
    build(root / "events", root / "seeds", root / "armstimeline.db")
    ds = datasette(root)
    gone = f"sipri-{report.withdrawn[0]}-order"  # China's Su-35s, not in the new edition
    page = await ds.client.get(f"/events/{gone}")
    assert page.status_code == 200
    assert "Withdrawn in the register&#39;s edition of 2026-03-10" in page.text or (
        "Withdrawn in the register's edition of 2026-03-10" in page.text
    )
    listed = (await ds.client.get("/events?origin=register&country=CHN")).text
    assert gone not in listed
    kept = next(e for e in load(root / "events", root / "seeds") if e.imported)
    page = (await ds.client.get(f"/events/{kept.id}")).text
    assert "Listed in the register&#39;s editions of 2025-03-13, 2026-03-10" in page or (
        "Listed in the register's editions of 2025-03-13, 2026-03-10" in page
    )
