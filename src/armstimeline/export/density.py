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
    kinds = sorted({k for _, k in counts}, key=lambda k: -sum(
        n for (_, kk), n in counts.items() if kk == k))  # fmt: skip
    slot = (width - _LEFT - 10) / (last - first + 1)
    height = _TOP + _HEIGHT + _BOTTOM
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="armstimeline-svg armstimeline-density" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'font-family="sans-serif" font-size="11" role="group" aria-label="{e(title)}">'
        f"<title>{e(title)}</title>",
        '<style>a.bar rect:hover,a.bar:focus rect{stroke:#000;stroke-width:1.5}</style>',
    ]
    x = 6.0
    for kind in kinds:  # the legend: most frequent kind first
        label = kind.replace("_", " ")
        out.append(f'<rect x="{x:.0f}" y="8" width="10" height="10" '
                   f'fill="{KIND_COLOURS.get(kind, "#555")}"/>'
                   f'<text x="{x + 14:.0f}" y="17" fill="#222">{e(label)}</text>')  # fmt: skip
        x += 24 + 6.5 * len(label)
    for tick in _ticks(top):
        y = _TOP + _HEIGHT - _HEIGHT * tick / top
        out.append(f'<line x1="{_LEFT}" x2="{width - 10}" y1="{y:.1f}" y2="{y:.1f}" '
                   f'stroke="#e4e4e4"/><text x="{_LEFT - 4}" y="{y + 4:.1f}" '
                   f'text-anchor="end" fill="#555">{tick:,}</text>')  # fmt: skip
    step = next(s for s in (1, 2, 5, 10, 20, 50, 100, 1000) if (last - first) / s <= 16)
    for year in range(first - first % step, last + 1, step):
        if year >= first:
            xx = _LEFT + (year - first) * slot
            out.append(f'<text x="{xx:.1f}" y="{height - 8}" fill="#444">{year}</text>')
    for year in years:
        base = float(_TOP + _HEIGHT)
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


def _ticks(top: int) -> list[int]:
    step = next(s for s in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000,
                            20_000, 50_000, 100_000) if top / s <= 5)  # fmt: skip
    return list(range(step, top + 1, step))
