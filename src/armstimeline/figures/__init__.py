"""Figures: what analysts compute from a trade register — a supplier's deliveries and
their trend, a recipient's dependency on each supplier, a supplier's clients and share of
the world's exports, concentration, who replaced whom, and each client's imports before
and after a curated event.

Every figure is computed by armstimeline from SIPRI's data of the named edition (not
SIPRI's own figures), in TIV (a volume index, never money), and its window values are
estimates with bounds (see ``measures``). A figure the registered files cannot answer is a
``CoverageError`` naming the download that would.
"""

from __future__ import annotations

from armstimeline.figures.history import before_after, main_suppliers, suppliers_per_year
from armstimeline.figures.measures import (
    CoverageError,
    Figure,
    Share,
    clients,
    dependency,
    parse_window,
    to_dataframe,
    trend,
    window_tiv,
)
from armstimeline.figures.transfers import Coverage, Transfer, Transfers, load_transfers

__all__ = [
    "Coverage",
    "CoverageError",
    "Figure",
    "Share",
    "Transfer",
    "Transfers",
    "before_after",
    "clients",
    "dependency",
    "load_transfers",
    "main_suppliers",
    "parse_window",
    "suppliers_per_year",
    "to_dataframe",
    "trend",
    "window_tiv",
]
