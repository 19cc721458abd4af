"""The two Datasettes the site supports, as the tests meet them: where Datasette 1.0
legitimately answers a request differently from 0.65, what each must answer."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from armstimeline.site.adapter import takes_config

ONE = takes_config()  # Datasette 1.0 (the alpha CI pins), else 0.65


def recorded_sql(monkeypatch: Any) -> list[str]:
    """Every SQL statement sent from now on to the served database (not Datasette's
    internal one) through Datasette's threads, in order."""
    from datasette.database import Database

    sent: list[str] = []
    execute = Database.execute

    async def recorded(self, sql, *args, **kwargs):  # type: ignore[no-untyped-def]
        if self.name == "armstimeline":
            sent.append(sql)
        return await execute(self, sql, *args, **kwargs)

    monkeypatch.setattr(Database, "execute", recorded)
    return sent


def sql_path(sql: str, ext: str = "", database: str = "armstimeline", **extra: str) -> str:
    """The address of Datasette's SQL page for ``sql``: ``/<db>`` on 0.65, ``/<db>/-/query``
    on 1.0 (where the old address redirects, see ``old_sql_path_redirects``)."""
    base = f"/{database}/-/query" if ONE else f"/{database}"
    return f"{base}{ext}?" + urlencode({"sql": sql, **extra})


async def old_sql_path_redirects(ds: Any, sql: str, ext: str = ".json") -> None:
    """0.65's address of the SQL page answers on 0.65 and redirects to 1.0's on 1.0."""
    old = f"/armstimeline{ext}?" + urlencode({"sql": sql})
    response = await ds.client.get(old)
    if ONE:
        assert response.status_code == 302, response.text[:300]
        assert response.headers["location"] == sql_path(sql, ext)
    else:
        assert response.status_code != 302


async def get_calendar(ds: Any, path: str, params: dict[str, str] | None = None) -> Any:
    """A view's ``.ics``, redirects followed: on 1.0 the renderer asks once for the view's
    parameters (``?_extra=query``, a redirect to the same view with the same arguments);
    on 0.65 it never needs to."""
    response = await ds.client.get(path, params=params)
    asked = 0
    for _ in range(3):
        if response.status_code != 302:
            break
        before, after = urlsplit(str(response.request.url)), urlsplit(response.headers["location"])
        args = parse_qsl(after.query, keep_blank_values=True)
        if ("_extra", "query") in args:
            asked += 1
            assert after.path == before.path
            assert args[-1] == ("_extra", "query")
            if "_through" not in before.query:  # (the site reads it as _child)
                assert args[:-1] == parse_qsl(before.query, keep_blank_values=True)
        response = await ds.client.get(response.headers["location"])
    assert asked == (1 if ONE else 0), asked
    return response
