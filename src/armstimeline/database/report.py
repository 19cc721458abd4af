"""What a build reports."""

from __future__ import annotations

from pathlib import Path

import attrs

__all__ = ["BuildReport"]


@attrs.frozen
class BuildReport:
    """What a build wrote."""

    path: Path
    events: int
    tables: dict[str, int]
    fingerprint: str
