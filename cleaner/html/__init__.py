"""HTML input: parse with selectolax (Lexbor), keep the head's metadata, turn the body into hinted lines.

>>> page = read_page("<html><head><title>T</title></head><body><nav>Home</nav><p>Text.</p><script>x()</script></body></html>")
>>> [(line.text, line.hints.mark.rule if line.hints.mark else None) for line in page.lines], page.metadata
([('Home', 'html.nav'), ('Text.', None)], {'title': 'T'})
"""

from __future__ import annotations

from dataclasses import dataclass, field

from selectolax.lexbor import LexborHTMLParser

from .jsonld import article_body, schema_types
from .limits import MarkupLimit, bounded, limit_depth
from .lines import Hints, Line, dom_lines
from .markup import Mark, find_evidence
from .meta import page_metadata

__all__ = ["Hints", "Line", "Mark", "MarkupLimit", "Page", "limit_depth", "page_text", "read_page"]

# Subtrees that never hold the page's text: removed by the parser before the walk.
# Not <noscript>: the parser reads its content as markup, so a stray "<noscript><div>" can open a box
# around the whole page, and blogs keep their articles' only readable copy there; it is marked instead.
DROPPED_TAGS = ["script", "style", "template", "svg", "math", "iframe", "object", "embed", "canvas", "textarea",
                "head", "title"]


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

    A page past the bounds of `limits` (its size, the attributes of one element) raises MarkupLimit.
    """
    tree = LexborHTMLParser(bounded(html))
    metadata = page_metadata(tree)
    if "ld+json" in html:
        kinds = schema_types(tree)
        if kinds:
            metadata["schema_types"] = kinds
    body = article_body(tree) if "articleBody" in html else ""  # a substring search spares most pages the query
    tree.strip_tags(DROPPED_TAGS)
    root = tree.body or tree.root
    lines = dom_lines(root, *find_evidence(root)) if root is not None else []
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
    tree = LexborHTMLParser(bounded(html))
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
