"""The DOM as lines: one per paragraph, heading, list item or table cell, as a text-mode browser dumps it.

The text stages were built on such dumps (w3m: one block per line, blank lines
around paragraphs, "* " before list items), so the page is turned into the
same shape and every line keeps `Hints` about the markup it came from.

The walk is iterative (a 100,000-level page must not hit Python's recursion
limit) and visits each node once; subtrees that never hold text (scripts,
styles, forms' selects, SVG) are removed beforehand by the parser, in C.
"""

from __future__ import annotations

from dataclasses import dataclass

from selectolax.lexbor import LexborNode

from .markup import Mark

# Elements that start and end a line: a new block in a text dump.
LINE_TAGS = frozenset(
    "div li dt dd tr td th caption section article main nav aside footer header figcaption summary legend "
    "option center address details fieldset form dialog menu body".split()
)
# Elements set apart by a blank line, like w3m's paragraphs.
PARAGRAPH_TAGS = frozenset("p h1 h2 h3 h4 h5 h6 ul ol dl table blockquote pre figure hr".split())
HEADINGS = frozenset("h1 h2 h3 h4 h5 h6".split())
BULLETS = ("* ", "+ ", "o ")  # w3m's bullets for nesting levels 1, 2, 3 and deeper
PROSE_MIN_LENGTH = 100  # shorter lines are labels, teasers and menu entries rather than running text
PROSE_MAX_LINKS = 0.3  # a line mostly made of links is navigation, however long
PROSE_SHARE = 0.2  # a box with this share of the page's prose holds the article
CONTENT_SHARE = 0.8  # the content box holds this share of the page's prose (0.6 to 0.9 score alike on the dev pages)


@dataclass(slots=True)
class Hints:
    """What the markup says about one line.

    `path` is the tag path down to the line's block element (the last six
    levels), `link_density` the share of its characters inside links, `marks`
    the markup evidence of its ancestors as `Mark`s, innermost last.
    """

    tag: str
    path: str
    link_density: float
    marks: tuple[Mark, ...] = ()
    in_content: bool = False  # inside the content box, see `mark_content`
    in_list: bool = False  # inside a <ul> or <ol>
    # After the content box and after furniture that follows it: the page goes on, not the article (`mark_content`).
    past_content: bool = False
    # How many of its ancestors have a class or id that names content (`markup.find_content_boxes`).
    named_content: int = 0
    # The categories of every mark on its ancestors, standing or not (`resolve_marks`): evidence for the line model,
    # which learns when a "cookie" box holding much prose is a consent dialog and when it is the article.
    evidence: frozenset[str] = frozenset()

    @property
    def mark(self) -> Mark | None:
        """The innermost markup evidence, the most specific (a newsletter box inside a footer is newsletter)."""
        return self.marks[-1] if self.marks else None


@dataclass(slots=True)
class Line:
    """One line of the dump: its text, whether a blank line precedes it, its hints."""

    text: str
    blank_before: bool
    hints: Hints


class _Frame:
    """An element being walked: what it changes while its subtree is open."""

    __slots__ = ("node", "tag", "block", "mark", "link", "list_kind", "counter", "prose", "first_line", "named", "block_tag",
                 "named_depth", "path")

    def __init__(self, node: LexborNode, tag: str, block: bool, mark: object | None, link: bool, list_kind: str,
                 named: bool = False, outer: _Frame | None = None) -> None:
        self.node = node
        self.named = named  # its class or id names content
        self.tag = tag
        self.block = block
        # The innermost block element's tag, this one included: known at once however deep the walk is.
        self.block_tag = tag if block else outer.block_tag if outer is not None else "body"
        # How many open elements, this one included, name content: known at once however deep the walk is.
        self.named_depth = named + (outer.named_depth if outer is not None else 0)
        self.mark = mark
        self.link = link
        self.list_kind = list_kind  # "ul" or "ol" for a list, else ""
        self.counter = 0
        self.prose = 0  # characters of prose lines inside (see `prose_length`), summed up the tree on closing
        self.first_line = 0  # index of the first line inside
        self.path: str | None = None  # `Hints.path` of the lines directly inside, made at the first of them


class LineWriter:
    """Collects text pieces into lines, breaking where the block structure says."""

    def __init__(self) -> None:
        self.lines: list[Line] = []
        self.pieces: list[str] = []
        # Whether a piece holds more than whitespace: most text nodes are the indentation between tags,
        # and a line of them alone comes to nothing, so it need not be joined and split to find that out.
        self.has_text = False
        self.link_chars = 0
        self.blank = False
        self.prefix = ""
        self.prose = 0
        self.lists: list[_Frame] = []  # the open <ul> and <ol> elements
        # The open marked elements as a tuple, shared by the lines they hold (their number and innermost one
        # say whether they changed): a page nested a thousand marked boxes deep must not copy them per line.
        self._marks: tuple[int, _Frame | None, tuple[_Frame, ...]] = (0, None, ())

    def text(self, text: str, in_link: bool) -> None:
        if self.prefix and text.strip():
            self.pieces.append(self.prefix)
            self.prefix = ""
        self.pieces.append(text)
        if not self.has_text and text and not text.isspace():
            self.has_text = True
        if in_link:
            self.link_chars += len(text.strip())

    def flush(self, frames: list[_Frame], marks: list[_Frame]) -> None:
        """End the current line (if it holds any text) with the context of the open elements."""
        if self.pieces:
            text = " ".join("".join(self.pieces).split()) if self.has_text else ""
            if text:
                # Bullets count as text for length but never as link text.
                density = min(1.0, self.link_chars / len(text))
                if frames:
                    # The open elements under the innermost stay the same while it is open: its lines share a path.
                    innermost = frames[-1]
                    path = innermost.path
                    if path is None:
                        path = innermost.path = ">".join([f.tag for f in frames[-6:]])  # a list joins faster than a generator
                    tag, named = innermost.block_tag, innermost.named_depth
                else:
                    innermost, path, tag, named = None, "", "body", 0
                self.lines.append(Line(text, self.blank, Hints(tag, path, density, self.marks_of(marks) if marks else (),
                                                               in_list=bool(self.lists), named_content=named)))
                self.blank = False
                prose = prose_length(text, density)
                if prose:
                    self.prose += prose
                    if innermost is not None:  # ancestors get it when the innermost closes: O(1) per line at any depth
                        innermost.prose += prose
            self.pieces = []
            self.has_text = False
        self.link_chars = 0

    def marks_of(self, marks: list[_Frame]) -> tuple[_Frame, ...]:
        """`tuple(marks)`, the same tuple as for the line before while the open marked elements are the same."""
        count, innermost, shared = self._marks
        top = marks[-1] if marks else None
        if count != len(marks) or innermost is not top:
            shared = tuple(marks)
            self._marks = (len(marks), top, shared)
        return shared

    def paragraph_break(self) -> None:
        if self.lines:
            self.blank = True


def innermost_block(frames: list[_Frame]) -> str:
    """The tag of the innermost open block element, "body" when there is none.

    >>> div = _Frame(None, "div", True, None, False, "")
    >>> innermost_block([div, _Frame(None, "a", False, None, True, "", outer=div)]), innermost_block([])
    ('div', 'body')
    """
    return frames[-1].block_tag if frames else "body"


def dom_lines(root: LexborNode, marks_by_node: dict[int, Mark], content_boxes: frozenset[int] = frozenset()) -> list[Line]:
    """Walk the tree under `root` once, in document order, and return its lines.

    `marks_by_node` maps an element's `mem_id` to the markup evidence on it
    (see `markup.find_marks`); it applies to every line inside that element. `content_boxes` holds the
    `mem_id`s of elements whose class or id names content (`markup.find_content_boxes`), counted in `Hints.named_content`.

    >>> from selectolax.lexbor import LexborHTMLParser
    >>> tree = LexborHTMLParser("<p>One <a href=x>two</a></p><ul><li>Three<li>Four</ul><div>Five<br>Six</div>")
    >>> [(l.text, l.blank_before, l.hints.tag, round(l.hints.link_density, 2)) for l in dom_lines(tree.body, {})]
    [('One two', False, 'p', 0.43), ('* Three', True, 'li', 0.0), ('* Four', False, 'li', 0.0), ('Five', True, 'div', 0.0), \
('Six', False, 'div', 0.0)]
    """
    out = LineWriter()
    frames: list[_Frame] = []
    marks: list[_Frame] = []  # the open elements that carry a mark
    links = 0
    lists = out.lists
    boxes: list[tuple[int, int, int]] = []  # (prose, first line, end line) of each closed element with prose
    node = root.first_child
    while node is not None:
        tag = node.tag
        if tag == "-text":
            # Whitespace before a line's first piece comes to nothing: half the text nodes are indentation.
            # (`LineWriter.text`, inlined: this is the walk's most frequent step.)
            if out.pieces or not node.is_empty_text_node:
                text = node.text_content or ""
                blank = not text or text.isspace()
                if out.prefix and not blank:
                    out.pieces.append(out.prefix)
                    out.prefix = ""
                out.pieces.append(text)
                if not blank:
                    out.has_text = True
                if links:
                    out.link_chars += len(text.strip())
        elif tag and tag[0] != "-":  # comments and other non-element nodes hold no text
            if tag == "br":
                out.flush(frames, marks)
            else:
                block = tag in LINE_TAGS or tag in PARAGRAPH_TAGS
                if block:
                    if out.pieces:  # an empty line is not flushed; a paragraph still breaks
                        out.flush(frames, marks)
                    if tag in PARAGRAPH_TAGS:
                        out.paragraph_break()
                if tag == "li" and lists:
                    owner = lists[-1]
                    owner.counter += 1
                    out.prefix = f"{owner.counter}. " if owner.list_kind == "ol" else BULLETS[min(len(lists), 3) - 1]
                child = node.first_child
                if child is not None:  # an empty element opens nothing: no frame (a third of the elements)
                    if marks_by_node or content_boxes:
                        key = node.mem_id
                        mark, named = marks_by_node.get(key), key in content_boxes
                    else:
                        mark, named = None, False
                    frame = _Frame(node, tag, block, mark, tag == "a", tag if tag in ("ul", "ol") else "",
                                   named, frames[-1] if frames else None)
                    frame.first_line = len(out.lines)
                    frames.append(frame)
                    if mark is not None:
                        marks.append(frame)
                    links += frame.link
                    if frame.list_kind:
                        lists.append(frame)
                    node = child
                    continue
                if block:
                    _close(out, frames, marks, tag)
        # Next node: the sibling, or the sibling of the nearest open ancestor that has one.
        while True:
            following = node.next
            if following is not None:
                node = following
                break
            if not frames:
                node = None
                break
            frame = frames[-1]
            if frame.block and out.pieces:
                out.flush(frames, marks)
            frames.pop()
            if frame.prose:
                if frames:
                    frames[-1].prose += frame.prose
                boxes.append((frame.prose, frame.first_line, len(out.lines)))
            if frame.mark is not None:
                marks.pop()
            links -= frame.link
            if frame.list_kind:
                lists.pop()
            if frame.tag in PARAGRAPH_TAGS:
                out.paragraph_break()
            elif frame.tag == "li":
                out.prefix = ""  # an item without text must not lend its bullet to the next line
            node = frame.node
    out.flush(frames, marks)
    end = mark_content(out.lines, boxes, out.prose)
    resolve_marks(out.lines, out.prose)
    mark_past_content(out.lines, end)
    return out.lines


def mark_content(lines: list[Line], boxes: list[tuple[int, int, int]], page_prose: int) -> int:
    """Flag the lines of the content box: the smallest element that holds most of the page's prose.

    Boxes close innermost first, so the first one big enough is the smallest.
    Returns the index of the line after the box (the number of lines when there is none).
    """
    need = CONTENT_SHARE * page_prose
    for prose, first, end in boxes:
        if prose >= need and page_prose:
            for line in lines[first:end]:
                line.hints.in_content = True
            return end
    return len(lines)


def mark_past_content(lines: list[Line], end: int) -> None:
    """Flag the lines after the content box that follow a line of furniture (a marked line) after it.

    The box holds most of the page's prose, so what comes after it is a short
    tail of the article (a closing list, a sign-off) or the page's own matter
    (teasers, appeals, the publisher's blurb); once furniture (a share bar, a
    navigation, a related box) has come between, it is the page's.

    >>> from selectolax.lexbor import LexborHTMLParser
    >>> from .markup import find_marks
    >>> text = "A sentence of running text that is long enough to count as the prose of an article. " * 2
    >>> body = LexborHTMLParser(f"<article><p>{text}</p></article><p>Tail</p><nav>Home</nav><p>About us</p>").body
    >>> [(line.text, line.hints.past_content) for line in dom_lines(body, find_marks(body))][1:]
    [('Tail', False), ('Home', False), ('About us', True)]
    """
    furniture = False
    for line in lines[end:]:
        if line.hints.marks:
            furniture = True
        elif furniture:
            line.hints.past_content = True


def prose_length(text: str, link_density: float) -> int:
    """The line's length if it reads like running text (long, few links), else 0.

    >>> prose_length("word " * 30, 0.0), prose_length("word " * 30, 0.5), prose_length("Home", 0.0)
    (150, 0, 0)
    """
    return len(text) if len(text) >= PROSE_MIN_LENGTH and link_density < PROSE_MAX_LINKS else 0


def resolve_marks(lines: list[Line], page_prose: int) -> list[Line]:
    """Turn each line's marked ancestors into the marks that stand.

    A box holding a good share of the page's prose is the article, whatever its
    class says ("entry share", "post tag-news", "widget-area" around the text);
    only rules that are furniture by nature (see `Mark.strong`) hold regardless.
    """
    limit = PROSE_SHARE * page_prose
    # By the tuple of frames, which lines share (`LineWriter.marks_of`); held with it, so that its id stays its own.
    standing: dict[int, tuple[tuple, tuple[Mark, ...], frozenset[str]]] = {}
    for line in lines:
        frames = line.hints.marks
        if frames:
            known = standing.get(id(frames))
            if known is None:
                known = standing[id(frames)] = (frames, tuple(f.mark for f in frames if f.mark.strong or f.prose <= limit),
                                                frozenset(f.mark.category for f in frames))
            line.hints.marks, line.hints.evidence = known[1], known[2]
    return lines


def _close(out: LineWriter, frames: list[_Frame], marks: list[_Frame], tag: str) -> None:
    """An empty block element: ends the line before it, and a paragraph leaves a blank after it."""
    out.flush(frames, marks)
    if tag in PARAGRAPH_TAGS:
        out.paragraph_break()
