"""YAML files to models, collecting every problem before raising once.

Files are composed (not constructed) with PyYAML's C loader where present, so every
scalar stays a string with its line and column: YAML never turns '2016' into a
number, 'no' into False or '2012-05-01' into a date behind our back. Each field is
then converted by its own rules, and each problem is recorded with its place.
"""

from __future__ import annotations

import contextlib
import difflib
import gc
import hashlib
import math
import os
import re
import stat
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, TypeVar

import yaml

from armstimeline import reference
from armstimeline.dates import DateError, EventDate, parse_date
from armstimeline.errors import Problem, ValidationError, relpath, show_value
from armstimeline.model import (
    Actor,
    Amount,
    Citation,
    Event,
    Place,
    Relation,
    Source,
    order_events,
)

__all__ = [
    "MAX_FILE_BYTES",
    "event_paths",
    "load_events",
    "load_sources",
    "normalise_space",
    "quote_in_text",
    "read_event",
    "recorded_stamp",
    "source_registry",
    "title_warnings",
    "validate",
]

T = TypeVar("T")

_BASE = getattr(yaml, "CBaseLoader", yaml.BaseLoader)
_DEFAULT_TAGS = {
    yaml.ScalarNode: "tag:yaml.org,2002:str",
    yaml.SequenceNode: "tag:yaml.org,2002:seq",
    yaml.MappingNode: "tag:yaml.org,2002:map",
}


class _Composer(_BASE):  # type: ignore[valid-type,misc]
    """libyaml's composer with the cheapest resolver: every untagged node gets its kind's
    default tag, which is all BaseLoader's resolver does, minus its bookkeeping."""

    def resolve(self, kind: type, value: object, implicit: object) -> str:
        return _DEFAULT_TAGS[kind]

    def descend_resolver(self, current_node: object, current_index: object) -> None:
        pass

    def ascend_resolver(self) -> None:
        pass


MAX_FILE_BYTES = 256 * 1024
MAX_NESTING = 64
MAX_INDENT = 256
MAX_QUOTE = 400
EVENT_SUFFIXES = (".yml", ".yaml")
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_NUMBER = re.compile(r"[+-]?(?:\d[\d_]*)?(?:\.\d+)?(?:[eE][+-]?\d+)?")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_CORE_TAGS = {
    f"tag:yaml.org,2002:{t}" for t in ("str", "seq", "map", "int", "float", "bool", "null")
}
_SPACE = re.compile(r"\s+")
_LINE_KEY = re.compile(r"\s*(?:-\s+)?([A-Za-z_][\w-]*)\s*:")
_EMPTY = ("", "~", "null", "Null", "NULL")
# Text a contributor left to fill in (``armstimeline new`` writes "TODO: ..."): an error in
# the fields a reader sees, so a skeleton never passes as an event.
_PLACEHOLDER = re.compile(r"(?:TODO|FIXME|TBD|XXX)\b")
_PROSE_FIELDS = frozenset({"title", "summary", "quote", "note", "what", "name"})


class _Missing:
    pass


MISSING: Any = _Missing()


def normalise_space(text: str) -> str:
    """The quote rule: runs of white space (spaces, tabs, newlines) count as one space."""
    return _SPACE.sub(" ", text).strip()


class _Reader:
    """Walks one composed YAML document and records problems against its path."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.problems: list[Problem] = []

    def problem(self, node: yaml.Node | None, field: str, message: str) -> None:
        line = node.start_mark.line + 1 if node is not None else None
        column = node.start_mark.column + 1 if node is not None else None
        self.problems.append(Problem(self.path, line, field or "file", message, column))

    def check_node(self, node: yaml.Node, field: str, depth: int = 0) -> bool:
        """Reject foreign tags and runaway nesting before reading values.

        Aliases never get here: ``_compose`` refuses any file with an anchor.
        """
        if node.tag not in _CORE_TAGS:
            self.problem(node, field, f"the tag {show_value(node.tag)} is not allowed; remove it")
            return False
        if depth > MAX_NESTING:
            self.problem(node, field, f"nesting deeper than {MAX_NESTING} levels is not allowed")
            return False
        return True

    def mapping(
        self, node: yaml.Node, field: str, keys: dict[str, bool], depth: int = 0
    ) -> dict[str, yaml.Node] | None:
        """Read a mapping: known keys only, no duplicates, required ones present.

        The mapping node itself was checked by whoever holds it (see ``check_node``).
        """
        if not isinstance(node, yaml.MappingNode):
            self.problem(node, field, f"expected a mapping of keys to values, found {_kind(node)}")
            return None
        out: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self.problem(key_node, field, "keys must be plain words")
                continue
            key = key_node.value
            name = f"{field}.{key}" if field else key
            if key not in keys:
                hint = difflib.get_close_matches(key, list(keys), n=1)
                fix = f"did you mean '{hint[0]}'?" if hint else f"allowed keys: {', '.join(keys)}"
                self.problem(key_node, name, f"unknown key {show_value(key)}; {fix}")
                continue
            if key in out:
                self.problem(key_node, name, f"the key {show_value(key)} appears twice; keep one")
                continue
            if not self.check_node(value_node, name, depth + 1):
                continue
            out[key] = value_node
        for key, required in keys.items():
            if required and (key not in out or _is_empty(out[key])):
                name = f"{field}.{key}" if field else key
                self.problem(node, name, f"the required key '{key}' is missing or empty")
        return out

    def sequence(self, node: yaml.Node, field: str) -> list[yaml.Node]:
        if isinstance(node, yaml.ScalarNode) and _is_empty(node):
            return []
        if not isinstance(node, yaml.SequenceNode):
            self.problem(node, field, f"expected a list, found {_kind(node)}")
            return []
        return [n for n in node.value if self.check_node(n, field)]

    def string(self, node: yaml.Node, field: str, *, multiline: bool = False) -> str | None:
        if not isinstance(node, yaml.ScalarNode):
            self.problem(node, field, f"expected text, found {_kind(node)}")
            return None
        text: str = node.value
        # splitlines knows every Unicode line break (U+2028, U+2029, U+0085, ...)
        if _CONTROL.search(text.replace("\t", " ") if multiline else text) or (
            not multiline and len(text.strip().splitlines()) > 1
        ):
            what = "control characters" if _CONTROL.search(text) else "line breaks"
            if not multiline and what == "line breaks" and "\n" not in text:
                what = "a Unicode line or paragraph separator (a line break)"
            self.problem(node, field, f"{show_value(text)} contains {what}; remove them")
            return None
        text = text.strip()
        if not text:
            self.problem(node, field, "is empty; write the value or remove the key")
            return None
        if field.rpartition(".")[2] in _PROSE_FIELDS and _PLACEHOLDER.match(text):
            self.problem(
                node, field, f"{show_value(text)} is a placeholder; replace it with the real text"
            )
            return None
        return text

    def optional_string(self, node: yaml.Node | None, field: str) -> str | None:
        if node is None or _is_empty(node):
            return None
        if isinstance(node, yaml.ScalarNode) and not node.value.strip():
            return None  # an empty optional value ('note: ""') is no value
        return self.string(node, field, multiline=True)

    def number(self, node: yaml.Node, field: str, low: float, high: float) -> float | None:
        text = self.string(node, field)
        if text is None:
            return None
        if not text or not _NUMBER.fullmatch(text) or text in {".", "_"}:
            self.problem(
                node, field, f"{show_value(text)} is not a number; write digits, e.g. 12.5"
            )
            return None
        try:
            value = float(text.replace("_", ""))
        except ValueError:
            self.problem(
                node, field, f"{show_value(text)} is not a number; write digits, e.g. 12.5"
            )
            return None
        if not math.isfinite(value) or not low <= value <= high:
            self.problem(node, field, f"{show_value(text)} is out of range {low:g} to {high:g}")
            return None
        return value

    def slug(self, node: yaml.Node, field: str, what: str) -> str | None:
        text = self.string(node, field)
        if text is None:
            return None
        if not SLUG.fullmatch(text) or len(text) > 100:
            self.problem(
                node,
                field,
                f"{show_value(text)} is not a valid {what}; use lower-case letters, digits and "
                "single hyphens, at most 100 characters",
            )
            return None
        return text

    def choice(self, node: yaml.Node, field: str, allowed: Iterable[str], what: str) -> str | None:
        text = self.string(node, field)
        if text is None:
            return None
        allowed = list(allowed)
        if text not in allowed:
            hint = difflib.get_close_matches(text, allowed, n=1)
            fix = f"did you mean '{hint[0]}'?" if hint else f"use one of: {', '.join(allowed)}"
            self.problem(node, field, f"{show_value(text)} is not a known {what}; {fix}")
            return None
        return text

    def items(
        self, node: yaml.Node | None, field: str, read: Callable[[yaml.Node, str], T | None]
    ) -> list[T]:
        if node is None:
            return []
        out = []
        for i, item in enumerate(self.sequence(node, field)):
            value = read(item, f"{field}[{i}]")
            if value is not None:
                out.append(value)
        return out

    # -- fields of an event ------------------------------------------------------------

    def date(self, node: yaml.Node, field: str) -> EventDate | None:
        text = self.string(node, field)
        if text is None:
            return None
        try:
            return parse_date(text)
        except DateError as exc:
            self.problem(node, field, f"date {show_value(text)}: {exc}")
            return None

    def country(self, node: yaml.Node, field: str) -> str | None:
        text = self.string(node, field)
        if text is None:
            return None
        import pycountry

        if not re.fullmatch(r"[A-Z]{3}", text) or pycountry.countries.get(alpha_3=text) is None:
            guess = _country_guess(text)
            fix = (
                f"did you mean '{guess}'?" if guess else "use an ISO 3166-1 alpha-3 code, e.g. TUR"
            )
            self.problem(
                node, field, f"{show_value(text)} is not an ISO 3166-1 alpha-3 code; {fix}"
            )
            return None
        if text not in reference.country_regions():
            self.problem(
                node,
                field,
                f"{show_value(text)} has no region; add it to "
                "src/armstimeline/refdata/countries.yml",
            )
            return None
        return text

    def actor(self, node: yaml.Node, field: str) -> Actor | None:
        keys = self.mapping(node, field, {"country": True, "role": True}, 2)
        if not keys or "country" not in keys or "role" not in keys:
            return None
        country = self.country(keys["country"], f"{field}.country")
        role = self.choice(keys["role"], f"{field}.role", reference.roles(), "role")
        return Actor(country, role) if country and role else None

    def system(self, node: yaml.Node, field: str) -> str | None:
        text = self.string(node, field)
        if text is None:
            return None
        canonical = reference.system_lookup().get(text.casefold())
        if canonical is None:
            hint = difflib.get_close_matches(text, [s.name for s in reference.systems()], n=1)
            fix = f"did you mean '{hint[0]}'? " if hint else ""
            self.problem(
                node,
                field,
                f"{show_value(text)} is not in the systems catalog; {fix}add it to "
                "src/armstimeline/refdata/systems.yml with its aliases",
            )
        return canonical

    def amount(self, node: yaml.Node, field: str) -> Amount | None:
        keys = self.mapping(
            node, field, {"value": True, "what": True, "currency": False, "unit": False}, 2
        )
        if not keys or "value" not in keys or "what" not in keys:
            return None
        value = self.number(keys["value"], f"{field}.value", 0, math.inf)
        what = self.string(keys["what"], f"{field}.what")
        currency = self.optional_string(keys.get("currency"), f"{field}.currency")
        unit = self.optional_string(keys.get("unit"), f"{field}.unit")
        ok = value is not None and what is not None
        if (currency is None) == (unit is None):
            self.problem(node, field, "give either 'currency' (ISO 4217, e.g. USD) or 'unit'")
            return None
        if currency is not None:
            import pycountry

            if (
                not re.fullmatch(r"[A-Z]{3}", currency)
                or pycountry.currencies.get(alpha_3=currency) is None
            ):
                self.problem(
                    keys["currency"],
                    f"{field}.currency",
                    f"{show_value(currency)} is not an ISO 4217 currency code; use e.g. USD",
                )
                ok = False
        if unit is not None and unit not in reference.units():
            self.problem(
                keys["unit"],
                f"{field}.unit",
                f"{show_value(unit)} is not a known unit; use one of: "
                + ", ".join(reference.units()),
            )
            ok = False
        if unit == "percent" and value is not None and value > 100:
            self.problem(keys["value"], f"{field}.value", "a percentage is at most 100")
            ok = False
        if not ok:
            return None
        assert value is not None and what is not None
        return Amount(value=value, what=what, currency=currency, unit=unit)

    def place(self, node: yaml.Node, field: str) -> Place | None:
        keys = self.mapping(node, field, {"name": True, "lat": True, "lon": True}, 2)
        if not keys or len(keys) < 3:
            return None
        name = self.string(keys["name"], f"{field}.name")
        lat = self.number(keys["lat"], f"{field}.lat", -90, 90)
        lon = self.number(keys["lon"], f"{field}.lon", -180, 180)
        if name is None or lat is None or lon is None:
            return None
        return Place(name, lat, lon)

    def citation(self, node: yaml.Node, field: str) -> tuple[Citation, yaml.Node] | None:
        keys = self.mapping(node, field, {"source": True, "quote": True}, 2)
        if not keys or len(keys) < 2:
            return None
        source = self.string(keys["source"], f"{field}.source")
        quote = self.string(keys["quote"], f"{field}.quote", multiline=True)
        if quote is not None and len(quote) > MAX_QUOTE:
            self.problem(
                keys["quote"],
                f"{field}.quote",
                f"the quote has {len(quote)} characters; quotes are short (at most {MAX_QUOTE})",
            )
            return None
        if not source or not quote:
            return None
        return Citation(source, quote), keys["quote"]

    def relation(self, node: yaml.Node, field: str) -> tuple[Relation, yaml.Node] | None:
        keys = self.mapping(node, field, {"type": True, "target": True}, 2)
        if not keys or len(keys) < 2:
            return None
        rtype = self.choice(
            keys["type"], f"{field}.type", reference.relation_types(), "relation type"
        )
        target = self.slug(keys["target"], f"{field}.target", "event id")
        if not rtype or not target:
            return None
        return Relation(rtype, target), keys["target"]


_EVENT_KEYS = {
    "id": True,
    "title": True,
    "date": True,
    "kind": True,
    "actors": False,
    "systems": False,
    "amounts": False,
    "places": False,
    "summary": True,
    "sources": True,
    "tags": False,
    "relations": False,
    "note": False,
}


class _Parsed:
    """An event read from a file, with the lines later cross-file checks point at.

    Lines, not YAML nodes, are kept: the node trees are freed as soon as a file is read.
    """

    __slots__ = ("citations", "event", "id_line", "path", "relations")

    def __init__(
        self,
        event: Event,
        path: str,
        id_line: int,
        citations: list[tuple[Citation, int]],
        relations: list[tuple[Relation, int]],
    ) -> None:
        self.event = event
        self.path = path
        self.id_line = id_line
        self.citations = citations
        self.relations = relations


# A file modified this close to when it was read may change again within the same
# timestamp tick, keeping its size and mtime. Like git's "racily clean" index entries, such
# a file is recorded without its mtime (see ``recorded_stamp``), so the next build hashes it
# instead of trusting the stat. The stamp itself never depends on the clock: two reads of
# the same unchanged file always give the same stamp.
RACY_WINDOW_NS = 3_000_000_000


def file_stamp(data: bytes, info: os.stat_result) -> tuple[str, int, int]:
    """(SHA-256, size, mtime in ns) of a file's bytes as read."""
    return hashlib.sha256(data).hexdigest(), info.st_size, info.st_mtime_ns


def recorded_stamp(stamp: tuple[str, int, int], read_at_ns: int) -> tuple[str, int, int]:
    """The stamp a database records for a file read at ``read_at_ns``: mtime -1 when the
    file was modified within ``RACY_WINDOW_NS`` of that moment (or after it)."""
    sha, size, mtime = stamp
    return (sha, size, -1 if read_at_ns - mtime < RACY_WINDOW_NS else mtime)


def _compose(
    path: Path, shown: str, hashes: dict[str, Any] | None = None
) -> tuple[yaml.Node | None, list[Problem]]:
    """Read bytes safely and compose one YAML document; never raise on bad input."""

    data = b""

    def fail(message: str, line: int | None = None) -> list[Problem]:
        """A problem with the file as a whole, named by the key on its line when there is one."""
        field = "file"
        lines = data.decode("utf-8", "replace").splitlines()
        if line is not None and 0 < line <= len(lines):
            key = _LINE_KEY.match(lines[line - 1])
            field = key.group(1) if key else field
        return [Problem(shown, line, field, message)]

    try:
        info = os.lstat(path)
    except OSError as exc:
        return None, fail(f"cannot be read ({exc.strerror}); check the file's permissions")
    if stat.S_ISLNK(info.st_mode):
        return None, fail("is a symbolic link; event files must be regular files in the folder")
    if not stat.S_ISREG(info.st_mode):
        return None, fail("is not a regular file; remove it or replace it with a YAML file")
    if info.st_size > MAX_FILE_BYTES:
        return None, fail(
            f"is {info.st_size} bytes; an event file may be at most {MAX_FILE_BYTES} bytes"
        )
    with open(path, "rb") as handle:
        data = handle.read(MAX_FILE_BYTES + 1)
    if hashes is not None:
        hashes[path.name] = file_stamp(data, info)
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return None, fail(f"is not valid UTF-8 (byte {exc.start}); save the file as UTF-8", line)
    if not text.strip():
        return None, fail("is empty; an event file holds one YAML mapping")
    depth = _bracket_depth(text)
    if depth > MAX_NESTING:
        return None, fail(f"nests brackets {depth} deep; at most {MAX_NESTING} levels are allowed")
    deep_line = _block_depth_line(text)
    if deep_line is not None:
        return None, fail(
            f"nests or indents too deeply (more than {MAX_NESTING} list markers or "
            f"{MAX_INDENT} columns of indentation); flatten the structure",
            deep_line,
        )
    if "&" in text or "*" in text:
        anchor = _first_anchor(text)
        if anchor is not None:
            return None, fail(
                "anchors (&name) and aliases (*name) are not allowed; write the value out",
                anchor,
            )
    try:
        node = yaml.compose(text, Loader=_Composer)
    except yaml.MarkedYAMLError as exc:
        if "expected a single document" in str(exc):
            line = exc.problem_mark.line + 1 if exc.problem_mark else None
            return None, fail("holds more than one YAML document; keep one event per file", line)
        # Point at where the broken structure starts (an unclosed '[' on its own line),
        # and say where the parser noticed.
        start = exc.context_mark or exc.problem_mark
        line = start.line + 1 if start else None
        what = exc.problem or exc.context or "invalid YAML"
        if exc.context_mark and exc.problem_mark and exc.problem_mark.line != exc.context_mark.line:
            what += f" (noticed on line {exc.problem_mark.line + 1})"
        return None, fail(f"YAML syntax error: {what}", line)
    except yaml.reader.ReaderError as exc:
        line = text[: exc.position].count("\n") + 1
        return None, fail(
            f"contains the character U+{exc.character:04X}, which YAML does not allow; remove it"
            if isinstance(exc.character, int)
            else "contains bytes YAML cannot read; save the file as UTF-8 text",
            line,
        )
    except yaml.YAMLError as exc:
        return None, fail("YAML error: " + normalise_space(str(exc)))
    except RecursionError:
        return None, fail("nests too deeply to read")
    if node is None:
        return None, fail("is empty; an event file holds one YAML mapping")
    return node, []


_TOO_DEEP = re.compile(rf"^(?: {{{MAX_INDENT + 1}}}| *(?:[-?] +){{{MAX_NESTING + 1}}})", re.M)


def _block_depth_line(text: str) -> int | None:
    """The first line whose indentation or run of '- ' markers is too deep, if any.

    Block nesting needs indentation or a run of list markers on one line, so bounding
    both bounds the depth libyaml's composer recurses to (it crashes past ~25,000).
    """
    found = _TOO_DEEP.search(text)
    return text.count("\n", 0, found.start()) + 1 if found else None


def _first_anchor(text: str) -> int | None:
    """The line of the first anchor or alias, found by libyaml's own event stream."""
    try:
        for event in yaml.parse(text, Loader=_Composer):
            if getattr(event, "anchor", None) is not None:
                return event.start_mark.line + 1
    except yaml.YAMLError:
        return None  # compose reports the syntax error with its place
    return None


def _bracket_depth(text: str) -> int:
    """Deepest flow nesting, a cheap guard: libyaml can crash on thousands of brackets."""
    if text.count("[") + text.count("{") <= MAX_NESTING:
        return 0
    depth = deepest = 0
    for ch in text:
        if ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth -= 1
    return deepest


def _parse_event(
    path: Path, shown: str | None = None, hashes: dict[str, Any] | None = None
) -> tuple[_Parsed | None, list[Problem]]:
    shown = shown or relpath(path)
    node, problems = _compose(path, shown, hashes)
    if node is None:
        return None, problems
    r = _Reader(shown)
    keys = r.mapping(node, "", _EVENT_KEYS) if r.check_node(node, "") else None
    if keys is None:
        return None, r.problems

    def req(key: str, read: Callable[[yaml.Node, str], T | None]) -> T | None:
        return read(keys[key], key) if key in keys and not _is_empty(keys[key]) else None

    event_id = req("id", lambda n, f: r.slug(n, f, "event id"))
    if event_id is not None and event_id != path.stem:
        r.problem(
            keys["id"],
            "id",
            f"{show_value(event_id)} does not match the file name {show_value(path.name)}; "
            f"rename the file to '{event_id}{path.suffix}' or change the id",
        )
    title = req("title", r.string)
    date = req("date", r.date)
    kind = req("kind", lambda n, f: r.choice(n, f, reference.kinds(), "kind"))
    summary = req("summary", lambda n, f: r.string(n, f, multiline=True))
    actors = r.items(keys.get("actors"), "actors", r.actor)
    systems = r.items(keys.get("systems"), "systems", r.system)
    amounts = r.items(keys.get("amounts"), "amounts", r.amount)
    places = r.items(keys.get("places"), "places", r.place)
    tags = r.items(keys.get("tags"), "tags", lambda n, f: r.slug(n, f, "tag"))
    citations = r.items(keys.get("sources"), "sources", r.citation)
    if "sources" in keys and not citations and not r.problems:
        r.problem(keys["sources"], "sources", "cite at least one source with a quote")
    relations = r.items(keys.get("relations"), "relations", r.relation)
    for rel, target_node in relations:
        if event_id is not None and rel.target == event_id:
            r.problem(target_node, "relations", "an event cannot be related to itself")
    note = r.optional_string(keys.get("note"), "note")
    if r.problems:
        return None, r.problems
    assert event_id and title and date and kind and summary
    event = Event(
        id=event_id,
        title=title,
        date=date,
        kind=kind,
        summary=summary,
        sources=[c for c, _ in citations],
        actors=actors,
        systems=tuple(dict.fromkeys(systems)),
        amounts=amounts,
        places=places,
        tags=tuple(dict.fromkeys(tags)),
        relations=[rel for rel, _ in relations],
        note=note,
    )
    line = _line
    return (
        _Parsed(
            event,
            shown,
            line(keys["id"]),
            [(c, line(n)) for c, n in citations],
            [(r, line(n)) for r, n in relations],
        ),
        [],
    )


def read_event(path: str | Path) -> Event:
    """Read one event file; raise ValidationError listing all its problems."""
    parsed, problems = _parse_event(Path(path))
    if problems or parsed is None:
        raise ValidationError(problems)
    return parsed.event


def event_paths(folder: str | Path) -> list[Path]:
    """Event files in a folder, sorted by name so every run sees the same order."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ValidationError(
            [Problem(relpath(folder), None, "", "is not a folder; pass --events DIR")]
        )
    names = sorted(
        entry.name for entry in os.scandir(folder) if entry.name.endswith(EVENT_SUFFIXES)
    )
    return [folder / name for name in names]


# -- sources ----------------------------------------------------------------------------

_SOURCE_KEYS = {
    "id": True,
    "title": True,
    "publisher": False,
    "author": False,
    "published": False,
    "url": False,
    "file": False,
    "note": False,
}


def _parse_sources(folder: Path) -> tuple[dict[str, Source], dict[str, str], list[Problem]]:
    registry = folder / "sources.yml"
    shown = relpath(registry)
    if not registry.exists():
        return {}, {}, [Problem(shown, None, "", "is missing; every source must be registered")]
    node, problems = _compose(registry, shown)
    if node is None:
        return {}, {}, problems
    r = _Reader(shown)
    r.check_node(node, "")
    sources: dict[str, Source] = {}
    texts: dict[str, str] = {}
    for i, item in enumerate(r.sequence(node, "sources")):
        field = f"[{i}]"
        keys = r.mapping(item, field, _SOURCE_KEYS, 1)
        if not keys or "id" not in keys or "title" not in keys:
            continue
        sid = r.slug(keys["id"], f"{field}.id", "source id")
        title = r.string(keys["title"], f"{field}.title")
        published = None
        if "published" in keys and not _is_empty(keys["published"]):
            published = r.date(keys["published"], f"{field}.published")
        file = r.optional_string(keys.get("file"), f"{field}.file")
        if file is not None:
            target = folder / file
            if "/" in file or "\\" in file or file.startswith(".") or not target.is_file():
                r.problem(
                    keys["file"],
                    f"{field}.file",
                    f"{show_value(file)} is not a file in {relpath(folder)}",
                )
                file = None
            else:
                texts[sid or ""] = normalise_space(target.read_text("utf-8"))
        if sid is None or title is None:
            continue
        if sid in sources:
            r.problem(keys["id"], f"{field}.id", f"the source id {show_value(sid)} is used twice")
            continue
        sources[sid] = Source(
            id=sid,
            title=title,
            publisher=r.optional_string(keys.get("publisher"), f"{field}.publisher"),
            author=r.optional_string(keys.get("author"), f"{field}.author"),
            published=published,
            url=r.optional_string(keys.get("url"), f"{field}.url"),
            file=file,
            note=r.optional_string(keys.get("note"), f"{field}.note"),
        )
    return sources, texts, r.problems


def load_sources(folder: str | Path) -> dict[str, Source]:
    """The source registry (``sources.yml``) of a seeds folder."""
    return source_registry(folder)[0]


def source_registry(folder: str | Path) -> tuple[dict[str, Source], dict[str, str]]:
    """The registry of a seeds folder and the text of each local source (white space
    normalised, as quotes are checked); raise ValidationError on any problem."""
    sources, texts, problems = _parse_sources(Path(folder))
    if problems:
        raise ValidationError(problems)
    return sources, texts


def quote_in_text(quote: str, text: str) -> bool:
    """The quote rule: verbatim, but any run of white space counts as one space."""
    return normalise_space(quote) in text


# -- the whole folder -------------------------------------------------------------------


def _check_all(
    parsed: list[_Parsed],
    sources: dict[str, Source],
    texts: dict[str, str],
    broken: set[str] = frozenset(),  # type: ignore[assignment]
    others: Mapping[str, Known] | None = None,
) -> Iterator[Problem]:
    """Checks that need every file: unique ids, relation targets, sources and quotes.

    ``broken`` holds the ids (file names) of files that failed to read: links to them
    are not reported again, so one broken file does not bury others in echoes.
    ``others`` are events known without parsing (an incremental build's unchanged
    files): id to (path, relations as (type, target) pairs).
    """
    others = others or {}
    by_id: dict[str, _Parsed] = {}
    for p in parsed:
        first = by_id.get(p.event.id)
        known = others.get(p.event.id)
        if first is not None or known is not None:
            line = p.id_line
            where = first.path if first is not None else known[0]  # type: ignore[index]
            yield Problem(p.path, line, "id", f"the id '{p.event.id}' is also used by {where}")
        else:
            by_id[p.event.id] = p
    types = reference.relation_types()

    def both_ways(rtype: str, source: str, target_path: str) -> str:
        return (
            f"'{rtype}' goes both ways; add {{type: {rtype}, target: {source}}} "
            f"to the relations of {target_path}"
        )

    for p in parsed:
        for rel, line in p.relations:
            other = by_id.get(rel.target)
            if other is not None:
                reverse = any(
                    r.type == rel.type and r.target == p.event.id for r in other.event.relations
                )
                target_path = other.path
            elif rel.target in others:
                target_path, known_relations = others[rel.target]
                reverse = (rel.type, p.event.id) in known_relations
            elif rel.target in broken:
                continue
            else:
                yield Problem(
                    p.path, line, "relations", f"the target '{rel.target}' is not an event id"
                )
                continue
            if types[rel.type].get("symmetric") and not reverse:
                yield Problem(
                    p.path, line, "relations", both_ways(rel.type, p.event.id, target_path)
                )
        for cit, line in p.citations:
            source = sources.get(cit.source)
            if source is None:
                yield Problem(
                    p.path,
                    line,
                    "sources",
                    f"the source '{cit.source}' is not in the registry (seeds/sources.yml)",
                )
            elif source.checked_locally and not quote_in_text(cit.quote, texts.get(cit.source, "")):
                yield Problem(
                    p.path,
                    line,
                    "sources.quote",
                    f"the quote {show_value(cit.quote)} is not in the text of '{cit.source}'; "
                    "copy it verbatim (white space may differ)",
                )
        if not any(
            sources.get(c.source) is not None and sources[c.source].checked_locally
            for c, _ in p.citations
        ) and all(c.source in sources for c, _ in p.citations):
            yield Problem(
                p.path,
                None,
                "sources",
                "no quote comes from a local source; cite at least one seed document",
            )

    for known_id, (path, relations) in others.items():
        for rtype, target in sorted(relations):
            if target in by_id:
                if types[rtype].get("symmetric") and not any(
                    r.type == rtype and r.target == known_id for r in by_id[target].event.relations
                ):
                    yield Problem(
                        path, None, "relations", both_ways(rtype, known_id, by_id[target].path)
                    )
            elif target not in others and target not in broken:
                yield Problem(path, None, "relations", f"the target '{target}' is not an event id")


Known = tuple[str, frozenset[tuple[str, str]]]
Progress = Callable[[list[Path]], Iterable[Path]]


def _read_folder(
    events_dir: str | Path,
    sources_dir: str | Path,
    progress: Progress | None = None,
    hashes: dict[str, Any] | None = None,
) -> tuple[list[Event], dict[str, Source], list[Problem]]:
    problems: list[Problem] = []
    sources, texts, source_problems = _parse_sources(Path(sources_dir))
    problems.extend(source_problems)
    parsed: list[_Parsed] = []
    broken: set[str] = set()
    paths = event_paths(events_dir)
    shown_dir = relpath(Path(events_dir))
    # Bulk loading makes millions of objects that are never garbage; the cyclic collector
    # would walk them again and again (a third of the time at 100k files).
    collecting = gc.isenabled()
    gc.disable()
    try:
        results = _parse_many(paths, shown_dir, hashes)
        for path in progress(paths) if progress else paths:
            item, found = next(results)
            problems.extend(found)
            if item is not None:
                parsed.append(item)
            else:
                broken.add(path.stem)
    finally:
        if collecting:
            gc.enable()
    problems.extend(_check_all(parsed, sources, texts, broken))
    events = order_events([p.event for p in parsed])
    return events, sources, problems


PARALLEL_MIN_FILES = 2000
_CHUNK = 500


def _workers(n_files: int) -> int:
    """Processes to parse with: one per core (at most 4) for large folders where fork is
    available; ``ARMSTIMELINE_WORKERS`` overrides (1 turns parallel parsing off)."""
    override = os.environ.get("ARMSTIMELINE_WORKERS", "")
    if override.isdigit():
        return max(1, int(override))
    if n_files < PARALLEL_MIN_FILES or sys.platform != "linux":
        return 1
    return max(1, min(os.cpu_count() or 1, 4))


def _parse_chunk(
    job: tuple[list[Path], str, bool],
) -> list[tuple[_Parsed | None, list[Problem], Any]]:
    paths, shown_dir, want_hashes = job
    gc.disable()
    out = []
    for path in paths:
        digest: dict[str, Any] | None = {} if want_hashes else None
        item, found = _parse_event(path, os.path.join(shown_dir, path.name), digest)
        out.append((item, found, digest.get(path.name) if digest else None))
    return out


def _die_with_parent(parent: int) -> None:
    """In a parse worker: end when the parent ends, even by ``kill -9`` (Linux's
    parent-death signal), instead of running on for seconds as an orphan."""
    import ctypes
    import signal

    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:  # the parent died before the signal was armed
        os._exit(1)


def _parse_many(
    paths: list[Path], shown_dir: str, hashes: dict[str, Any] | None
) -> Iterator[tuple[_Parsed | None, list[Problem]]]:
    """Parse files in order, in several processes when the folder is large.

    Files are independent until the cross-file checks, so chunks of them are parsed by
    forked workers and their results (events, problems, hashes) come back in order.
    """
    workers = _workers(len(paths))
    if workers <= 1:
        for path in paths:
            yield _parse_event(path, os.path.join(shown_dir, path.name), hashes)
        return
    import multiprocessing

    chunks = [paths[i : i + _CHUNK] for i in range(0, len(paths), _CHUNK)]
    jobs = [(chunk, shown_dir, hashes is not None) for chunk in chunks]
    with multiprocessing.get_context("fork").Pool(
        workers, initializer=_die_with_parent, initargs=(os.getpid(),)
    ) as pool:
        for chunk, results in zip(chunks, pool.imap(_parse_chunk, jobs), strict=True):
            for path, (item, found, digest) in zip(chunk, results, strict=True):
                if hashes is not None and digest is not None:
                    hashes[path.name] = digest
                yield item, found


def validate(
    events_dir: str | Path, sources_dir: str | Path, progress: Progress | None = None
) -> list[Problem]:
    """Every problem in an events folder and its sources, sorted by file and line."""
    return sorted(_read_folder(events_dir, sources_dir, progress)[2])


def load_events(
    events_dir: str | Path,
    sources_dir: str | Path,
    progress: Progress | None = None,
    hashes: dict[str, Any] | None = None,
) -> tuple[list[Event], dict[str, Source]]:
    """Events in timeline order and their sources; raise ValidationError on any problem.

    ``progress`` may wrap the list of file paths (a progress bar); it must yield them all.
    ``hashes``, when given, is filled with each file's (SHA-256, size, mtime) as it is
    read, so a build need not read the files twice.
    """
    events, sources, problems = _read_folder(events_dir, sources_dir, progress, hashes)
    if problems:
        raise ValidationError(problems)
    return events, sources


_WORDS = re.compile(r"[^\W_]+")


def title_warnings(events: Iterable[Event], events_dir: str | Path) -> list[Problem]:
    """Events whose titles are the same words (case, accents and punctuation aside): most
    often one event added twice. A warning, not a problem: two events may share a title."""
    seen: dict[tuple[str, ...], str] = {}
    warnings = []
    for event in events:
        key = tuple(_WORDS.findall(_fold(event.title)))
        first = seen.setdefault(key, event.id)
        if first != event.id:
            path, line = _title_place(Path(events_dir), event.id)
            other = _title_place(Path(events_dir), first)[0]
            message = f"has the same title as {other}; is it the same event?"
            warnings.append(Problem(path, line, "title", message))
    return sorted(warnings)


def _fold(text: str) -> str:
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _title_place(folder: Path, event_id: str) -> tuple[str, int | None]:
    for suffix in EVENT_SUFFIXES:
        path = folder / f"{event_id}{suffix}"
        if path.is_file():
            for number, line in enumerate(path.read_text("utf-8-sig").splitlines(), 1):
                if line.startswith("title:"):
                    return relpath(path), number
            return relpath(path), None
    return relpath(folder / f"{event_id}.yml"), None


def _line(node: yaml.Node) -> int:
    return int(node.start_mark.line) + 1


def _is_empty(node: yaml.Node) -> bool:
    """A plain (unquoted) null: nothing, ~ or null. The C loader marks plain style ''."""
    return isinstance(node, yaml.ScalarNode) and not node.style and node.value in _EMPTY


def _kind(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    return f"the value {show_value(node.value)}"


def _country_guess(text: str) -> str | None:
    import pycountry

    try:
        if len(text) == 2:
            found = pycountry.countries.get(alpha_2=text.upper())
            return found.alpha_3 if found else None
        if len(text) == 3:
            found = pycountry.countries.get(alpha_3=text.upper())
            return found.alpha_3 if found else None
        return pycountry.countries.lookup(text).alpha_3
    except LookupError:
        return None
