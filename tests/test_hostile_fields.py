"""Fields a hostile or careless contributor could turn against readers (issue 30): source
addresses that are not web pages, and invisible characters that make a title or a name
read differently from what it says."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from armstimeline.loading import validate

from .conftest import GOOD_EVENT, SEEDS

RLO = "\u202e"


def messages(problems) -> list[str]:
    return [str(p) for p in problems]


@pytest.fixture
def seeds_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "seeds"
    shutil.copytree(SEEDS, folder)
    return folder


def add_source(seeds: Path, url: str) -> int:
    """Append an external source with ``url``; the line its url is on."""
    path = seeds / "sources.yml"
    text = path.read_text("utf-8")
    entry = f"- id: hostile-source\n  title: A page\n  url: '{url}'\n"
    path.write_text(text + entry, "utf-8")
    return len(text.splitlines()) + 3


class TestSourceAddresses:
    @pytest.mark.parametrize(
        "url",
        ["javascript:alert(1)", "JavaScript:alert(1)", "data:text/html,<script>alert(1)</script>",
         "vbscript:msgbox", "file:///etc/passwd", "//evil.example/x", "https://", "ftp://x.org/a",
         "https://example.org/a b"],
    )  # fmt: skip
    def test_only_http_addresses_pass(self, write_event, events_dir, seeds_copy, url):
        write_event()
        line = add_source(seeds_copy, url)
        found = [m for m in messages(validate(events_dir, seeds_copy)) if ".url" in m]
        assert len(found) == 1, found
        assert f"sources.yml:{line}:" in found[0]
        assert "is not a web address; write one starting with https://" in found[0]

    @pytest.mark.parametrize("url", ["https://example.org/a?b=c#d", "http://example.org",
                                     "HTTPS://EXAMPLE.ORG/"])  # fmt: skip
    def test_web_addresses_pass(self, write_event, events_dir, seeds_copy, url):
        write_event()
        add_source(seeds_copy, url)
        assert validate(events_dir, seeds_copy) == []


class TestInvisibleCharacters:
    @pytest.mark.parametrize("char", ["\u202e", "\u202d", "\u2066", "\u200f", "\u200b",
                                      "\u200d", "\ufeff", "\u061c"])  # fmt: skip
    def test_curated_titles_and_place_names_refuse_them(self, write_event, events_dir, char):
        text = GOOD_EVENT.format(id="spoofed")
        text = text.replace("title: Armenia obtains", f"title: Armenia{char} obtains")
        text = text.replace("name: Yerevan", f"name: Yere{char}van")
        write_event("spoofed", text)
        found = messages(validate(events_dir, SEEDS))
        code = f"U+{ord(char):04X}"
        assert any(":2:" in m and "title" in m and code in m for m in found), found
        assert any("places[0].name" in m and code in m for m in found), found
        assert all("changes how the text reads" in m for m in found), found

    def test_summaries_keep_them(self, write_event, events_dir):
        """Prose may quote right-to-left text; only titles and names are refused."""
        text = GOOD_EVENT.format(id="prose").replace(
            "summary: Armenia received", f"summary: Armenia ({RLO}x) received"
        )
        write_event("prose", text)
        assert validate(events_dir, SEEDS) == []

    def test_a_registers_event_keeps_them_as_written(self, write_event, events_dir):
        """An imported row is kept as the register wrote it (the register issue); only
        the curated files refuse them."""
        text = GOOD_EVENT.format(id="imported").replace(
            "title: Armenia obtains", f"title: Armenia{RLO} obtains"
        ) + "register: {row: arm-rus-2016-iskander, designation: Iskander, description: SRBM}\n"
        write_event("imported", text)
        found = messages(validate(events_dir, SEEDS))
        assert not any("changes how the text reads" in m for m in found), found
