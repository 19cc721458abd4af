"""Shared fixtures: the repository's data, and small event folders built per test."""

from __future__ import annotations

import os
import shutil
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EVENTS = ROOT / "events"
SEEDS = ROOT / "seeds"

GOOD_EVENT = """\
id: {id}
title: Armenia obtains Russian Iskander missile systems
date: "2016"
kind: delivery
actors:
  - {{country: RUS, role: supplier}}
  - {{country: ARM, role: recipient}}
systems: [SS-26 Stone]
amounts:
  - {{value: "65", unit: percent, what: a share}}
places:
  - {{name: Yerevan, lat: 40.18, lon: 44.5}}
summary: Armenia received Iskander missiles.
sources:
  - source: edm-azerbaijan-armenia
    quote: in 2016, Armenia obtained Russian Iskander (SS-26 Stone) short-range
tags: [south-caucasus]
"""


@pytest.fixture(autouse=True, scope="session")
def _register_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Registers read in the tests are kept in a cache of the run's own, not the user's."""
    before = os.environ.get("ARMSTIMELINE_CACHE")
    os.environ["ARMSTIMELINE_CACHE"] = str(tmp_path_factory.mktemp("register-cache"))
    yield
    if before is None:
        os.environ.pop("ARMSTIMELINE_CACHE", None)
    else:
        os.environ["ARMSTIMELINE_CACHE"] = before


@pytest.fixture
def seeds() -> Path:
    return SEEDS


@pytest.fixture
def events_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "events"
    folder.mkdir()
    return folder


@pytest.fixture
def write_event(events_dir: Path) -> Callable[..., Path]:
    """Write an event file; ``text`` defaults to a valid event with the given id."""

    def write(event_id: str = "good-event", text: str | None = None, suffix: str = ".yml") -> Path:
        path = events_dir / f"{event_id}{suffix}"
        body = GOOD_EVENT.format(id=event_id) if text is None else textwrap.dedent(text)
        path.write_text(body, encoding="utf-8")
        return path

    return write


@pytest.fixture
def dataset_copy(tmp_path: Path) -> tuple[Path, Path]:
    """A private copy of the real events and seeds, safe to modify."""
    events = tmp_path / "events"
    seeds = tmp_path / "seeds"
    shutil.copytree(EVENTS, events)
    shutil.copytree(SEEDS, seeds)
    return events, seeds
