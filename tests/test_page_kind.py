"""What a page says it is: Open Graph type, schema.org types and the URL's shape, as the line model reads them."""

import json

import numpy as np
from selectolax.lexbor import LexborHTMLParser

from cleaner.html import read_page
from cleaner.html.jsonld import MAX_NODES, schema_types
from cleaner.line_features import PAGE_KIND, SCHEMA_GROUPS, page_kind


def ld(data: object) -> str:
    return f'<script type="application/ld+json">{json.dumps(data)}</script>'


def test_a_product_page_names_its_kind_in_the_head_and_in_json_ld():
    page = read_page('<html><head><meta property="og:type" content="product"><link rel=canonical href="https://shop.example/hats/red-wool-hat">'
                     + ld({"@context": "https://schema.org", "@type": "Product", "offers": {"@type": "Offer"}})
                     + "</head><body><h1>Red wool hat</h1><p>Warm.</p></body></html>")
    assert page.metadata["og_type"] == "product"
    assert page.metadata["schema_types"] == "Offer Product"
    row = dict(zip(PAGE_KIND, page_kind(page.metadata).tolist(), strict=True))
    assert row["og_product"] == 1.0 and row["schema_product"] == 1.0 and row["schema_article"] == 0.0
    assert (row["url_depth"], row["url_slug_words"], row["url_has_number"]) == (2.0, 3.0, 0.0)


def test_types_given_as_urls_lists_or_junk_are_read_or_ignored_never_raise():
    page = ld([{"@type": "http://schema.org/NewsArticle"}, {"@type": ["WebPage", 7, None]}, {"@type": {"x": 1}}])
    assert schema_types(LexborHTMLParser(page + ld("just a string") + '<script type="application/ld+json">{broken')) \
        == "NewsArticle WebPage"


def test_a_deep_or_huge_json_ld_graph_is_read_only_so_far():
    deep = '<script type="application/ld+json">' + '{"a": ' * 100_000 + '{"@type": "Article"}' + "}" * 100_000 + "</script>"
    wide = {"@graph": [{"@type": f"T{i}"} for i in range(MAX_NODES * 2)]}
    assert schema_types(LexborHTMLParser(ld(wide))).count(" ") < MAX_NODES
    assert schema_types(LexborHTMLParser(deep + ld({"@type": "Product"}))) == "Product"


def test_a_page_that_says_nothing_gives_zeros_and_no_url_gives_minus_one():
    row = page_kind({})
    assert row.shape == (len(PAGE_KIND),)
    assert not row[: 4 + len(SCHEMA_GROUPS)].any()
    assert np.array_equal(row[-3:], [-1.0, -1.0, -1.0])
