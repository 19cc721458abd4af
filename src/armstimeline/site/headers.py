"""Hardening headers on every response: a Content-Security-Policy, ``nosniff``, no framing.

Two policies. The reader pages this project renders (the front page, the events browser,
an event's page, the country and system pages, the visual timeline) run no inline script
but those Datasette's base template and the installed plugins' ``extra_body_script``
hooks write, each allowed by its SHA-256 hash (``STRICT``), worked out as Datasette does:
by calling the hooks. Text from an event file that reached such a page unescaped could
not run, neither as a ``<script>`` nor as an ``onerror=`` attribute. Datasette's own
table and query views write inline scripts that change with the page (the map's columns,
the facet switch), so they get the strictest policy they still work under
(``DATASETTE``): inline scripts allowed, everything else as strict.
Both forbid plugins, other origins' scripts, ``<base>``, forms posting elsewhere, and
framing by any page (``frame-ancestors 'none'``); map tiles come from OpenStreetMap.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable
from typing import Any

from armstimeline.site.adapter import base_template_scripts, body_scripts
from armstimeline.site.sqllane import App

__all__ = ["DATASETTE", "STRICT", "is_reader_page", "policy", "script_hash", "with_headers"]

_COMMON = (
    "default-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: https://*.tile.openstreetmap.org; connect-src 'self'; "
    "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
STRICT = "script-src 'self' {hashes}; " + _COMMON
DATASETTE = "script-src 'self' 'unsafe-inline'; " + _COMMON
# the reader pages (the plugin's routes and the front page)
_READER = re.compile(r"^/(?:(?:events|countries|systems)(?:/[^/]+)?|timeline)?$")


def is_reader_page(path: str) -> bool:
    return bool(_READER.match(path))


def script_hash(script: str) -> str:
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def policy(inline_scripts: Iterable[str]) -> str:
    """The reader pages' policy, allowing exactly ``inline_scripts``."""
    return STRICT.format(hashes=" ".join(sorted({script_hash(s) for s in inline_scripts})))


def with_headers(datasette: Any, app: App) -> App:
    """``app`` whose responses carry the hardening headers (see module)."""
    template: list[str] = []

    async def wrapped(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope.get("type") != "http":
            await app(scope, receive, send)
            return
        path = scope.get("path", "")
        chosen = DATASETTE.encode()
        if is_reader_page(path):
            if not template:
                template.extend(await base_template_scripts(datasette))
            chosen = policy([*template, *await body_scripts(datasette)]).encode()

        async def adding(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                headers = [
                    h for h in message.get("headers") or []
                    if h[0].lower() not in (b"content-security-policy",
                                            b"x-content-type-options", b"x-frame-options")
                ]  # fmt: skip
                headers += [
                    [b"content-security-policy", chosen],
                    [b"x-content-type-options", b"nosniff"],
                    [b"x-frame-options", b"DENY"],
                    [b"referrer-policy", b"strict-origin-when-cross-origin"],
                ]
                message = {**message, "headers": headers}
            await send(message)

        await app(scope, receive, adding)

    return wrapped
