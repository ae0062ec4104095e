"""`keeping_pages`: the templates pass's reading of a page serves the cleaning pass, within a bound, unchanged."""

from __future__ import annotations

import pytest

from cleaner.html import _kept, keeping_pages, page_text, read_page

PAGES = [
    "<html><head><title>T</title></head><body><nav class='menu'>Home</nav><article><p>"
    + "The council met on Monday and agreed on the budget for the coming year. " * 3
    + "</p></article><footer>About us</footer></body></html>",
    "<ul><li>One<li>Two</ul><div class='share'>Tweet</div><p>Ünïcödé text, and a line<br>broken.</p>",
    "",
    "<p>" + "x" * 5000 + "</p>",
]


def snapshot(page) -> list:
    return [(line.text, line.blank_before, line.hints) for line in page.lines], page.metadata


def test_a_kept_page_is_the_page_read_afresh():
    fresh = [snapshot(read_page(html)) for html in PAGES]
    with keeping_pages():
        texts = [page_text(html) for html in PAGES]
        kept = [snapshot(read_page(html)) for html in PAGES]
        assert not _kept.pages and _kept.chars == 0  # each taken once
    assert kept == fresh
    assert texts == [read_page(html).text() for html in PAGES]


def test_only_the_first_pages_within_the_bound_are_kept_and_all_is_let_go_after():
    with keeping_pages(max_chars=len(PAGES[0]) + len(PAGES[1])):
        for html in PAGES:
            page_text(html)
        assert _kept.chars <= len(PAGES[0]) + len(PAGES[1])
        assert len(_kept.pages) == 3  # the empty page costs nothing; the long last one is past the bound
        with keeping_pages():  # nested: the outer block's pages stay
            pass
        assert len(_kept.pages) == 3
    assert not _kept.pages and _kept.chars == 0 and not _kept.depth


def test_a_page_that_cannot_be_read_raises_as_without_keeping():
    from cleaner.html import MarkupLimit

    html = "<div " + " ".join(f"a{i}" for i in range(25_000)) + ">x</div>"
    with pytest.raises(MarkupLimit):
        page_text(html)
    with keeping_pages(), pytest.raises(MarkupLimit):
        page_text(html)
    assert not _kept.pages
