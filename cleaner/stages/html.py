"""html: read a page into lines before the text stages, and drop what its markup shows to be furniture.

Two steps around `normalize` and `segment`: `ReadHtml` turns the page into
the text dump the other stages know (one line per paragraph, heading, list
item or table cell) and keeps each line's markup hints; `MarkupEvidence`
hands the hints to the blocks and drops those inside navigation, footers,
asides, forms, and boxes whose class or id names newsletters, comments,
related articles and the like. Both leave text documents alone, so one
pipeline (and one dedup table) serves a corpus of both.
"""

from __future__ import annotations

from ..document import Document, Reason
from ..html import read_page

STAGE = "html"
METADATA_FIELDS = ("title", "date", "author", "url", "lang")  # the head's fields as records carry them


class ReadHtml:
    """Replace an HTML document's text by its lines; keep their hints and the head's metadata.

    >>> doc = Document("<title>T</title><p>One.</p><ul><li>Two</ul>", format="html")
    >>> ReadHtml().process(doc)
    >>> doc.text, doc.format, doc.metadata, [h and h.tag for h in doc.line_hints]
    ('One.\\n\\n* Two', 'text', {'title': 'T'}, ['p', None, 'li'])
    """

    name = "html"

    def process(self, doc: Document) -> None:
        if doc.format != "html":
            return
        page = read_page(doc.text)
        hints: list = []
        lines: list[str] = []
        for line in page.lines:
            if line.blank_before and lines:
                lines.append("")
                hints.append(None)
            lines.append(line.text)
            hints.append(line.hints)
        doc.text = "\n".join(lines)
        doc.line_hints = hints
        doc.format = "text"  # read: from here on it is a text dump like any other
        for key, value in page.metadata.items():
            doc.metadata.setdefault("lang" if key == "language" else key, value)


class MarkupEvidence:
    """Give each block its line's hints; drop the blocks that markup shows to be page furniture.

    >>> from .segment import Segment
    >>> doc = Document("<nav><a href=/>Home</a></nav><p>The story.</p>", format="html")
    >>> for stage in (ReadHtml(), Segment(), MarkupEvidence()):
    ...     stage.process(doc)
    >>> [(b.text, b.dropped and b.dropped.label) for b in doc.blocks]
    [('Home', 'html/html.nav [navigation]'), ('The story.', None)]
    """

    name = "html-markup"

    def process(self, doc: Document) -> None:
        hints = doc.line_hints
        if not hints:
            return
        for block in doc.blocks:
            index = block.line - 1
            if index >= len(hints) or hints[index] is None:
                continue
            block.hints = hint = hints[index]
            mark = hint.mark
            if mark is not None:
                block.drop(Reason(STAGE, mark.rule, mark.category))


def with_html(stages: list) -> list:
    """The stages with the html steps in place: reading first, markup evidence right after `segment`.

    >>> from .segment import Segment
    >>> [s.name for s in with_html([Segment()])]
    ['html', 'segment', 'html-markup']
    """
    result: list = [ReadHtml()]
    for stage in stages:
        result.append(stage)
        if stage.name == "segment":
            result.append(MarkupEvidence())
    return result
