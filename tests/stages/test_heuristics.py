"""heuristics: repeated lines, truncated teasers, regions that run until the article resumes,
trailing headlines. Region markers are set by hand here, so these tests do not depend on the rules."""

from __future__ import annotations

from cleaner.document import Document, Reason
from cleaner.stages.heuristics import Heuristics, is_addressed
from cleaner.stages.segment import segment_text

P1 = "The city council approved the new budget on Monday after a long debate."
P2 = "The mayor said the money would pay for road repairs and two new schools."
P3 = "Opposition members argued that the plan raised property taxes too sharply."
P4 = "A final vote on the spending details is expected before the end of March."
APPEAL = "We need your help to keep our reporting free for you and your family."
DONATION = Reason("patterns", "donation.letter-opening", "donation")
NEWSLETTER = Reason("patterns", "newsletter.signup", "newsletter")


def paragraphs(*lines: str) -> str:
    return "\n\n".join(lines)


def process(text: str, markers: dict[str, Reason] | None = None) -> Document:
    """Segment, drop each marker line as a region rule would, then run the heuristics stage."""
    doc = Document(text, "doc", blocks=segment_text(text))
    for index, block in enumerate(doc.blocks):
        if markers and block.text in markers:
            block.drop(markers[block.text])
            doc.region_starts.append((index, markers[block.text]))
    Heuristics().process(doc)
    return doc


def kept(doc: Document) -> list[str]:
    return [b.text for b in doc.kept_blocks()]


def reasons(doc: Document) -> dict[str, str]:
    return {b.text: b.dropped.label for b in doc.dropped_blocks()}


def test_plain_article_is_left_alone():
    text = paragraphs("Council Approves Budget After Long Debate", P1, P2, P3)
    doc = process(text)
    assert kept(doc) == ["Council Approves Budget After Long Debate", P1, P2, P3]


def test_repeated_line_keeps_its_first_copy():
    title = "Council Approves Budget After Long Debate"
    doc = process(paragraphs(title, P1, title, P2))
    assert kept(doc) == [title, P1, P2]
    second = doc.blocks[2]
    assert second.dropped == Reason("heuristics", "repeated_line", "duplicate")
    assert doc.blocks[0].kept


def test_repeats_are_found_regardless_of_case_and_punctuation():
    doc = process(paragraphs("Council approves budget, at last", P1, "COUNCIL APPROVES BUDGET AT LAST!", P2))
    assert reasons(doc) == {"COUNCIL APPROVES BUDGET AT LAST!": "heuristics/repeated_line [duplicate]"}


def test_short_repeated_labels_are_left_to_the_rules():
    doc = process(paragraphs("Share this", P1, "Share this", P2))
    assert kept(doc) == ["Share this", P1, "Share this", P2]


def test_truncated_teaser_under_a_headline_is_dropped():
    teaser = "The housing minister resigned on Friday after weeks of criticism over…"
    doc = process(paragraphs(P1, "Minister Resigns Over Housing Plan\n" + teaser, P2, P3))
    assert reasons(doc) == {teaser: "heuristics/truncated_teaser [related]"}
    # The headline itself heads prose, so it stays (nothing else drops it here).
    assert "Minister Resigns Over Housing Plan" in kept(doc)


def test_an_ellipsis_after_a_sentence_of_prose_is_not_a_teaser():
    # The previous block is kept prose, not a headline: an author's trailing "..." stays.
    trailing = "And then, as everyone expected, the lights went out again..."
    doc = process(paragraphs(P1, P2 + "\n" + trailing, P3))
    assert trailing in kept(doc)


def test_region_runs_over_short_lines_and_reader_addressed_prose_until_two_prose_paragraphs():
    text = paragraphs(P1, "Dear readers,", "Once", "Monthly", APPEAL, P2, P3)
    doc = process(text, {"Dear readers,": DONATION})
    assert kept(doc) == [P1, P2, P3]
    for line in ("Once", "Monthly", APPEAL):
        assert reasons(doc)[line] == "heuristics/donation.letter-opening [donation]"


def test_reader_addressed_prose_is_not_where_the_article_resumes():
    assert is_addressed(APPEAL)
    assert not is_addressed(P2)
    # Two appeal paragraphs in a row do not end the region; the plain prose after them does.
    appeal2 = "Your support, no matter how small, makes a difference to our work and to us."
    doc = process(paragraphs("Dear readers,", APPEAL, appeal2, P1, P2), {"Dear readers,": DONATION})
    assert kept(doc) == [P1, P2]


def test_one_prose_paragraph_is_a_teaser_not_the_article():
    # A related list alternates headlines and one-paragraph teasers: one paragraph does not end it.
    text = paragraphs(P1, "Read more", "Minister Resigns Over Housing Plan",
                      "The housing minister resigned on Friday after weeks of criticism.", "Subscribe")
    doc = process(text, {"Read more": Reason("patterns", "related.list-heading", "related")})
    assert kept(doc) == [P1]


def test_region_stops_at_a_headline_that_heads_two_prose_paragraphs():
    headline = "Budget Vote Splits the Council"
    text = paragraphs(P1, "Dear readers,", "We need your help to keep our reporting free.", headline, P2, P3)
    doc = process(text, {"Dear readers,": DONATION})
    assert kept(doc) == [P1, headline, P2, P3]


def test_region_running_to_the_end_drops_everything_after_its_marker():
    doc = process(paragraphs(P1, P2, "Sign up for our newsletter", "Email address", "Subscribe"),
                  {"Sign up for our newsletter": NEWSLETTER})
    assert kept(doc) == [P1, P2]
    assert reasons(doc)["Email address"] == "heuristics/newsletter.signup [newsletter]"


def test_mid_article_marker_drops_only_itself_when_prose_resumes_right_after():
    promo = "Support The Daily Planet!"
    doc = process(paragraphs(P1, promo, P2, P3), {promo: Reason("patterns", "donation.support-publisher", "donation")})
    assert kept(doc) == [P1, P2, P3]
    assert list(reasons(doc)) == [promo]


def test_trailing_headings_above_removed_chrome_are_dropped():
    text = paragraphs(P1, P2, "Five Things To Know About The Vote", "Another Headline About Local Politics", "Related")
    doc = process(text, {"Related": Reason("patterns", "related.list-heading", "related")})
    assert kept(doc) == [P1, P2]
    assert reasons(doc)["Five Things To Know About The Vote"] == "heuristics/trailing_heading [related]"


def test_a_closing_subheading_with_nothing_after_it_stays():
    doc = process(paragraphs(P1, P2, "Five Things To Know About The Vote"))
    assert kept(doc) == [P1, P2, "Five Things To Know About The Vote"]


def test_a_headline_followed_by_prose_is_not_trailing():
    doc = process(paragraphs("Council Approves Budget After Long Debate", P1, "What Happens Next", P2))
    assert kept(doc) == ["Council Approves Budget After Long Debate", P1, "What Happens Next", P2]


def test_short_labels_at_the_end_are_not_headlines():
    # One- and two-word lines are labels ("Video", a name), left to the rules.
    doc = process(paragraphs(P1, P2, "Anna Smith"))
    assert kept(doc) == [P1, P2, "Anna Smith"]


def test_a_later_marker_takes_over_the_region():
    related = Reason("patterns", "related.list-heading", "related")
    text = paragraphs(P1, "Dear readers,", "Once", "Read more", "Storm Closes Schools", P2, P3)
    doc = process(text, {"Dear readers,": DONATION, "Read more": related})
    assert reasons(doc)["Once"] == "heuristics/donation.letter-opening [donation]"
    assert reasons(doc)["Read more"] == "patterns/related.list-heading [related]"
    # "Storm Closes Schools" heads two prose paragraphs: the article resumes there.
    assert kept(doc) == [P1, "Storm Closes Schools", P2, P3]
    text = paragraphs(P1, "Dear readers,", "Once", "Read more", "Monthly", "Subscribe")
    doc = process(text, {"Dear readers,": DONATION, "Read more": related})
    assert reasons(doc)["Monthly"] == "heuristics/related.list-heading [related]"
    assert kept(doc) == [P1]


LONG = ("The council approved the new budget on Monday after a long debate that went on for most of the "
        "evening, and the mayor said that the money would be spent on roads, on two new schools and on a "
        "library for the north of the town, which has waited for one for many years now.")


def test_an_author_bio_under_a_name_after_the_article_goes():
    bio = "is a reporter for the Daily Example, covering city hall and the courts since 2015."
    doc = process("\n".join([LONG, "Anna Smith", bio]))
    assert reasons(doc) == {bio: "heuristics/author_bio [byline]"}
    assert "Anna Smith" in kept(doc)


def test_a_job_word_inside_the_article_is_not_a_bio():
    line = "Anna Smith"
    quote = "The reporter asked the mayor whether the schools would open before the winter came."
    doc = process("\n".join([line, quote, LONG]))
    assert quote in kept(doc)


def test_a_comment_section_after_the_article_goes_to_the_end():
    doc = process("\n".join([LONG, "3 Kommentare", "Peter sagt:", "Great article, thanks!", "Reply"]))
    assert kept(doc) == [LONG]
    assert set(reasons(doc).values()) == {"heuristics/comment_section [comments]"}


def test_a_comments_heading_without_comment_metadata_stays():
    doc = process("\n".join([LONG, "Comments", "Nothing here yet."]))
    assert "Comments" in kept(doc)


def test_a_teaser_stamped_with_its_date_goes_with_its_headline():
    doc = process("\n".join([LONG, "Budget talks resume next week", "The council will meet again to vote 12.03.2021"]))
    assert kept(doc) == [LONG]
    assert set(reasons(doc).values()) == {"heuristics/dated_teaser [related]"}


def test_a_time_inside_the_article_is_not_a_dated_teaser():
    line = "Kickoff in Munich is scheduled for Saturday evening at 18:30"
    doc = process("\n".join(["Derby Preview For The Weekend", line, LONG]))
    assert line in kept(doc) and "Derby Preview For The Weekend" in kept(doc)


RELATED = Reason("patterns", "related.list-heading", "related")


def test_the_headline_under_a_read_also_title_inside_the_article_is_its_teaser():
    teaser = "Council Votes Down Plan For A New Bridge"
    doc = process(paragraphs(P1, P2, "Read also", teaser, P3, P4), {"Read also": RELATED})
    assert kept(doc) == [P1, P2, P3, P4]


def test_the_headline_under_a_widget_title_above_the_article_is_the_articles_own():
    title = "Council Approves Budget After Long Debate"
    doc = process(paragraphs("Read also", title, P1, P2), {"Read also": RELATED})
    assert kept(doc) == [title, P1, P2]


MORE_LINK = Reason("patterns", "related.more-link", "related")


def process_with_links(text: str, links: tuple[str, ...]) -> Document:
    """Segment, drop each line in `links` as the "Read more" rule would (a line, not a region), run the stage."""
    doc = Document(text, "doc", blocks=segment_text(text))
    for block in doc.blocks:
        if block.text in links:
            block.drop(MORE_LINK)
    Heuristics().process(doc)
    return doc


def test_a_card_closed_by_a_read_more_link_goes_with_its_headline():
    title, teaser = "Council Votes Down Plan For A New Bridge", "The bridge would have cost more than the town can pay."
    doc = process_with_links(paragraphs(P1, P2, P3, title, teaser, "Read more"), ("Read more",))
    assert kept(doc) == [P1, P2, P3]
    assert reasons(doc)[teaser] == "heuristics/teaser_before_more_link [related]"


def test_a_read_more_link_under_a_long_paragraph_continues_the_article():
    # A paywall or an expander: the paragraph above the link's paragraph is longer than any headline.
    doc = process_with_links(paragraphs(LONG, P1, "Read more"), ("Read more",))
    assert kept(doc) == [LONG, P1]


def test_a_read_more_label_with_a_colon_introduces_links_and_spares_the_paragraph():
    doc = process_with_links(paragraphs(P1, P2, "Read more:", "* Budget"), ("Read more:",))
    assert kept(doc) == [P1, P2, "* Budget"]


def test_a_long_paragraph_right_after_a_related_list_is_the_articles_and_the_region_goes_on():
    items = ["* Council Votes Down Plan For A New Bridge", "* Mayor Opens The New School"]
    text = paragraphs(P1, P2, "Related", *items, LONG, "Further reading", "* Five Things To Know About Taxes")
    doc = process(text, {"Related": RELATED})
    assert kept(doc) == [P1, P2, LONG]


def test_a_long_paragraph_after_other_chrome_in_a_related_region_is_not_spared():
    text = paragraphs(P1, P2, "Related", "* Council Votes Down Plan For A New Bridge", "Email address", LONG, "Archive")
    doc = Document(text, "doc", blocks=segment_text(text))
    for index, block in enumerate(doc.blocks):
        if block.text == "Related":
            block.drop(RELATED)
            doc.region_starts.append((index, RELATED))
        if block.text == "Email address":
            block.drop(Reason("patterns", "comments.form-label", "comments"))
    Heuristics().process(doc)
    assert kept(doc) == [P1, P2]


def test_a_line_that_trails_off_more_than_once_is_no_cut_off_teaser():
    line = "He ignored my question and talked about… my death? I don’t remember dying…"
    doc = process(paragraphs(P1, "He just ignored me!\n" + line, P2))
    assert line in kept(doc)


def test_a_contents_entry_goes_and_the_heading_it_names_stays():
    text = paragraphs("* Five Things To Know", "* What Comes Next", P1, "Five Things To Know", P2, "What Comes Next", P3)
    doc = process(text)
    assert kept(doc) == [P1, "Five Things To Know", P2, "What Comes Next", P3]
    assert reasons(doc)["* Five Things To Know"] == "heuristics/contents_entry [navigation]"


def test_a_heading_named_in_the_contents_ends_a_region():
    # One paragraph under each subheading would not end the region; the contents say they are the article's.
    text = paragraphs("* What Comes Next", P1, "Related", "* Mayor Opens The New School", "What Comes Next", P2,
                      "Five Things To Know", P3)
    doc = process(text, {"Related": RELATED})
    assert kept(doc) == [P1, "What Comes Next", P2, "Five Things To Know", P3]


def test_a_repeat_of_a_plain_line_still_keeps_the_first_copy():
    doc = process(paragraphs("Five Things To Know", P1, "* Five Things To Know"))
    assert kept(doc) == ["Five Things To Know", P1]


def test_a_cards_title_ending_in_a_quotation_goes_with_its_teaser():
    title = 'Choir Sings With Two Rock Stars At The Festival: "People Have the Power"'
    teaser = "The choir is still doing its thing, and now two famous musicians have joined it on stage."
    doc = process_with_links(paragraphs(P1, P2, P3, title, teaser, "Read the rest"), ("Read the rest",))
    assert kept(doc) == [P1, P2, P3]


def test_a_news_feed_of_dated_entries_after_the_article_goes_but_a_recipes_quantities_stay():
    feed = ["10/11 Council plans a new bridge over the river (Press release)",
            "9/11 Mayor opens the new school in the north of town (City news)",
            "3/11 More than two hundred groups say no to the new plan (Statement)"]
    doc = process("\n".join([LONG, *feed]))
    assert kept(doc) == [LONG]
    assert reasons(doc)[feed[0]] == "heuristics/dated_feed [related]"
    quantities = ["3/4 cup flour, sifted twice before use", "1/4 cup sugar, or honey if you like",
                  "1/2 cup butter, soft at room temperature"]
    assert kept(process("\n".join([LONG, *quantities]))) == [LONG, *quantities]


def test_two_dated_lines_are_no_feed():
    lines = ["10/11 Council plans a new bridge over the river (Press release)",
             "9/11 Mayor opens the new school in the north of town (City news)"]
    assert kept(process("\n".join([LONG, *lines]))) == [LONG, *lines]
