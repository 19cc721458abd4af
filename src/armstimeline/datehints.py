"""A sentence for each way a date string can be wrong, so a contributor knows the fix."""

from __future__ import annotations

import re

__all__ = ["FORMAT_HINT", "why_not_a_date"]

FORMAT_HINT = (
    "use YYYY, YYYY-MM, YYYY-MM-DD or START/END (for example '2013/2017'), optionally "
    "with ? (uncertain), ~ (approximate) or % (both), X for unspecified digits (201X, "
    "2004-XX) and .. for an open end (2000/..)"
)


def why_not_a_date(text: str) -> str:
    """One sentence for each way a date string can be wrong."""
    if re.fullmatch(r"Y-?\d+.*", text):
        return f"'{text}': years written with Y (beyond 9999) are not supported; {FORMAT_HINT}"
    if re.fullmatch(r"\d{4}-2[1-4](?:-\d{2})?[?~%]?", text):
        return (
            f"'{text}': seasons (21 to 24 in the month's place) are not supported; give the "
            "months as an interval, e.g. '2001-03/2001-05'"
        )
    if re.fullmatch(r"\d{4}(?:-\d{2}){0,2}[?~%]{2,}", text):
        return f"'{text}': one qualifier at most; write ? , ~ or % (uncertain and approximate)"
    if re.fullmatch(r"\d{3}X-.*|\d{2}XX-.*", text):
        return (
            f"'{text}': a month or day cannot follow an unspecified year; write the year "
            "alone, or in full"
        )
    if re.fullmatch(r"[\dX]{4}(?:-[\dX]{2}){0,2}[?~%]?", text) and "X" in text:
        return (
            f"'{text}': only the last one or two digits of a year, or a whole month or day, "
            "can be X"
        )
    if re.search(r"[xX]", text) and re.fullmatch(r"[\dxX]{4}(?:-[\dxX]{2}){0,2}[?~%]?", text):
        return f"'{text}': write unspecified digits as capital X"
    return f"'{text}' is not a date; {FORMAT_HINT}"
