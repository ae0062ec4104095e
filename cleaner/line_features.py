"""What the line model sees of each line: the stages' verdicts, the markup, the line's shape, its place and its neighbours.

`document_features(doc)` turns a document that went through every per-document stage into one row of
numbers per block, in the order of `FEATURES`. The rows are what `benchmarks/train_lines.py` fits the
model on and what the `decide` stage scores, so the two can never disagree. Every feature is a plain
number; a feature that does not apply (markup of a text dump, a neighbour past the page's end) is -1.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from functools import lru_cache

import numpy as np

from .document import Block, Document
from .features import ends_truncated, is_heading, is_prose, squash_key, stopword_share, word_count
from .speedups import char_counts

# The verdicts of the stages before `decide`: which stage dropped a line, under which category and rule.
STAGES = ("html", "patterns", "templates", "heuristics", "classify")
CATEGORIES = ("navigation", "sidebar", "footer", "template", "ui", "boilerplate", "comments", "duplicate", "form",
              "hidden", "related", "byline", "promo", "social", "tags", "newsletter", "cookie", "account", "donation")
RULES = ("outside_main_body", "boilerplate_block", "html.link-line", "html.past-content", "repeated_line",
         "related.list-heading", "recurring_line", "trailing_heading")
# The line's own block element, and elements among its last six ancestors (`Hints.path`).
TAGS = ("p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "td", "th", "div", "pre", "blockquote", "dd", "dt",
        "figcaption", "caption", "span", "a", "section", "article", "body")
PATH_TAGS = ("article", "main", "section", "header", "aside", "footer", "nav", "form", "table", "ul", "ol", "figure",
             "blockquote", "a", "span", "strong", "details")
# What the page says it is: its Open Graph type, and groups of the schema.org types of its JSON-LD.
OG_TYPES = ("article", "product", "website")
SCHEMA_GROUPS: dict[str, frozenset[str]] = {
    "article": frozenset({"Article", "NewsArticle", "BlogPosting", "Report", "ScholarlyArticle", "TechArticle",
                          "AnalysisNewsArticle", "OpinionNewsArticle", "ReportageNewsArticle", "LiveBlogPosting"}),
    "product": frozenset({"Product", "ProductGroup", "Offer", "AggregateOffer", "IndividualProduct", "ProductModel"}),
    "listing": frozenset({"ItemList", "CollectionPage", "SearchResultsPage", "OfferCatalog"}),
    "discussion": frozenset({"DiscussionForumPosting", "QAPage", "Question", "Answer", "Comment"}),
    "howto": frozenset({"Recipe", "HowTo", "FAQPage"}),
    "organisation": frozenset({"LocalBusiness", "Service", "Event", "Place", "ContactPage", "AboutPage"}),
}
# The categories of markup evidence on a line's ancestors, standing or overturned (`Hints.evidence`).
EVIDENCE = ("navigation", "sidebar", "footer", "form", "promo", "hidden", "ui", "newsletter", "donation", "related",
            "byline", "social", "comments", "cookie", "tags")
NEIGHBOURS = (-3, -2, -1, 1, 2, 3)
WINDOW = 5  # lines on each side whose verdicts describe the line's surroundings

FEATURES: tuple[str, ...] = (
    ("kept",)
    + tuple(f"stage_{s}" for s in STAGES) + tuple(f"category_{c}" for c in CATEGORIES) + tuple(f"rule_{r}" for r in RULES)
    + tuple(f"tag_{t}" for t in TAGS) + tuple(f"path_{t}" for t in PATH_TAGS)
    + ("path_lines", "path_words_share", "link_density", "in_content", "past_content", "in_list", "marked", "path_depth",
       "named_content")
    + ("words", "characters", "stopwords", "ends_sentence", "ends_colon", "digits", "capitals", "bullet", "separators",
       "commas", "heading", "prose", "truncated", "has_date")
    + ("is_title", "holds_title")
    + ("position", "words_before", "kept_words_before", "in_body", "before_body", "after_body")
    + tuple(f"{name}_{offset:+d}" for offset in NEIGHBOURS for name in ("kept", "words", "stopwords"))
    + ("window_kept", "window_kept_words")
    + ("page_lines", "page_kept_lines", "page_kept_words", "page_words", "page_list_items", "page_link_lines",
       "page_content_lines", "page_has_content_box", "page_named_lines")
    + tuple(f"og_{t}" for t in OG_TYPES) + ("og_other",) + tuple(f"schema_{g}" for g in SCHEMA_GROUPS)
    + ("url_depth", "url_slug_words", "url_has_number")
    + tuple(f"evidence_{c}" for c in EVIDENCE) + ("path_kept_share", "parent_path_lines")
)

PAGE_KIND = FEATURES[FEATURES.index("og_article"):FEATURES.index("url_has_number") + 1]  # the columns of `page_kind`

_SLUG_WORD = re.compile(r"[^\W_]+")  # a word of a URL's last path segment
_DATE = re.compile(r"\d{1,2}[./]\d{1,2}[./]\d{2,4}|\d{4}-\d\d-\d\d")
_DATE_DIGITS = 4  # the fewest decimal digits (`\d` is str.isdecimal, as `char_counts` counts) a `_DATE` holds
_SEPARATORS = ("|", "»", "›")
_SENTENCE_END = (".", "!", "?", "。", '"', "”")


def line_shape(text: str) -> list[float]:
    """The line's own shape: words and characters (log), stopword share, punctuation, digits, capitals, kind.

    >>> [round(x, 2) for x in line_shape("The council met on Monday.")][:5]
    [1.79, 3.3, 0.6, 1.0, 0.0]
    """
    words = word_count(text)
    decimals, letters, capitals = char_counts(text)
    end = text.rstrip()
    return [
        math.log1p(words), math.log1p(len(text)), stopword_share(text) if words else 0.0,
        float(end.endswith(_SENTENCE_END)), float(end.endswith(":")),
        decimals / max(1, len(text)), capitals / max(1, letters),
        float(text.startswith(("* ", "+ ", "o "))), float(any(map(text.__contains__, _SEPARATORS))),
        text.count(",") / max(1, words), float(is_heading(text)), float(is_prose(text)), float(ends_truncated(text)),
        float(decimals >= _DATE_DIGITS and _DATE.search(text) is not None),
    ]


def verdict(block: Block) -> list[float]:
    """Whether the stages kept the line and, if not, which stage, category and rule dropped it."""
    reason = block.dropped
    if reason is None:
        return [1.0] + [0.0] * (len(STAGES) + len(CATEGORIES) + len(RULES))
    return ([0.0] + [float(reason.stage == s) for s in STAGES] + [float(reason.category == c) for c in CATEGORIES]
            + [float(reason.rule == r) for r in RULES])


def markup(hints: object | None, path_lines: dict[str, int], path_words: dict[str, float], page_words: float) -> list[float]:
    """The line's element, its ancestors, how many lines of the page share its path, and the content-box flags."""
    if hints is None:
        return [-1.0] * (len(TAGS) + len(PATH_TAGS) + 9)
    tags, path_depth = element_columns(hints.tag, hints.path)
    return (tags + [math.log1p(path_lines[hints.path]), path_words[hints.path] / page_words, hints.link_density,
                    float(hints.in_content), float(hints.past_content), float(hints.in_list), float(bool(hints.marks)),
                    path_depth, float(min(hints.named_content, 3))])


@lru_cache(maxsize=1 << 12)
def element_columns(tag: str, path: str) -> tuple[list[float], float]:
    """`markup`'s columns of the line's element and its ancestors (`TAGS`, `PATH_TAGS`), and the path's depth: pages
    share their elements and paths, so each is made once (callers copy the list, never change it).

    >>> element_columns("li", "ul>li")[0][TAGS.index("li")], element_columns("li", "ul>li")[1]
    (1.0, 2.0)
    """
    parts = path.split(">")
    return [float(tag == t) for t in TAGS] + [float(t in parts) for t in PATH_TAGS], float(len(parts))


def document_features(doc: Document) -> np.ndarray:
    """One row of `FEATURES` per block of `doc`, in order.

    >>> from cleaner.document import Reason
    >>> doc = Document("", blocks=[Block("Home", 1, 0, 0, False, Reason("patterns", "nav", "navigation")),
    ...     Block("The council met on Monday to approve the budget.", 2, 5, 1, True)])
    >>> rows = document_features(doc)
    >>> rows.shape == (2, len(FEATURES)), float(rows[0, FEATURES.index("category_navigation")]), float(rows[1, FEATURES.index("kept_-1")])
    (True, 1.0, 0.0)
    """
    blocks = doc.blocks
    count = len(blocks)
    if not count:
        return np.zeros((0, len(FEATURES)))
    texts = [b.text for b in blocks]
    shapes = rows_by_key(texts, lambda i: line_shape(texts[i]))  # menus and bylines repeat: each text's shape once
    kept = np.array([b.kept for b in blocks], dtype=np.float64)
    words = np.array([word_count(text) for text in texts], dtype=np.float64)
    page_words = float(words.sum()) or 1.0
    kept_words = float((words * kept).sum())
    hints = [b.hints for b in blocks]
    path_lines: dict[str, int] = {}
    path_words: dict[str, float] = {}
    for hint, w in zip(hints, words.tolist(), strict=True):
        if hint is not None:
            path_lines[hint.path] = path_lines.get(hint.path, 0) + 1
            path_words[hint.path] = path_words.get(hint.path, 0.0) + w
    columns = [
        rows_by_key([b.dropped for b in blocks], lambda i: verdict(blocks[i])),
        rows_by_key([markup_key(h) for h in hints], lambda i: markup(hints[i], path_lines, path_words, page_words)),
        shapes,
        title_columns(texts, doc.metadata.get("title")),
        place_columns(blocks, words, kept, doc.main_body, page_words, kept_words),
        neighbour_columns(kept, shapes),
        window_columns(kept, words),
        np.broadcast_to(page_columns(hints, kept, words, page_words, kept_words), (count, 9)),
        np.broadcast_to(page_kind(doc.metadata), (count, len(PAGE_KIND))),
        evidence_columns(hints, kept, words, path_words),
    ]
    return np.hstack(columns).astype(np.float32).astype(np.float64)


def markup_key(hints: object | None) -> tuple | None:
    """All that `markup` reads of a line's hints (the page's tallies aside): lines of one key share a row."""
    if hints is None:
        return None
    return (hints.tag, hints.path, hints.link_density, hints.in_content, hints.past_content, hints.in_list,
            bool(hints.marks), hints.named_content)


def rows_by_key(keys: list, row_of: Callable[[int], list[float]]) -> np.ndarray:
    """One row per key, each distinct key's row made once by `row_of(index of its first line)`.

    A page's lines share a few verdicts and markup contexts among thousands of lines, so the rows are
    made per distinct key and gathered by index.

    >>> rows_by_key(["a", "b", "a"], lambda i: [float(i)]).tolist()
    [[0.0], [1.0], [0.0]]
    """
    slots: dict = {}
    index = np.array([slots.setdefault(key, len(slots)) for key in keys], dtype=np.intp)  # slots numbered as first seen
    firsts = np.unique(index, return_index=True)[1].tolist()  # the first line of each slot, in slot order
    return np.array([row_of(at) for at in firsts], dtype=np.float64)[index]


def title_columns(texts: list[str], title: object) -> np.ndarray:
    """Whether each line is the page's title, and whether it holds it.

    >>> title_columns(["Budget passed", "News", "Budget passed: the council votes"], "Budget passed").tolist()
    [[1.0, 1.0], [0.0, 0.0], [0.0, 1.0]]
    """
    key = squash_key(title) if isinstance(title, str) else ""
    if not key:  # neither can be: no line is an empty title, and none holds one
        return np.zeros((len(texts), 2))

    def row(i: int) -> tuple[float, float]:
        line = squash_key(texts[i])
        return (float(bool(line) and (line == key or (len(line) > 10 and line in key))),
                float(len(key) > 10 and key in line))

    return rows_by_key(texts, row)


def place_columns(blocks: list[Block], words: np.ndarray, kept: np.ndarray, body: tuple[int, int] | None,
                  page_words: float, kept_words: float) -> np.ndarray:
    """Position, words before (all and kept), and inside, before or after the main body (by line number)."""
    count = len(blocks)
    before = np.cumsum(words) - words
    kept_before = np.cumsum(words * kept) - words * kept
    position = np.arange(count) / max(1, count - 1)
    columns = [position, before / page_words, kept_before / kept_words if kept_words else np.full(count, -1.0)]
    if body is None:
        columns += [np.full(count, -1.0), np.zeros(count), np.zeros(count)]
    else:
        lines = np.array([b.line for b in blocks], dtype=np.float64)
        columns += [((body[0] <= lines) & (lines <= body[1])).astype(np.float64),
                    np.maximum(0, body[0] - lines) / count, np.maximum(0, lines - body[1]) / count]
    return np.column_stack(columns)


def neighbour_columns(kept: np.ndarray, shapes: np.ndarray) -> np.ndarray:
    """Kept or not, words and stopwords of the lines `NEIGHBOURS` away (-1 past either end)."""
    count = len(kept)
    own = np.column_stack([kept, shapes[:, 0], shapes[:, 2]])
    columns = []
    for offset in NEIGHBOURS:
        shifted = np.full((count, 3), -1.0)
        if offset < 0 and count > -offset:
            shifted[-offset:] = own[:offset]
        elif offset > 0 and count > offset:
            shifted[:-offset] = own[offset:]
        columns.append(shifted)
    return np.hstack(columns)


def window_columns(kept: np.ndarray, words: np.ndarray) -> np.ndarray:
    """The share of kept lines, and of kept words, among the `WINDOW` lines on each side."""
    count = len(kept)
    index = np.arange(count)
    low, high = np.maximum(0, index - WINDOW), np.minimum(count, index + WINDOW + 1)

    def around(values: np.ndarray) -> np.ndarray:
        sums = np.concatenate([[0.0], np.cumsum(values)])
        return sums[high] - sums[low] - values

    lines = (high - low - 1).astype(np.float64)
    return np.column_stack([around(kept) / np.maximum(1, lines), around(words * kept) / np.maximum(1.0, around(words))])


def page_columns(hints: list, kept: np.ndarray, words: np.ndarray, page_words: float, kept_words: float) -> np.ndarray:
    """The page: lines, kept share, words, and the shares of list items, link lines, content-box and named lines."""
    count = len(kept)
    marked = [h for h in hints if h is not None]
    return np.array([
        math.log1p(count), float(kept.sum()) / count, kept_words / page_words, math.log1p(page_words),
        sum(h.tag == "li" for h in marked) / count, sum(h.link_density > 0.5 for h in marked) / count,
        sum(h.in_content for h in marked) / count, float(any(h.in_content for h in marked)),
        sum(h.named_content > 0 for h in marked) / count,
    ])



def page_kind(metadata: dict) -> np.ndarray:
    """What the page says it is (Open Graph type, schema.org groups) and the shape of its URL's path.

    >>> [float(x) for x in page_kind({"og_type": "product", "schema_types": "Offer Product", "url": "https://e.org/shop/red-wool-hat-123"})]
    [0.0, 1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 2.0, 4.0, 1.0]
    >>> [float(x) for x in page_kind({})][-3:]
    [-1.0, -1.0, -1.0]
    """
    og = str(metadata.get("og_type", "")).strip().lower()
    kinds = set(str(metadata.get("schema_types", "")).split())
    row = [float(og == t) for t in OG_TYPES] + [float(bool(og) and og not in OG_TYPES)]
    row += [float(bool(kinds & group)) for group in SCHEMA_GROUPS.values()]
    url = metadata.get("url")
    if isinstance(url, str) and url:
        path = url.split("://", 1)[-1].partition("/")[2].split("?", 1)[0].split("#", 1)[0]
        parts = [part for part in path.split("/") if part]
        last = parts[-1] if parts else ""
        row += [float(len(parts)), float(len(_SLUG_WORD.findall(last))), float(any(c.isdecimal() for c in last))]
    else:
        row += [-1.0, -1.0, -1.0]
    return np.array(row, dtype=np.float64)


def evidence_columns(hints: list, kept: np.ndarray, words: np.ndarray, path_words: dict[str, float]) -> np.ndarray:
    """Markup evidence on the line's ancestors by category (`EVIDENCE`, kept or overturned by `resolve_marks`), the
    share of the words under the line's tag path that the stages kept, and how many lines share its parent's path.
    `path_words` holds the words under each tag path, as `document_features` tallies them.

    >>> from cleaner.html.lines import Hints
    >>> rows = evidence_columns([Hints("p", "div>p", 0.0, evidence=frozenset({"cookie"})), Hints("p", "div>p", 0.0), None],
    ...                         np.array([1.0, 0.0, 1.0]), np.array([3.0, 1.0, 2.0]), {"div>p": 4.0})
    >>> [round(float(x), 2) for x in (rows[0, EVIDENCE.index("cookie")], rows[1, EVIDENCE.index("cookie")], *rows[0, -2:], rows[2, -1])]
    [1.0, 0.0, 0.75, 1.1, -1.0]
    """
    path_kept: dict[str, float] = {}
    parent_lines: dict[str, int] = {}
    for hint, w, k in zip(hints, words.tolist(), kept.tolist(), strict=True):
        if hint is not None:
            path_kept[hint.path] = path_kept.get(hint.path, 0.0) + w * k
            parent = hint.path.rpartition(">")[0]
            parent_lines[parent] = parent_lines.get(parent, 0) + 1

    def row(i: int) -> list[float]:
        hint = hints[i]
        if hint is None:
            return [-1.0] * (len(EVIDENCE) + 2)
        evidence = hint.evidence
        return [float(c in evidence) for c in EVIDENCE] + [
            path_kept[hint.path] / path_words[hint.path] if path_words[hint.path] else -1.0,
            math.log1p(parent_lines[hint.path.rpartition(">")[0]]),
        ]

    # The row depends on the evidence and the path alone: lines sharing both share it.
    return rows_by_key([None if h is None else (h.evidence, h.path) for h in hints], row)
