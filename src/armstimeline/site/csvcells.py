"""The site's CSV downloads follow the export's formula rule (``export.csv.neutralise``).

Datasette writes a table's or a query's ``.csv`` (``_dl=1``, ``_stream=1`` too) itself,
with no hook between its rows and its writer; a visitor's SQL can put any text in a cell.
This ``asgi_wrapper`` reads the CSV as it streams out, record by record, applies the same
rule to every cell, the header row included, and writes it back in Datasette's dialect.
"""

from __future__ import annotations

import codecs
import csv
import io
import urllib.parse
from typing import Any

from armstimeline.export.csv import neutralise_row
from armstimeline.site.sqllane import App

__all__ = ["neutral_csv", "wants_csv"]


def wants_csv(scope: dict[str, Any]) -> bool:
    """Whether a request asks Datasette for CSV (``.csv`` or ``?_format=csv``)."""
    if scope.get("type") != "http":
        return False
    if scope.get("path", "").endswith(".csv"):
        return True
    query = scope.get("query_string", b"").decode("latin-1")
    return ("_format", "csv") in urllib.parse.parse_qsl(query)


def _complete(text: str) -> int:
    """The end of the complete records in ``text``: all of it when its last line end is
    outside any quoted field (Datasette writes a record at a time), else 0 (wait for more)."""
    end = text.rfind("\n") + 1
    if end and text.count('"', 0, end) % 2 == 0:
        return end
    return 0


def _neutral(text: str) -> str:
    out = io.StringIO()
    writer = csv.writer(out)  # Datasette's dialect: excel, CRLF line ends
    for record in csv.reader(io.StringIO(text, newline="")):
        writer.writerow(neutralise_row(record))
    return out.getvalue()


def neutral_csv(app: App) -> App:
    """``app`` with the formula rule applied to every CSV response (see module)."""

    async def wrapped(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if not wants_csv(scope):
            await app(scope, receive, send)
            return
        state: dict[str, Any] = {"csv": False, "text": ""}
        decoder = codecs.getincrementaldecoder("utf-8")("replace")

        async def rewriting(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                headers = dict(message.get("headers") or [])
                kind = headers.get(b"content-type", b"").decode("latin-1")
                state["csv"] = kind.startswith(("text/csv", "text/plain"))
                await send(message)
                return
            if message["type"] != "http.response.body" or not state["csv"]:
                await send(message)
                return
            more = message.get("more_body", False)
            text = state["text"] + decoder.decode(message.get("body", b""), final=not more)
            end = len(text) if not more else _complete(text)
            state["text"] = text[end:]
            body = _neutral(text[:end]).encode("utf-8") if end else b""
            await send({"type": "http.response.body", "body": body, "more_body": more})

        await app(scope, receive, rewriting)

    return wrapped
