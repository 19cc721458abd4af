"""Canned queries that open on an example instead of "0 results"."""

from __future__ import annotations

import urllib.parse
from typing import Any

__all__ = ["with_examples"]


def _example_location(datasette: Any, path: str) -> str | None:
    """Where a bare canned-query page should go: the same page with the example values
    metadata gives its parameters (``plugins.armstimeline.query_examples``)."""
    parts = path.strip("/").split("/")
    if len(parts) != 2:
        return None
    examples = (datasette.plugin_config("armstimeline") or {}).get("query_examples") or {}
    values = examples.get(parts[1])
    if not values or parts[0] not in datasette.databases:
        return None
    return path + "?" + urllib.parse.urlencode({k: str(v) for k, v in values.items()})



def with_examples(datasette: Any, app: Any) -> Any:
    """``app``, redirecting a bare parameterised canned query to its example values
    (``plugins.armstimeline.query_examples`` in metadata)."""

    async def wrapped(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if (
            scope.get("type") == "http"
            and scope.get("method") == "GET"
            and not scope.get("query_string")
        ):
            location = _example_location(datasette, scope.get("path", ""))
            if location is not None:
                await send({"type": "http.response.start", "status": 302,
                            "headers": [[b"location", location.encode("utf-8")]]})  # fmt: skip
                await send({"type": "http.response.body", "body": b""})
                return
        await app(scope, receive, send)

    return wrapped
