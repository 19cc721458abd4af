"""The site's CSV downloads follow the export's formula rule (``export.csv.neutralise``).

Datasette writes a table's or a query's ``.csv`` (``_dl=1``, ``_stream=1`` too) itself,
with no hook between its rows and its writer; a visitor's SQL can put any text in a cell.
This ``asgi_wrapper`` reads the CSV as it streams out, applies the same rule to every cell,
the header row included, and writes it back in Datasette's dialect.

Datasette streams a CSV a record at a time, each a message through every wrapper and a
write to the socket, on the event loop that serves every reader: the whole 20,000-event
table was 20,000 messages, each parsed and written again here. The records are gathered
into pieces of ``PIECE_CHARS`` before they are passed on, and a piece in which no cell
can start with a character the rule reads (``_LATER_CELL``, a quick scan that may
find more than there is, never less) is passed on as Datasette wrote it.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import urllib.parse
from typing import Any

from armstimeline.export.csv import neutralise_row
from armstimeline.site.sqllane import App

__all__ = ["PIECE_CHARS", "neutral_csv", "wants_csv"]

PIECE_CHARS = 64 * 1024
# Where a cell may start (the text's start, after a comma, after a line end; a quoted
# cell after its quote) with a character the formula rule reads: a trigger or an
# apostrophe (export.csv), but not an unquoted plain number such as a longitude, -12.5,
# which the rule keeps. Inside a quoted cell this finds more than cell starts, which only
# sends the piece the long way.
_FORMULA_CELL = (
    r"(?:\"?[=@\t\r']|\"[+-]"
    r"|[+-](?!(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?(?:,|\r\n|\Z)))"
)
_FIRST_CELL = re.compile(_FORMULA_CELL)
_LATER_CELL = re.compile(r"[,\n]" + _FORMULA_CELL)


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
    if not _FIRST_CELL.match(text) and not _LATER_CELL.search(text):
        return text  # no cell the rule would change: as Datasette wrote it
    return _rewritten(text)


def _rewritten(text: str) -> str:
    """Every record of ``text`` read, the rule applied, and written again."""
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
        state: dict[str, Any] = {"csv": False, "text": "", "size": 0}
        pieces: list[str] = []
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
            piece = decoder.decode(message.get("body", b""), final=not more)
            pieces.append(piece)
            state["size"] += len(piece)
            if more and state["size"] < PIECE_CHARS:
                return  # gather a piece's worth of records before passing them on
            text = state["text"] + "".join(pieces)
            pieces.clear()
            end = len(text) if not more else _complete(text)
            state["text"], state["size"] = text[end:], len(text) - end
            body = _neutral(text[:end]).encode("utf-8") if end else b""
            if body or not more:
                await send({"type": "http.response.body", "body": body, "more_body": more})

        await app(scope, receive, rewriting)

    return wrapped
