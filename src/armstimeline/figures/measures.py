"""The measures analysts take of a trade register, with honest bounds.

The register gives delivered TIV per row, not per year. A row's TIV is spread evenly
over the delivery years it lists: that is the *estimate* of a window. Where a row's years
cross the window's edge, nothing more is known, so its *low* bound is what must fall
inside (all of it when every listed year is inside, else nothing) and its *high* bound all
that may (all of it when any listed year is inside). A share's low bound is its own low
over its own low plus everyone else's high, and the reverse. SIPRI's published figures
come from yearly delivery data the register does not carry: ours land near them, not on
them. TIV is a volume index, never money.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

import attrs

from armstimeline import reference
from armstimeline.errors import ArmstimelineError, UsageError
from armstimeline.figures.transfers import Transfer, Transfers
from armstimeline.model import Actor

__all__ = [
    "CoverageError",
    "Figure",
    "Share",
    "Window",
    "actor_key",
    "clients",
    "country_code",
    "dependency",
    "figure_notes",
    "parse_window",
    "party_label",
    "party_shares",
    "shares",
    "span_tiv",
    "state_is",
    "to_dataframe",
    "trend",
    "window_tiv",
    "windows",
]

NOTICE = (
    "Computed by armstimeline from SIPRI Arms Transfers Database data ({editions}); not "
    "SIPRI's own figures. TIV is a volume index, not money. Values for a window spread "
    "each row's delivered TIV evenly over its listed delivery years: estimates, with "
    "bounds."
)


class CoverageError(ArmstimelineError):
    """A figure the registered files cannot answer; the message says which download would."""


Window = tuple[int, int]


def parse_window(text: str | Window) -> Window:
    """'2020/2024' (or '2020-2024', or one year) to (first, last), inclusive."""
    if isinstance(text, tuple):
        first, last = text
    else:
        found = re.fullmatch(r"\s*(\d{4})\s*(?:[/-]\s*(\d{4}))?\s*", str(text))
        if found is None:
            raise UsageError(
                f"'{text}' is not a window of years; write it as 2020/2024 (or one year, 2022)"
            )
        first, last = int(found[1]), int(found[2] or found[1])
    if last < first:
        raise UsageError(f"the window {first}/{last} ends before it starts")
    return first, last


def actor_key(actor: Actor) -> str:
    """A state's code, else the actor's key ('group:Houthi rebels/YEM', 'unknown')."""
    return str(actor.country) if actor.type == "state" else actor.key


def window_tiv(t: Transfer, window: Window) -> tuple[float, float, float]:
    """(estimate, low, high) of a transfer's delivered TIV inside ``window``."""
    return span_tiv(t.years, t.tiv, window)


def span_tiv(
    years: tuple[int, ...] | list[int], tiv: float, window: Window
) -> tuple[float, float, float]:
    """(estimate, low, high) of ``tiv`` delivered over the listed ``years`` (each once),
    inside ``window``: spread evenly for the estimate; all or nothing for the bounds."""
    if not years or not tiv:
        return 0.0, 0.0, 0.0
    first, last = window
    inside = sum(1 for y in years if first <= y <= last)
    if not inside:
        return 0.0, 0.0, 0.0
    if inside == len(years):
        return tiv, tiv, tiv
    return tiv * inside / len(years), 0.0, tiv


@attrs.frozen
class Share:
    """One party's TIV in a window and its share of the total, with bounds."""

    key: str
    label: str
    type: str
    tiv: float
    low: float
    high: float
    share: float
    share_low: float
    share_high: float

    def as_dict(self) -> dict[str, Any]:
        return attrs.asdict(self)


@attrs.frozen
class Figure:
    """A table of shares, what it is of, and what it says about itself."""

    title: str
    window: Window | None
    rows: tuple[Share, ...]
    total: float
    notes: tuple[str, ...]
    extra: dict[str, Any] = attrs.field(factory=dict)

    @property
    def hhi(self) -> float:
        """The Herfindahl-Hirschman index of the shares, on the 0-10,000 scale."""
        return round(sum((r.share * 100) ** 2 for r in self.rows), 1)

    def as_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "window": f"{self.window[0]}/{self.window[1]}" if self.window else None,
            "total_tiv": round(self.total, 3),
            "hhi": self.hhi,
            "rows": [r.as_dict() for r in self.rows],
            "notes": list(self.notes),
            **self.extra,
        }

    def to_dataframe(self) -> Any:
        """The rows as a pandas DataFrame (the 'pandas' extra)."""
        try:
            import pandas as pd
        except ImportError as exc:  # pragma: no cover - depends on the extra
            raise UsageError("needs pandas: pip install 'armstimeline[pandas]'") from exc
        return pd.DataFrame.from_records([r.as_dict() for r in self.rows])


def to_dataframe(result: Figure | dict[str, Any], table: str | None = None) -> Any:
    """Any figure as a pandas DataFrame: a ``Figure``'s rows, or one table of a dict result
    (``trend``'s "windows" or "years", ``before_after``'s "rows", ``main_suppliers``'
    "windows"; the first list it holds by default)."""
    if isinstance(result, Figure):
        return result.to_dataframe()
    try:
        import pandas as pd
    except ImportError as exc:  # pragma: no cover - depends on the extra
        raise UsageError("needs pandas: pip install 'armstimeline[pandas]'") from exc
    key = table or next(k for k, v in result.items() if isinstance(v, list) and v
                        and isinstance(v[0], dict))  # fmt: skip
    return pd.DataFrame.from_records(result[key])


def _label(actor: Actor) -> str:
    return party_label(actor_key(actor), actor.type)


def party_label(key: str, kind: str) -> str:
    """How a figure names a party, from its key: a state by its country's name, a group
    with its country's, anyone else as the register wrote it; the library and the site
    name them alike."""
    if kind == "state":
        return reference.country_name(key)
    if kind == "unknown":
        return "unknown"
    name = key.split(":", 1)[-1]
    name, _, country = name.rpartition("/") if kind == "group" and "/" in name else (name, "", "")
    return f"{name} ({reference.country_name(country)})" if country else name


def shares(
    items: Iterable[tuple[Actor, tuple[float, float, float]]],
) -> tuple[tuple[Share, ...], float]:
    """Each party's summed (estimate, low, high) as shares of the total, largest first."""
    return party_shares(
        ((actor_key(a), _label(a), a.type), values) for a, values in items
    )


Party = tuple[str, str, str]  # key, label, type


def party_shares(
    items: Iterable[tuple[Party, tuple[float, float, float]]],
) -> tuple[tuple[Share, ...], float]:
    """``shares`` of parties known by (key, label, type), as the site reads them."""
    sums: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
    parties: dict[str, Party] = {}
    for party, (est, low, high) in items:
        key = party[0]
        parties.setdefault(key, party)
        s = sums[key]
        s[0] += est
        s[1] += low
        s[2] += high
    total = sum(s[0] for s in sums.values())
    all_low = sum(s[1] for s in sums.values())
    all_high = sum(s[2] for s in sums.values())
    rows = []
    for key, (est, low, high) in sums.items():
        if est == 0 and high == 0:
            continue
        others_high, others_low = all_high - high, all_low - low
        rows.append(Share(
            key, parties[key][1], parties[key][2], round(est, 3), round(low, 3),
            round(high, 3), est / total if total else 0.0,
            low / (low + others_high) if low + others_high else 0.0,
            high / (high + others_low) if high + others_low else 0.0,
        ))  # fmt: skip
    rows.sort(key=lambda r: (-r.tiv, r.key))
    return tuple(rows), total


def country_code(value: str, what: str) -> str:
    code = reference.resolve_country(value)
    if code is None:
        from armstimeline.errors import did_you_mean

        hint = did_you_mean(value, list(reference.country_names()))
        raise UsageError(f"{what} '{value}' is not a country{hint}; give a code or a name")
    return code


def state_is(code: str) -> Callable[[Actor], bool]:
    return lambda a: a.type == "state" and a.country == code


def figure_notes(
    transfers: Transfers, states_only: bool, left_out: Iterable[str]
) -> tuple[str, ...]:
    notes = [NOTICE.format(editions=", ".join(transfers.coverage.editions))]
    ranged = {t.delivery_years for t in transfers if t.delivery_years}
    for first, last in sorted(r for r in ranged if r):
        notes.append(
            f"A register downloaded for deliveries {first}-{last} counts only those years' "
            "deliveries: within that range its figures are exact, not spread."
        )
    out = sorted(set(left_out))
    if states_only and out:
        notes.append("States only: left out " + ", ".join(out) + ".")
    elif out:
        notes.append("Non-state, unknown and unmapped parties are counted: " + ", ".join(out))
    return tuple(notes)


def dependency(
    transfers: Transfers, recipient: str, window: str | Window, *, states_only: bool = False
) -> Figure:
    """A recipient's suppliers in a window: each one's TIV and share of all its imports."""
    code, span = country_code(recipient, "recipient"), parse_window(window)
    if not transfers.coverage.all_suppliers_to(code):
        name = reference.country_name(code)
        raise CoverageError(
            f"{name}'s dependency needs every supplier's deliveries to {name}, but "
            f"{transfers.coverage.describe()}. Download SIPRI's trade register for recipient "
            f"{name} from all suppliers (or the whole register) and register it with "
            "`armstimeline import sipri FILE`."
        )
    wanted = state_is(code)
    chosen = [t for t in transfers if wanted(t.recipient)]
    left = [t.supplier.label for t in chosen if t.supplier.type != "state"]
    if states_only:
        chosen = [t for t in chosen if t.supplier.type == "state"]
    rows, total = shares((t.supplier, window_tiv(t, span)) for t in chosen)
    return Figure(
        f"Arms imports of {reference.country_name(code)} by supplier, {span[0]}-{span[1]}",
        span, rows, total, figure_notes(transfers, states_only, left),
        {"recipient": code, "suppliers": len(rows)},
    )


def clients(
    transfers: Transfers, supplier: str, window: str | Window, *, states_only: bool = False
) -> Figure:
    """A supplier's recipients in a window: each one's share of its exports; and, where
    every supplier is registered, the supplier's share of the world's exports."""
    code, span = country_code(supplier, "supplier"), parse_window(window)
    if not transfers.coverage.all_recipients_of(code):
        name = reference.country_name(code)
        raise CoverageError(
            f"{name}'s clients need all of {name}'s deliveries, but "
            f"{transfers.coverage.describe()}. Download SIPRI's trade register for supplier "
            f"{name} to all recipients and register it with `armstimeline import sipri FILE`."
        )
    wanted = state_is(code)
    chosen = [t for t in transfers if wanted(t.supplier)]
    left = [t.recipient.label for t in chosen if t.recipient.type != "state"]
    if states_only:
        chosen = [t for t in chosen if t.recipient.type == "state"]
    rows, total = shares((t.recipient, window_tiv(t, span)) for t in chosen)
    extra: dict[str, Any] = {"supplier": code, "recipients": len(rows)}
    if transfers.coverage.world():
        world = [r for r in shares((t.supplier, window_tiv(t, span)) for t in transfers)[0]
                 if r.key == code]  # fmt: skip
        if world:
            extra["world_share"] = {"share": world[0].share, "low": world[0].share_low,
                                    "high": world[0].share_high}  # fmt: skip
    else:
        extra["world_share"] = None
        extra["world_share_note"] = (
            "A share of the world's exports needs every supplier's register; "
            f"{transfers.coverage.describe()}."
        )
    return Figure(
        f"Arms exports of {reference.country_name(code)} by recipient, {span[0]}-{span[1]}",
        span, rows, total, figure_notes(transfers, states_only, left), extra,
    )


def windows(first: int, last: int, size: int) -> list[Window]:
    """Windows of ``size`` years as SIPRI counts them (2015-2019, 2020-2024)."""
    start = first - (first % size)
    return [(y, y + size - 1) for y in range(start, last + 1, size)]


def trend(transfers: Transfers, supplier: str, *, size: int = 5) -> dict[str, Any]:
    """A supplier's deliveries per year and per window, the change between windows, its
    share of the world's (where every supplier is registered) and its recipients a year."""
    code = country_code(supplier, "supplier")
    if not transfers.coverage.all_recipients_of(code):
        name = reference.country_name(code)
        raise CoverageError(
            f"{name}'s trend needs all of {name}'s deliveries, but "
            f"{transfers.coverage.describe()}."
        )
    wanted = state_is(code)
    mine = [t for t in transfers if wanted(t.supplier)]
    per_year: dict[int, float] = defaultdict(float)
    recipients: dict[int, set[str]] = defaultdict(set)
    for t in mine:
        for y in t.years:
            per_year[y] += t.tiv / len(t.years) if t.tiv else 0.0
            recipients[y].add(actor_key(t.recipient))
    if not per_year:
        return {"supplier": code, "years": [], "windows": [], "notes": list(figure_notes(
            transfers, False, ()))}  # fmt: skip
    first, last = min(per_year), max(per_year)
    world = transfers.coverage.world()
    rows = []
    previous: float | None = None
    for span in windows(first, last, size):
        est = low = high = 0.0
        for t in mine:
            e, lo, hi = window_tiv(t, span)
            est, low, high = est + e, low + lo, high + hi
        row: dict[str, Any] = {"window": f"{span[0]}/{span[1]}", "tiv": round(est, 3),
                               "low": round(low, 3), "high": round(high, 3)}  # fmt: skip
        row["change"] = None if not previous else (est - previous) / previous
        if world:
            everyone, world_total = shares((t.supplier, window_tiv(t, span)) for t in transfers)
            found = [r for r in everyone if r.key == code]
            nothing = None if not world_total else 0.0  # no deliveries at all: no share
            row["world_share"] = found[0].share if found else nothing
            row["world_share_low"] = found[0].share_low if found else nothing
            row["world_share_high"] = found[0].share_high if found else nothing
        rows.append(row)
        previous = est
    years = [
        {"year": y, "tiv": round(per_year.get(y, 0.0), 3), "recipients": len(recipients[y])}
        for y in range(first, last + 1)
    ]
    return {
        "supplier": code,
        "title": f"Arms deliveries of {reference.country_name(code)}",
        "years": years,
        "windows": rows,
        "notes": list(figure_notes(transfers, False, ())),
    }
