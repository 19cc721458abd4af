"""An HTML page of Datasette's table view holds at most ``HTML_PAGE_ROWS`` rows.

Datasette renders a table page's HTML on the event loop that serves every reader: at
``?_size=max`` (1,000 rows) the events table of a 20,000-event database took 1-2 s to
render, and every other page that process served waited behind it. The HTML is for
reading, and pages on with its "Next page" link; the JSON and CSV of the same view keep
``_size=max`` (their writing is cheap, or streamed). This ``asgi_wrapper`` lowers a larger
``_size`` on an HTML table page to ``HTML_PAGE_ROWS``.
"""

from __future__ import annotations

import re
import urllib.parse
from typing import Any

from armstimeline.site.sqllane import App

__all__ = ["HTML_PAGE_ROWS", "html_page_size"]

HTML_PAGE_ROWS = 200
# a table's page in HTML: /<database>/<table>, no format extension
_TABLE_HTML = re.compile(r"^/[^/]+/[^/.]+$")


def _lowered(query: str) -> str | None:
    """The query string with ``_size`` lowered for HTML, or None when it is within."""
    pairs = urllib.parse.parse_qsl(query, keep_blank_values=True)
    changed = False
    kept = []
    for key, value in pairs:
        digits = value.isascii() and value.isdigit()  # "²" is a digit to isdigit, not to int
        if key == "_size" and (value == "max" or (digits and int(value) > HTML_PAGE_ROWS)):
            value, changed = str(HTML_PAGE_ROWS), True
        kept.append((key, value))
    return urllib.parse.urlencode(kept) if changed else None


def html_page_size(app: App) -> App:
    """``app`` with HTML table pages held to ``HTML_PAGE_ROWS`` rows (see module)."""

    async def wrapped(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope.get("type") == "http" and _TABLE_HTML.match(scope.get("path", "")):
            query = scope.get("query_string", b"").decode("latin-1")
            lowered = _lowered(query) if "_size" in query else None
            if lowered is not None:
                scope = {**scope, "query_string": lowered.encode("latin-1")}
        await app(scope, receive, send)

    return wrapped
