"""Bounds on a page before it is parsed: its size, the attributes of one element, and how deep it nests.

The parser (Lexbor) is linear in most of a page but not in all of it: it compares each attribute of a tag
with the ones before it (80,000 attributes on one element take 25 s), and it looks through its stack of open
elements at many tags (100,000 levels take minutes). So a page is checked first, at regular-expression speed:
one too large or with an element of too many attributes is refused with the reason (`MarkupLimit`), and one
nested too deep has its excess tags taken out, keeping the line breaks of the blocks they made.
"""

from __future__ import annotations

import re
from collections import Counter

from .lines import LINE_TAGS, PARAGRAPH_TAGS

# Far above any real page (the dev pages reach 9 MB), far below what would take the parser more than seconds.
MAX_PAGE_CHARS = 64 << 20
# Real elements carry a few dozen attributes (the most on the 304 dev pages: 38); 1,000 cost the parser about 3 ms.
MAX_ATTRIBUTES = 1_000
# The parser checks its stack of open elements at every start tag, so its time grows with the square of the
# nesting: 100,000 levels take minutes. Browsers cap the depth (Chromium at 512); so does this, above it.
MAX_DEPTH = 1_000
# A page with fewer tags than this (counted at memchr speed) cannot nest deep enough to matter.
SCAN_FROM_TAGS = 20_000


class MarkupLimit(ValueError):
    """A page past one of the bounds; the message says which, in a few words."""


# The HTML tokenizer's view of a tag (whitespace is these five characters, not Python's \s):
_WS = "\\t\\n\\f\\r "
_NAME = rf"[^{_WS}/>][^{_WS}/>=]*+"
_VALUE = rf"(?:[{_WS}]*+=[{_WS}]*+(?:\"[^\"]*+\"?|'[^']*+'?|[^{_WS}>]*+))?+"
_ATTRIBUTE = re.compile(rf"[{_WS}/]*+{_NAME}{_VALUE}")
# What the tokenizer reads as one piece, each in full so that no `<` inside it starts a tag: a comment, a
# bogus comment or doctype, an element whose content is text (script, style...: its tags are never tags),
# a start or end tag with its attributes. Possessive quantifiers: linear time, never backtracking.
_RAW_TEXT = "script|style|textarea|title|xmp|noembed|noframes|iframe|plaintext"
_PIECE = re.compile(
    rf"<(?:!--(?:>|->|.*?--!?>|.*+)"
    rf"|[!?][^>]*+>?|/(?![A-Za-z])[^>]*+>?"
    rf"|(?P<raw>(?i:{_RAW_TEXT}))(?P<raw_attributes>(?:{_ATTRIBUTE.pattern})*+)[{_WS}/]*+>?"
    rf"(?:[^<]++|<(?!/(?i:(?P=raw))[{_WS}/>]))*+"
    rf"|/?[A-Za-z][^{_WS}/>]*+(?P<attributes>(?:{_ATTRIBUTE.pattern})*+))",
    re.DOTALL,
)


def most_attributes(html: str, more_than: int = MAX_ATTRIBUTES) -> tuple[int, int]:
    """The largest number of attributes on one tag of the page, and where that tag starts; (0, 0) when no tag
    could hold `more_than` (each attribute takes a character at least: shorter tags are not counted).

    >>> most_attributes("<p id=a>x</p><div " + " ".join(f"a{i}" for i in range(1500)) + ">")
    (1500, 13)
    >>> most_attributes("<SCRIPT>for(i=0;i<n " + "a " * 1500 + "</Script>")  # script text is not markup
    (0, 0)
    """
    most, at = 0, 0
    for piece in _PIECE.finditer(html):
        if piece.end() - piece.start() <= more_than:
            continue  # most tags: too short to hold that many
        start, end = piece.span("attributes") if piece.group("attributes") else piece.span("raw_attributes")
        if end - start > more_than:
            count = sum(1 for _ in _ATTRIBUTE.finditer(html, start, end))
            if count > most:
                most, at = count, piece.start()
    return most, at


def check_markup(html: str, max_chars: int = MAX_PAGE_CHARS, max_attributes: int = MAX_ATTRIBUTES) -> None:
    """Raise MarkupLimit for a page too large to parse, or with an element of too many attributes.

    >>> check_markup("<div " + "a " * 2000 + ">")
    Traceback (most recent call last):
    ...
    cleaner.html.limits.MarkupLimit: an element with 2,000 attributes at character 0 (the limit is 1,000)
    """
    if len(html) > max_chars:
        raise MarkupLimit(f"{len(html):,} characters of HTML (the limit is {max_chars:,})")
    most, at = most_attributes(html, max_attributes)
    if most > max_attributes:
        raise MarkupLimit(f"an element with {most:,} attributes at character {at:,} (the limit is {max_attributes:,})")


_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)[^>]*?(/?)>")
VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())
BLOCKS = LINE_TAGS | PARAGRAPH_TAGS


def limit_depth(html: str, max_depth: int = MAX_DEPTH) -> str:
    """The page with the tags that would nest deeper than `max_depth` taken out: their text stays, and a block
    element's tag leaves a line break (`<br>`), so that its lines are not glued together.

    The depth counts every start tag that is not void, less the end tags that close an element of their name;
    an end tag with none of its name open (a stray `</p>`) closes nothing, in the parser as here. Elements
    the parser closes without an end tag (a `<p>` after a `<p>`) still count: the count errs on the deep side,
    which is the side that keeps the parser fast. Only pages with many tags are scanned; the rest come back
    as they are.

    >>> limit_depth("<div>" * 3 + "x" + "</div>" * 3, max_depth=2)
    '<div><div><br>x<br></div></div>'
    >>> limit_depth("<b>x</p>" * 3, max_depth=2)
    '<b>x</p><b>x</p>x<br>'
    """
    if html.count("<") < SCAN_FROM_TAGS and max_depth >= MAX_DEPTH:
        return html
    depth = excess = 0
    open_names: Counter = Counter()  # how many elements of each name are open
    pieces: list[str] = []
    last = 0
    for match in _TAG.finditer(html):
        closing, name, self_closing = match.groups()
        name = name.lower()
        if self_closing or name in VOID:
            continue
        if excess:  # inside the tags taken out: an end tag closes the innermost of them
            excess += -1 if closing else 1
        elif closing:
            if open_names[name]:
                open_names[name] -= 1
                depth -= 1
            continue
        elif depth < max_depth:
            depth += 1
            open_names[name] += 1
            continue
        else:
            excess = 1
        pieces.append(html[last : match.start()])
        pieces.append("<br>" if name in BLOCKS else "")
        last = match.end()
    pieces.append(html[last:])
    return "".join(pieces)
