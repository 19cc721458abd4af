"""Reading a SIPRI trade register export as users download it, every quirk included.

The format (see ``../shared/sipri/README.md`` in the project's history): a preamble of any
length (or none) ending in "Data generated: …", a header of 16 columns of which three are
blank-named and hold ``?`` for an uncertain value, no CSV quoting (commas inside comments
are written as semicolons), a few rows broken by a raw line break inside Comments, Latin-1
(or UTF-8) text. Columns are found by their names, so an edition that reorders or renames
them slightly still reads; anything else is a problem naming the line.
"""

from __future__ import annotations

import codecs
import hashlib
import os
import re
import stat
from collections.abc import Iterator, Mapping
from datetime import date, datetime
from pathlib import Path

import attrs

from armstimeline.errors import Problem, relpath, show_value
from armstimeline.registers import cache
from armstimeline.registers.identity import bases as content_bases
from armstimeline.registers.row import RegisterRow, RowPattern, read_row, row_from

__all__ = ["MAX_REGISTER_BYTES", "MAX_VALUE", "Register", "RegisterRow", "read_register"]

# The named columns, in the header's words (case and spacing aside), and what we call them.
_COLUMNS = {
    "recipient": "recipient",
    "supplier": "supplier",
    "year of order": "year",
    "number ordered": "ordered",
    "weapon designation": "designation",
    "weapon description": "description",
    "number delivered": "delivered",
    "year(s) of delivery": "years",
    "year(s) of deliveries": "years",
    "status": "status",
    "comments": "comments",
    "sipri tiv per unit": "tiv_unit",
    "sipri tiv for total order": "tiv_order",
    "sipri tiv of delivered weapons": "tiv_delivered",
}
_REQUIRED = ("recipient", "supplier", "year", "designation", "description")
# the columns whose blank-named neighbour on the right marks them uncertain with '?'
_MARKED = ("year", "ordered", "delivered")
_HEADER_SEARCH = 60  # a preamble is about 11 lines; a header further down is not a register
_STAMP = re.compile(r"Data generated:\s*(\d{1,2} \w{3} \d{4})", re.IGNORECASE)
# "Transfers of major conventional arms from Russia  to All countries . Deals with
# deliveries made for the year range '2014' to '2023'": what the download covers
_COVERS = re.compile(r"arms from (?P<suppliers>.+?)\s+to (?P<recipients>.+?)\s*\.", re.IGNORECASE)
_YEARS = re.compile(r"year range '(?P<first>[^']*)' to '(?P<last>[^']*)'", re.IGNORECASE)
# A real register is 3-4 MB; anything far larger is not one (and /dev/zero never ends).
MAX_REGISTER_BYTES = 64 * 1024 * 1024
# The site caps any one value at 512 KiB; a register cell longer than that is refused.
MAX_VALUE = 512 * 1024
_LINE_BREAK = re.compile(r"\r\n|\n|\r")  # not str.splitlines: Latin-1 0x85 is a character
_YEAR = re.compile(r"\d{4}")


@attrs.frozen
class Register:
    """A register file: its rows, the edition's date, the encoding it was read in and the
    SHA-256 of its bytes (which tell one file of an edition from another)."""

    path: Path
    encoding: str
    generated: date | None
    generated_text: str | None
    rows: tuple[RegisterRow, ...]
    sha256: str
    # what the download says it covers: "All countries" or names, and a delivery-year range
    # (None: 'Not specified'; a register for a range counts only those years' deliveries)
    suppliers: str | None = None
    recipients: str | None = None
    delivery_years: tuple[int, int] | None = None
    skipped: tuple[int, ...] = ()  # lines left out with ``skip_bad_rows``
    bases: tuple[str, ...] = ()  # each row's id before numbering (see ``identity``)
    header: tuple[str, ...] = ()  # the header's names as read (case-folded)

    @property
    def known(self) -> Known:
        """Each row, with its base, by its header and text: what a newer edition's
        identical lines under the same header read as (SIPRI changes a few hundred of
        30,000 rows a year)."""
        rows = zip(self.rows, self.bases, strict=True)
        return {self.header: {row.text: (row, base) for row, base in rows}}


# rows with their bases, by their text, by the header they were read under: a line reads
# as it did before only under the same columns
Known = dict[tuple[str, ...], dict[str, tuple[RegisterRow, str]]]


def read_register(
    path: str | Path,
    *,
    skip_bad_rows: bool = False,
    known: Known | None = None,
) -> tuple[Register | None, list[Problem]]:
    """Read a register file; every problem found, each naming its line, or the register.

    With ``skip_bad_rows`` a row that cannot be read is left out (its line is listed in
    ``Register.skipped`` and its problem returned beside the register) instead of refusing
    the file; a file that is not a register is refused either way. A file read before
    without a problem comes from the cache (see ``cache``); a line whose text is in
    ``known`` under the same header (an earlier edition's ``Register.known``) reads as
    that row did.
    """
    path = Path(path)
    shown = relpath(path)
    data, problem = _read_bytes(path, shown)
    if data is None:
        return None, [problem] if problem else []
    digest = hashlib.sha256(data).hexdigest()
    kept = cache.cached(digest)
    if kept is not None:
        about, rows_kept, bases_kept = kept
        when = about.pop("generated", None)
        about["generated"] = date.fromisoformat(when) if isinstance(when, str) else None
        about["header"] = tuple(about.get("header", ()))
        return Register(path, rows=rows_kept, sha256=digest, bases=bases_kept, **about), []
    text, encoding = _decode(data)
    lines = _LINE_BREAK.split(text)
    header_at = _find_header(lines)
    if header_at is None:
        return None, [_not_a_register(shown, lines)]
    header = [h.strip().casefold() for h in lines[header_at].split(",")]
    columns, problems = _columns(shown, header_at + 1, header)
    if problems:
        return None, problems
    preamble = "\n".join(lines[:header_at])
    stamp = _STAMP.search(preamble)
    generated = _stamp_date(stamp.group(1)) if stamp else None
    rows: list[RegisterRow] = []
    row_bases: list[str | None] = []  # None: to be hashed
    skipped: list[int] = []
    seen = (known or {}).get(tuple(header), {})
    for number, row_text, fields in _records(
        shown, lines, header_at + 1, len(header), columns, problems, skipped, seen
    ):
        if isinstance(fields, RegisterRow):  # a well-formed line, read at once
            rows.append(fields)
            row_bases.append(None)
            continue
        if isinstance(fields, tuple):  # a line an earlier edition has: read as it was
            earlier, base = fields
            rows.append(row_from((number, *earlier[1:])))
            row_bases.append(base)
            continue
        before = len(problems)
        row = read_row(shown, number, row_text, fields, columns, problems)
        if row is not None:
            rows.append(row)
            row_bases.append(None)
        elif len(problems) > before:
            skipped.append(number)
    if problems and not skip_bad_rows:
        return None, problems
    if not rows:
        return None, [*problems, Problem(shown, header_at + 1, "", "has a header but no rows")]
    stamp_text = stamp.group(0).strip() if stamp else None
    covers = _COVERS.search(preamble)
    fresh = iter(content_bases(r for r, b in zip(rows, row_bases, strict=True) if b is None))
    about = {
        "encoding": encoding, "generated": generated, "generated_text": stamp_text,
        "suppliers": _covered(covers["suppliers"]) if covers else None,
        "recipients": _covered(covers["recipients"]) if covers else None,
        "delivery_years": _year_range(preamble), "header": tuple(header),
    }  # fmt: skip
    register = Register(
        path, rows=tuple(rows), sha256=digest, skipped=tuple(sorted(skipped)),
        bases=tuple(base if base is not None else next(fresh) for base in row_bases),
        **about,
    )  # fmt: skip
    if not problems:
        when = generated.isoformat() if generated else None
        cache.keep(digest, {**about, "generated": when}, register.rows, register.bases)
    return register, problems


def _read_bytes(path: Path, shown: str) -> tuple[bytes | None, Problem | None]:
    """The file's bytes, refusing up front what is not a regular file (a pipe would hang,
    /dev/zero never ends) or is far larger than any register."""
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            return None, Problem(shown, None, "", "is not a regular file (a pipe, device or "
                                 "folder); give the register file itself")  # fmt: skip
        if info.st_size > MAX_REGISTER_BYTES:
            return None, Problem(
                shown, None, "",
                f"is {info.st_size // 2**20} MiB; a SIPRI trade register is 3-4 MB (the limit "
                f"is {MAX_REGISTER_BYTES // 2**20} MiB): is this the right file?",
            )  # fmt: skip
        with open(path, "rb") as handle:
            data = handle.read(MAX_REGISTER_BYTES + 1)
    except OSError as exc:
        return None, Problem(shown, None, "", f"cannot be read: {exc.strerror or exc}")
    if len(data) > MAX_REGISTER_BYTES:  # it grew while being read
        return None, Problem(shown, None, "", "grew past the size limit while being read")
    return data, None


def _covered(text: str) -> str | None:
    """A preamble's 'All countries' means everyone (None); anything else is names."""
    text = " ".join(text.split())
    return None if text.casefold() in ("all countries", "all") else text


def _year_range(preamble: str) -> tuple[int, int] | None:
    found = _YEARS.search(preamble)
    if found is None:
        return None
    first, last = found["first"].strip(), found["last"].strip()
    if _YEAR.fullmatch(first) and _YEAR.fullmatch(last):
        return int(first), int(last)
    return None


def _latin1(error: UnicodeError) -> tuple[str, int]:
    """The five bytes Windows-1252 leaves undefined read as Latin-1 does."""
    assert isinstance(error, UnicodeDecodeError)
    return error.object[error.start : error.end].decode("latin-1"), error.end


codecs.register_error("armstimeline-latin-1", _latin1)


def _decode(data: bytes) -> tuple[str, str]:
    """UTF-8 when the bytes are UTF-8 (a byte-order mark is dropped), else SIPRI's Latin-1
    with Windows-1252's quotes and dashes (0x80-0x9F) read as the characters they are: a
    register re-saved on Windows writes "smart quotes" there, never control characters."""
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="armstimeline-latin-1"), "latin-1"


def _find_header(lines: list[str]) -> int | None:
    """The header's line: it begins 'Recipient,Supplier,Year of order', or at least
    'Recipient' and has a register's width (a header with a column named twice or
    missing is then refused naming the column, not as 'no header')."""
    for i, line in enumerate(lines[:_HEADER_SEARCH]):
        fields = [f.strip().casefold() for f in line.split(",")]
        if fields[:3] == ["recipient", "supplier", "year of order"] or (
            fields[0] == "recipient" and len(fields) >= 12
        ):
            return i
    return None


def _not_a_register(shown: str, lines: list[str]) -> Problem:
    first = next((line for line in lines if line.strip()), "")
    hint, at = "", 1
    for number, line in enumerate(lines[:_HEADER_SEARCH], start=1):
        bare = line.replace('"', "").casefold()
        if re.match(r"recipient\s*[;\t]\s*supplier", bare) or line.startswith('"Recipient"'):
            hint = (
                f" Its header is there (line {number}) but re-saved by a spreadsheet (quoted "
                "cells or ';' or tab separators): use the file as SIPRI's site exports it."
            )
            at = number
            break
    return Problem(
        shown,
        at,
        "",
        "is not a SIPRI trade register: no header line 'Recipient,Supplier,Year of order,…' "
        f"in its first {_HEADER_SEARCH} lines (the first line reads {show_value(first)})." + hint,
    )


def _columns(shown: str, line: int, header: list[str]) -> tuple[dict[str, int], list[Problem]]:
    columns: dict[str, int] = {}
    problems = []
    for i, name in enumerate(header):
        key = _COLUMNS.get(re.sub(r"\s+", " ", name))
        if key is None:
            continue
        if key in columns:  # a second 'Comments' would silently hide the first
            problems.append(Problem(
                shown, line, "header",
                f"names the column {show_value(name)} twice (fields {columns[key] + 1} and "
                f"{i + 1}); a register names each column once",
            ))  # fmt: skip
            continue
        columns[key] = i
    missing = [k for k in _REQUIRED if k not in columns]
    if missing:
        problems.append(Problem(shown, line, "header", f"has no column for {', '.join(missing)}"))
    for key in _MARKED:
        at = columns.get(key)
        if at is not None and (at + 1 >= len(header) or header[at + 1] != ""):
            problems.append(
                Problem(
                    shown,
                    line,
                    "header",
                    f"expected a blank-named '?' column after the {key} column",
                )
            )
        elif at is not None:
            columns[f"{key}?"] = at + 1
    return columns, problems


def _records(
    shown: str,
    lines: list[str],
    start: int,
    width: int,
    columns: dict[str, int],
    problems: list[Problem],
    skipped: list[int],
    known: Mapping[str, tuple[RegisterRow, str]],
) -> Iterator[tuple[int, str, list[str] | RegisterRow | tuple[RegisterRow, str]]]:
    """(line number, row text, fields) of each row; instead of its fields, the row and
    base ``known`` has for its text, or the row itself when its line is well formed. A
    row broken by raw line breaks is joined with the lines after it wherever the pieces
    make exactly one row (the break read as a space, as in Comments); a line that cannot
    be completed so is a problem."""
    whole = RowPattern(columns, width).row
    i = start
    while i < len(lines):
        line = lines[i]
        number = i + 1
        i += 1
        if known:
            earlier = known.get(line.strip())
            if earlier is not None:
                yield number, line, earlier
                continue
        if len(line) <= MAX_VALUE:
            row = whole(number, line)
            if row is not None:
                yield number, line, row
                continue
        if not line.strip():
            continue
        fields = line.split(",")
        joined, text, j = fields, line, i
        while len(joined) < width and j < len(lines) and lines[j].strip():
            rest = lines[j].split(",")
            if len(joined) + len(rest) - 1 > width:
                break
            joined = [*joined[:-1], f"{joined[-1]} {rest[0]}".strip(), *rest[1:]]
            text = f"{text} {lines[j]}"
            j += 1
        if len(joined) == width:
            fields, line, i = joined, text, j
        if len(fields) != width:
            if len(fields) < width and all(not s.strip() for s in lines[i:]):
                message = (
                    f"the last row ends after {len(fields)} of {width} fields; the file "
                    "looks truncated (download it again)"
                )
            else:
                message = (
                    f"has {len(fields)} fields where the header has {width}, and no line "
                    "break joins it into one row; a register row has no commas inside its "
                    "fields"
                )
            problems.append(Problem(shown, number, "row", message))
            skipped.append(number)
            continue
        if len(line) > MAX_VALUE:
            problems.append(Problem(
                shown, number, "row",
                f"is {len(line):,} characters long; no register row comes near the "
                f"{MAX_VALUE // 1024} KiB a value may hold",
            ))  # fmt: skip
            skipped.append(number)
            continue
        yield number, line, fields


def _stamp_date(text: str) -> date | None:
    try:
        return datetime.strptime(text, "%d %b %Y").date()
    except ValueError:
        return None
