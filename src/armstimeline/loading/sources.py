"""The source registry (``sources.yml``) of a seeds folder and the texts quotes come from."""

from __future__ import annotations

import codecs
import re
from pathlib import Path
from typing import Any

from armstimeline.errors import Problem, ValidationError, relpath, show_value
from armstimeline.loading.fields import FieldReader
from armstimeline.loading.quotes import SourceTexts
from armstimeline.loading.yamlsafe import MAX_LIST_BYTES, compose, is_empty
from armstimeline.model import Source

_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")

__all__ = ["parse_sources", "source_registry"]

_SOURCE_KEYS = {
    "id": True,
    "title": True,
    "publisher": False,
    "author": False,
    "published": False,
    "url": False,
    "file": False,
    "note": False,
    "encoding": False,
    "register": False,
    "edition": False,
    "suppliers": False,
    "recipients": False,
    "delivery_years": False,
    "matches": False,
    "skipped": False,
}


def parse_sources(
    folder: Path, read_texts: bool = True
) -> tuple[dict[str, Source], dict[str, str], list[Problem]]:
    """The registry, the texts of its local sources (unless ``read_texts`` is False: an
    import only needs the entries, not a read of every text) and its problems."""
    registry = folder / "sources.yml"
    shown = relpath(registry)
    if not registry.exists():
        return {}, {}, [Problem(shown, None, "", "is missing; every source must be registered")]
    node, problems = compose(registry, shown, limit=(MAX_LIST_BYTES, "a source registry"))
    if node is None:
        return {}, {}, problems
    r = FieldReader(shown)
    r.check_node(node, "")
    sources: dict[str, Source] = {}
    texts = SourceTexts()
    for i, item in enumerate(r.sequence(node, "sources")):
        field = f"[{i}]"
        keys = r.mapping(item, field, _SOURCE_KEYS, 1)
        if not keys or "id" not in keys or "title" not in keys:
            continue
        sid = r.slug(keys["id"], f"{field}.id", "source id")
        title = r.string(keys["title"], f"{field}.title")
        published = None
        if "published" in keys and not is_empty(keys["published"]):
            published = r.date(keys["published"], f"{field}.published")
        file = r.optional_string(keys.get("file"), f"{field}.file")
        encoding = r.optional_string(keys.get("encoding"), f"{field}.encoding")
        if file is not None:
            target = folder / file
            if "/" in file or "\\" in file or file.startswith(".") or not target.is_file():
                r.problem(
                    keys["file"],
                    f"{field}.file",
                    f"{show_value(file)} is not a file in {relpath(folder)}",
                )
                file = None
            elif read_texts:
                text = _read_text(r, keys, field, target, encoding or "utf-8")
                if text is None:
                    file = None
                else:
                    texts.add(sid or "", text)
        if sid is None or title is None:
            continue
        url = r.url(keys.get("url"), f"{field}.url")
        if file is None and url is None and "file" not in keys and "url" not in keys:
            r.problem(
                item, f"{field}.url",
                "an external source (no local file) needs the url where its quotes can be read",
            )  # fmt: skip
        if sid in sources:
            r.problem(keys["id"], f"{field}.id", f"the source id {show_value(sid)} is used twice")
            continue
        sources[sid] = Source(
            id=sid,
            title=title,
            publisher=r.optional_string(keys.get("publisher"), f"{field}.publisher"),
            author=r.optional_string(keys.get("author"), f"{field}.author"),
            published=published,
            url=url,
            file=file,
            note=r.optional_string(keys.get("note"), f"{field}.note"),
            encoding=encoding,
            **_register_fields(r, keys, field, folder),
        )
    return sources, texts, r.problems


def _register_fields(
    r: FieldReader, keys: dict[str, Any], field: str, folder: Path
) -> dict[str, Any]:
    """A register's own keys (see ``model.Source``); none for any other source."""
    if "register" not in keys:
        return {}
    names = [
        r.items(keys.get(side), f"{field}.{side}", r.string)
        for side in ("suppliers", "recipients")
    ]
    matches = r.optional_string(keys.get("matches"), f"{field}.matches")
    if matches is not None and ("/" in matches or not (folder / matches).is_file()):
        r.problem(keys["matches"], f"{field}.matches",
                  f"{show_value(matches)} is not a file in {relpath(folder)}")  # fmt: skip
        matches = None
    edition = r.optional_string(keys.get("edition"), f"{field}.edition")
    if edition is not None and not _ISO_DAY.fullmatch(edition):
        r.problem(keys["edition"], f"{field}.edition",
                  f"{show_value(edition)} should be the edition's date, YYYY-MM-DD")
        edition = None
    return {
        "register": r.slug(keys["register"], f"{field}.register", "register name"),
        "edition": edition,
        "suppliers": tuple(names[0]),
        "recipients": tuple(names[1]),
        "delivery_years": r.optional_string(keys.get("delivery_years"),
                                            f"{field}.delivery_years"),
        "matches": matches,
        "skipped": tuple(int(n) for n in r.items(
            keys.get("skipped"), f"{field}.skipped", lambda n, f: r.number(n, f, 1, 10**9))),
    }  # fmt: skip


def _read_text(
    r: FieldReader, keys: dict[str, Any], field: str, target: Path, encoding: str
) -> str | None:
    """A local source's text in its declared ``encoding``: a register downloaded as
    Latin-1 is kept byte for byte and read as what it is."""
    try:
        codecs.lookup(encoding)
    except LookupError:
        message = f"{show_value(encoding)} is not an encoding Python knows; e.g. utf-8, latin-1"
        r.problem(keys["encoding"], f"{field}.encoding", message)
        return None
    try:
        return target.read_bytes().decode(encoding)
    except UnicodeDecodeError as exc:
        where = "encoding" if "encoding" in keys else "file"
        r.problem(keys[where], f"{field}.{where}",
                  f"{relpath(target)} is not {encoding} (byte {exc.start}); declare its "
                  "encoding, e.g. 'encoding: latin-1'")  # fmt: skip
        return None


def source_registry(folder: str | Path) -> tuple[dict[str, Source], dict[str, str]]:
    """The registry of a seeds folder and the text of each local source (white space
    normalised, as quotes are checked); raise ValidationError on any problem."""
    sources, texts, problems = parse_sources(Path(folder))
    if problems:
        raise ValidationError(problems)
    return sources, texts

