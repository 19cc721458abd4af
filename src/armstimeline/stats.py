"""Counts over a timeline: by kind, country, decade and source."""

from __future__ import annotations

from collections import Counter
from typing import Any

from armstimeline.timeline import Timeline

__all__ = ["counts"]


def counts(timeline: Timeline) -> dict[str, Any]:
    """Event counts; an event with several countries or sources counts once in each."""
    by_source: Counter[str] = Counter()
    for event in timeline:
        for source in dict.fromkeys(c.source for c in event.sources):
            by_source[source] += 1

    def ordered(counter: Counter[str]) -> dict[str, int]:
        return dict(sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])))

    return {
        "events": len(timeline),
        "kind": ordered(Counter(e.kind for e in timeline)),
        "country": ordered(Counter(c for e in timeline for c in e.countries)),
        "decade": {k: len(v) for k, v in timeline.group_by("decade").items()},
        "source": ordered(by_source),
    }
