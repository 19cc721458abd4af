"""The quote rule: a quote is verbatim, but any run of white space counts as one space."""

from __future__ import annotations

import re

__all__ = ["MAX_QUOTE", "SourceText", "SourceTexts", "normalise_space", "quote_in_text"]

MAX_QUOTE = 400
_SPACE = re.compile(r"\s+")
# A text this long is indexed by its lines: a register of 30,000 rows is 4 MB, and as
# many substring searches over it would take minutes where set lookups take milliseconds.
_INDEX_FROM = 64 * 1024
# Up to this many characters, ``str.split`` normalises a text (its list of words is a
# few hundred kB at most): five times faster than the expression on a source text of
# 6 kB, which every build reads for each local source.
_SPLIT_UP_TO = _INDEX_FROM


def normalise_space(text: str) -> str:
    """The quote rule: runs of white space (spaces, tabs, newlines) count as one space.

    ``str.split`` knows the same white space as the expression's ``\\s`` (every code
    point agrees; a test checks) and several times faster; a long text (a register's)
    goes through the expression, which makes no list of its words."""
    if len(text) <= _SPLIT_UP_TO:
        return " ".join(text.split())
    return _SPACE.sub(" ", text).strip()


class SourceText(str):
    """A source's text with white space normalised, and (for a long text) the set of its
    normalised lines: a quote that is a whole line, as each imported row's is, is found
    by one lookup; any other quote by a substring search, which the set cannot refute."""

    lines: frozenset[str]

    def __new__(cls, raw: str) -> SourceText:
        text = super().__new__(cls, normalise_space(raw))
        text.lines = (
            frozenset(normalise_space(line) for line in raw.splitlines())
            if len(raw) >= _INDEX_FROM
            else frozenset()
        )
        return text


class SourceTexts(dict[str, str]):
    """Sources' texts by id; a long one (a register of 4 MB) is normalised only when a
    quote is first looked up in it: most loads quote no register row by hand (its own
    events quote their rows without a lookup)."""

    def __init__(self) -> None:
        super().__init__()
        self._raw: dict[str, str] = {}

    def add(self, source_id: str, raw: str) -> None:
        if len(raw) >= _INDEX_FROM:
            self._raw[source_id] = raw
            self.pop(source_id, None)
        else:
            self[source_id] = SourceText(raw)

    def __missing__(self, source_id: str) -> str:
        self[source_id] = text = SourceText(self._raw.pop(source_id))
        return text

    def get(self, source_id: str, default: str = "") -> str:  # type: ignore[override]
        if source_id in self._raw:
            return self[source_id]
        return super().get(source_id, default)

    def __contains__(self, source_id: object) -> bool:
        return source_id in self._raw or super().__contains__(source_id)


def quote_in_text(quote: str, text: str) -> bool:
    """The quote rule: verbatim, but any run of white space counts as one space."""
    wanted = normalise_space(quote)
    if isinstance(text, SourceText) and wanted in text.lines:
        return True
    return wanted in text
