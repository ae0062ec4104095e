"""The data model: reasons, blocks marked (never deleted), and how kept blocks become text."""

from __future__ import annotations

from cleaner.document import Block, Document, Reason
from cleaner.stages.segment import segment_text

NAV = Reason("patterns", "navigation.button", "navigation")


def doc_of(text: str) -> Document:
    return Document(text, "d", blocks=segment_text(text))


def test_reason_label_names_stage_rule_and_category():
    assert Reason("heuristics", "repeated_line", "duplicate").label == "heuristics/repeated_line [duplicate]"


def test_block_drop_keeps_the_first_reason():
    block = Block("Show more", 1, 0, 0, False)
    assert block.kept
    assert block.drop(NAV) is True
    later = Reason("heuristics", "trailing_heading", "related")
    assert block.drop(later) is False
    assert block.dropped == NAV
    assert not block.kept


def test_kept_and_dropped_blocks_partition_the_document():
    doc = doc_of("one\ntwo\n\nthree")
    doc.blocks[1].drop(NAV)
    assert [b.text for b in doc.kept_blocks()] == ["one", "three"]
    assert [b.text for b in doc.dropped_blocks()] == ["two"]
    # Dropping marks; it never removes.
    assert len(doc.blocks) == 3


def test_cleaned_text_joins_kept_blocks_with_single_newlines_inside_a_paragraph():
    assert doc_of("a\nb\nc").cleaned_text() == "a\nb\nc\n"


def test_cleaned_text_keeps_one_blank_line_between_paragraphs():
    # Several blank lines in the input collapse to one.
    assert doc_of("a\n\n\n\nb").cleaned_text() == "a\n\nb\n"


def test_cleaned_text_keeps_a_blank_line_that_sat_next_to_a_dropped_block():
    doc = doc_of("a\n\nmenu\nb")
    doc.blocks[1].drop(NAV)  # the blank line was between a and the dropped "menu"
    assert doc.cleaned_text() == "a\n\nb\n"


def test_cleaned_text_has_no_blank_line_when_the_gap_had_none():
    doc = doc_of("a\nmenu\nb")
    doc.blocks[1].drop(NAV)
    assert doc.cleaned_text() == "a\nb\n"


def test_cleaned_text_never_starts_with_a_blank_line():
    doc = doc_of("menu\n\na")
    doc.blocks[0].drop(NAV)
    assert doc.cleaned_text() == "a\n"


def test_cleaned_text_of_nothing_kept_is_empty():
    doc = doc_of("menu\nmore")
    for block in doc.blocks:
        block.drop(NAV)
    assert doc.cleaned_text() == ""
    assert Document("").cleaned_text() == ""


def test_cleaned_text_resegments_to_the_same_blocks():
    doc = doc_of("a\n\nmenu\nb\nc\n\n\nd")
    doc.blocks[1].drop(NAV)
    again = segment_text(doc.cleaned_text())
    kept = doc.kept_blocks()
    assert [b.text for b in again] == [b.text for b in kept]
    # The first block never has blank_before; the rest keep their blank-line flag.
    assert [b.blank_before for b in again] == [False, True, False, True]


def test_kept_follows_dropped_however_it_is_set() -> None:
    import pickle

    block = Block("Share", 1, 0, 0, False)
    assert block.kept
    block.dropped = Reason("dedup", "exact", "duplicate")
    assert not block.kept
    block.dropped = None
    assert block.kept and block.drop(Reason("patterns", "r", "c")) and not block.kept
    copy = pickle.loads(pickle.dumps(block))
    assert copy == block and not copy.kept and copy.dropped == Reason("patterns", "r", "c")
    assert Block("a", 1, 0, 0, False, Reason("s", "r", "c")).kept is False


def test_a_folded_document_writes_and_counts_as_the_whole_one():
    from cleaner.engines.records import cleaner_field
    from cleaner.pipeline import Stats

    text = "Menu\n\nFirst kept line\nShare\n\nAds\nSecond kept line\n\nFooter"
    whole, folded = doc_of(text), doc_of(text)
    for doc in (whole, folded):
        for number in (0, 2, 3, 5):  # Menu, Share, Ads, Footer
            doc.blocks[number].drop(NAV if number != 2 else Reason("patterns", "social.share", "social"))
    folded.fold_dropped()
    assert [b.text for b in folded.blocks] == ["First kept line", "Second kept line"]
    assert folded.cleaned_text() == whole.cleaned_text() == "First kept line\n\nSecond kept line\n"
    view, _ = folded.kept_view()
    assert [(b.paragraph, b.blank_before) for b in view.blocks] == [(b.paragraph, b.blank_before) for b in whole.kept_view()[0].blocks]
    assert folded.drop_reasons() == whole.drop_reasons() and folded.line_count == whole.line_count == 6
    stats = [Stats(), Stats()]
    stats[0].add_document(whole, 10, 5)
    stats[1].add_document(folded, 10, 5)
    assert stats[0] == stats[1]
    assert cleaner_field(folded) == cleaner_field(whole)
