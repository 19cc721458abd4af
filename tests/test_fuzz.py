"""Fuzzing: generated and mutated event files never crash or hang the validator, and
every folder it accepts builds and exports."""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from armstimeline import reference
from armstimeline.database import build
from armstimeline.export import FORMATS, export
from armstimeline.loading import validate
from armstimeline.timeline import load

from .conftest import SEEDS

SEED_WORDS = (SEEDS / "001_3276b30b763cc5a2.txt").read_text(encoding="utf-8").split()
SLUG = st.from_regex(r"[a-z0-9]{1,8}(-[a-z0-9]{1,8}){0,2}", fullmatch=True)
FUZZ = settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "30")),
    deadline=dt.timedelta(seconds=5),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@st.composite
def date_text(draw: st.DrawFn) -> str:
    day = draw(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2030, 12, 31)))
    form = draw(st.sampled_from(["%Y", "%Y-%m", "%Y-%m-%d"]))
    text = day.strftime(form)
    if draw(st.booleans()):
        later = day + dt.timedelta(days=draw(st.integers(400, 4000)))
        text += "/" + later.strftime(draw(st.sampled_from(["%Y", "%Y-%m", "%Y-%m-%d"])))
    return text


@st.composite
def quote(draw: st.DrawFn) -> str:
    start = draw(st.integers(0, len(SEED_WORDS) - 12))
    return " ".join(SEED_WORDS[start : start + draw(st.integers(3, 10))])


@st.composite
def event(draw: st.DrawFn, event_id: str, others: list[str]) -> dict:
    countries = sorted(reference.country_regions())
    free_text = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=200)
    roles = sorted(reference.roles())
    targets = draw(st.lists(st.sampled_from(others), max_size=2, unique=True)) if others else []
    data = {
        "id": event_id,
        # now and then a blank or placeholder title: a problem line, never a traceback
        "title": (draw(free_text).strip()[:60] or "t")
        if draw(st.integers(0, 19))
        else draw(st.sampled_from(["", "   ", "TODO: a title", "\u2028"])),
        "date": draw(date_text()),
        "kind": draw(st.sampled_from(sorted(reference.kinds()))),
        "actors": [
            {"country": draw(st.sampled_from(countries)), "role": draw(st.sampled_from(roles))}
            for _ in range(draw(st.integers(0, 4)))
        ],
        "systems": draw(st.lists(st.sampled_from(sorted(reference.system_lookup())), max_size=3)),
        "amounts": [
            {"value": draw(st.integers(0, 10**12)), "currency": "USD", "what": "money"}
            for _ in range(draw(st.integers(0, 2)))
        ],
        "places": [
            {"name": "p", "lat": draw(st.floats(-90, 90)), "lon": draw(st.floats(-180, 180))}
            for _ in range(draw(st.integers(0, 2)))
        ],
        "summary": draw(free_text).strip() or "s",
        "sources": [{"source": "edm-azerbaijan-armenia", "quote": draw(quote())}],
        "tags": draw(st.lists(SLUG, max_size=3, unique=True)),
        "relations": [{"type": "caused", "target": t} for t in targets],
    }  # fmt: skip
    return data


@st.composite
def folder(draw: st.DrawFn) -> dict[str, str]:
    ids = draw(st.lists(SLUG, min_size=1, max_size=4, unique=True))
    files = {}
    for i, event_id in enumerate(ids):
        others = [o for o in ids[:i]]
        files[event_id] = yaml.safe_dump(
            draw(event(event_id, others)), allow_unicode=True, sort_keys=False
        )
    return files


@st.composite
def mutated(draw: st.DrawFn) -> dict[str, str]:
    files = draw(folder())
    name = draw(st.sampled_from(sorted(files)))
    text = files[name]
    for _ in range(draw(st.integers(1, 4))):
        pos = draw(st.integers(0, len(text)))
        action = draw(st.sampled_from(["insert", "delete", "replace"]))
        chunk = draw(
            st.sampled_from(
                [
                    "[",
                    "{",
                    "&a ",
                    "*a",
                    "!!python/object ",
                    ":",
                    "- ",
                    "\t",
                    "\x00",
                    "\\",
                    '"',
                    "'",
                    "#",
                    "\n  ",
                    "~",
                    "? ",
                    "---\n",
                    "\ufeff",
                    "é",
                ]
            )
            | st.text(max_size=5)
        )
        if action == "insert":
            text = text[:pos] + chunk + text[pos:]
        elif action == "delete":
            text = text[:pos] + text[pos + draw(st.integers(1, 20)) :]
        else:
            text = text[:pos] + chunk + text[pos + len(chunk) :]
    files[name] = text
    return files


def write(files: dict[str, str], root: Path) -> Path:
    events = root / "events"
    events.mkdir()
    for name, text in files.items():
        (events / f"{name}.yml").write_bytes(text.encode("utf-8", "surrogatepass"))
    return events


def accepted_folder_builds_and_exports(events: Path, root: Path) -> None:
    build(events, SEEDS, root / "fuzz.db")
    timeline = load(events, SEEDS)
    for fmt in (*FORMATS,):
        data = export(timeline, fmt)
        assert data
    parsed = json.loads(export(timeline, "json"))
    assert len(parsed["events"]) == len(timeline)


def validate_then_build(files: dict[str, str]) -> list:
    """Validate a folder; every problem is one well-formed line; an accepted folder must
    build and export. Returns the problems."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        events = write(files, root)
        problems = validate(events, SEEDS)
        for problem in problems:
            text = str(problem)
            assert text.startswith(problem.path)
            assert "\n" not in text
            assert problem.field
        if not problems:
            accepted_folder_builds_and_exports(events, root)
        return problems


@FUZZ
@given(folder())
def test_generated_folders_validate_build_and_export(files):
    validate_then_build(files)


@FUZZ
@given(mutated())
def test_mutated_folders_never_crash(files):
    validate_then_build(files)
