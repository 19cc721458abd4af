"""Where the bundled data lives, installed or in a checkout."""

from __future__ import annotations

from pathlib import Path

__all__ = ["bundled_dir", "default_events_dir", "default_sources_dir", "metadata_path"]


def bundled_dir() -> Path:
    """The package's own copy of events/ and seeds/ (a wheel), else the checkout's root."""
    here = Path(__file__).resolve().parent
    packaged = here / "_data"
    if (packaged / "events").is_dir():
        return packaged
    return here.parent.parent


def default_events_dir() -> Path:
    """./events when the working directory has one (a contributor), else the bundled events."""
    local = Path("events")
    return local if local.is_dir() else bundled_dir() / "events"


def default_sources_dir() -> Path:
    local = Path("seeds")
    return local if (local / "sources.yml").is_file() else bundled_dir() / "seeds"


def metadata_path() -> Path:
    local = Path("metadata.yml")
    return local if local.is_file() else bundled_dir() / "metadata.yml"
