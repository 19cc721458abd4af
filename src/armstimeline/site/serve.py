"""Running Datasette on the built database: rebuild if stale, then serve immutable."""

from __future__ import annotations

import json
import sqlite3
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from armstimeline import paths
from armstimeline.database import build, is_current
from armstimeline.database.connect import read_only
from armstimeline.errors import BuildError
from armstimeline.reference import trusted_yaml
from armstimeline.site.adapter import datasette_options

__all__ = ["datasette_args", "load_metadata", "serve_database", "site_options"]


def load_metadata(db_path: Path, metadata: Path | None = None) -> dict[str, Any]:
    """metadata.yml with its database section renamed after the database file."""
    source = metadata or paths.metadata_path()
    data = trusted_yaml(source.read_text("utf-8")) or {}
    databases = data.get("databases") or {}
    if databases and db_path.stem not in databases:
        data["databases"] = {db_path.stem: next(iter(databases.values()))}
    return data


def site_options(db_path: Path, metadata: Path | None = None) -> dict[str, Any]:
    """``Datasette(**site_options(db))``: metadata.yml as this Datasette version reads it."""
    return datasette_options(load_metadata(db_path, metadata))


def inspect_data(db_path: Path) -> dict[str, Any] | None:
    """Datasette's inspect data from what the build recorded: no counting or hashing at
    start-up. The build fingerprint stands for the file's hash (same inputs, same file)."""
    try:
        with read_only(db_path) as conn:
            info = dict(conn.execute("select key, value from build_info"))
    except sqlite3.Error:
        return None
    if "table_counts" not in info or "fingerprint" not in info:
        return None
    counts = json.loads(info["table_counts"])
    return {
        db_path.stem: {
            "hash": info["fingerprint"],
            "size": db_path.stat().st_size,
            "file": str(db_path),
            "tables": {name: {"count": n} for name, n in counts.items()},
        }
    }


def datasette_args(
    db_path: Path, metadata_json: Path, host: str, port: int, inspect_json: Path | None = None,
    config_json: Path | None = None,
) -> list[str]:
    """The `datasette serve` arguments: immutable file, metadata (and, for Datasette 1.0,
    its configuration), bounded defaults."""
    extra = ["--inspect-file", str(inspect_json)] if inspect_json else []
    if config_json is not None:
        extra += ["--config", str(config_json)]
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
        *extra,
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
    workers: int = 1,
) -> None:
    if events_dir is not None and not is_current(db_path, events_dir, sources_dir):
        echo(f"Events changed since the last build; building {db_path}.")
        build(events_dir, sources_dir, db_path)
    elif not db_path.is_file():
        raise BuildError(f"{db_path} does not exist; run `armstimeline build` first.")
    with tempfile.TemporaryDirectory(prefix="armstimeline-") as tmp:
        full = load_metadata(db_path, metadata)
        options = datasette_options(full)  # split into metadata and configuration for 1.0
        meta = Path(tmp) / "metadata.json"
        meta.write_text(json.dumps(options["metadata"]), encoding="utf-8")
        config_json = None
        if "config" in options:
            config_json = Path(tmp) / "config.json"
            config_json.write_text(json.dumps(options["config"]), encoding="utf-8")
        inspect = inspect_data(db_path)
        inspect_json = None
        if inspect is not None:
            inspect_json = Path(tmp) / "inspect-data.json"
            inspect_json.write_text(json.dumps(inspect), encoding="utf-8")
        if workers > 1:
            echo(f"Serving {db_path} read-only at http://{host}:{port}/ ({workers} processes)")
            whole = Path(tmp) / "whole-metadata.json"
            whole.write_text(json.dumps(full), encoding="utf-8")
            _serve_processes(db_path, whole, inspect_json, host, port, workers)
            return
        from datasette.cli import cli as datasette_cli

        echo(f"Serving {db_path} read-only at http://{host}:{port}/")
        datasette_cli.main(
            args=datasette_args(db_path, meta, host, port, inspect_json, config_json),
            prog_name="datasette",
            standalone_mode=True,
        )


SETTINGS = {"suggest_facets": False, "sql_time_limit_ms": 1000, "max_returned_rows": 1000}
_CONFIG_VARIABLE = "ARMSTIMELINE_SERVE_CONFIG"


def _serve_processes(
    db_path: Path, meta: Path, inspect_json: Path | None, host: str, port: int, workers: int
) -> None:
    """uvicorn with ``workers`` processes, each building the same Datasette from the
    configuration handed down in the environment (one signing secret for all)."""
    import os
    import secrets

    import uvicorn

    os.environ[_CONFIG_VARIABLE] = json.dumps(
        {
            "db": str(db_path.resolve()),
            "metadata": str(meta),
            "inspect": str(inspect_json) if inspect_json else None,
            "secret": os.environ.get("DATASETTE_SECRET") or secrets.token_hex(32),
        }
    )
    uvicorn.run(
        "armstimeline.site.serve:app_from_environment",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="warning",
    )


def app_from_environment() -> Any:
    """The ASGI app of one serving process (see ``_serve_processes``)."""
    import os

    from datasette.app import Datasette

    from armstimeline.site.adapter import watch_databases

    config = json.loads(os.environ[_CONFIG_VARIABLE])
    inspect = (
        json.loads(Path(config["inspect"]).read_text("utf-8")) if config.get("inspect") else None
    )
    datasette = Datasette(
        immutables=[config["db"]],
        **datasette_options(json.loads(Path(config["metadata"]).read_text("utf-8"))),
        inspect_data=inspect,
        settings=SETTINGS,
        secret=config["secret"],
    )
    # before app(): its first request opens connections
    watch_databases(datasette)
    return datasette.app()
