"""Where the bundled data lives, installed or in a checkout."""

from __future__ import annotations

from pathlib import Path

__all__ = [
    "bundled_dir",
    "default_events_dir",
    "metadata_path",
    "sources_for",
]


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


def sources_for(events_dir: Path) -> Path:
    """The one rule for a sources folder nobody named: the ``seeds`` folder beside the
    events folder when it has a registry, else the bundled one."""
    beside = Path(events_dir).parent / "seeds"
    return beside if (beside / "sources.yml").is_file() else bundled_dir() / "seeds"


def metadata_path() -> Path:
    local = Path("metadata.yml")
    return local if local.is_file() else bundled_dir() / "metadata.yml"
