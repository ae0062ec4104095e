"""alternation: a word list as a trie-shaped regular expression matches exactly what the plain alternation does."""

from __future__ import annotations

import re
import sys
import tomllib
from importlib import resources

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner.stages.alternation import word_alternation

LETTERS = "abcAB ſKkß.-'’:*1"  # shared prefixes, case variants, punctuation, regex metacharacters
words = st.lists(st.text(LETTERS, min_size=1, max_size=5), min_size=1, max_size=8)


def plain(words: list[str], suffix: str) -> str:
    return "(?:" + "|".join(re.escape(w) + suffix for w in sorted(words, key=len, reverse=True)) + ")"


@settings(max_examples=300, deadline=None)
@given(words, st.lists(st.text(LETTERS, max_size=8), min_size=1, max_size=10), st.sampled_from(["", r"\w*", "s|x"]))
def test_the_trie_matches_where_the_plain_alternation_does(words: list[str], lines: list[str], suffix: str):
    for template in (r"^{}(?!\w)", r"(?<!\w){}", r"{}"):
        old = re.compile(template.format(plain(words, f"(?:{suffix})" if suffix else "")), re.IGNORECASE)
        new = re.compile(template.format(word_alternation(words, suffix)), re.IGNORECASE)
        for line in lines + words:
            assert bool(old.search(line)) == bool(new.search(line)), (template, words, line)


def test_a_word_that_is_a_prefix_of_another_still_matches_alone():
    pattern = re.compile(word_alternation(["kommentar", "kommentare", "kommentar verfassen"]) + "$")
    assert [bool(pattern.match(s)) for s in ("kommentar", "kommentare", "kommentar verfassen", "kommentar v")] == [
        True, True, True, False]


def test_an_empty_word_or_list_fails_loudly():
    with pytest.raises(ValueError):
        word_alternation(["comments", ""])
    with pytest.raises(ValueError):
        word_alternation([])


def test_no_non_word_character_can_start_a_comment_heading():
    # heuristics matches the non-word characters before a comment heading atomically, never giving one
    # back: the same as backtracking only while no heading can start at such a character, in any case.
    table = tomllib.loads(resources.files("cleaner.wordlists").joinpath("structure.toml").read_text(encoding="utf-8"))
    first = re.compile("[" + re.escape("".join({h[0] for h in table["comment_headings"]})) + r"\d]", re.IGNORECASE)
    non_word = re.compile(r"\W")
    assert not [c for c in map(chr, range(sys.maxunicode + 1)) if non_word.match(c) and first.match(c)]
