"""Text that would turn against a reader: web addresses that are not web pages, and
characters that change how a title or a name reads without being seen."""

from __future__ import annotations

import re

from armstimeline.errors import show_value

__all__ = ["SPOOFING", "hidden_problem", "url_problem"]

# Characters that change how text around them reads without being seen: bidirectional
# embeddings, overrides, isolates and marks, and zero-width characters. In a title or a
# name they can make "evil.exe" read "exe.live" (text-direction spoofing).
SPOOFING = re.compile("[\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
_SCHEMES = ("http://", "https://")


def hidden_problem(text: str) -> str | None:
    """The sentence for a title or name holding a ``SPOOFING`` character, or None."""
    hidden = SPOOFING.search(text)
    if hidden is None:
        return None
    return (
        f"{show_value(text)} contains an invisible character (U+{ord(hidden.group()):04X}) "
        "that changes how the text reads (a direction override or a zero-width character); "
        "remove it"
    )


def url_problem(text: str) -> str | None:
    """The sentence for an address that is not http(s) (a ``javascript:`` or ``data:``
    address would run or show anything when a reader follows it), or None."""
    web = text.lower().startswith(_SCHEMES) and len(text) > len("https://")
    if web and not any(c.isspace() for c in text):
        return None
    return (
        f"{show_value(text)} is not a web address; write one starting with https:// "
        "(or http://), with no spaces"
    )
