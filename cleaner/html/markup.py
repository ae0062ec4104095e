"""Markup evidence: elements whose tag, role or class and id words say "page furniture".

Found before the walk with CSS selectors (matched by the parser, in C), then
confirmed in Python on the few candidates: class and id values are split into
words ("post-relatedItems" -> post, related, items) so that "nav" never fires
inside "canvas". Whether a mark stands is settled after the walk (`lines.resolve_marks`): a
box that holds much of the page's prose is the article, whatever its classes
say, since wrappers named "entry share" or "post tag-news" hold articles too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from selectolax.lexbor import LexborNode


@dataclass(frozen=True, slots=True)
class Mark:
    """Markup evidence on an element: the rule id and the category of what it holds.

    >>> Mark("html.nav", "navigation").rule
    'html.nav'
    """

    rule: str
    category: str
    # Furniture by nature, whatever it holds: a comment thread is prose too, and so is a related-article teaser
    # or an author's bio in an article's <footer>.
    strong: bool = False


# Elements and roles that are furniture by definition (HTML5 sectioning and ARIA landmarks).
STRUCTURE: dict[str, Mark] = {
    "nav": Mark("html.nav", "navigation"),
    "[role=navigation]": Mark("html.role-navigation", "navigation"),
    "[role=menubar]": Mark("html.role-menu", "navigation"),
    "[role=menu]": Mark("html.role-menu", "navigation"),
    "aside": Mark("html.aside", "sidebar"),
    "[role=complementary]": Mark("html.role-complementary", "sidebar"),
    "footer": Mark("html.footer", "footer", True),
    "[role=contentinfo]": Mark("html.role-contentinfo", "footer"),
    "form": Mark("html.form", "form"),
    "[role=search]": Mark("html.role-search", "navigation"),
    "[role=dialog]": Mark("html.role-dialog", "promo"),
    "[aria-hidden=true]": Mark("html.aria-hidden", "hidden"),
    "[hidden]": Mark("html.hidden", "hidden"),
    "button": Mark("html.button", "ui"),
    "select": Mark("html.select", "ui"),
    "noscript": Mark("html.noscript", "ui"),
}

# Words in class and id values, grouped by what the box they name holds.
CLASS_WORDS: dict[str, tuple[str, ...]] = {
    "navigation": ("nav", "navbar", "navigation", "menu", "breadcrumb", "breadcrumbs", "pagination", "pager"),
    "newsletter": ("newsletter", "subscribe", "subscription", "signup"),
    "donation": ("donate", "donation", "donations"),
    "related": ("related", "recommended", "recommendations"),
    "byline": ("byline", "author"),
    "social": ("share", "sharing", "social", "sharebar", "shariff"),
    "promo": ("promo", "advert", "advertisement", "sponsored"),
    "comments": ("comment", "comments", "disqus"),
    "cookie": ("cookie", "cookies", "consent", "gdpr"),
    "footer": ("footer",),
    "sidebar": ("sidebar", "widget"),
    "tags": ("tag", "tags", "taglist"),
}
if not all(CLASS_WORDS.values()):  # an empty group would silently match nothing
    raise ValueError("every CLASS_WORDS group needs at least one word")
_CATEGORY_OF = {word: category for category, group in CLASS_WORDS.items() for word in group}
# Elements worth asking `class_mark` about: a class or id that holds one of the words, as a case-sensitive
# substring (what CSS's [class*=word] means). One regex over the values of the elements that have either is
# twice as fast as Lexbor matching a selector list of two attribute tests per word against every element.
_ANY_CLASS_WORD = re.compile("|".join(re.escape(w) for w in sorted(_CATEGORY_OF)))
_CLASS_OR_ID = "[class],[id]"
_WORD = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")
# Words that make "comment" a live ticker's entry ("live-match-comment", "ticker-comment"): the article itself.
LIVE_WORDS = frozenset({"live", "liveblog", "liveticker", "ticker"})
# Elements whose class words are not evidence: the page, and the article itself.
NEVER_MARKED = frozenset({"html", "body", "main", "article"})


def class_words(value: str) -> list[str]:
    """The words of a class or id value, camel case split, lower-cased.

    >>> class_words("post-relatedItems nav_bar2")
    ['post', 'related', 'items', 'nav', 'bar', '2']
    """
    return [w.lower() for w in _WORD.findall(value)]


def class_mark(node: LexborNode) -> Mark | None:
    """The mark a node's class and id words give, if any; the first matching word decides.

    >>> from selectolax.lexbor import LexborHTMLParser
    >>> class_mark(LexborHTMLParser('<div class="box newsletter-signup">x</div>').css_first("div"))
    Mark(rule='html.class-newsletter', category='newsletter', strong=False)
    >>> class_mark(LexborHTMLParser('<div class="canvas">x</div>').css_first("div")) is None
    True
    >>> class_mark(LexborHTMLParser('<div class="live-match-comment">x</div>').css_first("div")) is None
    True
    """
    return attributes_mark(node.attributes)


def may_be_marked(attributes: dict) -> bool:
    """Whether the class or id value holds one of the words at all (case-sensitive, as a substring).

    >>> may_be_marked({"class": "post-share"}), may_be_marked({"id": "Newsletter"}), may_be_marked({"class": None})
    (True, False, False)
    """
    for value in (attributes.get("class"), attributes.get("id")):
        if value and _ANY_CLASS_WORD.search(value):
            return True
    return False


def attributes_mark(attributes: dict) -> Mark | None:
    """`class_mark` from an element's attributes."""
    for value in (attributes.get("id"), attributes.get("class")):
        if not value:
            continue
        words = class_words(value)
        live = not LIVE_WORDS.isdisjoint(words)
        for word in words:
            category = _CATEGORY_OF.get(word)
            if category is not None and not (live and category == "comments"):
                return Mark(f"html.class-{word}", category)
    return None


# Words in class and id values that name the page's own matter: an article, a post, a product, a thread, a card
# of a listing. Evidence for a line, never a verdict (a menu's "nav-item" holds one too): the line model weighs it.
CONTENT_WORDS = frozenset(
    "article content post entry story body text main blog product description detail details thread message review "
    "recipe question answer listing result results item items card summary".split()
)
_ANY_CONTENT_WORD_LOWER = re.compile("|".join(sorted(CONTENT_WORDS)))  # searched in the lower-cased value


def find_content_boxes(root: LexborNode) -> frozenset[int]:
    """The `mem_id`s of the elements under `root` whose class or id words name content.

    >>> from selectolax.lexbor import LexborHTMLParser
    >>> body = LexborHTMLParser("<div class=postBody><p>x</p></div><div id=contents>y</div><div class=nav>z</div>").body
    >>> [node.attributes for node in body.css("div") if node.mem_id in find_content_boxes(body)]
    [{'class': 'postBody'}]
    """
    return find_evidence(root)[1]


def find_marks(root: LexborNode) -> dict[int, Mark]:
    """Marks by element `mem_id`, for the elements under `root` that markup shows to be furniture.

    >>> from selectolax.lexbor import LexborHTMLParser
    >>> body = LexborHTMLParser("<nav>Home</nav><p>A long enough article text.</p><div class=share>Tweet</div>").body
    >>> sorted(m.rule for m in find_marks(body).values())
    ['html.class-share', 'html.nav']
    """
    return find_evidence(root)[0]


def value_evidence(value: str) -> tuple[bool, bool]:
    """What one class or id value says: whether it holds a furniture word as a (case-sensitive) substring, the
    test `may_be_marked` makes, and whether its words name content.

    >>> value_evidence("post-share"), value_evidence("postBody"), value_evidence("Newsletter")
    ((True, True), (False, True), (False, False))
    """
    # A word `class_words` finds is ASCII, so a lower-cased value holds it: the search only spares the split.
    names_content = (_ANY_CONTENT_WORD_LOWER.search(value.lower()) is not None
                     and not CONTENT_WORDS.isdisjoint(class_words(value)))
    return _ANY_CLASS_WORD.search(value) is not None, names_content


_NOTHING = (False, False)


def find_evidence(root: LexborNode) -> tuple[dict[int, Mark], frozenset[int]]:
    """`find_marks(root)` and `find_content_boxes(root)` in one pass over the elements with a class or id.

    Pages repeat their class values by the thousand ("menu-item"), so each distinct value is judged once.

    >>> from selectolax.lexbor import LexborHTMLParser
    >>> body = LexborHTMLParser("<nav>Home</nav><div class='post share'>Tweet</div><div id=main-content>x</div>").body
    >>> marks, boxes = find_evidence(body)
    >>> sorted(m.rule for m in marks.values()), len(boxes)
    (['html.class-share', 'html.nav'], 2)
    """
    marks: dict[int, Mark] = {}
    for selector, mark in STRUCTURE.items():
        for node in root.css(selector):
            marks.setdefault(node.mem_id, mark)
    boxes = set()
    judged: dict[str | None, tuple[bool, bool]] = {None: _NOTHING, "": _NOTHING}
    value_marks: dict[str | None, Mark | None] = {None: None, "": None}
    for node in root.css(_CLASS_OR_ID):
        attributes = node.attributes
        classes, ident = attributes.get("class"), attributes.get("id")
        of_class = judged.get(classes)
        if of_class is None:
            of_class = judged[classes] = value_evidence(classes)
        of_id = judged.get(ident)
        if of_id is None:
            of_id = judged[ident] = value_evidence(ident)
        key = node.mem_id
        if of_class[1] or of_id[1]:
            boxes.add(key)
        if (of_class[0] or of_id[0]) and key not in marks and node.tag not in NEVER_MARKED:
            # As `attributes_mark`: the id's words first, then the class's.
            for value in (ident, classes):
                mark = value_marks.get(value, False)
                if mark is False:
                    mark = value_marks[value] = attributes_mark({"id": value})
                if mark is not None:
                    marks[key] = mark
                    break
    return marks, frozenset(boxes)
