"""Publishing a database: the atomic writer, with a build's error and wording."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from armstimeline import atomic
from armstimeline.errors import BuildError

__all__ = ["replacing"]


@contextlib.contextmanager
def replacing(db_path: Path, failure: str) -> Iterator[Path]:
    """The atomic publisher (``atomic.replacing``) for a database: a failure is a
    BuildError and the previous database is untouched."""
    with atomic.replacing(db_path, failure, BuildError, "database") as tmp:
        yield tmp

