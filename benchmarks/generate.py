"""A deterministic generator of realistic synthetic event folders for benchmarks.

    python benchmarks/generate.py --n 100000 --out /tmp/bench

writes ``OUT/events/*.yml`` and ``OUT/seeds/`` (a registry and one text per source, about
a hundred events per source) so that every quote verifies. The same N and seed always
give the same bytes. Events mix day, month and year precision and intervals, name one
to four countries in different roles, systems (with aliases), amounts, places, tags and
relations to earlier events (symmetric ones written on both sides).
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from armstimeline import reference

WORDS = [
    "arms",
    "deal",
    "contract",
    "delivery",
    "missile",
    "system",
    "air",
    "defence",
    "fighter",
    "helicopter",
    "loan",
    "credit",
    "naval",
    "base",
    "port",
    "access",
    "gas",
    "oil",
    "rights",
    "debt",
    "write",
    "off",
    "sanctions",
    "embargo",
    "minister",
    "visit",
    "agreement",
    "signed",
    "pledged",
    "exported",
    "imported",
    "share",
    "market",
    "backlog",
    "order",
    "regime",
    "coup",
    "war",
    "negotiation",
    "talks",
    "security",
    "cooperation",
    "military",
    "technical",
    "supply",
    "supplier",
    "recipient",
]
EVENTS_PER_SOURCE = 100
RUSSIA_SHARE = 0.85  # events with Russia among the actors (unless chosen at random anyway)
TAGS = ["arms-for-access", "energy", "basing", "loans", "nato", "sanctions", "missiles", "market"]


def _text(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


def synthetic(n: int, seed: int = 1, level1: float = 0.0) -> tuple[list[str], list[dict]]:
    """Source texts and N event dicts in the event-file layout (see serialize.py)."""
    rng = random.Random(seed)
    countries = sorted(reference.country_regions())
    roles = sorted(reference.roles())
    kinds = sorted(reference.kinds())
    systems = [name for s in reference.systems() for name in (s.name, *s.aliases[:1])]
    n_sources = max(1, n // EVENTS_PER_SOURCE)
    texts = [_text(rng, 900) for _ in range(n_sources)]
    words_of = [t.split() for t in texts]
    ids = [f"event-{i:07d}" for i in range(n)]
    relations: dict[str, list[dict]] = {i: [] for i in ids}
    for i in range(1, n):
        if rng.random() < 0.3:
            target = ids[rng.randrange(max(0, i - 500), i)]
            kind = rng.choice(["caused", "response_to", "part_of", "quid_pro_quo", "related"])
            relations[ids[i]].append({"type": kind, "target": target})
            if kind in ("quid_pro_quo", "related"):
                relations[target].append({"type": kind, "target": ids[i]})
    events = []
    for i, event_id in enumerate(ids):
        year = 1991 + rng.randrange(34)
        month, day = rng.randrange(1, 13), rng.randrange(1, 29)
        form = rng.random()
        if level1 and rng.random() < level1:
            # an EDTF level-1 date: qualified, unspecified, or an open or unknown end
            date = rng.choice([
                f"{year}?", f"{year}~", f"{year}%", f"{year}-{month:02d}~", f"{year // 10}X",
                f"{year}-XX", f"{year}/..", f"../{year}", f"{year}~/{year + 2}",
                f"{year}-{month:02d}/", f"{year // 10}X/{year + 12}~",
            ])  # fmt: skip
        elif form < 0.35:
            date = f"{year}"
        elif form < 0.6:
            date = f"{year}-{month:02d}"
        elif form < 0.9:
            date = f"{year}-{month:02d}-{day:02d}"
        else:
            date = f"{year}/{year + rng.randrange(1, 6)}"
        chosen = rng.sample(systems, rng.randrange(0, 3))
        source = i // EVENTS_PER_SOURCE % n_sources
        actors = [
            {"country": c, "role": rng.choice(roles)}
            for c in rng.sample(countries, rng.randrange(1, 5))
        ]
        # as in the real data, Russia is a party to most events: a filter on it matches
        # most rows, the hardest case for a filtered view's facets
        if rng.random() < RUSSIA_SHARE and all(a["country"] != "RUS" for a in actors):
            actors.insert(0, {"country": "RUS", "role": "supplier"})
        words = words_of[source]
        start = rng.randrange(len(words) - 12)
        events.append(
            {
                "id": event_id,
                "title": f"Synthetic event {i} - {_text(rng, 6)}",
                "date": date,
                "kind": rng.choice(kinds),
                "actors": actors,
                "systems": chosen,
                "amounts": [
                    {"value": rng.randrange(1, 10**10), "currency": "USD", "what": "deal value"}
                    for _ in range(rng.randrange(0, 2))
                ],
                "places": [
                    {
                        "name": f"Place {rng.randrange(1000)}",
                        "lat": round(rng.uniform(-60, 70), 4),
                        "lon": round(rng.uniform(-170, 170), 4),
                    }
                    for _ in range(rng.randrange(0, 2))
                ],
                "summary": " ".join([_text(rng, 40), *chosen]),
                "sources": [
                    {
                        "source": f"source-{source:06d}",
                        "quote": " ".join(words[start : start + rng.randrange(4, 12)]),
                    }
                ],
                "tags": rng.sample(TAGS, 2),
                "relations": relations[event_id],
            }
        )
    return texts, events


def event_yaml(e: dict) -> str:
    """An event dict as an event file, in the style contributors write."""
    actors = "".join(f"  - {{country: {a['country']}, role: {a['role']}}}\n" for a in e["actors"])
    amounts = "".join(
        f"  - {{value: {a['value']}, currency: {a['currency']}, what: {a['what']}}}\n"
        for a in e["amounts"]
    )
    places = "".join(
        f"  - {{name: {p['name']}, lat: {p['lat']}, lon: {p['lon']}}}\n" for p in e["places"]
    )
    rels = "".join(f"  - {{type: {r['type']}, target: {r['target']}}}\n" for r in e["relations"])
    cite = e["sources"][0]
    return (
        f'id: {e["id"]}\ntitle: {e["title"]}\ndate: "{e["date"]}"\nkind: {e["kind"]}\n'
        f"actors:\n{actors}"
        f"systems: [{', '.join(repr(s).replace(chr(39), chr(34)) for s in e['systems'])}]\n"
        + (f"amounts:\n{amounts}" if amounts else "")
        + (f"places:\n{places}" if places else "")
        + f"summary: >-\n  {e['summary']}\n"
        f"sources:\n  - source: {cite['source']}\n    quote: {cite['quote']}\n"
        f"tags: [{', '.join(e['tags'])}]\n" + (f"relations:\n{rels}" if rels else "")
    )


def write_sources(texts: list[str], seeds_dir: Path) -> None:
    seeds_dir.mkdir(parents=True, exist_ok=True)
    registry = []
    for i, text in enumerate(texts):
        name = f"source-{i:06d}.txt"
        (seeds_dir / name).write_text(text + "\n", encoding="utf-8")
        registry.append(
            f"- id: source-{i:06d}\n  title: Synthetic source {i}\n  publisher: Bench\n"
            f'  published: "{2000 + i % 25}"\n  file: {name}\n'
        )
    (seeds_dir / "sources.yml").write_text("".join(registry), encoding="utf-8")


def generate(n: int, out: Path, seed: int = 1, level1: float = 0.0) -> tuple[Path, Path]:
    events_dir, seeds_dir = out / "events", out / "seeds"
    events_dir.mkdir(parents=True, exist_ok=True)
    texts, events = synthetic(n, seed, level1)
    write_sources(texts, seeds_dir)
    for event in events:
        (events_dir / f"{event['id']}.yml").write_text(event_yaml(event), encoding="utf-8")
    return events_dir, seeds_dir


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--level1", type=float, default=0.0, help="share of EDTF level-1 dates (0 to 1)"
    )
    args = parser.parse_args()
    events, seeds = generate(args.n, args.out, args.seed, args.level1)
    print(f"wrote {args.n} events to {events} and their sources to {seeds}")


if __name__ == "__main__":
    main()
