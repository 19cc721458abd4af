"""The site's template environment (``site.quicktemplates``): Jinja's answers, read the
quick way, on Datasette's own environment."""

from __future__ import annotations

import collections
from pathlib import Path

import pytest
from datasette.app import Datasette
from jinja2 import Environment

from armstimeline.database import build
from armstimeline.site.adapter import jinja_environment
from armstimeline.site.quicktemplates import quick_templates
from armstimeline.site.serve import site_options

from .conftest import EVENTS, ROOT, SEEDS

TEMPLATE = (
    "{{ row.title }}|{{ row.missing is defined }}|{{ row.items is callable }}|"
    "{{ row['items'] }}|{{ ordered.title }}|{{ ordered.keys is callable }}|{{ thing.title }}|"
    "{{ row.get('title') }}|{{ nested.a.b }}"
)


class Thing:
    title = "an attribute"


def context() -> dict:
    row = {"title": "Iskander", "items": "a key named like a method"}
    ordered = collections.OrderedDict(title="a subclass")
    return {"row": row, "ordered": ordered, "thing": Thing(), "nested": {"a": {"b": 2}}}


def test_values_read_as_jinja_reads_them():
    """A dict's item by name, a dict's method before a key of the same name, a subclass
    and an object as Jinja reads them, a missing key undefined."""
    plain, quick = Environment(), Environment()
    quick_templates(quick)
    expected = plain.from_string(TEMPLATE).render(**context())
    assert quick.from_string(TEMPLATE).render(**context()) == expected
    assert expected.split("|")[:3] == ["Iskander", "False", "True"]
    assert quick.auto_reload is False and plain.auto_reload is True


@pytest.mark.asyncio
async def test_datasettes_environment_reads_the_quick_way(tmp_path_factory):
    path: Path = tmp_path_factory.mktemp("templates") / "armstimeline.db"
    build(EVENTS, SEEDS, path)
    ds = Datasette(immutables=[str(path)], **site_options(path, ROOT / "metadata.yml"))
    await ds.invoke_startup()
    env = jinja_environment(ds)
    assert env.auto_reload is False
    assert env.getattr({"title": "x"}, "title") == "x"
    assert env.getattr({"items": "x"}, "items") != "x"  # dict's method, as Jinja reads it
    page = await ds.client.get("/armstimeline/events?_size=3")
    assert page.status_code == 200 and "rows-and-columns" in page.text


def test_site_paths_are_plain_strings_of_datasettes_paths():
    """The reader pages' links are Datasette's paths (its base_url included) as plain
    strings, which a template escapes without looking methods up through dir(str)."""
    from armstimeline.site.frame import reader_nav, site_path

    ds = Datasette(settings={"base_url": "/site/"})
    path = site_path(ds, "/events")
    assert path == ds.urls.path("/events") == "/site/events"
    assert type(path) is str and type(ds.urls.path("/events")) is not str
    nav = reader_nav(ds)
    assert all(type(url) is str for _, url in nav["nav"]) and type(nav["home"]) is str
