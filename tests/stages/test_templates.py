"""templates: lines that recur across documents, counted once per document."""

from __future__ import annotations

from cleaner.document import Document
from cleaner.stages.segment import Segment
from cleaner.stages.templates import Templates, TemplateTable, template_key

ARTICLE = "The council approved the new budget on Monday after a long debate in the town hall."


def apply(table: TemplateTable | None, text: str) -> Document:
    doc = Document(text, "doc")
    Segment().process(doc)
    Templates(table).process(doc)
    return doc


def test_a_line_in_three_documents_is_template():
    table = TemplateTable.learn([f"Share this\n{n} unique words here" for n in range(3)])
    doc = apply(table, "Share this\nSomething else entirely")
    assert [b.text for b in doc.dropped_blocks()] == ["Share this"]
    assert doc.blocks[0].dropped.category == "template"


def test_repeats_inside_one_document_do_not_count():
    table = TemplateTable.learn(["Share this\nShare this\nShare this\nShare this", "Other page"])
    assert not table.is_template("Share this")


def test_long_lines_are_never_template_even_when_syndicated():
    table = TemplateTable.learn([ARTICLE] * 5)
    assert not table.is_template(ARTICLE)


def test_two_documents_are_not_enough():
    table = TemplateTable.learn(["Home\nA", "Home\nB"])
    assert not table.is_template("Home")


def test_without_a_table_nothing_is_dropped():
    assert apply(None, "Share this").dropped_blocks() == []


def test_keys_ignore_case_and_punctuation():
    assert template_key("Share this:") == template_key("SHARE  this")


def test_a_recurring_subheading_between_paragraphs_stays():
    table = TemplateTable.learn([f"Fazit\nPage {n}" for n in range(4)])
    doc = apply(table, f"{ARTICLE}\nFazit\n{ARTICLE.replace('Monday', 'Tuesday')}\nFazit")
    assert [b.text for b in doc.kept_blocks()].count("Fazit") == 1
    assert doc.blocks[1].kept and not doc.blocks[3].kept


def test_lines_without_a_letter_are_never_template():
    # A live ticker's minutes, scores and page numbers recur across pages by chance.
    table = TemplateTable.learn([f"19'\n2:1\nShare this\nStory number {n}" for n in range(3)])
    doc = apply(table, "19'\n2:1\nShare this\n" + ARTICLE)
    assert [b.text for b in doc.dropped_blocks()] == ["Share this"]


def test_a_page_looked_up_at_once_finds_what_its_lines_counted_one_by_one_would():
    import random

    from cleaner.stages.templates import MIN_DOCUMENTS, template_hash

    rng = random.Random(5)
    menu = [f"Menu item {n}" for n in range(40)]
    pages = ["\n".join(rng.sample(menu, 8) + [f"{ARTICLE} ({n})"]) for n in range(60)]
    table = TemplateTable.learn(pages)
    counts = table.document_counts
    lines = [*menu, "menu   ITEM 3!", ARTICLE, "", "Never seen", *pages[0].split("\n")]
    expected = [0 < len(line.split()) <= 12 and counts.get(template_hash(line), 0) >= MIN_DOCUMENTS for line in lines]
    assert table.templates_among(lines).tolist() == expected == [table.is_template(line) for line in lines]
    assert sum(expected) > 40  # the menu's lines (and the one spelt otherwise) are templates; the article is not
