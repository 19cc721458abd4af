"""Reading the fields of a composed YAML document, each by its own rules.

Every problem is recorded with its place (line, column) and field, so one file's
problems are all reported at once.
"""

from __future__ import annotations

import difflib
import functools
import math
import operator
import re
from collections.abc import Callable, Iterable
from typing import TypeVar

import yaml

from armstimeline import reference
from armstimeline.dates import DateError, EventDate, parse_date
from armstimeline.errors import Problem, show_value
from armstimeline.loading.safetext import hidden_problem, url_problem
from armstimeline.loading.yamlsafe import MAX_NESTING, NULL_WORDS, describe, is_empty
from armstimeline.model import ID_PATTERN

__all__ = ["FieldReader", "Keys"]

T = TypeVar("T")
_NUMBER = re.compile(r"[+-]?(?:\d[\d_]*)?(?:\.\d+)?(?:[eE][+-]?\d+)?")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_NAME_FIELDS = frozenset({"title", "name"})
_CORE_TAGS = {
    f"tag:yaml.org,2002:{t}" for t in ("str", "seq", "map", "int", "float", "bool", "null")
}
# Text a contributor left to fill in (``armstimeline new`` writes "TODO: ..."): an error in
# the fields a reader sees, so a skeleton never passes as an event.
_PLACEHOLDER = re.compile(r"(?:TODO|FIXME|TBD|XXX)\b")
_PROSE_FIELDS = frozenset({"title", "summary", "quote", "note", "what", "name"})
_PLACEHOLDER_START = frozenset("TFX")  # what _PLACEHOLDER's words start with
_SCALAR, _MAPPING, _SEQUENCE = yaml.ScalarNode, yaml.MappingNode, yaml.SequenceNode
_TAG = operator.attrgetter("tag")


class Keys(dict[str, bool]):
    """A mapping's allowed keys (True: required) with its required ones listed once, for
    the mappings read in every file (``mapping`` takes a plain dict too)."""

    __slots__ = ("required",)

    def __init__(self, spec: dict[str, bool]) -> None:
        super().__init__(spec)
        self.required = tuple(key for key, required in spec.items() if required)




class FieldReader:
    """Walks one composed YAML document and records problems against its path."""

    # curated files refuse SPOOFING characters in titles and names; a register's rows
    # are kept as written (the site shows such characters as visible marks)
    curated = True

    def __init__(self, path: str, systems: dict[str, str] | None = None) -> None:
        self.path = path
        self.problems: list[Problem] = []
        # the project's catalog (any spelling, case-folded, to the canonical name)
        self.systems = systems if systems is not None else reference.system_lookup()

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
        if not isinstance(node, _MAPPING):
            found = describe(node)
            self.problem(node, field, f"expected a mapping of keys to values, found {found}")
            return None
        out: dict[str, yaml.Node] = {}
        deep = depth >= MAX_NESTING
        for key_node, value_node in node.value:
            if (
                isinstance(key_node, _SCALAR)
                and key_node.value in keys
                and key_node.value not in out
                and value_node.tag in _CORE_TAGS
                and not deep
            ):  # the usual key: the checks below, at once
                out[key_node.value] = value_node
                continue
            if not isinstance(key_node, _SCALAR):
                self.problem(key_node, field, "keys must be plain words")
                continue
            key = key_node.value
            if key not in keys:
                name = f"{field}.{key}" if field else key
                hint = difflib.get_close_matches(key, list(keys), n=1)
                fix = f"did you mean '{hint[0]}'?" if hint else f"allowed keys: {', '.join(keys)}"
                self.problem(key_node, name, f"unknown key {show_value(key)}; {fix}")
                continue
            if key in out:
                name = f"{field}.{key}" if field else key
                self.problem(key_node, name, f"the key {show_value(key)} appears twice; keep one")
                continue
            if value_node.tag not in _CORE_TAGS or deep:  # check_node's refusals
                self.check_node(value_node, f"{field}.{key}" if field else key, depth + 1)
                continue
            out[key] = value_node
        required = (
            keys.required if isinstance(keys, Keys) else [k for k, r in keys.items() if r]
        )
        for key in required:
            value = out.get(key)
            if value is None or (
                isinstance(value, _SCALAR) and not value.style and value.value in NULL_WORDS
            ):
                name = f"{field}.{key}" if field else key
                self.problem(node, name, f"the required key '{key}' is missing or empty")
        return out

    def sequence(self, node: yaml.Node, field: str) -> list[yaml.Node]:
        if isinstance(node, _SEQUENCE):
            values: list[yaml.Node] = node.value
            if _CORE_TAGS.issuperset(map(_TAG, values)):  # the usual list: no foreign tag
                return values[:]
            return [n for n in values if self.check_node(n, field)]
        if is_empty(node):
            return []
        self.problem(node, field, f"expected a list, found {describe(node)}")
        return []

    def string(self, node: yaml.Node, field: str, *, multiline: bool = False) -> str | None:
        if not isinstance(node, _SCALAR):
            self.problem(node, field, f"expected text, found {describe(node)}")
            return None
        text: str = node.value
        # printable text has no control character nor any line break (splitlines knows
        # every Unicode one: U+2028, U+2029, U+0085, ...), so most values skip the searches
        printable = text.isprintable()
        if not printable and (
            _CONTROL.search(text.replace("\t", " ") if multiline else text)
            or (not multiline and len(text.strip().splitlines()) > 1)
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
        if not printable and self.curated:  # hidden_problem's characters are unprintable
            last = field.rpartition(".")[2].partition("[")[0]
            hidden = hidden_problem(text) if last in _NAME_FIELDS else None
            if hidden:
                self.problem(node, field, hidden)
                return None
        if (
            text[0] in _PLACEHOLDER_START
            and _PLACEHOLDER.match(text)
            and field.rpartition(".")[2] in _PROSE_FIELDS
        ):
            self.problem(
                node, field, f"{show_value(text)} is a placeholder; replace it with the real text"
            )
            return None
        return text

    def optional_string(self, node: yaml.Node | None, field: str) -> str | None:
        if node is None or is_empty(node):
            return None
        if isinstance(node, yaml.ScalarNode) and not node.value.strip():
            return None  # an empty optional value ('note: ""') is no value
        return self.string(node, field, multiline=True)

    def url(self, node: yaml.Node | None, field: str) -> str | None:
        """An optional web address, http(s) only (``safetext.url_problem``)."""
        text = self.optional_string(node, field)
        problem = url_problem(text) if text is not None else None
        if problem:
            self.problem(node, field, problem)
        return None if problem else text

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
        if not ID_PATTERN.fullmatch(text) or len(text) > 100:
            self.problem(
                node,
                field,
                f"{show_value(text)} is not a valid {what}; use lower-case letters, digits and "
                "single hyphens, at most 100 characters",
            )
            return None
        return text

    def choice(self, node: yaml.Node, field: str, allowed: Iterable[str], what: str) -> str | None:
        """One of ``allowed``: a table (a dict), looked up, and listed only in a problem."""
        text = self.string(node, field)
        if text is None or text in allowed:
            return text
        names = list(allowed)
        hint = difflib.get_close_matches(text, names, n=1)
        fix = f"did you mean '{hint[0]}'?" if hint else f"use one of: {', '.join(names)}"
        self.problem(node, field, f"{show_value(text)} is not a known {what}; {fix}")
        return None

    def items(
        self, node: yaml.Node | None, field: str, read: Callable[[yaml.Node, str], T | None]
    ) -> list[T]:
        if node is None:
            return []
        out: list[T] = []
        append = out.append
        for i, item in enumerate(self.sequence(node, field)):
            value = read(item, f"{field}[{i}]")
            if value is not None:
                append(value)
        return out

    # -- fields of an event ------------------------------------------------------------

    def date(self, node: yaml.Node, field: str) -> EventDate | None:
        text = self.string(node, field)
        if text is None:
            return None
        try:
            return _parsed_date(text)
        except DateError as exc:
            self.problem(node, field, f"date {show_value(text)}: {exc}")
            return None

    def country(self, node: yaml.Node, field: str) -> str | None:
        text = self.string(node, field)
        if text is None:
            return None
        if reference.is_country_code(text):
            return text
        import pycountry

        if re.fullmatch(r"[A-Z]{3}", text) and pycountry.countries.get(alpha_3=text):
            self.problem(
                node,
                field,
                f"{show_value(text)} has no region; add it to "
                "src/armstimeline/refdata/countries.yml",
            )
            return None
        guess = _country_guess(text)
        fix = f"did you mean '{guess}'?" if guess else "use an ISO 3166-1 alpha-3 code, e.g. TUR"
        self.problem(
            node,
            field,
            f"{show_value(text)} is not an ISO 3166-1 alpha-3 code (or ISO 3166-3 alpha-4 "
            f"for a former state); {fix}",
        )
        return None

    def system(self, node: yaml.Node, field: str, as_written: str | None = None) -> str | None:
        """A system's canonical name; ``as_written`` is a name accepted though the catalog
        lacks it (an imported row's designation, kept as the register writes it)."""
        text = self.string(node, field)
        if text is None:
            return None
        canonical = self.systems.get(text.casefold())
        if canonical is None and text == as_written:
            return text
        if canonical is None:
            names = sorted(set(self.systems.values()))
            hint = difflib.get_close_matches(text, names, n=1)
            fix = f"did you mean '{hint[0]}'? " if hint else ""
            self.problem(
                node,
                field,
                f"{show_value(text)} is not in the systems catalog; {fix}add it to "
                "the systems.yml beside the events folder (or the package's catalog) "
                "with its aliases",
            )
        return canonical


# Dates repeat across files ('2016', '2014-03'), and a date is a frozen value: one parse
# each, shared by the events that give it (a bad date is never kept: its error is raised
# again, with the same words, each time)
_parsed_date = functools.lru_cache(maxsize=16384)(parse_date)


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

