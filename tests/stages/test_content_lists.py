"""content_lists: fact sheets, ingredient lists and code samples that the classifier must keep. Made-up pages."""

from __future__ import annotations

from cleaner.document import Reason
from cleaner.stages.content_lists import code_sample_lines, fact_sheet_lines, ingredient_lines
from cleaner.stages.segment import segment_text

INTRO = "First of all we need to create a data frame with two columns:"
CODE = ["d <- data.frame(x = c(1, 2), y = c(3, 4)) # data", "print(d)"]
AFTER = "The data frame has two columns with two values each, as the output shows."


def test_a_code_sample_after_a_sentence_ending_in_a_colon_is_found():
    assert code_sample_lines(segment_text("\n".join([INTRO, *CODE, AFTER]))) == {1, 2}


def test_the_intro_may_end_in_spaces_after_its_colon():
    assert code_sample_lines(segment_text("\n".join([INTRO + " \u00a0", *CODE, AFTER]))) == {1, 2}


def test_a_colon_inside_the_intro_is_not_an_intro():
    intro = "Note: we need to create a data frame with two columns now"
    assert code_sample_lines(segment_text("\n".join([intro, *CODE, AFTER]))) == set()


def test_a_dropped_intro_introduces_nothing():
    blocks = segment_text("\n".join([INTRO, *CODE, AFTER]))
    blocks[0].drop(Reason("patterns", "r", "c"))
    assert code_sample_lines(blocks) == set()


def test_key_value_lines_make_a_fact_sheet_and_lines_without_a_colon_do_not():
    assert fact_sheet_lines(segment_text("Home\nRebsorte: Zinfandel\nJahrgang: 2016\nAlkohol: 14,5 %")) == {1, 2, 3}
    assert fact_sheet_lines(segment_text("Home\nRebsorte Zinfandel\nJahrgang 2016\nAlkohol 14,5 %")) == set()


def test_quantities_make_an_ingredient_list():
    assert ingredient_lines(segment_text("Zutaten\n200 g Mehl\n2 EL Öl\n1 Prise Salz\nZubereitung")) == {1, 2, 3}
