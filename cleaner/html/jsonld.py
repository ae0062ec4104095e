"""The article as structured data: a schema.org `articleBody` in a `<script type="application/ld+json">`.

Pages rendered by scripts often ship a body with little more than a headline,
a byline and a "read the full article" button, and the article itself only in
the JSON-LD they give search engines. When that `articleBody` is longer than
all the text of the page's markup, the markup cannot hold the article, and the
body's paragraphs stand in for it (see `read_page`). Anywhere else the markup
wins: it is what readers see, and articleBody is often a truncated summary.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from selectolax.lexbor import LexborHTMLParser

SELECTOR = 'script[type="application/ld+json"]'
MAX_NODES = 10_000  # a JSON-LD graph is small; this bounds the search of a hostile one


def article_body(tree: LexborHTMLParser) -> str:
    """The longest `articleBody` string in the page's JSON-LD, as plain text ("" when there is none).

    HTML inside it (some sites put their markup there) is read as text; paragraphs stay on lines of their own.

    >>> page = ('<script type="application/ld+json">{"@graph": [{"@type": "NewsArticle",'
    ...     ' "articleBody": "<p>First &amp; second.</p><p>Third.</p>"}]}</script>')
    >>> article_body(LexborHTMLParser(page))
    'First & second.\\nThird.'
    >>> article_body(LexborHTMLParser('<script type="application/ld+json">{not json</script>'))
    ''
    """
    best = ""
    for node in tree.css(SELECTOR):
        source = node.text(deep=True)
        if "articleBody" not in source:
            continue
        try:
            data = json.loads(source)
        except (ValueError, RecursionError):
            continue
        for body in _bodies(data):
            if len(body) > len(best):
                best = body
    return _plain(best) if best else ""


def schema_types(tree: LexborHTMLParser) -> str:
    """The schema.org `@type`s the page's JSON-LD declares, sorted and space-separated ("" when none).

    >>> schema_types(LexborHTMLParser('<script type="application/ld+json">{"@graph": [{"@type": "Product"},'
    ...     ' {"@type": ["WebPage", "ItemPage"], "mainEntity": {"@type": "Offer"}}]}</script>'))
    'ItemPage Offer Product WebPage'
    """
    found: set[str] = set()
    for node in tree.css(SELECTOR):
        try:
            data = json.loads(node.text(deep=True))
        except (ValueError, RecursionError):  # broken, or nested deeper than the parser goes
            continue
        found.update(_types(data))
    return " ".join(sorted(found))


def _types(data: object) -> set[str]:
    found: set[str] = set()
    for item in _objects(data):
        kind = item.get("@type")
        for name in kind if isinstance(kind, list) else [kind]:
            if isinstance(name, str) and 0 < len(name) < 60:
                found.add(name.rsplit("/", 1)[-1])
    return found


def _bodies(data: object) -> list[str]:
    return [item["articleBody"] for item in _objects(data) if isinstance(item.get("articleBody"), str)]


def _objects(data: object) -> Iterator[dict]:
    """Every JSON object in `data`, depth first, among its first `MAX_NODES` values.

    >>> [sorted(o) for o in _objects({"a": [{"b": 1}, 2], "c": {"d": {}}})]
    [['a', 'c'], ['d'], [], ['b']]
    """
    stack = [data]
    seen = 0
    while stack and seen < MAX_NODES:
        item = stack.pop()
        seen += 1
        if isinstance(item, dict):
            yield item
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def _plain(body: str) -> str:
    """The body's text, one paragraph a line."""
    if "<" in body or "&" in body:
        tree = LexborHTMLParser(body)
        for node in tree.css("p, br, div, li, h1, h2, h3, h4, h5, h6"):
            node.insert_before("\n")
        body = tree.root.text(deep=True) if tree.root is not None else ""
    return "\n".join(" ".join(line.split()) for line in body.splitlines() if line.strip())
