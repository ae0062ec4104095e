"""line_kind: each line's class on its own, then as its neighbours revise it. Made-up lines."""

from __future__ import annotations

from itertools import product

import pytest

from cleaner.document import Reason
from cleaner.features import stopword_share
from cleaner.stages.line_kind import (
    BAD,
    GOOD,
    NEAR_GOOD,
    SHORT,
    Kind,
    Settings,
    has_link,
    initial_kind,
    revise_by_context,
    short_by_context,
    without_list_marker,
)
from cleaner.stages.segment import segment_text

SENTENCE = ("The council approved the budget on Monday after a debate that went on for most of the evening, "
            "and the mayor said that the money would be spent on the roads.")


def kind_of(line: str) -> Kind:
    return initial_kind(segment_text(line)[0], Settings())


def test_a_dropped_line_is_bad_whatever_it_says():
    block = segment_text(SENTENCE)[0]
    block.drop(Reason("patterns", "r", "c"))
    assert initial_kind(block, Settings()) == BAD


def test_a_short_line_is_short_even_without_a_single_stopword():
    assert kind_of("Impressum") == SHORT
    assert kind_of("* Politik") == SHORT


def test_a_long_line_is_judged_by_its_stopwords():
    assert kind_of(SENTENCE) == GOOD
    assert kind_of("Politik Wirtschaft Sport Kultur Reisen Auto Digital Wissen Gesundheit Karriere Immobilien") == BAD


def test_a_long_cjk_line_counts_as_text_without_a_stopword_test():
    assert kind_of("北朝鮮は今年、ロシアにさらに三千人の兵士を派遣したと韓国軍が発表した") == NEAR_GOOD


def test_a_line_that_is_mostly_a_link_is_bad_and_a_sentence_with_one_is_not():
    assert kind_of("Read it at https://example.com/a/very/long/path/to/the/article/about/the/council/budget") == BAD
    assert kind_of(SENTENCE + " See www.example.com for the figures.") == GOOD


def test_the_list_marker_is_not_part_of_the_line():
    assert without_list_marker("• Home") == "Home" and without_list_marker("12. Kapitel") == "Kapitel"
    assert without_list_marker("*Home") == "*Home"  # a marker is followed by a space


@pytest.mark.parametrize("text", ["http://a.b", "see https://a.b/c", "www.example.org", "WWW.EXAMPLE.ORG"])
def test_addresses_are_links(text: str):
    assert has_link(text) == (text != "WWW.EXAMPLE.ORG")  # the pattern is case-sensitive, as it always was


def test_the_stopword_share_counts_repeated_words_each_time_in_every_language_at_once():
    assert stopword_share("the the woke") == 2 / 3
    assert stopword_share("und the woke") == 2 / 3
    assert stopword_share("") == 0.0 and stopword_share("—") == 0.0


def test_a_short_line_takes_its_class_from_its_neighbours():
    def reference(pair: set[Kind], close: bool) -> Kind:  # jusText's rule as sets, as it was first written
        if pair == {GOOD}:
            return GOOD
        if pair in ({BAD}, {BAD, NEAR_GOOD}):
            return BAD
        if GOOD in pair and BAD in pair:
            return NEAR_GOOD if close else BAD
        return NEAR_GOOD

    for before, after in product((BAD, NEAR_GOOD, GOOD), repeat=2):
        for close in (True, False):
            kinds = [GOOD if close else SHORT, SHORT, SHORT]
            assert short_by_context(kinds, 1, before, after) == reference({before, after}, close)


def test_near_good_lines_go_with_good_neighbours_and_bad_ones_between_bad_ones():
    assert revise_by_context([GOOD, NEAR_GOOD, BAD]) == [GOOD, GOOD, BAD]
    assert revise_by_context([BAD, NEAR_GOOD, SHORT, BAD]) == [BAD, BAD, BAD, BAD]
