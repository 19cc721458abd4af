"""The transfers as tables, as the database stores them and analysts export them: one row
per current register row, and one per transfer and delivery year with its estimate."""

from __future__ import annotations

import functools
import json
from typing import Any

from armstimeline.figures.measures import actor_key
from armstimeline.figures.transfers import Transfers

__all__ = ["TRANSFER_COLUMNS", "YEAR_COLUMNS", "scope_rows", "transfer_rows", "year_rows"]

TRANSFER_COLUMNS = (
    "id", "source_id", "edition", "recipient", "recipient_key", "recipient_type",
    "supplier", "supplier_key", "supplier_type", "year_of_order", "year_uncertain",
    "ordered", "ordered_uncertain", "designation", "description", "category", "status",
    "comments", "delivered", "delivered_uncertain", "delivery_years", "tiv_unit",
    "tiv_order", "tiv_delivered", "order_event", "delivery_event",
)  # fmt: skip
YEAR_COLUMNS = ("transfer_id", "year", "tiv_estimate", "listed_years", "exact")


def transfer_rows(transfers: Transfers) -> list[tuple[Any, ...]]:
    """One row per transfer: SIPRI's columns as read, with each party's key and type."""
    out = []
    for t in transfers:
        r = t.row
        out.append((
            t.key, t.source, t.edition, r.recipient, actor_key(t.recipient), t.recipient.type,
            r.supplier, actor_key(t.supplier), t.supplier.type, r.year, int(r.year_uncertain),
            r.ordered, int(r.ordered_uncertain), r.designation, r.description, t.category,
            r.status, r.comments, r.delivered, int(r.delivered_uncertain),
            _years_json(t.years), r.tiv_unit, r.tiv_order, r.tiv_delivered,
            f"sipri-{t.key}-order", f"sipri-{t.key}-delivery" if r.years else None,
        ))  # fmt: skip
    return out


@functools.lru_cache(maxsize=4096)
def _years_json(years: tuple[int, ...]) -> str:
    """A JSON array of delivery years: a register's rows share a few thousand lists."""
    return json.dumps(list(years))


def year_rows(transfers: Transfers) -> list[tuple[Any, ...]]:
    """One row per transfer and listed delivery year: its delivered TIV spread evenly over
    the listed years (an estimate; ``exact`` when only one year is listed)."""
    out = []
    for t in transfers:
        years = t.years
        for year in years:
            share = t.tiv / len(years) if t.tiv else 0.0
            out.append((t.key, year, round(share, 6), len(years), int(len(years) == 1)))
    return out


def scope_rows(transfers: Transfers) -> list[tuple[Any, ...]]:
    """What each registered file covers, for pages that must know before giving a figure."""
    return [
        (s.source, s.edition, json.dumps(list(s.suppliers), ensure_ascii=False),
         json.dumps(list(s.recipients), ensure_ascii=False),
         f"{s.delivery_years[0]}/{s.delivery_years[1]}" if s.delivery_years else None)
        for s in transfers.coverage.scopes
    ]  # fmt: skip
