"""The quote rule: a quote is verbatim, but any run of white space counts as one space."""

from __future__ import annotations

import re

__all__ = ["MAX_QUOTE", "normalise_space", "quote_in_text"]

MAX_QUOTE = 400
_SPACE = re.compile(r"\s+")


def normalise_space(text: str) -> str:
    """The quote rule: runs of white space (spaces, tabs, newlines) count as one space."""
    return _SPACE.sub(" ", text).strip()



def quote_in_text(quote: str, text: str) -> bool:
    """The quote rule: verbatim, but any run of white space counts as one space."""
    return normalise_space(quote) in text

