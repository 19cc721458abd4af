"""Money stated in a register row's comments, where the wording is unambiguous.

SIPRI's figures are volumes (TIV), never money; money appears only in Comments, in a few
set phrases: "$60-100 m deal", "INR390 b ($5.4 b) deal", "Part of $2.7 b deal", "worth
$1.2 b", "deal worth $174 m", "valued at $300 m", "$1.2 b worth". A
comment part that is exactly such a phrase (and whatever follows it in parentheses) gives
amounts; anything else stays in the comment, which the event keeps whole.
"""

from __future__ import annotations

import re

from armstimeline.model import Amount

__all__ = ["money_in_comments"]

_SYMBOLS = {"$": "USD", "€": "EUR", "£": "GBP"}
_MONEY = (
    r"(?P<{p}cur>[$€£]|[A-Z]{{3}}) ?(?P<{p}lo>\d+(?:\.\d+)?)"
    r"(?:-(?P<{p}hi>\d+(?:\.\d+)?))? (?P<{p}scale>[mb])"
)
_DEAL = re.compile(
    r"(?P<part>[Pp]art of )?(?:an? )?"
    + _MONEY.format(p="a")
    + r"(?: \("
    + _MONEY.format(p="b")
    + r"\))? deal(?: \([^()]*\))?"
)
# "worth $1.2 b", "deal worth $174 m", "valued at $300 m", "$1.2 b worth"
_WORTH = re.compile(
    r"(?:(?:the |a |an )?(?:deal|order|contract) )?(?:worth|valued at) "
    + _MONEY.format(p="a") + r"(?: \(" + _MONEY.format(p="b") + r"\))?"
    + r"|" + _MONEY.format(p="c") + r" worth"
)
_SCALE = {"m": 1e6, "b": 1e9}


def money_in_comments(comments: str | None) -> list[Amount]:
    """The deal values a row's comments state, each once, in the comment's order."""
    if not comments:
        return []
    amounts: list[Amount] = []
    for part in (p.strip() for p in comments.split(";")):
        found = _DEAL.fullmatch(part) or _WORTH.fullmatch(part)
        if found is None:
            continue
        what = (
            "value of the larger deal this order is part of (SIPRI's comment)"
            if found.groupdict().get("part")
            else "value of the deal (SIPRI's comment)"
        )
        for prefix in ("a", "b", "c"):
            said = what if prefix != "b" else what.replace("comment)", "conversion)")
            amount = _amount(found, prefix, said)
            if amount is not None and amount not in amounts:
                amounts.append(amount)
    return amounts


def _amount(found: re.Match[str], p: str, what: str) -> Amount | None:
    symbol = found.groupdict().get(f"{p}cur")
    if symbol is None:
        return None
    currency = _SYMBOLS.get(symbol, symbol)
    import pycountry

    if pycountry.currencies.get(alpha_3=currency) is None:
        return None
    scale = _SCALE[found[f"{p}scale"]]
    low = round(float(found[f"{p}lo"]) * scale, 2)
    high = round(float(found[f"{p}hi"]) * scale, 2) if found[f"{p}hi"] else None
    if high is not None and high <= low:
        return None
    return Amount(value=low, what=what, currency=currency, upper=high)
