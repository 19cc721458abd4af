"""Error pages as Datasette makes them, without its traceback dump for a visitor's error.

Datasette's default error handler prints every exception with its local variables when
``rich`` is installed (it often is; here it comes with the test tools): for a query
stopped at the time limit that is a 300-line syntax-highlighted dump costing the serving
thread about a second, so each query a visitor sent to the limit cost the site 2 s of
CPU, not 1. Datasette awaits every ``handle_exception`` hook, so answering first is not
enough: ``adapter.replace_default_handler`` blocks Datasette's and this module answers all.
Errors a visitor causes (4xx: a query too slow, too big or malformed, a missing page) get
Datasette's own page or JSON and one log line; anything else (500) the same page and the
plain traceback on stderr, as Datasette gives it without ``rich``.
"""

from __future__ import annotations

import logging
import traceback
from typing import Any

from datasette import Response
from datasette.utils import add_cors_headers
from datasette.utils.asgi import Base400
from datasette.views.base import DatasetteError
from markupsafe import Markup

__all__ = ["error_response"]


log = logging.getLogger("armstimeline.site")


def error_response(datasette: Any, request: Any, exception: BaseException) -> Any:
    """The ``handle_exception`` answer: Datasette's error page or JSON for ``exception``."""

    async def inner() -> Response:
        if getattr(datasette, "pdb", False):  # `datasette --pdb`, as Datasette's handler does
            import pdb

            pdb.post_mortem(exception.__traceback__)
        title = None
        info: dict[str, Any] = {}
        if isinstance(exception, Base400):
            status = int(exception.status)
            message: Any = exception.args[0] if exception.args else ""
        elif isinstance(exception, DatasetteError):
            status = int(exception.status)
            info = dict(exception.error_dict or {})
            message = exception.message
            if exception.message_is_html:
                message = Markup(message)
            title = exception.title
        else:
            status = 500
            message = str(exception)
        path = request.path if request is not None else ""
        if status >= 500:
            traceback.print_exception(exception)
        else:
            log.info("%s %s: %s", status, path, type(exception).__name__)
        info.update({"ok": False, "error": message, "status": status, "title": title})
        headers: dict[str, str] = {}
        if datasette.cors:
            add_cors_headers(headers)
        if path.split("?")[0].endswith(".json"):
            return Response.json(info, status=status, headers=headers)
        page = await datasette.render_template([f"{status}.html", "error.html"], info,
                                               request=request)  # fmt: skip
        return Response.html(page, status=status, headers=headers)

    return inner
