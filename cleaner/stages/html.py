"""html: read a page into lines before the text stages, and drop what its markup shows to be furniture.

Three steps around the text stages: `ReadHtml` turns the page into the text
dump they know (one line per paragraph, heading, list item or table cell) and
keeps each line's markup hints; `MarkupEvidence`, right after `segment`, hands
the hints to the blocks, drops those inside navigation, footers, asides,
forms and boxes whose class or id names newsletters, comments, related
articles and the like, and sets them aside, so that the text stages judge
the page as a dump of its remaining lines; `ContentEvidence`, last, keeps
the lines of the page's content box that the classifier took for being
outside the main body, drops what the text stages kept but the line's own
markup shows to be the page's rather than the article's (a line of links, the
tail past the article), and puts the set-aside blocks back for the report.
All three leave text documents alone, so one pipeline (and one dedup table)
serves a corpus of both.
"""

from __future__ import annotations

from ..document import Block, Document, Reason
from ..html import Hints, read_page
from ..html.limits import check_lines
from .base import DocumentStage

STAGE = "html"
METADATA_FIELDS = ("title", "date", "author", "url", "lang")  # the head's fields, as documents' metadata carries them
# The classifier's verdicts that the content box overrules: on their own, short lines of the
# article (a recipe's quantities, a caption, a sign-off) look like page furniture to it.
OVERRULED = frozenset({"outside_main_body", "boilerplate_block"})
# A line with this share of its characters in links is a menu entry, a teaser or a button, not the article's text
# (0.7 to 0.9 score alike on the dev pages); a list item inside the content box is the exception.
LINK_LINE = 0.8


def page_reason(hints: Hints) -> Reason | None:
    """Why a line the text stages kept belongs to the page and not the article, if its markup says so.

    - `html.link-line`: it is (nearly) all link text: a menu entry, a teaser headline, a "read more" button.
      A list item inside the content box stays (a table of contents, the sources, further reading), and so
      does an <h1>: the page's title, which many blogs link to the article's own address.
    - `html.past-content`: it comes after the content box, past furniture that follows the box (see
      `lines.mark_past_content`); list items stay here too, since short items never count as prose,
      so an article's closing list (steps, tips, nutrition facts) can fall outside the box.

    >>> page_reason(Hints("p", "div>p", 1.0)).rule, page_reason(Hints("li", "ul>li", 1.0, in_content=True, in_list=True))
    ('html.link-line', None)
    >>> page_reason(Hints("p", "div>p", 0.0, past_content=True)).rule
    'html.past-content'
    """
    if hints.link_density >= LINK_LINE and hints.tag != "h1" and not (hints.in_list and hints.in_content):
        return Reason(STAGE, "html.link-line", "navigation")
    if hints.past_content and not hints.in_list:
        return Reason(STAGE, "html.past-content", "boilerplate")
    return None


class ReadHtml(DocumentStage):
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
        check_lines(len(page.lines))  # MarkupLimit past them: the stages after this one take seconds per 10,000 lines
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


class MarkupEvidence(DocumentStage):
    """Give each block its line's hints; drop and set aside the blocks that markup shows to be furniture.

    >>> from .segment import Segment
    >>> doc = Document("<nav><a href=/>Home</a></nav><p>The story.</p>", format="html")
    >>> for stage in (ReadHtml(), Segment(), MarkupEvidence()):
    ...     stage.process(doc)
    >>> [b.text for b in doc.blocks], [(b.text, b.dropped.label) for b in doc.set_aside]
    (['The story.'], [('Home', 'html/html.nav [navigation]')])
    """

    name = "html-markup"

    def process(self, doc: Document) -> None:
        hints = doc.line_hints
        if not hints:
            return
        kept: list[Block] = []
        for block in doc.blocks:
            index = block.line - 1
            hint = hints[index] if index < len(hints) else None
            block.hints = hint
            mark = hint.mark if hint is not None else None
            if mark is not None and block.drop(Reason(STAGE, mark.rule, mark.category)):
                doc.set_aside.append(block)
            else:
                kept.append(block)
        if doc.set_aside:
            # The rest, with paragraphs and blank lines as if the furniture had never been there.
            view, _ = Document("", blocks=kept).kept_view()
            for block, seen in zip(kept, view.blocks, strict=True):
                block.paragraph, block.blank_before = seen.paragraph, seen.blank_before
            doc.blocks = kept


class ContentEvidence(DocumentStage):
    """Keep the content box's lines that the classifier dropped, drop the kept lines that markup shows to be
    the page's (`page_reason`); put the set-aside blocks back in order.

    >>> from ..html import Hints
    >>> inside = Block("390 kcal", 1, 0, 0, False, Reason("classify", "outside_main_body", "boilerplate"),
    ...     Hints("li", "ul>li", 0.0, (), True))
    >>> home = Block("Home", 2, 9, 0, False, Reason("html", "html.nav", "navigation"))
    >>> doc = Document("", blocks=[inside], line_hints=[inside.hints, None], set_aside=[home])
    >>> ContentEvidence().process(doc)
    >>> [(b.text, b.kept) for b in doc.blocks]
    [('390 kcal', True), ('Home', False)]
    """

    name = "html-content"
    runs_last = True  # after settling, which would otherwise judge the rescued lines again

    def process(self, doc: Document) -> None:
        if not doc.line_hints:
            return
        for block in doc.blocks:
            hints = block.hints
            if hints is None:
                continue
            reason = block.dropped
            if reason is not None and reason.rule in OVERRULED and hints.in_content:
                block.dropped = None
            if block.dropped is None:
                block.dropped = page_reason(hints)
        if doc.set_aside:
            doc.blocks = sorted(doc.blocks + doc.set_aside, key=lambda b: b.line)
            doc.set_aside = []


def with_html(stages: list) -> list:
    """The stages with the html steps in place: reading first, markup right after `segment`, content last
    (before `decide`, when it runs).

    >>> from .segment import Segment
    >>> [s.name for s in with_html([Segment()])]
    ['html', 'segment', 'html-markup', 'html-content']
    """
    result: list = [ReadHtml()]
    for stage in stages:
        if stage.name == "decide":  # the line model weighs the content box's verdicts too
            result.append(ContentEvidence())
        result.append(stage)
        if stage.name == "segment":
            result.append(MarkupEvidence())
    if not any(stage.name == "decide" for stage in stages):
        result.append(ContentEvidence())
    return result
