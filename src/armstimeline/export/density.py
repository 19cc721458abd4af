"""The timeline past a density: events counted per year and kind, drawn as stacked bars.

Tens of thousands of marks make a picture nobody can read and a page that takes seconds;
past ``DENSE`` events the site draws how many events start in each year, by kind, each
bar segment a link to those events. Counts, not events: the page says so.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping

from armstimeline.export.svg import KIND_COLOURS

__all__ = ["DENSE", "render_density_svg"]

DENSE = 2_000  # past this many events a timeline is drawn as counts
_LEFT, _TOP, _BOTTOM, _HEIGHT = 48, 40, 28, 260
_LEGEND_ROW = 16  # a legend row's height


def render_density_svg(
    counts: Mapping[tuple[int, str], int],
    link: Callable[[int, str], str],
    title: str,
    width: int = 1200,
) -> str:
    """Stacked bars: for each year, the events starting in it, one segment per kind."""
    e = html.escape
    if not counts:
        return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} 60" width="{width}" '
                f'height="60"><title>{e(title)}</title><text x="10" y="35" '
                'font-family="sans-serif">No events match these filters.</text></svg>')  # fmt: skip
    years = sorted({y for y, _ in counts})
    first, last = years[0], years[-1]
    per_year: dict[int, int] = {}
    for (year, _), n in counts.items():
        per_year[year] = per_year.get(year, 0) + n
    top = max(per_year.values())
    per_kind: dict[str, int] = {}
    for (_, kind), n in counts.items():
        per_kind[kind] = per_kind.get(kind, 0) + n
    # most frequent first, ties by name: the same picture in every process
    kinds = sorted(per_kind, key=lambda k: (-per_kind[k], k))
    legend = _legend(kinds, width)
    top_y = _TOP + _LEGEND_ROW * (legend[-1][2] if legend else 0)  # rows past the first
    slot = (width - _LEFT - 10) / (last - first + 1)
    height = top_y + _HEIGHT + _BOTTOM
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="armstimeline-svg armstimeline-density" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'font-family="sans-serif" font-size="11" role="group" aria-label="{e(title)}">'
        f"<title>{e(title)}</title>",
        '<style>a.bar rect:hover,a.bar:focus rect{stroke:#000;stroke-width:1.5}</style>',
    ]
    for kind, x, row in legend:  # the legend: most frequent kind first
        label, ry = kind.replace("_", " "), 8 + _LEGEND_ROW * row
        out.append(f'<rect x="{x:.0f}" y="{ry}" width="10" height="10" '
                   f'fill="{KIND_COLOURS.get(kind, "#555")}"/>'
                   f'<text x="{x + 14:.0f}" y="{ry + 9}" fill="#222">{e(label)}</text>'
                   )  # fmt: skip
    for tick in _ticks(top):
        y = top_y + _HEIGHT - _HEIGHT * tick / top
        out.append(f'<line x1="{_LEFT}" x2="{width - 10}" y1="{y:.1f}" y2="{y:.1f}" '
                   f'stroke="#e4e4e4"/><text x="{_LEFT - 4}" y="{y + 4:.1f}" '
                   f'text-anchor="end" fill="#555">{tick:,}</text>')  # fmt: skip
    step = next(s for s in (1, 2, 5, 10, 20, 50, 100, 1000) if (last - first) / s <= 16)
    for year in range(first - first % step, last + 1, step):
        if year >= first:
            xx = _LEFT + (year - first) * slot
            out.append(f'<text x="{xx:.1f}" y="{height - 8}" fill="#444">{year}</text>')
    for year in years:
        base = float(top_y + _HEIGHT)
        xx = _LEFT + (year - first) * slot
        for kind in kinds:
            n = counts.get((year, kind), 0)
            if not n:
                continue
            h = max(_HEIGHT * n / top, 0.8)
            base -= h
            label = f"{year}: {n:,} {kind.replace('_', ' ')} event{'s' if n != 1 else ''}"
            out.append(
                f'<a class="bar" href="{e(link(year, kind))}" aria-label="{e(label)}">'
                f'<rect x="{xx + 0.5:.1f}" y="{base:.1f}" width="{max(slot - 1, 0.8):.1f}" '
                f'height="{h:.1f}" fill="{KIND_COLOURS.get(kind, "#555")}">'
                f"<title>{e(label)}</title></rect></a>"
            )
    out.append("</svg>")
    return "".join(out)


def _legend(kinds: list[str], width: int) -> list[tuple[str, float, int]]:
    """Each kind's legend entry (x and row), wrapped onto another row rather than past
    the picture's right edge."""
    placed: list[tuple[str, float, int]] = []
    x, row = 6.0, 0
    for kind in kinds:
        wide = 24 + 6.5 * len(kind)
        if x > 6.0 and x + wide - 10 > width:
            x, row = 6.0, row + 1
        placed.append((kind, x, row))
        x += wide
    return placed


def _ticks(top: int) -> list[int]:
    step = next(s for s in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000,
                            20_000, 50_000, 100_000) if top / s <= 5)  # fmt: skip
    return list(range(step, top + 1, step))
