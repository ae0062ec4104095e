"""The decide stage: the shipped line model over a page's verdicts."""

import pickle

from cleaner.api import Cleaner
from cleaner.config import Config
from cleaner.document import Document
from cleaner.line_features import FEATURES
from cleaner.stages.decide import HTML_MODEL, LINE_MODEL, packaged_model

PARAGRAPHS = [
    "The council approved the new budget on Monday after a debate that lasted for most of the day, and the mayor "
    "said the money would go to schools and roads.",
    "Opposition members argued that the plan left too little for public transport, which has lost riders since the "
    "fares rose last spring, and asked for a second reading.",
    "The finance committee will now draw up the spending lines for each department, a task its chair expects to "
    "finish before the summer recess begins in July.",
    "Residents can read the full budget at the town hall and on the council's website, where a summary in plain "
    "language will be published next week.",
]
PAGE = (
    "<html><head><title>Council approves budget</title></head><body>"
    "<nav><ul><li><a href='/'>Home</a></li><li><a href='/news'>News</a></li><li><a href='/sport'>Sport</a></li></ul></nav>"
    "<article><h1>Council approves budget</h1>"
    + "".join(f"<p>{paragraph}</p>" for paragraph in PARAGRAPHS)
    + "</article><footer><p>© 2026 The Daily Example. All rights reserved.</p><p><a href='/privacy'>Privacy</a></p></footer>"
    "</body></html>"
)


def cleaned(page: str, **config) -> str:
    return Cleaner(Config(language_detector="none", **config)).clean_many([Document(page, "p", format="html")]).__next__().text


def test_the_shipped_model_reads_the_features_this_version_computes():
    forest = packaged_model(HTML_MODEL)
    assert forest.features == FEATURES
    assert len(forest.roots) > 0


def test_a_page_keeps_its_headline_and_article_and_loses_menu_and_footer():
    text = cleaned(PAGE)
    assert "Council approves budget" in text
    assert all(paragraph in text for paragraph in PARAGRAPHS)
    for chrome in ("Home", "Sport", "All rights reserved", "Privacy"):
        assert chrome not in text


def test_without_the_stage_the_other_stages_verdicts_stand():
    stages = tuple(s for s in Config().stages if s != "decide")
    with_model = Cleaner(Config(language_detector="none")).pipeline().run(Document(PAGE, "p", format="html"))
    without = Cleaner(Config(language_detector="none", stages=stages)).pipeline().run(Document(PAGE, "p", format="html"))
    assert not any(b.dropped == LINE_MODEL for b in without.blocks)
    assert [b.text for b in with_model.blocks] == [b.text for b in without.blocks]


def test_text_dumps_keep_the_stages_verdicts():
    text = "Home\nNews\n\n" + "\n\n".join(PARAGRAPHS) + "\n\nShare on Facebook\n"
    stages = tuple(s for s in Config().stages if s != "decide")
    assert Cleaner(Config(language_detector="none")).clean(text).text == \
        Cleaner(Config(language_detector="none", stages=stages)).clean(text).text


def test_the_model_travels_to_worker_processes_unchanged():
    forest = packaged_model(HTML_MODEL)
    copy = pickle.loads(pickle.dumps(forest))
    assert copy.features == forest.features and (copy.value == forest.value).all()


def test_a_page_the_model_would_empty_keeps_the_stages_verdicts():
    page = f"<nav><a href=/>Home</a></nav><p>{PARAGRAPHS[0]}</p>"
    assert cleaned(page) == cleaned(page, stages=tuple(s for s in Config().stages if s != "decide")) == PARAGRAPHS[0] + "\n"
