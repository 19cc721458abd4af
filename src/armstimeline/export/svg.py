"""The timeline as an SVG picture, drawn server-side so it needs no JavaScript or CDN.

Swimlanes by country or by kind; one mark per event whose width is the span its date
could mean (a year-precise event spans its year, an interval its whole range, a day a
thin bar); relations drawn as curves between marks; each mark a link to the event's
page. The same function feeds the Datasette page and ``armstimeline export --format svg``;
it draws Events and reads nothing itself.
"""

from __future__ import annotations

import datetime as dt
import html
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Literal

import attrs

from armstimeline import reference
from armstimeline.dates import DateInterval, EventDate
from armstimeline.datewords import date_line, qualifier_words
from armstimeline.model import Event

__all__ = ["LANE_KEYS", "render_svg"]

LANE_KEYS = ("country", "kind")
LaneKey = Literal["country", "kind"]

# Sixteen colours no two kinds share, from Paul Tol's colour-blind-safe 'muted' and 'light'
# schemes (with black and grey): told apart by people with the common colour-vision
# deficiencies, and every mark also carries its kind in its label.
KIND_COLOURS = {
    "deal": "#332288",
    "negotiation": "#77AADD",
    "loan": "#882255",
    "delivery": "#117733",
    "basing": "#CC6677",
    "resource_rights": "#999933",
    "debt_relief": "#AA4499",
    "sanction": "#EE8866",
    "suspension": "#DDCC77",
    "statement": "#888888",
    "coup": "#000000",
    "conflict": "#661100",
    "market_figure": "#44AA99",
    "exercise": "#BBCC33",
    "diplomacy": "#88CCEE",
    "political": "#FFAABB",
}
# Relation types differ by colour and by dash, so they read apart without colour too.
RELATION_STYLES = {
    "quid_pro_quo": ("#CC6677", ""),
    "caused": ("#222222", ""),
    "response_to": ("#332288", "5 3"),
    "part_of": ("#888888", "1.5 2.5"),
    "related": ("#44AA99", "7 2 1.5 2"),
}
LABELLED_MAX = 400  # past this many events the marks stand without titles beside them
LABEL_CHARS = 48
CHAR_WIDTH = 5.6  # px per character of the 10 px labels, a generous estimate

_STYLE = (
    ".mark rect{rx:2px;stroke:#222;stroke-width:.4;fill-opacity:.9}"
    ".mark rect.span{fill-opacity:.55}.k-other{fill:#555}"
    + "".join(f".k-{kind}{{fill:{colour}}}" for kind, colour in KIND_COLOURS.items())
    # a label sits on a halo of the background over the curves drawn before it: no
    # relation line crosses its letters
    + ".mark text{font-size:10px;fill:#222;paint-order:stroke;stroke:#fff;stroke-width:3px;"
    "stroke-linejoin:round}a.mark{text-decoration:none}"
    ".mark text.inside{fill:#111;paint-order:stroke;stroke:#fff;stroke-width:2.5px}"
)
# Patterns for dates the source qualifies: diagonal hatching over the bar's colour for an
# uncertain or approximate date, and masks that fade a bar into the edge of the picture
# where an interval's end is open ("2000/..") or unknown ("2004/").
_DEFS = (
    "<defs>"
    '<pattern id="hatch" width="5" height="5" patternUnits="userSpaceOnUse" '
    'patternTransform="rotate(45)"><rect width="2.2" height="5" fill="#ffffff" '
    'fill-opacity="0.75"/></pattern>'
    + "".join(
        f'<linearGradient id="fade-{name}-g" x1="0" x2="1" y1="0" y2="0">'
        + "".join(f'<stop offset="{o}" stop-color="#fff" stop-opacity="{a}"/>' for o, a in stops)
        + "</linearGradient>"
        f'<mask id="fade-{name}" maskContentUnits="objectBoundingBox">'
        f'<rect width="1" height="1" fill="url(#fade-{name}-g)"/></mask>'
        for name, stops in (
            ("end", ((0, 1), (0.6, 1), (1, 0.05))),
            ("start", ((0, 0.05), (0.4, 1), (1, 1))),
            ("both", ((0, 0.05), (0.3, 1), (0.7, 1), (1, 0.05))),
        )
    )
    + "</defs>"
)
LABEL_WIDTH = 190
ROW_HEIGHT = 14
ROW_GAP = 3
LANE_PAD = 6
AXIS_HEIGHT = 34
LEGEND_HEIGHT = 56
MIN_MARK = 3.0


@attrs.frozen
class _Placed:
    event: Event
    lane: str
    x: float
    width: float
    y: float


def _lane(event: Event, key: LaneKey, focus: str | None) -> str:
    """The one lane an event is drawn in: its kind; or the focused country when it takes
    part, else its first country other than Russia, else its first country."""
    if key == "kind":
        return event.kind
    countries = event.countries
    if focus and focus in countries:
        return focus
    others = [c for c in countries if c != "RUS"]
    return (others or list(countries) or ["(none)"])[0]


def _label(event: Event, chars: int = LABEL_CHARS) -> str:
    """The title, cut at a word boundary to fit ``chars``: a prefix of the mark's
    accessible name, so what is seen is what a screen reader announces first; empty when
    not even its first word fits."""
    if len(event.title) <= chars:
        return event.title
    head = event.title[: chars + 1]  # a space just past the room still ends a whole word
    if " " not in head:
        return ""  # one word cut mid-way ("Rosoboro") reads as another word: no label
    return head.rsplit(" ", 1)[0].rstrip(",;:-–—")


def _lane_label(name: str, key: LaneKey) -> str:
    if key == "country" and name != "(none)":
        return f"{reference.country_name(name)} ({name})"
    return name.replace("_", " ")


def render_svg(
    events: Iterable[Event],
    *,
    lanes: LaneKey = "country",
    width: int = 1400,
    link: str = "events/{id}",
    title: str = "armstimeline",
    focus: str | None = None,
) -> str:
    """An SVG document. ``link`` is the href pattern for an event (``{id}`` is replaced).

    Each event is drawn once, in one lane (see ``_lane``); ``focus`` names the country
    whose lane comes first. Titles stand beside the marks while there are at most
    ``LABELLED_MAX`` events, each row packed so that no label runs into the next mark.
    """
    events = list(events)
    if lanes not in LANE_KEYS:
        raise ValueError(f"lanes must be one of {LANE_KEYS}")
    if not events:
        return _empty(width, title)
    # the picture spans the days the dates name; open and unknown ends run to its edges
    start = min(_known_bounds(e.date)[0] for e in events)
    end = max(_known_bounds(e.date)[1] for e in events)
    first_year, last_year = start.year, end.year + 1
    t0 = dt.date(first_year, 1, 1).toordinal()
    t1 = dt.date(last_year, 1, 1).toordinal()
    plot = width - LABEL_WIDTH - 40  # room for the last year's label
    scale = plot / max(t1 - t0, 1)

    def x_of(day: dt.date) -> float:
        return LABEL_WIDTH + (day.toordinal() - t0) * scale

    by_lane: dict[str, list[Event]] = defaultdict(list)
    for event in events:
        by_lane[_lane(event, lanes, focus)].append(event)
    order = sorted(by_lane, key=lambda k: (k != focus, -len(by_lane[k]), k))
    labelled = len(events) <= LABELLED_MAX

    placed: list[_Placed] = []
    lane_boxes: list[tuple[str, float, float]] = []
    y = AXIS_HEIGHT + LEGEND_HEIGHT
    for lane in order:
        rows_end: list[float] = []  # greedy packing: the right edge of each row so far
        lane_top = y + LANE_PAD
        for event in by_lane[lane]:
            lo = max(event.date.earliest, dt.date(first_year, 1, 1))
            hi = min(event.date.latest, dt.date(last_year, 1, 1) - dt.timedelta(days=1))
            x = x_of(lo)
            w = max(x_of(hi + dt.timedelta(days=1)) - x, MIN_MARK)
            # a label sits right of its mark, or left of it when the right edge is near
            room = w + (4 + CHAR_WIDTH * len(_label(event)) if labelled else 0)
            right_end = min(x + room, float(width))
            for row, right in enumerate(rows_end):
                if right + 1 <= x:
                    rows_end[row] = right_end
                    break
            else:
                row = len(rows_end)
                rows_end.append(right_end)
            placed.append(_Placed(event, lane, x, w, lane_top + row * (ROW_HEIGHT + ROW_GAP)))
        height = LANE_PAD * 2 + max(len(rows_end), 1) * (ROW_HEIGHT + ROW_GAP)
        lane_boxes.append((lane, y, height))
        y += height
    total_height = int(y + 10)

    out: list[str] = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="armstimeline-svg" '
        f'viewBox="0 0 {width} {total_height}" width="{width}" height="{total_height}" '
        f'role="group" aria-label="{_e(title)}" font-family="sans-serif" font-size="11">',
        f"<title>{_e(title)}</title>",
        "<style>" + _STYLE + "</style>",
        _DEFS,
        '<rect x="0" y="0" width="100%" height="100%" fill="#ffffff"/>',
    ]
    out += _legend(events, width)
    out += _axis(first_year, last_year, x_of, total_height)
    for i, (lane, top, lane_height) in enumerate(lane_boxes):
        fill = "#f6f6f6" if i % 2 == 0 else "#ffffff"
        out.append(
            f'<g class="lane" data-lane="{_e(lane)}">'
            f'<rect x="0" y="{top:.1f}" width="{width}" height="{lane_height:.1f}" fill="{fill}"/>'
            f'<text x="6" y="{top + LANE_PAD + ROW_HEIGHT - 3:.1f}" fill="#222">'
            f"{_e(_lane_label(lane, lanes))}</text></g>"
        )
    out += _relations(placed)
    for mark in placed:
        out.append(_mark(mark, link, labelled, width))
    out.append("</svg>")
    return "\n".join(out)


def _known_bounds(date: EventDate) -> tuple[dt.date, dt.date]:
    """The first and last day the known parts of a date name (an open end names none)."""
    if isinstance(date, DateInterval):
        return date.ends[0].earliest, date.ends[-1].latest
    return date.earliest, date.latest


def _mark(mark: _Placed, link: str, labelled: bool = False, width: int = 0) -> str:
    """One event: a bar over the days it could mean, hatched when the source marks the
    date uncertain or approximate, fading into the edge where an end is open or unknown;
    its label says so in words, for people and screen readers."""
    event, date = mark.event, mark.event.date
    kind = event.kind if event.kind in KIND_COLOURS else "other"
    classes = [f"k-{kind}"] + (["span"] if date.is_interval else [])
    marks = set(qualifier_words(date))
    fuzzy = bool(marks & {"uncertain", "approximate"})
    fade = ""
    if marks & {"open end", "unknown end"}:
        classes.append("open-end")
        fade = ' mask="url(#fade-end)"'
    if marks & {"open start", "unknown start"}:
        classes.append("open-start")
        fade = ' mask="url(#fade-both)"' if fade else ' mask="url(#fade-start)"'
    href = link.replace("{id}", html.escape(event.id, quote=True))
    label = f"{event.title}: {date_line(date)}"
    box = f'x="{mark.x:.1f}" y="{mark.y:.0f}" width="{mark.width:.1f}" height="{ROW_HEIGHT}"'
    hatch = f'<rect class="fuzzy" {box} fill="url(#hatch)"{fade}/>' if fuzzy else ""
    text = ""
    if labelled:
        after = mark.x + mark.width + 3
        room = int((width - after) / CHAR_WIDTH)  # near the right edge the label is cut short
        shown = _label(event, min(room, LABEL_CHARS)) if room >= 8 else ""
        inside = int((mark.width - 6) / CHAR_WIDTH)
        if len(shown) < 8 <= inside:  # no room beside a wide bar: the label goes inside it
            shown = _label(event, min(inside, LABEL_CHARS))
            text = (f'<text class="inside" aria-hidden="true" x="{mark.x + 3:.1f}" '
                    f'y="{mark.y + ROW_HEIGHT - 3:.0f}">{_e(shown)}</text>')  # fmt: skip
        elif shown:
            text = (f'<text aria-hidden="true" x="{after:.1f}" '
                    f'y="{mark.y + ROW_HEIGHT - 3:.0f}">{_e(shown)}</text>')  # fmt: skip
    return (
        f'<a class="mark" href="{href}" data-id="{_e(event.id)}" '
        f'data-lane="{_e(mark.lane)}" aria-label="{_e(label)}">'
        f"<title>{_e(label)}</title>"
        f'<rect class="{" ".join(classes)}" {box}{fade}/>{hatch}{text}</a>'
    )


def _relations(placed: list[_Placed]) -> list[str]:
    first: dict[str, _Placed] = {}
    for mark in placed:
        first.setdefault(mark.event.id, mark)
    out = ['<g class="relations" fill="none">']
    drawn: set[tuple[str, str, str]] = set()
    for mark in placed:
        if first[mark.event.id] is not mark:
            continue
        for rel in mark.event.relations:
            other = first.get(rel.target)
            low, high = sorted((mark.event.id, rel.target))
            key = (rel.type, low, high)
            if other is None or key in drawn:
                continue
            drawn.add(key)
            colour, dash = RELATION_STYLES.get(rel.type, ("#999999", ""))
            dashes = f' stroke-dasharray="{dash}"' if dash else ""
            x1, y1 = mark.x + mark.width / 2, mark.y + ROW_HEIGHT / 2
            x2, y2 = other.x + other.width / 2, other.y + ROW_HEIGHT / 2
            # a curve rises 3/4 of its bend above its higher end; keep that below the legend
            # so long links from the top lane are not cut off by the top of the image
            room = (min(y1, y2) - LEGEND_HEIGHT) / 0.75
            bend = min(max(abs(x2 - x1) / 3, 20), room)
            out.append(
                f'<path class="relation" data-type="{rel.type}" '
                f'd="M{x1:.1f},{y1:.1f} C{x1:.1f},{y1 - bend:.1f} {x2:.1f},{y2 - bend:.1f} '
                f'{x2:.1f},{y2:.1f}" stroke="{colour}" stroke-width="1.1" '
                f'stroke-opacity="0.8"{dashes}/>'
            )
    out.append("</g>")
    return out


def _axis(
    first_year: int, last_year: int, x_of: Callable[[dt.date], float], height: int
) -> list[str]:
    span = last_year - first_year
    step = next(s for s in (1, 2, 5, 10, 20, 50, 100, 1000) if span / s <= 24)
    out = ['<g class="axis">']
    year = first_year - first_year % step
    while year <= last_year:
        if year >= first_year:
            x = x_of(dt.date(year, 1, 1))
            out.append(
                f'<line x1="{x:.1f}" y1="{LEGEND_HEIGHT + 22}" x2="{x:.1f}" y2="{height}" '
                'stroke="#dddddd" stroke-width="1"/>'
                f'<text x="{x + 2:.1f}" y="{LEGEND_HEIGHT + 18}" fill="#444">{year}</text>'
            )
        year += step
    out.append("</g>")
    return out


def _legend(events: list[Event], width: int) -> list[str]:
    kinds = sorted({e.kind for e in events})
    out = ['<g class="legend">']
    x = 6.0
    y = 14
    for kind in kinds:
        label = kind.replace("_", " ")
        if x + 20 + 7 * len(label) > width:
            x, y = 6.0, y + 16
        out.append(
            f'<rect x="{x:.0f}" y="{y - 9}" width="10" height="10" '
            f'fill="{KIND_COLOURS.get(kind, "#555")}"/>'
            f'<text x="{x + 14:.0f}" y="{y}" fill="#222">{_e(label)}</text>'
        )
        x += 24 + 6.5 * len(label)
    x, y = 6.0, y + 16
    out.append(
        f'<rect x="{x:.0f}" y="{y - 9}" width="14" height="10" fill="#888"/>'
        f'<rect x="{x:.0f}" y="{y - 9}" width="14" height="10" fill="url(#hatch)"/>'
        f'<text x="{x + 18:.0f}" y="{y}" fill="#222">hatched: uncertain or approximate</text>'
    )
    x += 230
    out.append(
        f'<rect x="{x:.0f}" y="{y - 9}" width="24" height="10" fill="#888" '
        'mask="url(#fade-end)"/>'
        f'<text x="{x + 28:.0f}" y="{y}" fill="#222">fading: open or unknown end</text>'
    )
    x += 210
    for rtype, (colour, dash) in RELATION_STYLES.items():
        label = rtype.replace("_", " ")
        dashes = f' stroke-dasharray="{dash}"' if dash else ""
        out.append(
            f'<line x1="{x:.0f}" y1="{y - 4}" x2="{x + 20:.0f}" y2="{y - 4}" stroke="{colour}" '
            f'stroke-width="2"{dashes}/><text x="{x + 24:.0f}" y="{y}" fill="#222">'
            f"{_e(label)}</text>"
        )
        x += 28 + 6.5 * len(label)
    out.append("</g>")
    return out


def _empty(width: int, title: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="armstimeline-svg" '
        f'viewBox="0 0 {width} 60" '
        f'width="{width}" height="60"><title>{_e(title)}</title>'
        '<text x="10" y="35" font-family="sans-serif">No events match these filters.</text></svg>'
    )


def _e(text: str) -> str:
    return html.escape(text, quote=True)
