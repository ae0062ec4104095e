"""segment: one block per non-empty line, with line number, offset, paragraph and blank-line flag."""

from __future__ import annotations

from cleaner.document import Document
from cleaner.stages.segment import Segment, segment_text

TEXT = "Title line\n\nFirst para one\nFirst para two\n\n\n\nSecond para\n"


def test_one_block_per_non_empty_line():
    blocks = segment_text(TEXT)
    assert [b.text for b in blocks] == ["Title line", "First para one", "First para two", "Second para"]


def test_line_numbers_are_one_based_and_count_blank_lines():
    assert [b.line for b in segment_text(TEXT)] == [1, 3, 4, 8]


def test_paragraphs_are_blank_line_separated_runs():
    assert [b.paragraph for b in segment_text(TEXT)] == [0, 1, 1, 2]


def test_blank_before_marks_a_blank_line_before_the_block_but_never_the_first():
    assert [b.blank_before for b in segment_text(TEXT)] == [False, True, False, True]
    # Leading blank lines do not count: nothing comes before the first block.
    leading = segment_text("\n\n\nfirst\nsecond")
    assert [(b.line, b.paragraph, b.blank_before) for b in leading] == [(4, 0, False), (5, 0, False)]


def test_offsets_point_at_each_line_in_the_text():
    for block in segment_text(TEXT):
        assert TEXT[block.start : block.start + len(block.text)] == block.text
    assert [b.start for b in segment_text(TEXT)] == [0, 12, 27, 45]


def test_whitespace_only_lines_count_as_blank():
    blocks = segment_text("a\n   \t\nb")
    assert [(b.text, b.paragraph, b.blank_before) for b in blocks] == [("a", 0, False), ("b", 1, True)]


def test_empty_text_has_no_blocks():
    assert segment_text("") == []
    assert segment_text("\n\n  \n") == []


def test_new_blocks_are_kept():
    assert all(b.kept for b in segment_text(TEXT))


def test_stage_fills_document_blocks():
    doc = Document("x\ny")
    Segment().process(doc)
    assert [b.text for b in doc.blocks] == ["x", "y"]
