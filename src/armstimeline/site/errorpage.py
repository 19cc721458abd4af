"""Error pages as Datasette makes them, without its traceback dump for a visitor's error.

Datasette's default error handler prints every exception with its local variables when
``rich`` is installed (it often is; here it comes with the test tools): for a query
stopped at the time limit that is a 300-line syntax-highlighted dump costing the serving
thread about a second, so each query a visitor sent to the limit cost the site 2 s of
CPU, not 1. Datasette awaits every ``handle_exception`` hook, so answering first is not
enough: ``adapter.replace_default_handler`` blocks Datasette's and this module answers all.
Errors a visitor causes (4xx: a query too slow — even where Datasette lets its
``QueryInterrupted`` through, as a streamed CSV's first page does — too big or malformed,
a missing page) get
Datasette's own page or JSON and one log line; anything else (500) the same page and the
plain traceback on stderr, as Datasette gives it without ``rich``.
"""

from __future__ import annotations

import logging
import traceback
from typing import Any

from datasette import Response
from datasette.database import QueryInterrupted

from armstimeline.site.adapter import ErrorParts, cors_headers, error_parts

__all__ = ["error_response"]


log = logging.getLogger("armstimeline.site")
# Datasette's words for a query stopped at the time limit, wherever it was stopped: its
# views say so themselves, but a query stopped outside them (the first page of a streamed
# CSV) reaches the handler as the bare exception
_TOO_LONG = (
    "SQL query took too long. The time limit is controlled by the sql_time_limit_ms "
    "configuration option."
)


def error_response(datasette: Any, request: Any, exception: BaseException) -> Any:
    """The ``handle_exception`` answer: Datasette's error page or JSON for ``exception``."""

    async def inner() -> Response:
        if getattr(datasette, "pdb", False):  # `datasette --pdb`, as Datasette's handler does
            import pdb

            pdb.post_mortem(exception.__traceback__)
        status, message, title, info = (
            ErrorParts(400, _TOO_LONG, "SQL Interrupted", {})  # a streamed CSV's first page
            if isinstance(exception, QueryInterrupted)
            else error_parts(exception)
        )
        path = request.path if request is not None else ""
        if status >= 500:
            traceback.print_exception(exception)
        else:
            log.info("%s %s: %s", status, path, type(exception).__name__)
        info.update({"ok": False, "error": message, "status": status, "title": title})
        headers = cors_headers(datasette)
        if path.split("?")[0].endswith(".json"):
            return Response.json(info, status=status, headers=headers)
        page = await datasette.render_template([f"{status}.html", "error.html"], info,
                                               request=request)  # fmt: skip
        return Response.html(page, status=status, headers=headers)

    return inner
