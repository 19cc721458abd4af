"""What a reader asked the reader pages for: the filters in a query string, checked and
resolved with the library's own rules, or a sentence saying what was expected.

The parameters are words, not Datasette's JSON: ``country`` (a code or a name, as the
command line takes them: ``TUR``, ``TR``, ``Turkey``, ``Türkiye``; repeatable, each must
match), ``system`` (a name or an alias; repeatable, each must match), ``kind`` (repeatable,
any may match), ``tag``, ``region``, ``from`` and ``to`` (years; an event matches when its
span overlaps them), ``year`` (the events whose date starts in that year),
``q`` (words, searched as the library searches), ``origin``
(``curated``, the default, ``register`` or ``all``), ``order`` (``newest`` for the latest
first) and ``page``. An unknown value is refused with the command line's suggestions.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Iterable, Mapping

import attrs

from armstimeline import reference
from armstimeline.errors import FilterError, did_you_mean
from armstimeline.filtering import Filter

__all__ = ["ORIGINS", "PARAMETERS", "BadChoice", "Choices", "read_choices"]

ORIGINS = ("curated", "register", "all")
# each filter that takes several values, and its parameter
PARAMETERS = {"countries": "country", "systems": "system", "kinds": "kind", "tags": "tag",
              "regions": "region"}  # fmt: skip
_YEAR_DIGITS = 4
_MAX_PAGE = 100_000
_KNOWN = frozenset(
    {"country", "system", "kind", "tag", "region", "from", "to", "year", "q", "origin", "order",
     "page",
     "lanes", "format"}
)  # fmt: skip


class BadChoice(ValueError):
    """A parameter the reader pages cannot use: its message is the sentence they show."""


@attrs.frozen
class Choices:
    """The reader's filters, resolved: country codes, canonical system names."""

    countries: tuple[str, ...] = ()
    systems: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    start: int | None = None
    end: int | None = None
    year: int | None = None  # events whose date starts in this year (a timeline's bar)
    text: str = ""
    origin: str = "curated"
    newest: bool = False
    page: int = 1
    # a value the page's address already gives (a country's page): left out of its links
    fixed: tuple[str, str] | None = None

    def pairs(self, *, page: bool = False) -> list[tuple[str, str]]:
        """The query string that asks for these choices (the first page unless ``page``)."""
        out: list[tuple[str, str]] = []
        for field, name in PARAMETERS.items():
            out += [(name, v) for v in getattr(self, field) if (field, v) != self.fixed]
        if self.start is not None:
            out.append(("from", str(self.start)))
        if self.end is not None:
            out.append(("to", str(self.end)))
        if self.year is not None:
            out.append(("year", str(self.year)))
        if self.text:
            out.append(("q", self.text))
        if self.origin != "curated":
            out.append(("origin", self.origin))
        if self.newest:
            out.append(("order", "newest"))
        if page and self.page > 1:
            out.append(("page", str(self.page)))
        return out

    def query(self, **changes: object) -> str:
        """``?…`` for these choices with ``changes`` (attrs fields) applied; the first page
        unless ``changes`` names one."""
        changes.setdefault("page", 1)
        changed = attrs.evolve(self, **changes)  # type: ignore[arg-type]
        pairs = changed.pairs(page=True)
        return "?" + urllib.parse.urlencode(pairs) if pairs else ""

    def without(self, field: str, value: object = None) -> str:
        """The query string without one value of ``field`` (None: the whole field)."""
        current = getattr(self, field)
        if isinstance(current, tuple) and value is not None:
            return self.query(**{field: tuple(v for v in current if v != value)})
        default = attrs.fields_dict(Choices)[field].default
        return self.query(**{field: default})

    def adding(self, field: str, value: str) -> str:
        current = getattr(self, field)
        if value in current:
            return self.query()
        return self.query(**{field: (*current, value)})

    @property
    def filtered(self) -> bool:
        """Whether anything narrows the events beyond their origin."""
        return bool(
            self.countries or self.systems or self.kinds or self.tags or self.regions
            or self.start is not None or self.end is not None or self.text
            or self.year is not None
        )  # fmt: skip


def _values(args: Mapping[str, list[str]], name: str) -> list[str]:
    return [v.strip() for v in args.get(name, []) if v and v.strip()]


def _year(args: Mapping[str, list[str]], name: str) -> int | None:
    values = _values(args, name)
    if not values:
        return None
    text = values[-1]
    if not (text.isascii() and text.isdigit() and len(text) <= _YEAR_DIGITS and int(text) > 0):
        raise BadChoice(f"'{name}' takes a year, such as 2015, not '{text}'.")
    return int(text)


def _systems(values: Iterable[str], known: Iterable[str]) -> tuple[str, ...]:
    """Canonical names for systems the catalog or the stored events know."""
    lookup = reference.system_lookup()
    stored = {str(v).casefold(): str(v) for v in known}
    out, problems = [], []
    for value in values:
        name = lookup.get(value.casefold()) or stored.get(value.casefold())
        if name is None:
            hint = did_you_mean(value, [*stored.values(), *(s.name for s in reference.systems())])
            problems.append(f"weapon system '{value}' is not known{hint}")
        else:
            out.append(name)
    if problems:
        raise BadChoice("Invalid filter: " + "; ".join(problems) + ".")
    return tuple(dict.fromkeys(out))


def read_choices(
    args: Mapping[str, list[str]], *, systems: Iterable[str] = (), tags: Iterable[str] = ()
) -> Choices:
    """The reader's choices from a query string's values (``{name: [values]}``); raises
    ``BadChoice`` with every problem at once. ``systems`` and ``tags`` are the values the
    stored events use (an imported row keeps a designation the catalog lacks)."""
    problems: list[str] = []
    controls = sorted({k for k, values in args.items() if k in _KNOWN
                       for v in values if any(ord(ch) < 32 or ch == "\x7f" for ch in v)})
    if controls:  # no name, year or word has them; SQLite's full-text query rejects them
        problems.append(f"{', '.join(repr(k) for k in controls)} cannot hold control characters")
        args = {k: v for k, v in args.items() if k not in controls}
    unknown = sorted(k for k in args if k not in _KNOWN and not k.startswith("_"))
    if unknown:
        problems.append(
            f"the reader pages do not take {', '.join(repr(k) for k in unknown)}; they take "
            f"{', '.join(sorted(_KNOWN - {'lanes', 'format'}))}"
        )
    origin = (_values(args, "origin") or ["curated"])[-1]
    try:
        # the command line's own checks and wording for countries, kinds and regions
        checked = Filter(
            countries=_values(args, "country"),
            kinds=_values(args, "kind"),
            regions=_values(args, "region"),
            origin=None if origin == "all" else origin,
        )
    except FilterError as exc:
        problems.append(str(exc).removeprefix("Invalid filter: ").rstrip("."))
        checked = Filter()
    try:
        found_systems = _systems(_values(args, "system"), systems)
    except BadChoice as exc:
        problems.append(str(exc).removeprefix("Invalid filter: ").rstrip("."))
        found_systems = ()
    known_tags = set(tags)
    for tag in _values(args, "tag"):
        if tag not in known_tags:
            problems.append(f"tag '{tag}' is not used by any event{did_you_mean(tag, known_tags)}")
    start = end = year = None
    try:
        start, end, year = _year(args, "from"), _year(args, "to"), _year(args, "year")
    except BadChoice as exc:
        problems.append(str(exc).rstrip("."))
    if start is not None and end is not None and end < start:
        problems.append("the year 'to' comes before the year 'from'")
    order = (_values(args, "order") or ["oldest"])[-1]
    if order not in ("oldest", "newest"):
        problems.append(f"'order' takes oldest or newest, not '{order}'")
    page_text = (_values(args, "page") or ["1"])[-1]
    if not (page_text.isascii() and page_text.isdigit()) or not 1 <= int(page_text) <= _MAX_PAGE:
        problems.append(f"'page' takes a page number, such as 2, not '{page_text}'")
        page_text = "1"
    if problems:
        raise BadChoice(_sentence(problems))
    return Choices(
        countries=checked.countries,
        systems=found_systems,
        kinds=checked.kinds,
        tags=tuple(dict.fromkeys(_values(args, "tag"))),
        regions=checked.regions,
        start=start,
        end=end,
        year=year,
        text=" ".join(_values(args, "q")),
        origin=origin,
        newest=order == "newest",
        page=int(page_text),
    )


def _sentence(problems: list[str]) -> str:
    text = "; ".join(problems)
    return text[0].upper() + text[1:] + "."
