"""How dates read to people: "about 2016", "the 2010s", "2000 – ongoing", "year,
approximate"; the sentences for dates that are wrong are in ``datehints``."""

from __future__ import annotations

import functools

from armstimeline.dates import DateInterval, EventDate, IntervalEnd, PartialDate

__all__ = ["date_line", "date_texts", "describe", "facet_label", "qualifier_words"]

def qualifier_words(date: EventDate) -> list[str]:
    """What the source marks about a date: uncertain, approximate, and for an interval an
    open or unknown start or end."""
    words = []
    if date.uncertain:
        words.append("uncertain")
    if date.approximate:
        words.append("approximate")
    for flag, word in (("open_start", "open start"), ("unknown_start", "unknown start"),
                       ("open_end", "open end"), ("unknown_end", "unknown end")):  # fmt: skip
        if getattr(date, flag, False):
            words.append(word)
    return words


def facet_label(date: EventDate) -> str:
    """The precision as a facet shows it: 'year', 'decade', 'month, unspecified',
    'year, approximate', 'year, open end'."""
    parts = [date.precision.label]
    ends = date.ends if isinstance(date, DateInterval) else (date,)
    if any(e.month_unspecified or e.day_unspecified for e in ends):
        parts.append("unspecified")
    qualifiers = qualifier_words(date)
    if date.uncertain and date.approximate:
        qualifiers[:2] = ["uncertain and approximate"]
    return ", ".join(parts + qualifiers)


def describe(date: EventDate, *, short: bool = False) -> str:
    """The date in words: 'about 2016', '2016 (uncertain)', 'the 2010s', 'a month of
    2004', '2000 – ongoing'. ``short`` gives a timeline's labels: 'c. 2016', '2016?'."""
    if isinstance(date, PartialDate):
        return _describe_one(date, short)
    start, end = date.start, date.end
    if isinstance(end, PartialDate):
        right = _describe_one(end, short)
    else:
        right = "ongoing" if end is IntervalEnd.OPEN else "unknown end"
    if isinstance(start, PartialDate):
        return f"{_describe_one(start, short)} – {right}"
    return f"until {right}" if start is IntervalEnd.OPEN else f"unknown start – {right}"


def _describe_one(date: PartialDate, short: bool) -> str:
    core = str(date).rstrip("?~%")
    if date.unspecified_digits:
        core = f"the {core.replace('X', '0')}s" if not short else core.replace("X", "0") + "s"
    elif date.month_unspecified:
        core = f"a {'day' if date.day_unspecified else 'month'} of {core[:4]}"
    elif date.day_unspecified:
        core = f"a day of {core[:7]}"
    if short:
        return ("c. " if date.approximate else "") + core + ("?" if date.uncertain else "")
    if date.approximate:
        core = f"about {core}"
    return f"{core} (uncertain)" if date.uncertain else core


def date_line(date: EventDate) -> str:
    """'2016 (year precision)', '2016~ — about 2016 (year precision, approximate)': the
    date as written, its words when they differ, its precision and qualifiers."""
    words = describe(date)
    marks = "".join(f", {q}" for q in qualifier_words(date))
    shown = f"{date} — {words}" if words != str(date) else str(date)
    return f"{shown} ({date.precision.label} precision{marks})"


@functools.lru_cache(maxsize=65536)
def date_texts(date: EventDate) -> tuple[str, str, str, str, str, tuple[str, ...]]:
    """The date as rows and records write it: as written, its precision's label, its facet
    label, earliest and latest day (ISO), and its qualifier words. Cached, since dates recur
    (a register's are mostly years: three in four of 30,000 generated events share theirs)
    and describing one costs more than looking it up."""
    return (
        str(date), date.precision.label, facet_label(date), date.earliest.isoformat(),
        date.latest.isoformat(), tuple(qualifier_words(date)),
    )  # fmt: skip
