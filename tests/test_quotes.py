"""The quote rule answers the same with and without the line index of a long source."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from armstimeline.loading.quotes import SourceText, normalise_space, quote_in_text

WORDS = st.sampled_from(["Armenia", "Russia", "2013", "?", ",", "Iskander", "\u0085", "\t", " "])
LINE = st.lists(WORDS, max_size=8).map("".join)


@settings(max_examples=200, deadline=None)
@given(lines=st.lists(LINE, min_size=1, max_size=30), pick=st.integers(0, 29),
       cut=st.integers(0, 10), extra=LINE)  # fmt: skip
def test_the_index_never_changes_an_answer(lines, pick, cut, extra):
    raw = "\n".join(lines)
    padded = raw + "\n" + "x" * 70_000  # long enough to be indexed
    text = SourceText(padded)
    assert text.lines, "a long text is indexed"
    line = lines[pick % len(lines)]
    for quote in (line, line[cut:], line + extra, extra, line + "\n" + extra):
        if not normalise_space(quote):
            continue
        assert quote_in_text(quote, text) == (normalise_space(quote) in normalise_space(padded))


def test_split_knows_the_same_white_space_as_the_expression():
    """``normalise_space`` splits a short text with ``str.split`` and a long one with the
    expression ``\\s+``: both must see the same code points as white space."""
    import re
    import sys

    space = re.compile(r"\s")
    differ = [
        hex(cp) for cp in range(sys.maxunicode + 1)
        if chr(cp).isspace() != bool(space.fullmatch(chr(cp)))
    ]  # fmt: skip
    assert differ == []


SPACES = st.sampled_from([" ", "\t", "\n", "\r\n", "\u00a0", "\u2028", "\u3000", "\x1f", "\x0b"])


@settings(max_examples=300, deadline=None)
@given(parts=st.lists(st.one_of(SPACES, st.sampled_from(["a", "Iskander", "—", ""])),
                      max_size=20), long=st.booleans())  # fmt: skip
def test_short_and_long_texts_are_normalised_alike(parts, long):
    import re

    text = "".join(parts) + ("x " * 40_000 if long else "")  # past _SPLIT_UP_TO
    assert normalise_space(text) == re.sub(r"\s+", " ", text).strip()
