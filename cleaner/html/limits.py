"""Bounds on a page before it is parsed: its size, the attributes of one element, and how deep it nests.

The parser (Lexbor) is linear in most of a page but not in all of it: it compares each attribute of a tag
with the ones before it (80,000 attributes on one element take 25 s), and it looks through its stack of open
elements at many tags (100,000 levels take minutes). So a page is checked first, at regular-expression speed:
one too large or with an element of too many attributes is refused with the reason (`MarkupLimit`), and one
nested too deep has its excess tags taken out, keeping the line breaks of the blocks they made.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter

from .lines import LINE_TAGS, PARAGRAPH_TAGS

# Far above any real page (the dev pages reach 9 MB), far below what would take the parser more than seconds.
MAX_PAGE_CHARS = 64 << 20
# Real elements carry a few dozen attributes, but the count here is the tokenizer's reading, which on pages with
# inline <svg> or broken quoting reaches thousands where the parser sees few (real pages of the modern dev set read as
# up to 12,147 and parse in 10 ms). The parser's time grows with the square of one element's attributes: 20,000
# real ones take it about 1.5 s, 80,000 took 25 s. So the bound is there, and only pages past it are refused.
MAX_ATTRIBUTES = 20_000
# Lines of one page: the stages after the parser take about 6,000 lines a second on a page (the line model the most),
# so this bounds a page to seconds. Far above real pages (the most on the 304 dev pages: 2,738 lines).
MAX_PAGE_LINES = 100_000
# The parser checks its stack of open elements at every start tag, so its time grows with the square of the
# nesting: 100,000 levels take minutes. Browsers cap the depth (Chromium at 512); so does this, above it.
MAX_DEPTH = 1_000
# A page with fewer tags than this (counted at memchr speed) cannot nest deep enough to matter.
SCAN_FROM_TAGS = 20_000
# The parser re-opens every formatting element left open (<b>, <i>, <font>...) in each block that follows, so N of
# them before M blocks make N x M elements: 2,000 before 2,000 blocks, 47 kB of page, made 70 MB of tree. Real pages
# leave a few open (the most on the 304 dev pages: 7, counted as below).
MAX_FORMATTING = 32


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
# Inside <svg> and <math> nothing is raw text (a <textarea> or <style> there is an element like any other), so a
# page holding either is also read without the raw-text rule, and the larger count stands.
_PIECE_FOREIGN = re.compile(_PIECE.pattern.replace(f"(?P<raw>(?i:{_RAW_TEXT}))", "(?P<raw>(?!))"), re.DOTALL)
_FOREIGN = re.compile(r"<(?:svg|math)[\t\n\f\r />]", re.IGNORECASE)


def most_attributes(html: str, more_than: int = MAX_ATTRIBUTES) -> tuple[int, int]:
    """The largest number of attributes on one tag of the page, and where that tag starts; (0, 0) when no tag
    could hold `more_than` (each attribute takes a character at least: shorter tags are not counted).

    >>> most_attributes("<p id=a>x</p><div " + " ".join(f"a{i}" for i in range(1500)) + ">", more_than=1000)
    (1500, 13)
    >>> most_attributes("<SCRIPT>for(i=0;i<n " + "a " * 1500 + "</Script>", more_than=1000)  # script text is not markup
    (0, 0)
    >>> most_attributes("<svg><textarea><b " + "a " * 1500 + ">", more_than=1000)[0]  # but in an <svg> nothing is raw text
    1500
    """
    found = _most_attributes(_PIECE, html, more_than)
    if _FOREIGN.search(html):
        found = max(found, _most_attributes(_PIECE_FOREIGN, html, more_than))
    return found


def _most_attributes(pieces: re.Pattern, html: str, more_than: int) -> tuple[int, int]:
    most, at = 0, 0
    for piece in pieces.finditer(html):
        if piece.end() - piece.start() <= more_than:
            continue  # most tags: too short to hold that many
        start, end = piece.span("attributes") if piece.group("attributes") else piece.span("raw_attributes")
        if end - start > more_than:
            count = sum(1 for _ in _ATTRIBUTE.finditer(html, start, end))
            if count > most:
                most, at = count, piece.start()
    return most, at


_FORMATTING = re.compile(rf"<(/?)(b|big|code|em|font|i|s|small|strike|strong|tt|u)(?=[{_WS}/>])([^>]*+)>?", re.IGNORECASE)


def limit_formatting(html: str, most: int = MAX_FORMATTING) -> str:
    """The page with the formatting start tags past `most` left open taken out (their text stays), with their end tags.

    Counted as the parser keeps its list of active formatting elements: a start tag adds one, the end tag of its
    name takes the latest of that name away, and a fourth identical one (same name and attributes) replaces the
    oldest instead of adding (the "Noah's Ark" clause). Other ways the parser empties the list (table cells, for
    one) are not followed: the count errs on the high side, which keeps the parser fast.

    >>> limit_formatting("<b id=1><b id=2><b id=3>x</b></b></b>", most=2)
    '<b id=1><b id=2>x</b></b>'
    >>> limit_formatting("<b><b><b><b><b>x", most=3)  # identical: the list holds three, the parser makes no more
    '<b><b><b><b><b>x'
    """
    active = 0
    same: Counter = Counter()  # active entries by (name, attributes)
    latest: dict[str, list[tuple[str, str]]] = {}  # the active entries of each name, latest last
    taken_out: Counter = Counter()  # start tags taken out, by name, whose end tags go too
    pieces: list[str] = []
    last = 0
    for match in _FORMATTING.finditer(html):
        closing, name, attributes = match.groups()
        name = name.lower()
        if closing:
            if taken_out[name]:
                taken_out[name] -= 1
            else:
                if latest.get(name):
                    same[latest[name].pop()] -= 1
                    active -= 1
                continue
        else:
            key = (name, attributes.strip())
            if same[key] >= 3:
                continue  # replaces the oldest identical entry: the list does not grow
            if active < most:
                same[key] += 1
                latest.setdefault(name, []).append(key)
                active += 1
                continue
            taken_out[name] += 1
        pieces.append(html[last : match.start()])
        last = match.end()
    if not pieces:
        return html
    pieces.append(html[last:])
    return "".join(pieces)


def check_lines(count: int, most: int = MAX_PAGE_LINES) -> None:
    """Raise MarkupLimit for a page of more lines than the stages after the parser should take.

    >>> check_lines(300_000)
    Traceback (most recent call last):
    ...
    cleaner.html.limits.MarkupLimit: 300,000 lines (the limit is 100,000)
    """
    if count > most:
        raise MarkupLimit(f"{count:,} lines (the limit is {most:,})")


def check_markup(html: str, max_chars: int = MAX_PAGE_CHARS, max_attributes: int = MAX_ATTRIBUTES) -> None:
    """Raise MarkupLimit for a page too large to parse, or with an element of too many attributes.

    Checks what the parser will be given, after `limit_formatting` and `limit_depth` (see `bounded`).

    >>> check_markup("<div " + "a " * 2000 + ">", max_attributes=1000)
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
# Elements whose content is text: they nest nothing, and taking one out would turn its content (a script's code) into
# the page's markup and text, so they are neither counted nor taken out.
RAW_TEXT = frozenset(_RAW_TEXT.split("|"))
BLOCKS = LINE_TAGS | PARAGRAPH_TAGS


def bounded(html: str, digest: bytes | None = None) -> str:
    """The page as the parser is to read it: within every bound, or MarkupLimit saying which it is past.

    The size is checked first (the rest costs time in proportion to it); the attributes last, on the very text the
    parser gets: taking a tag out can change what the tags after it are made of. `digest` is the page's
    `page_digest` where the caller has it.

    >>> bounded("<p>fine</p>")
    '<p>fine</p>'
    """
    if len(html) > MAX_PAGE_CHARS:
        check_markup(html)
    if digest is None:
        digest = page_digest(html)
    if digest in _WITHIN_BOUNDS:
        return html
    given = html
    html = limit_depth(limit_formatting(html))
    check_markup(html)
    if html is given:
        if len(_WITHIN_BOUNDS) >= REMEMBERED_PAGES:
            _WITHIN_BOUNDS.clear()
        _WITHIN_BOUNDS[digest] = None
    return html


# `cleaner clean` reads each page twice, for the templates pass and to clean it, so the digests of the pages `bounded`
# gave back unchanged are remembered: the second reading skips the scans (a digest costs a tenth of them).
REMEMBERED_PAGES = 1 << 16  # about 6 MB of digests; past it the memory starts over
_WITHIN_BOUNDS: dict[bytes, None] = {}


def page_digest(html: str) -> bytes:
    """A 128-bit digest of the page's text (lone surrogates included), naming it in `_WITHIN_BOUNDS`.

    >>> page_digest("<p>a</p>") == page_digest("<p>a</p>") != page_digest("<p>b</p>")
    True
    """
    return hashlib.blake2b(html.encode("utf-8", "surrogatepass"), digest_size=16).digest()


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
        if self_closing or name in VOID or name in RAW_TEXT:
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
