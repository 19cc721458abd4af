"""One register row: its cells read by their column's rules, every problem named."""

from __future__ import annotations

import functools
import operator
import re
from collections import defaultdict
from collections.abc import Callable
from typing import NamedTuple

from armstimeline.errors import Problem, show_value

__all__ = ["CONTENT", "FIELDS", "RegisterRow", "RowPattern", "read_row", "row_from"]

_YEAR = re.compile(r"\d{4}")
_INT = re.compile(r"\d{1,9}")  # SIPRI's largest counts have 5 digits; 9 is any real one
_DECIMAL = re.compile(r"\d{1,12}(?:\.\d{1,6})?")


class RegisterRow(NamedTuple):
    """One transfer as the register states it; ``text`` is the row verbatim (a row broken
    by a line break is joined with a space, as the quote rule reads white space).

    A named tuple, not an attrs class: as immutable, and a fifth of the cost to make (a
    register has 30,000 rows, read again for every load); ``row[CONTENT]`` is every field
    as read, without the line and its text."""

    line: int
    text: str
    recipient: str
    supplier: str
    year: int
    year_uncertain: bool
    ordered: int | None
    ordered_uncertain: bool
    designation: str
    description: str
    delivered: int | None
    delivered_uncertain: bool
    years: tuple[int, ...]
    status: str | None
    comments: str | None
    tiv_unit: float | None
    tiv_order: float | None
    tiv_delivered: float | None


FIELDS = RegisterRow._fields  # their names, in order
CONTENT = slice(2, None)  # a row's fields after its line number and text
# a row from a tuple of its fields, made in C (a register's 30,000 rows, read or cached)
row_from = functools.partial(tuple.__new__, RegisterRow)

_YEAR_LIST = re.compile(r"\d{4}(?:\s*;\s*\d{4})*")
_MARKS = frozenset(("", "?"))


def read_row(
    shown: str,
    number: int,
    text: str,
    fields: list[str],
    columns: dict[str, int],
    problems: list[Problem],
) -> RegisterRow | None:
    """The row of line ``number`` (its cells by column), or None with its problems added.

    A register has 30,000 rows and nearly all are well formed: they are read in one pass
    of checks; only a row that fails one is read again cell by cell for its problems."""
    c = {key: fields[i].strip() for key, i in columns.items()}
    get = c.get
    year, years = get("year", ""), get("years", "")
    ordered, delivered = get("ordered", ""), get("delivered", "")
    unit, order, done = get("tiv_unit", ""), get("tiv_order", ""), get("tiv_delivered", "")
    marks = (get("year?", ""), get("ordered?", ""), get("delivered?", ""))
    int_ok, dec_ok = _INT.fullmatch, _DECIMAL.fullmatch
    if (
        _YEAR.fullmatch(year)
        and get("recipient") and get("supplier") and get("designation") and get("description")
        and _MARKS.issuperset(marks)
        and (not ordered or int_ok(ordered)) and (not delivered or int_ok(delivered))
        and (not years or _YEAR_LIST.fullmatch(years))
        and (not unit or dec_ok(unit)) and (not order or dec_ok(order))
        and (not done or dec_ok(done))
    ):  # fmt: skip
        return RegisterRow(
            number, text.strip(), c["recipient"], c["supplier"], int(year), marks[0] == "?",
            int(ordered) if ordered else None, marks[1] == "?", c["designation"],
            c["description"], int(delivered) if delivered else None, marks[2] == "?",
            tuple(int(y) for y in years.split(";")) if years else (),
            get("status") or None, get("comments") or None,
            float(unit) if unit else None, float(order) if order else None,
            float(done) if done else None,
        )  # fmt: skip
    return _checked_row(shown, number, text, fields, columns, problems)


def _checked_row(
    shown: str,
    number: int,
    text: str,
    fields: list[str],
    columns: dict[str, int],
    problems: list[Problem],
) -> RegisterRow | None:
    """A row read cell by cell, naming every problem (the slow path of ``read_row``)."""
    found: list[Problem] = []
    # every cell stripped once, by its column's name (a register has 30,000 rows)
    values = defaultdict(str, {key: fields[i].strip() for key, i in columns.items()})
    cell = values.__getitem__  # a column the header lacks reads as empty

    def required(key: str, header: str) -> str:
        value = cell(key)
        if not value:
            found.append(Problem(shown, number, header, "is empty"))
        return value

    def mark(key: str, header: str) -> bool:
        value = cell(f"{key}?")
        if value not in ("", "?"):
            found.append(
                Problem(shown, number, f"{header} ?", f"{show_value(value)} should be '?' or empty")
            )
        return value == "?"

    def integer(key: str, header: str) -> int | None:
        value = cell(key)
        if value and not _INT.fullmatch(value):
            found.append(
                Problem(
                    shown,
                    number,
                    header,
                    f"{show_value(value)} is not a whole number (of at most 9 digits)",
                )
            )
            return None
        return int(value) if value else None

    def decimal(key: str, header: str) -> float | None:
        value = cell(key)
        if value and not _DECIMAL.fullmatch(value):
            found.append(
                Problem(shown, number, header, f"{show_value(value)} is not a number SIPRI writes")
            )
            return None
        return float(value) if value else None

    year_text = required("year", "Year of order")
    if year_text and not _YEAR.fullmatch(year_text):
        found.append(
            Problem(shown, number, "Year of order", f"{show_value(year_text)} is not a year")
        )
    years: list[int] = []
    for part in [p.strip() for p in values["years"].split(";")] if values.get("years") else []:
        if _YEAR.fullmatch(part):
            years.append(int(part))
        else:
            found.append(
                Problem(
                    shown,
                    number,
                    "Year(s) of delivery",
                    f"{show_value(part)} is not a year; years are '; '-separated",
                )
            )
    row = RegisterRow(
        line=number,
        text=text.strip(),
        recipient=required("recipient", "Recipient"),
        supplier=required("supplier", "Supplier"),
        year=int(year_text) if _YEAR.fullmatch(year_text) else 0,
        year_uncertain=mark("year", "Year of order"),
        ordered=integer("ordered", "Number ordered"),
        ordered_uncertain=mark("ordered", "Number ordered"),
        designation=required("designation", "Weapon designation"),
        description=required("description", "Weapon description"),
        delivered=integer("delivered", "Number delivered"),
        delivered_uncertain=mark("delivered", "Number delivered"),
        years=tuple(years),
        status=cell("status") or None,
        comments=cell("comments") or None,
        tiv_unit=decimal("tiv_unit", "SIPRI TIV per unit"),
        tiv_order=decimal("tiv_order", "SIPRI TIV for total order"),
        tiv_delivered=decimal("tiv_delivered", "SIPRI TIV of delivered weapons"),
    )
    problems.extend(found)
    return None if found else row


# A well-formed cell of each column, stripped of the white space around it (``\s`` and
# ``str.strip`` know the same white space). Possessive, so a cell that does not match
# fails at once rather than after backtracking.
_TEXT = r"([^,\s]++(?:\s++[^,\s]++)*+)"  # required: not empty
_CELLS = {
    "recipient": _TEXT,
    "supplier": _TEXT,
    "designation": _TEXT,
    "description": _TEXT,
    "status": r"((?:[^,\s]++(?:\s++[^,\s]++)*+)?)",
    "comments": r"((?:[^,\s]++(?:\s++[^,\s]++)*+)?)",
    "year": r"(\d{4})",
    "year?": r"(\??)",
    "ordered?": r"(\??)",
    "delivered?": r"(\??)",
    "ordered": r"(\d{1,9}|)",
    "delivered": r"(\d{1,9}|)",
    "years": r"(\d{4}(?:\s*;\s*\d{4})*|)",
    "tiv_unit": r"(\d{1,12}(?:\.\d{1,6})?|)",
    "tiv_order": r"(\d{1,12}(?:\.\d{1,6})?|)",
    "tiv_delivered": r"(\d{1,12}(?:\.\d{1,6})?|)",
}
# the cells in RegisterRow's order
_ORDER = ("recipient", "supplier", "year", "year?", "ordered", "ordered?", "designation",
          "description", "delivered", "delivered?", "years", "status", "comments",
          "tiv_unit", "tiv_order", "tiv_delivered")  # fmt: skip


class RowPattern:
    """One regular expression for a whole well-formed line of a register with this header:
    a register has 30,000 rows and nearly all are well formed, so each is checked and cut
    into its cells in one step in C; a line it does not match goes to ``read_row``, which
    joins broken rows and names every problem. Both read a well-formed row alike."""

    def __init__(self, columns: dict[str, int], width: int) -> None:
        at = {i: key for key, i in columns.items() if key in _CELLS}
        keys = [at[i] for i in range(width) if i in at]
        cells = [_CELLS[at[i]] if i in at else r"[^,]*+" for i in range(width)]
        # the last group is always empty: a column the header lacks reads as it
        whole = ",".join(rf"\s*+{cell}\s*+" for cell in cells) + "()"
        self._match = re.compile(whole).fullmatch
        missing = len(keys)
        self._cells: Callable[[tuple[str, ...]], tuple[str, ...]] = operator.itemgetter(
            *[keys.index(k) if k in keys else missing for k in _ORDER]
        )

    def row(self, number: int, line: str) -> RegisterRow | None:
        """The row of a well-formed line, else None."""
        found = self._match(line)
        if found is None:
            return None
        (recipient, supplier, year, year_mark, ordered, ordered_mark, designation,
         description, delivered, delivered_mark, years, status, comments, unit, order,
         done) = self._cells(found.groups())  # fmt: skip
        return row_from((
            number, line.strip(), recipient, supplier, int(year), year_mark == "?",
            int(ordered) if ordered else None, ordered_mark == "?", designation,
            description, int(delivered) if delivered else None, delivered_mark == "?",
            tuple(map(int, years.split(";"))) if years else (),
            status or None, comments or None,
            float(unit) if unit else None, float(order) if order else None,
            float(done) if done else None,
        ))  # fmt: skip


