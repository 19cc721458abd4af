"""Running Datasette on the built database: rebuild if stale, then serve immutable."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from armstimeline import paths

__all__ = ["datasette_args", "load_metadata", "serve_database"]


def load_metadata(db_path: Path, metadata: Path | None = None) -> dict[str, Any]:
    """metadata.yml with its database section renamed after the database file."""
    source = metadata or paths.metadata_path()
    data = yaml.safe_load(source.read_text("utf-8")) or {}
    databases = data.get("databases") or {}
    if databases and db_path.stem not in databases:
        data["databases"] = {db_path.stem: next(iter(databases.values()))}
    return data


def datasette_args(db_path: Path, metadata_json: Path, host: str, port: int) -> list[str]:
    """The `datasette serve` arguments: immutable file, metadata, bounded defaults."""
    return [
        "serve",
        "--immutable",
        str(db_path),
        "--metadata",
        str(metadata_json),
        "--host",
        host,
        "--port",
        str(port),
        "--setting",
        "suggest_facets",
        "off",
        "--setting",
        "sql_time_limit_ms",
        "1000",
        "--setting",
        "max_returned_rows",
        "1000",
    ]


def serve_database(
    db_path: Path,
    *,
    events_dir: Path | None,
    sources_dir: Path,
    host: str,
    port: int,
    metadata: Path | None = None,
    echo: Callable[[str], None] = print,
) -> None:
    from armstimeline.db import build, is_current

    if events_dir is not None and not is_current(db_path, events_dir, sources_dir):
        echo(f"Events changed since the last build; building {db_path}.")
        build(events_dir, sources_dir, db_path)
    elif not db_path.is_file():
        from armstimeline.errors import ArmstimelineError

        raise ArmstimelineError(f"{db_path} does not exist; run `armstimeline build` first.")
    with tempfile.TemporaryDirectory(prefix="armstimeline-") as tmp:
        meta = Path(tmp) / "metadata.json"
        meta.write_text(json.dumps(load_metadata(db_path, metadata)), encoding="utf-8")
        from datasette.cli import cli as datasette_cli

        echo(f"Serving {db_path} read-only at http://{host}:{port}/")
        datasette_cli.main(
            args=datasette_args(db_path, meta, host, port),
            prog_name="datasette",
            standalone_mode=True,
        )
