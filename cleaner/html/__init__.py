"""HTML input: parse with selectolax (Lexbor), keep the head's metadata, turn the body into hinted lines.

>>> page = read_page("<html><head><title>T</title></head><body><nav>Home</nav><p>Text.</p><script>x()</script></body></html>")
>>> [(line.text, line.hints.mark.rule if line.hints.mark else None) for line in page.lines], page.metadata
([('Home', 'html.nav'), ('Text.', None)], {'title': 'T'})
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, fields
from operator import attrgetter

from selectolax.lexbor import LexborHTMLParser

from .jsonld import article_body, schema_types
from .limits import MarkupLimit, bounded, limit_depth, page_digest
from .lines import Hints, Line, dom_lines
from .markup import Mark, find_evidence
from .meta import page_metadata

__all__ = ["Hints", "Line", "Mark", "MarkupLimit", "Page", "keeping_pages", "limit_depth", "page_text", "read_page"]

# Subtrees that never hold the page's text: removed by the parser before the walk.
# Not <noscript>: the parser reads its content as markup, so a stray "<noscript><div>" can open a box
# around the whole page, and blogs keep their articles' only readable copy there; it is marked instead.
DROPPED_TAGS = ["script", "style", "template", "svg", "math", "iframe", "object", "embed", "canvas", "textarea",
                "head", "title"]
# The most HTML (in characters) whose pages `keeping_pages` holds at once: about 0.7 bytes of lines and hints per
# character, so some 45 MB. Corpora past it have their first pages kept, the rest read twice.
KEEP_HTML_CHARS = 64 << 20


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
    if _kept.depth:
        digest = page_digest(html)
        page = _kept.take(digest)
        return page if page is not None else _read(html, digest)
    return _read(html)


def _read(html: str, digest: bytes | None = None) -> Page:
    """`read_page` itself; `digest` is the page's `page_digest` where it is known."""
    tree = LexborHTMLParser(bounded(html, digest))
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

    The templates pass needs only the text of every page before the pages are cleaned. Inside `keeping_pages`
    it reads the whole page instead and keeps it, for `read_page` to take when the page is cleaned.

    >>> page = "<title>T</title><nav class='menu'>Home</nav><p>a</p><p>b<br>c</p>"
    >>> page_text(page) == read_page(page).text()
    True
    """
    digest = None
    if _kept.depth:
        digest = page_digest(html)
        text = _kept.text(digest)
        if text is not None:
            return text
        if _kept.has_room(len(html)):
            try:
                page = _read(html, digest)
            except Exception:  # noqa: BLE001 - what the text alone cannot be read from says so below, as without keeping
                pass
            else:
                return _kept.keep(digest, page, len(html))
    tree = LexborHTMLParser(bounded(html, digest))
    body = article_body(tree) if "articleBody" in html else ""
    tree.strip_tags(DROPPED_TAGS)
    root = tree.body or tree.root
    lines = dom_lines(root, {}) if root is not None else []
    if body and len(body) > sum(len(line.text) for line in lines):
        lines = with_body(lines, body)
    return Page(lines, {}).text()


class _KeptPages:
    """The pages `page_text` read inside `keeping_pages`, by `page_digest`, until `read_page` takes them.

    Held as their text and each line as a flat tuple (`_packed`), which the garbage collector stops tracking
    once it has seen it holds no container: tens of thousands of Line and Hints objects held between the passes
    would make every full collection of the cleaning pass walk them.
    """

    def __init__(self) -> None:
        self.depth = 0  # how many `keeping_pages` blocks are open
        self.max_chars = KEEP_HTML_CHARS
        self.pages: dict[bytes, tuple[str, list[tuple], dict[str, str], int]] = {}
        self.chars = 0  # the HTML characters of the pages held

    def has_room(self, chars: int) -> bool:
        return self.chars + chars <= self.max_chars

    def keep(self, digest: bytes, page: Page, chars: int) -> str:
        """Hold `page`; its text, which is all the templates pass reads of it."""
        text = page.text()
        self.pages[digest] = (text, [_packed(line) for line in page.lines], page.metadata, chars)
        self.chars += chars
        return text

    def text(self, digest: bytes) -> str | None:
        held = self.pages.get(digest)
        return held[0] if held is not None else None

    def take(self, digest: bytes) -> Page | None:
        """The page held under `digest`, given out once: the caller may change its lines."""
        held = self.pages.pop(digest, None)
        if held is None:
            return None
        self.chars -= held[3]
        return Page([_unpacked(values) for values in held[1]], held[2])

    def clear(self) -> None:
        self.pages.clear()
        self.chars = 0


_HINT_FIELDS = tuple(f.name for f in fields(Hints))
_hint_values = attrgetter(*_HINT_FIELDS)
_EVIDENCE = _HINT_FIELDS.index("evidence")


def _packed(line: Line) -> tuple:
    """A line as one tuple of strings, numbers and its marks (`Hints` in field order), no evidence held as None:
    a set is a container the collector always tracks, an empty tuple is not.

    >>> line = Line("Home", True, Hints("li", "nav>ul>li", 1.0))
    >>> _unpacked(_packed(line)) == line
    True
    """
    values = _hint_values(line.hints)
    if not values[_EVIDENCE]:
        values = values[:_EVIDENCE] + (None,) + values[_EVIDENCE + 1:]
    return (line.text, line.blank_before, *values)


def _unpacked(values: tuple) -> Line:
    hints = Hints(*values[2:])
    if hints.evidence is None:
        hints.evidence = frozenset()
    return Line(values[0], values[1], hints)


_kept = _KeptPages()


@contextmanager
def keeping_pages(max_chars: int = KEEP_HTML_CHARS) -> Iterator[None]:
    """Within it, the pages `page_text` reads are kept for `read_page`, which takes each once: a corpus cleaned in two
    passes in one process (templates learned first, as `cleaner clean` does) has its pages parsed and walked once.

    The first pages offered are kept, up to `max_chars` characters of their HTML (the cleaning pass takes them in
    the order the templates pass read them, so holding the first ones serves it, where dropping the oldest would
    not); the rest are read again. What is left when the outermost block ends is let go.

    >>> html = "<nav>Home</nav><p>One.</p>"
    >>> with keeping_pages():
    ...     text = page_text(html)
    ...     kept = len(_kept.pages)
    ...     page = read_page(html)  # taken from those kept, not read again
    >>> text == page.text(), kept, len(_kept.pages)
    (True, 1, 0)
    """
    if not _kept.depth:
        _kept.max_chars = max_chars
    _kept.depth += 1
    try:
        yield
    finally:
        _kept.depth -= 1
        if not _kept.depth:
            _kept.clear()


def with_body(lines: list[Line], body: str) -> list[Line]:
    """The lines with the paragraphs of `body` as the content box, after the first <h1> (else first)."""
    for line in lines:
        line.hints.in_content = line.hints.past_content = False
    at = next((i + 1 for i, line in enumerate(lines) if line.hints.tag == "h1"), 0)
    inserted = [Line(text, True, Hints("p", "script>p", 0.0, in_content=True)) for text in body.split("\n")]
    if at < len(lines):
        lines[at].blank_before = True
    return lines[:at] + inserted + lines[at:]
