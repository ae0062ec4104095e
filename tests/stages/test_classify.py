"""classify: jusText-style kinds, the main body, and the title grown back onto it. Made-up pages."""

from __future__ import annotations

from cleaner.document import Document, Reason
from cleaner.pipeline import Pipeline
from cleaner.stages.classify import Classify, Kind, Settings, initial_kind, revise_by_context, text_length
from cleaner.stages.segment import Segment

PARAGRAPHS = [
    "The city council approved the new budget on Monday after a debate that went on for most of the "
    "evening, and the mayor said that the money would be spent on the roads and on two new schools in the "
    "north of the town.",
    "Opposition members argued that the plan would raise property taxes for most of the families in the "
    "town, and they said that they would try to change it before the final vote in the spring, which is "
    "not far off now.",
    "A final vote on the details of the spending is expected before the end of March, when the council "
    "meets again, and the mayor has said that she is sure that it will pass without any trouble.",
]
MENU = ["* Home", "* Politik", "* Wirtschaft", "* Sport", "* Kultur"]
FOOTER = ["Impressum", "Datenschutz", "Kontakt", "AGB"]


def clean(text: str) -> Document:
    doc = Document(text, "doc")
    Pipeline([Segment(), Classify()]).run(doc)
    return doc


def kept(doc: Document) -> list[str]:
    return [b.text for b in doc.kept_blocks()]


def page(*parts: list[str] | str) -> str:
    lines: list[str] = []
    for part in parts:
        lines += part if isinstance(part, list) else [part]
    return "\n\n".join(lines)


def test_menus_and_footer_around_the_article_go_and_the_article_stays():
    doc = clean(page(MENU, "Council approves the new budget", PARAGRAPHS, FOOTER))
    assert kept(doc) == ["Council approves the new budget", *PARAGRAPHS]
    assert {b.dropped.rule for b in doc.dropped_blocks()} == {"outside_main_body"}


def test_a_short_list_inside_the_article_stays():
    items = ["* the roads in the north of the town", "* two new schools for the children", "* a new library"]
    doc = clean(page(MENU, PARAGRAPHS[0], items, PARAGRAPHS[1], PARAGRAPHS[2], FOOTER))
    assert kept(doc) == [PARAGRAPHS[0], *items, PARAGRAPHS[1], PARAGRAPHS[2]]


def test_a_lede_dense_in_names_and_the_title_above_it_are_grown_onto_the_body():
    lede = "Mayor Anna Schmidt of Lindenberg, Bavaria, presented Lindenberg's 2025 budget on Monday."
    doc = clean(page(MENU, "Lindenberg passes its budget", lede, PARAGRAPHS))
    assert kept(doc) == ["Lindenberg passes its budget", lede, *PARAGRAPHS]


def test_leaked_script_is_dropped_even_inside_the_article():
    script = 'function(e){if(4===this.readyState){_=n(e)-d;var r=0===this.status&&!1!==f.onLine}}'
    doc = clean(page(PARAGRAPHS[0], script, PARAGRAPHS[1], PARAGRAPHS[2]))
    assert script not in kept(doc) and kept(doc) == PARAGRAPHS


def test_a_page_without_any_paragraph_keeps_its_sentences():
    doc = clean("The council met on Monday.\n\n* Home\n\nIt approved the budget.")
    assert "The council met on Monday." in kept(doc) and "It approved the budget." in kept(doc)


def test_a_second_run_of_text_nearly_as_rich_is_kept_too():
    gallery = [f"Bild {n} von 9" for n in range(1, 10)]
    doc = clean(page(MENU, PARAGRAPHS[0], PARAGRAPHS[1], gallery, PARAGRAPHS[2], FOOTER))
    assert PARAGRAPHS[2] in kept(doc)


def test_cleaning_the_kept_lines_again_changes_nothing():
    doc = clean(page(MENU, "Council approves the new budget", PARAGRAPHS, FOOTER, MENU))
    again = clean(doc.cleaned_text())
    assert again.cleaned_text() == doc.cleaned_text()


def test_initial_kinds_follow_length_and_stopwords():
    settings = Settings()
    assert initial_kind(Segment_one(PARAGRAPHS[0]), settings) == Kind.GOOD
    assert initial_kind(Segment_one("Impressum"), settings) == Kind.SHORT
    nav = "Politik Wirtschaft Sport Kultur Reisen Auto Digital Wissen Gesundheit Karriere Immobilien"
    assert initial_kind(Segment_one(nav), settings) == Kind.BAD


def test_context_turns_short_lines_between_good_ones_good_and_among_bad_ones_bad():
    g, s, b = Kind.GOOD, Kind.SHORT, Kind.BAD
    assert revise_by_context([g, s, g]) == [g, g, g]
    assert revise_by_context([b, s, b]) == [b, b, b]


def test_cjk_characters_weigh_as_words():
    assert text_length("中文") == 6 and text_length("ab") == 2


def Segment_one(text: str):  # noqa: N802 - reads as a constructor of one block
    doc = Document(text)
    Segment().process(doc)
    return doc.blocks[0]


def test_a_lede_cut_off_by_a_dateline_and_byline_stays():
    lede = "The council of the small town met on Monday and approved the budget for the next year."
    doc = clean(page(MENU, lede, "Berlin, 3. Mai 2024", "By Anna Smith", PARAGRAPHS, FOOTER))
    assert lede in kept(doc)


def test_a_fact_sheet_outside_the_article_stays_but_a_menu_does_not():
    facts = ["Rebsorte: Zinfandel", "Jahrgang: 2016", "Alkohol: 14,5 %", "Trinktemperatur: 16 Grad"]
    doc = clean(page(MENU, PARAGRAPHS, facts, FOOTER))
    assert all(fact in kept(doc) for fact in facts)
    assert not any(item in kept(doc) for item in MENU + FOOTER)


def test_a_lone_box_after_the_article_goes():
    about = ("Our magazine has been writing about the town and the people who live in it for more than "
             "twenty years, and it is read by many of the families in the region every single week.")
    about = "Our magazine has written about this town for twenty years and is read in many homes here."
    doc = clean(page(PARAGRAPHS, MENU, FOOTER, about, FOOTER))
    assert about not in kept(doc) and kept(doc) == PARAGRAPHS


def test_isolated_after_finds_lone_kept_lines_past_the_body():
    from cleaner.stages.classify import isolated_after
    from cleaner.stages.segment import segment_text

    blocks = segment_text("\n".join(["a", "b", "c", "d", "lone", "e", "f"]))
    drop = [False, False, False, True, False, True, True]  # "d", "e", "f" about to go; "c" dropped earlier
    blocks[2].dropped = object()  # type: ignore[assignment]
    assert isolated_after(blocks, drop, start=2) == [4]
    assert isolated_after(blocks, drop, start=5) == []


def test_a_widget_line_a_rule_dropped_ends_the_body():
    from cleaner.document import Reason

    teaser = "Another story tells how the neighbouring town spent all of its own budget on a new bridge over the river last summer."
    doc = Document(page(PARAGRAPHS, "Related articles", teaser), "doc")
    Segment().process(doc)
    doc.blocks[3].drop(Reason("patterns", "related.list-heading", "related"))
    Pipeline([Classify()]).run(doc)
    assert teaser not in kept(doc) and kept(doc) == PARAGRAPHS


def test_a_recipes_ingredient_list_outside_the_article_stays_but_numbered_menu_entries_do_not():
    ingredients = ["Zutaten", "* für 4 Personen", "* 250 g Mehl", "* 2 EL Olivenöl", "* 1 Prise Salz", "* Backpapier",
                   "* Frischhaltefolie", "Zubereitung", "40 Minuten (+ 30 Minuten Wartezeit)"]
    split = ["1/4", "cup butter", "1", "cup brown sugar", "2", "cups flour"]  # number and unit on separate lines
    numbered = ["2 Kommentare", "3 Antworten", "14 Beiträge"]
    doc = clean(page(MENU, ingredients, split, PARAGRAPHS, numbered, FOOTER))
    assert all(line in kept(doc) for line in ingredients[1:] + ["cup butter", "cups flour"])
    assert not any(line in kept(doc) for line in MENU + numbered + FOOTER)


def test_a_short_first_sentence_and_a_line_broken_off_with_a_dash_are_grown_onto_the_body():
    first = "When I woke up, there was nothing."
    broken = ("A white empty space that seemed to stretch on for all of eternity was all that I saw, and there "
              "was nothing else in sight—")
    doc = clean(page(MENU, "Chapter", first, broken, "“Hello.”", PARAGRAPHS, FOOTER))
    assert kept(doc)[:2] == [first, broken]
    assert "* Home" not in kept(doc)


def test_a_short_sentence_with_a_menu_between_it_and_the_body_is_not_grown():
    blurb = "All of our topics in one place."
    doc = clean(page(blurb, MENU, PARAGRAPHS, FOOTER))
    assert blurb not in kept(doc)


def test_a_tutorials_code_sample_after_a_colon_stays_but_leaked_script_does_not():
    intro = "In order to draw the plot, we first need to create a small data frame:"
    code = ['data <- data.frame(x = c(0.5, 0.7, 0.4), group = c("A", "B", "C"))', "print(data)"]
    after = "The data frame consists of two columns, one of values and one of groups, as the output shows."
    script = "function(e){if(4===this.readyState){_=n(e)-d;var r=0}}"
    doc = clean(page(MENU, PARAGRAPHS[0], intro, code, after, PARAGRAPHS[1], script, PARAGRAPHS[2], FOOTER))
    assert kept(doc) == [PARAGRAPHS[0], intro, *code, after, PARAGRAPHS[1], PARAGRAPHS[2]]


def test_a_long_line_without_a_full_stop_after_the_article_is_a_teasers_headline():
    headline = ("There is an entire mod for the game dedicated to making you feel bad about killing anybody at all, "
                "adding over two hundred letters about the inner lives of the people")
    article = PARAGRAPHS + [p.replace("council", "board") for p in PARAGRAPHS]  # long enough to be the only body
    doc = Document(page(MENU, *article, "More about the game", headline, FOOTER), "doc")
    Segment().process(doc)
    for block in doc.blocks:
        if block.text == "More about the game":  # as the related rule drops it
            block.drop(Reason("patterns", "related.more-from", "related"))
    Classify().process(doc)
    assert kept(doc) == article


def test_a_box_of_two_paragraphs_after_the_article_goes_but_three_lines_in_a_row_stay():
    about = ["Our magazine has written about this town for twenty years and is read in many homes here.",
             "It was founded in the middle of a crisis, and it exists to help the people of the town to act."]
    doc = clean(page(PARAGRAPHS, MENU, FOOTER, about, FOOTER))
    assert kept(doc) == PARAGRAPHS
    from cleaner.stages.classify import isolated_after
    from cleaner.stages.segment import segment_text

    blocks = segment_text("\n".join(["A", "B", "x", "y", "z", "C", "D"]))
    drop = [True, True, False, False, False, True, True]
    assert isolated_after(blocks, drop, 0) == []
    assert isolated_after(blocks, [True, True, False, False, True, True, True], 0) == [2, 3]


def test_short_sentences_after_the_body_past_lines_without_letters_are_grown_onto_it():
    ticker = ["7'", "Good chance for the home side, but the keeper saves it!", "3'",
              "Both teams are still feeling each other out.", "0'", "Anna Smith", "She is a reporter."]
    doc = clean(page(MENU, PARAGRAPHS, ticker, FOOTER))
    assert kept(doc) == [*PARAGRAPHS, *ticker[:4]]
