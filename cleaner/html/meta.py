"""Page metadata from the head: title, date, author, canonical URL, language.

It goes into the report and JSONL output, never into the text: the article's
own heading in the body is what the text keeps.
"""

from __future__ import annotations

from selectolax.lexbor import LexborHTMLParser

# Where each field is looked for, first found wins: the page's own tags, then Open Graph, Dublin Core, schema.org.
SOURCES: dict[str, tuple[tuple[str, str], ...]] = {
    "title": (("meta[property='og:title']", "content"), ("meta[name='twitter:title']", "content"), ("title", "")),
    "date": (
        ("meta[property='article:published_time']", "content"),
        ("meta[name='date']", "content"),
        ("meta[name='dc.date']", "content"),
        ("meta[name='DC.date.issued']", "content"),
        ("meta[itemprop='datePublished']", "content"),
        ("time[datetime]", "datetime"),
    ),
    "author": (
        ("meta[name='author']", "content"),
        ("meta[property='article:author']", "content"),
        ("meta[name='dc.creator']", "content"),
        ("[rel='author']", ""),
    ),
    "url": (("link[rel='canonical']", "href"), ("meta[property='og:url']", "content")),
    "language": (("html", "lang"), ("meta[http-equiv='content-language']", "content"), ("meta[property='og:locale']", "content")),
    # What kind of page the site says this is (article, product, website...): evidence for the line model.
    "og_type": (("meta[property='og:type']", "content"),),
}
MAX_LENGTH = 500  # a field longer than this is not metadata but a page stuffed into an attribute


def page_metadata(tree: LexborHTMLParser) -> dict[str, str]:
    """The fields found, each a short single-line string; missing fields are left out.

    >>> tree = LexborHTMLParser('<html lang=de><head><title> A  title </title>'
    ...     '<link rel=canonical href="https://e.org/a"></head><body><time datetime="2024-05-01">May</time></body></html>')
    >>> page_metadata(tree)
    {'title': 'A title', 'date': '2024-05-01', 'url': 'https://e.org/a', 'language': 'de'}
    """
    found: dict[str, str] = {}
    for field, sources in SOURCES.items():
        for selector, attribute in sources:
            node = tree.css_first(selector)
            if node is None:
                continue
            value = node.attributes.get(attribute) if attribute else node.text(deep=True)
            value = " ".join((value or "").split())[:MAX_LENGTH]
            if value:
                found[field] = value
                break
    return found
