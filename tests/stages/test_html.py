"""The html steps: furniture set aside from the text stages and put back in order; text documents untouched."""

from __future__ import annotations

from cleaner import Cleaner, Config
from cleaner.document import Document

PROSE = "The museum reopened its east wing on Saturday, and visitors queued for an hour to see the restored murals."
MORE = "Curators spent three years cleaning the plaster by hand, working from old photographs of the original colours."


def run(doc: Document) -> Document:
    """The html steps around the text stages, without the line model that weighs them (`test_decide.py`)."""
    stages = tuple(s for s in Config().stages if s != "decide")
    return Cleaner(Config(language_detector="none", stages=stages)).pipeline().run(doc)


def test_every_line_of_the_page_comes_back_in_order_kept_or_dropped():
    html = f"<nav><a href=/>Home</a></nav><p>{PROSE}</p><aside><p>Most read today</p></aside><p>{MORE}</p>"
    doc = run(Document(html, "p", format="html"))
    assert [b.line for b in doc.blocks] == sorted(b.line for b in doc.blocks)
    assert [b.text for b in doc.blocks if not b.kept and b.dropped.stage == "html"] == ["Home", "Most read today"]
    assert doc.cleaned_text() == f"{PROSE}\n\n{MORE}\n"


def test_text_documents_are_left_to_the_text_stages():
    text = "<nav>Home</nav>\n" + PROSE
    doc = run(Document(text, "t"))
    assert doc.line_hints == [] and all(b.hints is None for b in doc.blocks)
    assert not any(b.dropped and b.dropped.stage == "html" for b in doc.blocks)


THIRD = "The east wing had been closed since a storm damaged its roof, and the repairs were paid for by a local appeal."


def test_a_line_of_links_goes_but_a_list_of_links_inside_the_article_stays():
    html = (f"<article><p>{PROSE}</p><p>{MORE}</p><p>Sources:</p><ul><li><a href=/a>The museum's annual report</a></li>"
            f"<li><a href=/b>The restorers' notes</a></li></ul><p>{THIRD}</p></article>"
            "<div><p><a href=/next>Next week: the west wing reopens as well</a></p></div>")
    doc = run(Document(html, "p", format="html"))
    reasons = {b.text: b.dropped.rule for b in doc.blocks if b.dropped is not None}
    assert reasons == {"Next week: the west wing reopens as well": "html.link-line"}
    assert "* The restorers' notes" in doc.cleaned_text()


def test_what_follows_furniture_after_the_article_is_the_pages():
    html = (f"<main><article><p>{PROSE}</p><p>{MORE}</p><p>{THIRD}</p></article>"
            "<p>Opening hours:</p><ul><li>Tuesday to Sunday, 10 to 6</li></ul>"
            "<div class=share>Share this</div><p>The Town Courier has covered culture in the valley since 1911.</p>"
            "<ul><li>Delivered every Friday</li></ul></main>")
    doc = run(Document(html, "p", format="html"))
    text = doc.cleaned_text()
    assert "Opening hours:" in text and "Tuesday to Sunday" in text  # the article's tail, before any furniture
    assert "covered culture" not in text and "Delivered every Friday" in text  # past furniture: list items stay
    assert [b.dropped.rule for b in doc.blocks if "covered culture" in b.text] == ["html.past-content"]
