"""Matching a new edition's rows to the rows it revises, by content, by explicit rules.

SIPRI revises its whole database every year. A row of the new edition is the same
transfer as a current row when, in this order:

1. ``unchanged``: every field is the same (rows alike in every field pair in file order);
2. ``revised``: recipient, supplier, year of order and designation are the same (numbers,
   delivery years, TIV, status or comments revised, a number that gained a ``?``);
3. ``designation renamed``: recipient, supplier, year of order, description and number
   ordered are the same (``Mi-24P/Mi-35P`` became ``Mi-24P``);
4. ``order year corrected``: recipient, supplier, designation, description and number
   ordered are the same.

Rules 2-4 match only when exactly one unmatched row on each side has the key; where
several do, the rows are reported as ambiguous and not matched (a guess would move a
deal's history onto another deal). Rows of the old edition left unmatched inside the new
edition's scope are withdrawn; new rows left unmatched are added.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

import attrs

from armstimeline.registers.events import row_content
from armstimeline.registers.reader import RegisterRow

__all__ = ["RULES", "Match", "Revisions", "changes", "match_rows"]

Key = Callable[[RegisterRow], tuple[Any, ...]]

RULES: tuple[tuple[str, Key], ...] = (
    ("revised", lambda r: (r.recipient, r.supplier, r.year, r.designation)),
    ("designation renamed",
     lambda r: (r.recipient, r.supplier, r.year, r.description, r.ordered)),
    ("order year corrected",
     lambda r: (r.recipient, r.supplier, r.designation, r.description, r.ordered)),
)  # fmt: skip


class Match(NamedTuple):
    """A new row (by index) that revises an old row (its id), by which rule, and how
    (a named tuple: an edition's 30,000 unchanged rows are each one)."""

    new: int
    old_id: str
    rule: str
    changes: tuple[str, ...]


@attrs.frozen
class Revisions:
    matches: tuple[Match, ...]
    added: tuple[int, ...]  # new rows matching no old row
    withdrawn: tuple[str, ...]  # ids of old rows no new row matches
    ambiguous: tuple[str, ...]  # sentences: rows a rule could pair more than one way


def _show(value: Any) -> str:
    if value is None or value == "":
        return "(empty)"
    if isinstance(value, tuple):
        return "; ".join(str(v) for v in value) or "(empty)"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


_FIELDS: tuple[tuple[str, Callable[[RegisterRow], Any]], ...] = (
    ("Year of order", lambda r: f"{r.year}{'?' if r.year_uncertain else ''}"),
    ("Number ordered", lambda r: None if r.ordered is None
     else f"{r.ordered}{'?' if r.ordered_uncertain else ''}"),
    ("Weapon designation", lambda r: r.designation),
    ("Weapon description", lambda r: r.description),
    ("Number delivered", lambda r: None if r.delivered is None
     else f"{r.delivered}{'?' if r.delivered_uncertain else ''}"),
    ("Year(s) of delivery", lambda r: r.years),
    ("Status", lambda r: r.status),
    ("Comments", lambda r: r.comments),
    ("SIPRI TIV per unit", lambda r: r.tiv_unit),
    ("SIPRI TIV for total order", lambda r: r.tiv_order),
    ("SIPRI TIV of delivered weapons", lambda r: r.tiv_delivered),
    ("Recipient", lambda r: r.recipient),
    ("Supplier", lambda r: r.supplier),
)  # fmt: skip


def changes(old: RegisterRow, new: RegisterRow) -> tuple[str, ...]:
    """What SIPRI changed, in its column names: ``Number delivered: 12 -> 14``."""
    out = []
    for name, value in _FIELDS:
        before, after = value(old), value(new)
        if before != after:
            out.append(f"{name}: {_show(before)} -> {_show(after)}")
    return tuple(out)


def _text(row: RegisterRow) -> str:
    return row.text


def match_rows(
    old: Sequence[tuple[RegisterRow, str]], new: Sequence[RegisterRow]
) -> Revisions:
    """Match ``new`` rows to ``old`` (row, id) pairs by the rules above."""
    free_old = dict(enumerate(old))
    free_new = dict(enumerate(new))
    matches: list[Match] = []
    # 1. the same in every field: the same text (most rows, cheap to compare), then the
    # same fields as read (white space moved, a line break inside Comments)
    for same in (_text, row_content):
        by_content: dict[Any, list[int]] = defaultdict(list)
        for i, (row, _) in free_old.items():
            by_content[same(row)].append(i)
        for j, row in list(free_new.items()):
            waiting = by_content.get(same(row))
            if waiting:
                i = waiting.pop(0)
                matches.append(Match(j, old[i][1], "unchanged", ()))
                del free_old[i], free_new[j]
    ambiguous: list[str] = []
    for rule, key in RULES:
        olds: dict[tuple[Any, ...], list[int]] = defaultdict(list)
        news: dict[tuple[Any, ...], list[int]] = defaultdict(list)
        for i, (row, _) in free_old.items():
            olds[key(row)].append(i)
        for j, row in free_new.items():
            news[key(row)].append(j)
        for k, js in news.items():
            is_ = olds.get(k)
            if not is_:
                continue
            if len(is_) == 1 and len(js) == 1:
                i, j = is_[0], js[0]
                matches.append(Match(j, old[i][1], rule, changes(old[i][0], new[j])))
                del free_old[i], free_new[j]
            elif rule == RULES[-1][0]:  # reported once, after every rule has had its try
                lines = ", ".join(str(new[j].line) for j in js)
                ambiguous.append(
                    f"lines {lines} could each revise any of {len(is_)} earlier rows "
                    f"({', '.join(old[i][1] for i in is_)}); not matched, so they are added "
                    "and those rows withdrawn"
                )
    return Revisions(
        tuple(sorted(matches, key=lambda m: m.new)),
        tuple(sorted(free_new)),
        tuple(sorted(old[i][1] for i in free_old)),
        tuple(ambiguous),
    )
