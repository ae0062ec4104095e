"""prefilter: the phrase finder never misses a line that is a whole-line phrase, whatever its case and decoration."""

from __future__ import annotations

import functools

from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner.prefilter import _whitespace, hit_lines
from cleaner.rule_files import load_rules
from cleaner.rules import RuleSet, phrase_key


@functools.cache
def shipped() -> RuleSet:
    return load_rules()


PROPERTY = settings(max_examples=300, deadline=None, derandomize=True)
# Bullets and trailing punctuation as whole-line rules strip them, whitespace RE2's \s does not know,
# and characters whose case folding is not RE2's ("ß", "ẞ", long s, Kelvin sign, dotted I).
DECORATION = list("*•·+-–—>»›|#.,;:!?…→ o\t") + ["\xa0", "\u2009", "\u3000"]
SPECIAL = {"s": ["s", "S", "ſ"], "k": ["k", "K", "\u212a"], "i": ["i", "I", "\u0130"]}


@st.composite
def decorated_lines(draw: st.DrawFn) -> str:
    """A line whose phrase key is one of the shipped phrases (or, sometimes, a near miss)."""
    phrase = draw(st.sampled_from(sorted(shipped()._by_phrase)))
    chars = []
    for char in phrase:
        if char == " ":
            chars.append(draw(st.text(st.sampled_from([" ", *_whitespace()]), min_size=1, max_size=3)))
        else:
            chars.append(draw(st.sampled_from(SPECIAL.get(char, [char, char.upper()]))))
    body = "".join(chars).replace("ss", draw(st.sampled_from(["ss", "ß", "ẞ", "SS"])))
    before = draw(st.text(st.sampled_from(DECORATION), max_size=4))
    after = draw(st.text(st.sampled_from(DECORATION), max_size=4))
    return before + body + after


@PROPERTY
@given(st.lists(st.one_of(decorated_lines(), st.text(max_size=30).map(lambda s: s.replace("\n", " "))), max_size=20))
def test_phrase_finder_hits_every_phrase_line(lines: list[str]) -> None:
    rules = shipped()
    text = "\n".join(lines)
    hits = set(hit_lines(rules._phrase_finder, text.casefold().encode("utf-8", "surrogatepass")))
    for number, line in enumerate(lines, start=1):
        if phrase_key(line) in rules._by_phrase:
            assert number in hits, line


def test_loosen_drops_upper_bounds_and_still_matches_what_the_pattern_does() -> None:
    import re

    from cleaner.prefilter import loosen

    assert loosen(r"subscribe.{0,40}newsletter") == "subscribe.*newsletter"
    assert loosen(r"(?:\s+\S+){1,5}x{,3}[a{]{2,9}") == r"(?:\s+\S+)+x*[a{]{2,}"
    assert loosen(r"\{0,4\}") == r"\{0,4\}"  # escaped braces are text, not a repetition
    line = "Subscribe to our weekly newsletter"
    assert re.search(loosen(r"subscribe\s+to\s+our.{0,10}newsletter"), line, re.IGNORECASE)
