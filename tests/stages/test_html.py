"""The html steps: furniture set aside from the text stages and put back in order; text documents untouched."""

from __future__ import annotations

from cleaner import Cleaner, Config
from cleaner.document import Document

PROSE = "The museum reopened its east wing on Saturday, and visitors queued for an hour to see the restored murals."
MORE = "Curators spent three years cleaning the plaster by hand, working from old photographs of the original colours."


def run(doc: Document) -> Document:
    return Cleaner(Config(language_detector="none")).pipeline().run(doc)


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
