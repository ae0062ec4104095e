"""dedup: a block repeated anywhere in the corpus keeps its first copy; short lines are not deduped."""

from __future__ import annotations

from cleaner.dedup_batch import block_key
from cleaner.document import Document, Reason
from cleaner.stages.dedup import ExactDedup
from cleaner.stages.segment import segment_text

SHARED = "Tim Smith is a reporter who covers city politics and the regional economy."


def doc(doc_id: str, text: str) -> Document:
    return Document(text, doc_id, blocks=segment_text(text))


def test_exact_duplicate_across_documents_keeps_the_first_and_points_at_it():
    stage = ExactDedup()
    first = doc("a.txt", "Intro line of the first article text here.\n\n" + SHARED)
    second = doc("b.txt", SHARED + "\nSomething else entirely that is not a duplicate at all.")
    stage.process(first)
    stage.process(second)
    assert all(b.kept for b in first.blocks)
    copy = second.blocks[0]
    assert copy.dropped == Reason("dedup", "exact_duplicate", "duplicate", detail="a.txt:3")
    assert second.blocks[1].kept


def test_duplicates_ignore_case_punctuation_and_spacing():
    assert block_key("Hello,  World!") == block_key("hello world")
    stage = ExactDedup()
    stage.process(doc("a", SHARED))
    second = doc("b", SHARED.upper().replace(" ", "  ").rstrip("."))
    stage.process(second)
    assert second.blocks[0].dropped is not None


def test_short_lines_are_not_deduped():
    stage = ExactDedup()  # default: fewer than 6 words is short
    stage.process(doc("a", "Read the full story here"))
    second = doc("b", "Read the full story here")
    stage.process(second)
    assert second.blocks[0].kept


def test_min_words_is_configurable():
    stage = ExactDedup(min_words=2)
    stage.process(doc("a", "Read more"))
    second = doc("b", "Read more")
    stage.process(second)
    assert second.blocks[0].dropped.detail == "a:1"


def test_dropped_blocks_do_not_count_as_first_copies():
    stage = ExactDedup()
    first = doc("a", SHARED)
    first.blocks[0].drop(Reason("patterns", "byline.bio", "byline"))
    stage.process(first)
    second = doc("b", SHARED)
    stage.process(second)
    assert second.blocks[0].kept


def test_a_repeat_within_one_document_is_found_too():
    stage = ExactDedup()
    d = doc("a", SHARED + "\n\n" + SHARED)
    stage.process(d)
    assert d.blocks[0].kept
    assert d.blocks[1].dropped.detail == "a:1"


def test_each_stage_instance_has_its_own_table():
    ExactDedup().process(doc("a", SHARED))
    fresh = doc("b", SHARED)
    ExactDedup().process(fresh)
    assert fresh.blocks[0].kept
