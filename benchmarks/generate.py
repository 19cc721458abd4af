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
TAGS = ["arms-for-access", "energy", "basing", "loans", "nato", "sanctions", "missiles", "market"]


def _text(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


def generate(n: int, out: Path, seed: int = 1) -> tuple[Path, Path]:
    rng = random.Random(seed)
    events_dir, seeds_dir = out / "events", out / "seeds"
    events_dir.mkdir(parents=True, exist_ok=True)
    seeds_dir.mkdir(parents=True, exist_ok=True)
    countries = sorted(reference.country_regions())
    roles = sorted(reference.roles())
    kinds = sorted(reference.kinds())
    systems = [name for s in reference.systems() for name in (s.name, *s.aliases[:1])]
    n_sources = max(1, n // EVENTS_PER_SOURCE)
    texts = [_text(rng, 900) for _ in range(n_sources)]
    registry = []
    for i, text in enumerate(texts):
        name = f"source-{i:06d}.txt"
        (seeds_dir / name).write_text(text + "\n", encoding="utf-8")
        registry.append(
            f"- id: source-{i:06d}\n  title: Synthetic source {i}\n  publisher: Bench\n"
            f'  published: "{2000 + i % 25}"\n  file: {name}\n'
        )
    (seeds_dir / "sources.yml").write_text("".join(registry), encoding="utf-8")

    ids = [f"event-{i:07d}" for i in range(n)]
    relations: dict[str, list[tuple[str, str]]] = {i: [] for i in ids}
    for i in range(1, n):
        if rng.random() < 0.3:
            target = ids[rng.randrange(max(0, i - 500), i)]
            kind = rng.choice(["caused", "response_to", "part_of", "quid_pro_quo", "related"])
            relations[ids[i]].append((kind, target))
            if kind in ("quid_pro_quo", "related"):
                relations[target].append((kind, ids[i]))
    for i, event_id in enumerate(ids):
        year = 1991 + rng.randrange(34)
        month, day = rng.randrange(1, 13), rng.randrange(1, 29)
        form = rng.random()
        if form < 0.35:
            date = f"{year}"
        elif form < 0.6:
            date = f"{year}-{month:02d}"
        elif form < 0.9:
            date = f"{year}-{month:02d}-{day:02d}"
        else:
            date = f"{year}/{year + rng.randrange(1, 6)}"
        actor_codes = rng.sample(countries, rng.randrange(1, 5))
        actors = "".join(f"  - {{country: {c}, role: {rng.choice(roles)}}}\n" for c in actor_codes)
        event_systems = ", ".join(f'"{s}"' for s in rng.sample(systems, rng.randrange(0, 3)))
        amounts = "".join(
            f"  - {{value: {rng.randrange(1, 10**10)}, currency: USD, what: deal value}}\n"
            for _ in range(rng.randrange(0, 2))
        )
        places = "".join(
            f"  - {{name: Place {rng.randrange(1000)}, lat: {rng.uniform(-60, 70):.4f}, "
            f"lon: {rng.uniform(-170, 170):.4f}}}\n"
            for _ in range(rng.randrange(0, 2))
        )
        source = i // EVENTS_PER_SOURCE % n_sources
        words = texts[source].split()
        start = rng.randrange(len(words) - 12)
        quote = " ".join(words[start : start + rng.randrange(4, 12)])
        tags = ", ".join(rng.sample(TAGS, 2))
        rels = "".join(f"  - {{type: {k}, target: {t}}}\n" for k, t in relations[event_id])
        text = (
            f"id: {event_id}\n"
            f"title: Synthetic event {i} - {_text(rng, 6)}\n"
            f'date: "{date}"\n'
            f"kind: {rng.choice(kinds)}\n"
            f"actors:\n{actors}"
            f"systems: [{event_systems}]\n"
            + (f"amounts:\n{amounts}" if amounts else "")
            + (f"places:\n{places}" if places else "")
            + f"summary: >-\n  {_text(rng, 40)}\n"
            f"sources:\n  - source: source-{source:06d}\n    quote: {quote}\n"
            f"tags: [{tags}]\n" + (f"relations:\n{rels}" if rels else "")
        )
        (events_dir / f"{event_id}.yml").write_text(text, encoding="utf-8")
    return events_dir, seeds_dir


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    events, seeds = generate(args.n, args.out, args.seed)
    print(f"wrote {args.n} events to {events} and their sources to {seeds}")


if __name__ == "__main__":
    main()
