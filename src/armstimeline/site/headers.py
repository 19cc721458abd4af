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

from armstimeline.site.adapter import jinja_environment
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
_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)
# Datasette's base template includes this one inline script on every page
_DATASETTE_SCRIPTS = ("_close_open_menus.html",)


def is_reader_page(path: str) -> bool:
    return bool(_READER.match(path))


def script_hash(script: str) -> str:
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def policy(inline_scripts: Iterable[str]) -> str:
    """The reader pages' policy, allowing exactly ``inline_scripts``."""
    return STRICT.format(hashes=" ".join(sorted({script_hash(s) for s in inline_scripts})))


def _template_scripts(datasette: Any) -> list[str]:
    """The inline scripts of Datasette's base template, read from the template itself."""
    found = []
    env = jinja_environment(datasette)  # 0.65's jinja_env, 1.0's get_jinja_environment
    for name in _DATASETTE_SCRIPTS:
        source = env.loader.get_source(env, name)[0]
        found += _SCRIPT.findall(source)
    return found


async def _body_scripts(datasette: Any) -> list[str]:
    """What the plugins' ``extra_body_script`` hooks add to a reader page (no database,
    table or columns of Datasette's), as Datasette's base template writes them (a dict's
    ``script``, anything else as is)."""
    from datasette.plugins import pm
    from datasette.utils import await_me_maybe

    found = []
    for view_name in ("index", None):
        for hook in pm.hook.extra_body_script(
            template="base.html", database=None, table=None, columns=None,
            view_name=view_name, request=None, datasette=datasette,
        ):  # fmt: skip
            script = await await_me_maybe(hook)
            found.append(str(script["script"] if isinstance(script, dict) else script))
    return found


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
                template.extend(_template_scripts(datasette))
            chosen = policy([*template, *await _body_scripts(datasette)]).encode()

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
