"""The register's figures on the reader's pages: a country's suppliers window by window
(and, for a supplier, its clients and how many it had a year) beside the curated events
of those years, and an event's before-and-after table. Read from the build's
``transfers`` and ``register_scopes`` tables with our own SQL, computed with the
library's ``figures`` (the same estimates and bounds), drawn as SVG with a text table."""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

from armstimeline import reference
from armstimeline.figures import Coverage
from armstimeline.figures.charts import share_chart
from armstimeline.figures.measures import NOTICE, party_label, party_shares, span_tiv, windows
from armstimeline.figures.transfers import Scope, delivery_span
from armstimeline.site.memo import remembered

__all__ = ["country_figures", "event_figures", "withdrawn_entry"]

_SIZE = 5  # years a window, as SIPRI counts them (2015-2019, 2020-2024)
_SHOWN = 6  # windows on a page: the last thirty years
_EVENTS = 6  # curated events beside a window; the rest one click away
_AROUND = """
select t.recipient_key, min(t.recipient_type),
  total(case when y.year <= :b1 then y.tiv_estimate end),
  total(case when y.year >= :a0 then y.tiv_estimate end),
  total(case when y.year <= :b1 and t.supplier_key = :code then y.tiv_estimate end),
  total(case when y.year >= :a0 and t.supplier_key = :code then y.tiv_estimate end)
from transfer_years y join transfers t on t.id = y.transfer_id
where (y.year between :b0 and :b1 or y.year between :a0 and :a1)
  and t.recipient_key in (select recipient_key from transfers where supplier_key = :code)
group by t.recipient_key
"""


async def _has_transfers(datasette: Any, name: str) -> bool:
    """Whether a register's transfers are stored (asked once per process of an immutable
    database: every event and country page asks)."""
    db = datasette.get_database(name)

    async def ask() -> bool:
        if "transfers" not in await db.table_names():
            return False
        return bool((await db.execute("select 1 from transfers limit 1")).rows)

    return await remembered(datasette, name, "has transfers", ask)


async def _coverage(db: Any) -> Coverage:
    """What the registered files cover, as the build stored it: the library's own
    ``Coverage`` answers whether a figure may be given."""
    rows = (await db.execute(
        "select suppliers, recipients, source_id, edition, delivery_years "
        "from register_scopes")).rows  # fmt: skip
    return Coverage(tuple(
        Scope(tuple(json.loads(s)), tuple(json.loads(r)), source, edition,
              delivery_span(years))
        for s, r, source, edition, years in rows
    ))  # fmt: skip


def _notice(coverage: Coverage) -> str:
    return NOTICE.format(editions=", ".join(coverage.editions))


def _spans(rows: list[Any], years_at: int) -> list[tuple[int, int]]:
    years = [y for r in rows for y in json.loads(r[years_at])]
    if not years:
        return []
    return windows(min(years), max(years), _SIZE)[-_SHOWN:]


def _window_table(
    rows: list[Any], spans: list[tuple[int, int]], through: int
) -> list[dict[str, Any]]:
    """Each window's parties, largest first: rows are (key, label, type, years, tiv). A
    window past ``through`` (the register's last delivery year) is marked partial."""
    out = []
    for first, last in spans:
        shares, total = party_shares(
            ((r[0], party_label(r[0], r[2]), r[2]),
             span_tiv(json.loads(r[3]), r[4] or 0.0, (first, last)))
            for r in rows
        )
        if total:
            partial = last > through
            label = f"{first}–{last}" + (f" (so far: to {through})" if partial else "")
            out.append({"window": f"{first}–{last}", "label": label, "partial": partial,
                        "total": total, "rows": shares})  # fmt: skip
    return out


async def _through(db: Any) -> int:
    """The register's last delivery year: a window past it is only partly known."""
    row = (await db.execute("select max(year) from transfer_years")).rows
    return int(row[0][0]) if row and row[0][0] is not None else 0


async def country_figures(datasette: Any, name: str, code: str, base: str) -> dict[str, Any]:
    """The figures a country's page shows (empty when no register is registered)."""
    db = datasette.get_database(name)
    if not await _has_transfers(datasette, name):
        return {}
    coverage = await _coverage(db)
    country = reference.country_name(code)
    out: dict[str, Any] = {"notice": _notice(coverage), "country": country}
    imports = (await db.execute(
        "select supplier_key, supplier, supplier_type, delivery_years, tiv_delivered "
        "from transfers where recipient_key = :code", {"code": code})).rows  # fmt: skip
    if imports and coverage.all_suppliers_to(code):
        through = await _through(db)
        table = _window_table(imports, _spans(imports, 3), through)
        out["suppliers"] = table
        out["suppliers_chart"] = share_chart(
            f"Where {country}'s arms imports came from, by five-year window (share of SIPRI "
            "TIV, estimated)",
            [(w["label"] if not w["partial"] else w["window"] + "*",
              [(r.label, r.share) for r in w["rows"]]) for w in table],
        )
        out["events_by_window"] = await _curated_by_window(db, code, table, base)
    elif imports:
        out["suppliers_missing"] = (
            f"{country}'s suppliers' shares need every supplier's deliveries to {country}; "
            "the registered files cover fewer. Download SIPRI's trade register for recipient "
            f"{country} from all suppliers and register it."
        )
    exports = (await db.execute(
        "select recipient_key, recipient, recipient_type, delivery_years, tiv_delivered "
        "from transfers where supplier_key = :code", {"code": code})).rows  # fmt: skip
    if exports and coverage.all_recipients_of(code):
        table = _window_table(exports, _spans(exports, 3), await _through(db))
        complete = [w for w in table if not w["partial"]]  # the latest window fully known
        out["clients"] = (complete or table)[-1] if table else None
        per_year: dict[int, set[str]] = defaultdict(set)
        for r in exports:
            for y in json.loads(r[3]):
                per_year[y].add(r[0])
        out["recipients_per_year"] = [
            {"year": y, "count": len(per_year[y])} for y in sorted(per_year)[-12:]
        ]
    return out


async def _curated_by_window(db: Any, code: str, table: list[dict[str, Any]],
                             base: str) -> dict[str, dict[str, Any]]:  # fmt: skip
    """The curated events of the country in each window, on the same time axis."""
    rows = (await db.execute(
        "select e.id, e.title, e.date, e.year from events e where e.origin = 'curated' and "
        "e.id in (select event_id from actors where country = :code) order by e.sort_order",
        {"code": code})).rows  # fmt: skip
    out: dict[str, dict[str, Any]] = {}
    for w in table:
        first, last = (int(x) for x in w["window"].split("–"))
        found = [r for r in rows if first <= r[3] <= last]
        out[w["window"]] = {
            "events": [{"id": r[0], "title": r[1], "date": r[2], "url": f"{base}/{r[0]}"}
                       for r in found[:_EVENTS]],
            "more": len(found) - _EVENTS if len(found) > _EVENTS else 0,
            "all": f"{base}?country={code}&from={first}&to={last}",
        }  # fmt: skip
    return out


async def event_figures(datasette: Any, name: str, event_id: str) -> dict[str, Any]:
    """Before and after a curated event: each client of its supplier (else Russia), its
    TIV and share of its imports in the five years before and after (empty when no
    register is registered or the event came from one)."""
    db = datasette.get_database(name)
    if not await _has_transfers(datasette, name):
        return {}
    found = (await db.execute(
        "select origin, earliest, latest, (select country from actors where event_id = :id "
        "and role = 'supplier' and type = 'state' limit 1) from events where id = :id",
        {"id": event_id})).rows  # fmt: skip
    if not found or found[0][0] != "curated":
        return {}
    _, earliest, latest, supplier = found[0]
    code = supplier or "RUS"
    first, last = int(earliest[:4]), int(latest[:4])
    before, after = (first - _SIZE, first - 1), (last + 1, last + _SIZE)
    # the estimates summed in SQL from each delivery year's share of its row's TIV (the
    # library's estimate, year by year): a page never reads every client's every import
    rows = (await db.execute(_AROUND, {
        "code": code, "b0": before[0], "b1": before[1], "a0": after[0], "a1": after[1],
    })).rows  # fmt: skip
    coverage = await _coverage(db)
    table = []
    for key, kind, all_b, all_a, mine_b, mine_a in rows:
        if not (mine_b or mine_a):
            continue
        covered = kind == "state" and coverage.all_suppliers_to(key)
        share_b = mine_b / all_b if covered and all_b else None  # no imports: no share
        share_a = mine_a / all_a if covered and all_a else None
        table.append({
            "label": party_label(key, kind), "key": key, "before": mine_b, "after": mine_a,
            "share_before": share_b, "share_after": share_a,
            "points": None if share_b is None or share_a is None else (share_a - share_b) * 100,
        })  # fmt: skip
    table.sort(key=lambda r: -(r["before"] + r["after"]))
    return {
        "supplier": reference.country_name(code),
        "before": f"{before[0]}–{before[1]}",
        "after": f"{after[0]}–{after[1]}",
        "rows": table[:12],
        "more": max(0, len(table) - 12),
        "notice": _notice(coverage),
    }


async def withdrawn_entry(datasette: Any, name: str, event_id: str) -> dict[str, Any]:
    """A withdrawn register row's page: what it said and which edition dropped it."""
    db = datasette.get_database(name)
    if "withdrawn_events" not in await db.table_names():
        return {}
    rows = (await db.execute(
        "select w.id, w.withdrawn_in, w.kind, w.date, w.title, w.summary, w.quote, "
        "w.editions, w.changes, s.title from withdrawn_events w left join sources s "
        "on s.id = w.source_id where w.id = :id", {"id": event_id})).rows  # fmt: skip
    if not rows:
        return {}
    (eid, gone, kind, date, title, summary, quote, editions, changes, source) = rows[0]
    return {
        "id": eid, "withdrawn_in": gone, "kind": kind, "date": date, "title": title,
        "summary": summary, "quote": quote, "source": source or "",
        "editions": json.loads(editions), "changes": json.loads(changes),
    }  # fmt: skip
