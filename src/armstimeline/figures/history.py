"""Figures over time: who a recipient's main supplier was, window by window, how many
suppliers it had a year, and each client's imports before and after a curated event."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from armstimeline import reference
from armstimeline.errors import UsageError
from armstimeline.figures.measures import (
    CoverageError,
    actor_key,
    country_code,
    dependency,
    figure_notes,
    state_is,
    window_tiv,
    windows,
)
from armstimeline.figures.transfers import Transfers
from armstimeline.model import Event

__all__ = ["before_after", "main_suppliers", "suppliers_per_year"]


def suppliers_per_year(transfers: Transfers, recipient: str) -> list[dict[str, Any]]:
    """How many suppliers delivered to a recipient each year (any delivery listed)."""
    code = country_code(recipient, "recipient")
    wanted = state_is(code)
    years: dict[int, set[str]] = defaultdict(set)
    for t in transfers:
        if wanted(t.recipient):
            for y in t.years:
                years[y].add(actor_key(t.supplier))
    return [{"year": y, "suppliers": len(years[y])} for y in sorted(years)]


def main_suppliers(transfers: Transfers, recipient: str, *, size: int = 5) -> dict[str, Any]:
    """A recipient's main supplier per window, and where the main supplier changed."""
    code = country_code(recipient, "recipient")
    wanted = state_is(code)
    years = [y for t in transfers if wanted(t.recipient) for y in t.years]
    rows, changes = [], []
    previous: str | None = None
    for span in windows(min(years), max(years), size) if years else []:
        figure = dependency(transfers, code, span)
        if not figure.rows:
            continue
        top = figure.rows[0]
        rows.append({"window": f"{span[0]}/{span[1]}", "supplier": top.key,
                     "label": top.label, "share": top.share, "low": top.share_low,
                     "high": top.share_high})  # fmt: skip
        if previous is not None and top.key != previous:
            changes.append({"window": f"{span[0]}/{span[1]}", "from": previous,
                            "to": top.key})  # fmt: skip
        previous = top.key
    return {"recipient": code, "windows": rows, "changes": changes}


def _bounds(event: Event, years: int) -> tuple[tuple[int, int], tuple[int, int]]:
    """The N years before an event and the N after it; its bounds decide: a year-precise
    event's own year is in neither."""
    first, last = event.date.earliest.year, event.date.latest.year
    return (first - years, first - 1), (last + 1, last + years)


def before_after(
    transfers: Transfers,
    event: Event,
    events: list[Event],
    *,
    years: int = 5,
    supplier: str | None = None,
) -> dict[str, Any]:
    """For each recipient of the event's supplier (else Russia): TIV and share of its
    imports in the ``years`` before and after the event, the change in points, and the
    curated events about that recipient in between."""
    if years < 1:
        raise UsageError("years must be at least 1")
    code = supplier and country_code(supplier, "supplier")
    code = code or next(iter(event.countries_in("supplier")), None) or "RUS"
    before, after = _bounds(event, years)
    wanted = state_is(code)
    recipients = {
        actor_key(t.recipient): t.recipient
        for t in transfers
        if wanted(t.supplier) and (any(before[0] <= y <= after[1] for y in t.years))
    }
    if not recipients and not transfers.coverage.all_recipients_of(code):
        raise CoverageError(
            f"{reference.country_name(code)}'s clients need its deliveries, but "
            f"{transfers.coverage.describe()}."
        )
    curated = [
        e for e in events
        if not e.imported and e.id != event.id
        and e.date.latest.year >= before[0] and e.date.earliest.year <= after[1]
    ]  # fmt: skip
    imports = defaultdict(list)  # each recipient's transfers, gathered once
    for t in transfers:
        key = actor_key(t.recipient)
        if key in recipients:
            imports[key].append(t)
    rows = []
    for key, actor in sorted(recipients.items()):
        row: dict[str, Any] = {"recipient": key, "label": actor.label}
        covered = actor.type == "state" and transfers.coverage.all_suppliers_to(
            str(actor.country)
        )
        for name, span in (("before", before), ("after", after)):
            mine = total = 0.0
            for t in imports[key]:
                est = window_tiv(t, span)[0]
                total += est
                if wanted(t.supplier):
                    mine += est
            row[f"tiv_{name}"] = round(mine, 3)
            # a share of nothing is no share: a recipient that imported nothing then
            row[f"share_{name}"] = mine / total if covered and total else None
        row["change_points"] = (
            None if row["share_before"] is None or row["share_after"] is None
            else round((row["share_after"] - row["share_before"]) * 100, 1)
        )  # fmt: skip
        row["between"] = [e.id for e in curated if actor.country in e.countries]
        rows.append(row)
    rows.sort(key=lambda r: -(r["tiv_before"] + r["tiv_after"]))
    return {
        "event": event.id,
        "supplier": code,
        "before": f"{before[0]}/{before[1]}",
        "after": f"{after[0]}/{after[1]}",
        "rows": rows,
        "notes": [
            *figure_notes(transfers, False, ()),
            "A share is given only where every supplier of that recipient is registered.",
        ],
    }
