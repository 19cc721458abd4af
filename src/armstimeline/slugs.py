"""Slugs: the words of a title or a name as an id's parts."""

from __future__ import annotations

import re
import unicodedata

__all__ = ["slugify"]

_APOSTROPHES = re.compile(r"(?<=\w)['’ʼ](?=\w)")


def slugify(text: str) -> str:
    """'Russia's S-400 for Türkiye' -> 'russias-s-400-for-turkiye': an apostrophe inside a
    word joins it, accents are dropped, anything else separates words."""
    text = _APOSTROPHES.sub("", text)
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:80].strip("-")
