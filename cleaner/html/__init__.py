"""HTML input: parse with selectolax (Lexbor), keep the head's metadata, turn the body into hinted lines.

>>> page = read_page("<html><head><title>T</title></head><body><nav>Home</nav><p>Text.</p><script>x()</script></body></html>")
>>> [(line.text, line.hints.mark.rule if line.hints.mark else None) for line in page.lines], page.metadata
([('Home', 'html.nav'), ('Text.', None)], {'title': 'T'})
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from selectolax.lexbor import LexborHTMLParser

from .jsonld import article_body
from .lines import Hints, Line, dom_lines
from .markup import Mark, find_content_boxes, find_marks
from .meta import page_metadata

__all__ = ["Hints", "Line", "Mark", "Page", "read_page"]

# Subtrees that never hold the page's text: removed by the parser before the walk.
# Not <noscript>: the parser reads its content as markup, so a stray "<noscript><div>" can open a box
# around the whole page, and blogs keep their articles' only readable copy there; it is marked instead.
DROPPED_TAGS = ["script", "style", "template", "svg", "math", "iframe", "object", "embed", "canvas", "textarea",
                "head", "title"]


# The parser checks its stack of open elements at every start tag, so its time grows with the square of the
# nesting: 100,000 levels take minutes. Browsers cap the depth (Chromium at 512); so does this, above it.
MAX_DEPTH = 1_000
# A page with fewer tags than this (counted at memchr speed) cannot nest deep enough to matter.
SCAN_FROM_TAGS = 20_000
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)[^>]*?(/?)>")
VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())


def limit_depth(html: str, max_depth: int = MAX_DEPTH) -> str:
    """The page with the tags that would nest deeper than `max_depth` removed (their text stays).

    Only pages with many tags are scanned; the rest come back as they are.

    >>> limit_depth("<div>" * 3 + "x" + "</div>" * 3, max_depth=2)
    '<div><div>x</div></div>'
    """
    if html.count("<") < SCAN_FROM_TAGS and max_depth >= MAX_DEPTH:
        return html
    depth = excess = 0
    pieces: list[str] = []
    last = 0
    for match in _TAG.finditer(html):
        closing, name, self_closing = match.groups()
        if self_closing or name.lower() in VOID:
            continue
        if not closing:
            if depth < max_depth:
                depth += 1
                continue
            excess += 1
        elif excess:
            excess -= 1
        else:
            depth = max(0, depth - 1)
            continue
        pieces.append(html[last : match.start()])
        last = match.end()
    pieces.append(html[last:])
    return "".join(pieces)


@dataclass(slots=True)
class Page:
    """A page read: its lines in document order and the metadata from its head."""

    lines: list[Line]
    metadata: dict[str, str] = field(default_factory=dict)

    def text(self) -> str:
        """The lines as a text dump: one per line, a blank line where a paragraph breaks.

        >>> read_page("<p>a</p><p>b<br>c</p>").text()
        'a\\n\\nb\\nc'
        """
        return "\n".join(f"\n{line.text}" if line.blank_before else line.text for line in self.lines)


def read_page(html: str) -> Page:
    """Parse one page into lines with markup hints and its metadata.

    A page whose markup holds less text than the `articleBody` of its JSON-LD (an article rendered by
    scripts) gets that body's paragraphs as its content, after its first `<h1>` (see `jsonld`).

    >>> body = "The committee met on Tuesday and agreed on the plan. " * 3
    >>> page = read_page('<script type="application/ld+json">{"articleBody": "%s"}</script>'
    ...     '<h1>Plan agreed</h1><p>Read the full article</p>' % body)
    >>> [(line.text[:22], line.hints.in_content) for line in page.lines]
    [('Plan agreed', False), ('The committee met on T', True), ('Read the full article', False)]
    """
    tree = LexborHTMLParser(limit_depth(html))
    metadata = page_metadata(tree)
    body = article_body(tree) if "articleBody" in html else ""  # a substring search spares most pages the query
    tree.strip_tags(DROPPED_TAGS)
    root = tree.body or tree.root
    lines = dom_lines(root, find_marks(root), find_content_boxes(root)) if root is not None else []
    if body and len(body) > sum(len(line.text) for line in lines):
        lines = with_body(lines, body)
    return Page(lines, metadata)


def page_text(html: str) -> str:
    """`read_page(html).text()` for less: the lines without the markup evidence and metadata, which never change them.

    The templates pass needs only the text of every page before the pages are cleaned.

    >>> page = "<title>T</title><nav class='menu'>Home</nav><p>a</p><p>b<br>c</p>"
    >>> page_text(page) == read_page(page).text()
    True
    """
    tree = LexborHTMLParser(limit_depth(html))
    body = article_body(tree) if "articleBody" in html else ""
    tree.strip_tags(DROPPED_TAGS)
    root = tree.body or tree.root
    lines = dom_lines(root, {}) if root is not None else []
    if body and len(body) > sum(len(line.text) for line in lines):
        lines = with_body(lines, body)
    return Page(lines, {}).text()


def with_body(lines: list[Line], body: str) -> list[Line]:
    """The lines with the paragraphs of `body` as the content box, after the first <h1> (else first)."""
    for line in lines:
        line.hints.in_content = line.hints.past_content = False
    at = next((i + 1 for i, line in enumerate(lines) if line.hints.tag == "h1"), 0)
    inserted = [Line(text, True, Hints("p", "script>p", 0.0, in_content=True)) for text in body.split("\n")]
    if at < len(lines):
        lines[at].blank_before = True
    return lines[:at] + inserted + lines[at:]
