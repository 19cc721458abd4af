"""Figures drawn server-side as SVG, like the timeline: a share chart of windows (one bar a
window, one segment a party) that scales to the page, readable at 390 px, with a title
for each segment. Every string is escaped; the chart carries no script. A page shows the
same numbers as a text table beside it."""

from __future__ import annotations

from collections.abc import Sequence
from xml.sax.saxutils import escape, quoteattr

__all__ = ["PALETTE", "share_chart"]

# colour-blind-safe (Okabe-Ito), darkened where white text sits on it; "others" grey
PALETTE = ("#0b5d8f", "#b35900", "#00735a", "#a3266b", "#5a4a9c", "#6b6b6b")
_WIDTH, _LABEL, _BAR, _GAP = 400, 84, 26, 12  # narrow: a phone shows it near full size


def share_chart(
    title: str,
    windows: Sequence[tuple[str, Sequence[tuple[str, float]]]],
    *,
    top: int = 5,
) -> str:
    """Stacked bars, one per window: (window label, [(party label, share 0-1), ...]). The
    ``top`` parties by their largest share in any window keep their colour; the rest are
    "others"."""
    # the parties that lead any window keep a colour (a sum would favour the long-lived)
    totals: dict[str, float] = {}
    for _, parts in windows:
        for label, share in parts:
            totals[label] = max(totals.get(label, 0.0), share)
    named = [label for label, _ in sorted(totals.items(), key=lambda kv: -kv[1])[:top]]
    colour = {label: PALETTE[i] for i, label in enumerate(named)}
    legend_rows = (len(named) + 2) // 2
    height = 30 + len(windows) * (_BAR + _GAP) + legend_rows * 22 + 10
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_WIDTH} {height}" '
        f'width="100%" role="img" aria-label={quoteattr(title)} class="share-chart">',
        f"<title>{escape(title)}</title>",
    ]
    span = _WIDTH - _LABEL - 10
    for i, (window, parts) in enumerate(windows):
        y = 20 + i * (_BAR + _GAP)
        out.append(f'<text x="0" y="{y + _BAR * 0.68:.1f}" font-size="14">{escape(window)}</text>')
        x = float(_LABEL)
        others = 0.0
        for label, share in parts:
            if label not in colour:
                others += share
                continue
            out.append(_segment(x, y, span * share, colour[label], label, share, window))
            x += span * share
        if others > 0:
            out.append(_segment(x, y, span * others, PALETTE[-1], "others", others, window))
    y = 20 + len(windows) * (_BAR + _GAP) + 4
    for i, label in enumerate([*named, "others"]):
        lx, ly = (i % 2) * 200, y + (i // 2) * 22
        fill = colour.get(label, PALETTE[-1])
        out.append(f'<rect x="{lx}" y="{ly}" width="14" height="14" fill="{fill}"/>'
                   f'<text x="{lx + 20}" y="{ly + 12}" font-size="14">'
                   f"{escape(_short(label))}</text>")  # fmt: skip
    out.append("</svg>")
    return "".join(out)


def _short(label: str) -> str:
    return label if len(label) <= 22 else label[:21] + "…"


def _segment(x: float, y: float, width: float, fill: str, label: str, share: float,
             window: str) -> str:  # fmt: skip
    if width <= 0:
        return ""
    text = f"{label}: {share:.0%} in {window}"
    inside = (
        f'<text x="{x + 4:.1f}" y="{y + _BAR * 0.68:.1f}" font-size="13" fill="#fff">'
        f"{share:.0%}</text>"
        if width > 38
        else ""
    )
    return (f'<g><title>{escape(text)}</title><rect x="{x:.1f}" y="{y}" width="{width:.1f}" '
            f'height="{_BAR}" fill="{fill}"/>{inside}</g>')  # fmt: skip
