"""HTML input: parse with selectolax (Lexbor), keep the head's metadata, turn the body into hinted lines.

>>> page = read_page("<html><head><title>T</title></head><body><nav>Home</nav><p>Text.</p><script>x()</script></body></html>")
>>> [(line.text, line.hints.mark.rule if line.hints.mark else None) for line in page.lines], page.metadata
([('Home', 'html.nav'), ('Text.', None)], {'title': 'T'})
"""

from __future__ import annotations

from dataclasses import dataclass, field

from selectolax.lexbor import LexborHTMLParser

from .lines import Hints, Line, dom_lines
from .markup import Mark, find_marks
from .meta import page_metadata

__all__ = ["Hints", "Line", "Mark", "Page", "read_page"]

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
    """Parse one page into lines with markup hints and its metadata."""
    tree = LexborHTMLParser(html)
    metadata = page_metadata(tree)
    tree.strip_tags(DROPPED_TAGS)
    root = tree.body or tree.root
    if root is None:
        return Page([], metadata)
    return Page(dom_lines(root, find_marks(root)), metadata)
