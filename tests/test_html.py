"""HTML input end to end: pages found beside text, decoded by their charset, cleaned into NAME.txt, never a crash."""

from __future__ import annotations

import json

from click.testing import CliRunner

from cleaner import Cleaner, Config
from cleaner.cli import main
from cleaner.decoding import decode_html
from cleaner.document import Document
from cleaner.html import read_page
from cleaner.io import find_inputs

ARTICLE = ("The council approved the new budget on Monday after a long debate, and the mayor said the money "
           "would go to schools, roads and the library that has been closed since the flood last spring.")
PAGE = f"""<html lang="en"><head><title>Budget passes</title><meta name="author" content="A. Writer">
<link rel="canonical" href="https://example.org/budget"></head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li></ul></nav>
<article><h1>Budget passes</h1><p>{ARTICLE}</p><p>{ARTICLE.replace("council", "board")}</p></article>
<div class="newsletter-box"><p>Sign up for our newsletter and never miss a story from the town hall again.</p></div>
<footer><p>Copyright 2024 Example Town News. All rights reserved.</p></footer>
<script>var tracking = "Tracking code that is never text";</script></body></html>"""


def clean_page(html: str) -> Document:
    return Cleaner(Config(language_detector="none")).pipeline().run(Document(html, "page", format="html"))


def test_a_page_keeps_its_article_and_loses_its_furniture():
    text = clean_page(PAGE).cleaned_text()
    assert ARTICLE in text
    for gone in ("Home", "newsletter", "Copyright", "Tracking"):
        assert gone not in text


def test_furniture_is_dropped_with_an_html_reason_and_a_category():
    doc = clean_page(PAGE)
    reasons = {b.text: b.dropped for b in doc.blocks if b.dropped is not None and b.dropped.stage == "html"}
    assert reasons["* Home"].rule == "html.nav" and reasons["* Home"].category == "navigation"
    assert any(r.category == "newsletter" for r in reasons.values())
    assert any(r.category == "footer" for r in reasons.values())


def test_head_metadata_goes_into_metadata_not_into_the_text():
    doc = clean_page(PAGE)
    assert doc.metadata == {"title": "Budget passes", "author": "A. Writer", "url": "https://example.org/budget", "lang": "en"}
    assert doc.cleaned_text().count("Budget passes") == 1  # the article's own heading, not the <title>


def test_a_class_word_on_the_article_wrapper_does_not_drop_the_article():
    html = f'<div class="entry share sidebar-layout"><p>{ARTICLE}</p><p>{ARTICLE}!</p></div><div class="share">Tweet</div>'
    text = clean_page(html).cleaned_text()
    assert ARTICLE in text and "Tweet" not in text


def test_class_words_are_whole_words():
    lines = read_page('<div class="canvas-wrapper">Painting</div><div class="main-nav">Menu</div>').lines
    assert [(line.text, line.hints.mark and line.hints.mark.rule) for line in lines] == [
        ("Painting", None), ("Menu", "html.class-nav")]


def test_windows_1251_and_shift_jis_pages_come_out_right():
    russian = "Совет утвердил бюджет в понедельник после долгих дебатов."
    japanese = "市議会は長い議論の末、月曜日に予算を承認した。"
    declared = f'<meta charset="windows-1251"><p>{russian}</p>'.encode("cp1251")
    assert russian in decode_html(declared, "a.html")
    http_equiv = f'<meta http-equiv="Content-Type" content="text/html; charset=Shift_JIS"><p>{japanese}</p>'
    assert japanese in decode_html(http_equiv.encode("shift_jis"), "b.html")
    undeclared = f"<p>{japanese * 3}</p>".encode("shift_jis")
    assert japanese in decode_html(undeclared, "c.html")


def test_a_bom_wins_over_the_meta_tag():
    data = "\ufeff<meta charset=iso-8859-1><p>Grüße</p>".encode("utf-8")
    assert decode_html(data, "a.html") == "<meta charset=iso-8859-1><p>Grüße</p>"


def test_malformed_html_gives_a_result():
    doc = clean_page("<p>a<div><p></li></table><td>x<<>>&&;&#99999999;<a href='")
    assert isinstance(doc.cleaned_text(), str)


def test_truncated_html_keeps_what_arrived():
    assert "long debate" in clean_page(f"<html><body><p>{ARTICLE}</p><p>{ARTICLE[:60]}").cleaned_text()


def test_100k_levels_of_nesting_do_not_recurse_or_hang():
    html = "<div>" * 100_000 + f"<p>{ARTICLE}</p>" + "</div>" * 100_000
    assert ARTICLE in clean_page(html).cleaned_text()
    assert read_page("<b><i>" * 50_000 + "deep text").lines[-1].text == "deep text"


def test_a_50_mb_page_is_read_into_lines():
    html = "<html><body>" + f"<p>{ARTICLE}</p>\n" * 260_000
    assert len(html) > 50_000_000
    lines = read_page(html).lines
    assert len(lines) == 260_000 and lines[-1].text == ARTICLE


def test_folders_yield_html_pages_with_txt_outputs(tmp_path):
    (tmp_path / "a.html").write_text("<p>x</p>")
    (tmp_path / "b.HTM").write_text("<p>x</p>")
    (tmp_path / "c.txt").write_text("x")
    assert [(f.name, f.is_html) for f in find_inputs([str(tmp_path)])] == [
        ("a.txt", True), ("b.txt", True), ("c.txt", False)]


def test_clean_writes_name_txt_for_name_html_and_the_page_metadata_in_the_report(tmp_path):
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "budget.html").write_bytes(PAGE.encode("utf-8"))
    (pages / "binary.html").write_bytes(b"\x00\x01\x02 not a page")
    result = CliRunner().invoke(main, ["clean", str(pages), "-o", str(tmp_path / "out"), "--language-detector", "none"])
    assert result.exit_code == 1  # the binary file is an error, named on stderr; the run goes on
    assert "binary.html" in result.output
    assert ARTICLE in (tmp_path / "out" / "budget.txt").read_text(encoding="utf-8")
    report = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    assert report["files"]["budget.txt"]["page"]["title"] == "Budget passes"
    assert report["errors"][0]["file"] == "binary.txt"


def test_in_place_refuses_to_replace_a_page_by_its_text(tmp_path):
    page = tmp_path / "page.html"
    page.write_text(PAGE, encoding="utf-8")
    result = CliRunner().invoke(main, ["clean", "--in-place", str(page), "--language-detector", "none"])
    assert result.exit_code == 1 and "HTML" in result.output
    assert page.read_text(encoding="utf-8") == PAGE


def test_an_articles_footer_goes_even_when_it_holds_much_of_the_pages_prose():
    bio = ("Anna Writer has reported on the town council for twenty years and before that covered the courts; "
           "she lives by the river with two cats and far too many books about the history of the valley.")
    text = clean_page(f"<article><p>{ARTICLE}</p><footer><p>{bio}</p></footer></article>").cleaned_text()
    assert ARTICLE in text and "Anna Writer" not in text


def test_a_live_tickers_comment_boxes_are_not_a_comment_section():
    html = ('<div class="liveticker"><div class="live-comment">12\' A corner for the visitors comes to nothing.</div>'
            '<div class="ticker-comment">37\' Goal! A header from the edge of the box.</div></div>'
            '<div class="comments"><p>Great game, lads!</p></div>')
    assert [(line.text[:3], line.hints.mark and line.hints.mark.rule) for line in read_page(html).lines] == [
        ("12'", None), ("37'", None), ("Gre", "html.class-comments")]


def test_an_article_only_in_json_ld_is_read_from_there():
    body = f"{ARTICLE} {ARTICLE.replace('council', 'board')}"
    html = (f'<html><head><script type="application/ld+json">{json.dumps({"@type": "NewsArticle", "articleBody": body})}'
            '</script></head><body><h1>Budget passes</h1><p>Subscribe to read the full article</p></body></html>')
    page = read_page(html)
    assert [line.text for line in page.lines][:2] == ["Budget passes", body]
    assert page.lines[1].hints.in_content
    # where the markup holds the article, the markup wins
    assert body not in read_page(html.replace("<p>Subscribe", f"<p>{ARTICLE}</p><p>{ARTICLE}!</p><p>Sub")).text()


def test_class_words_mark_as_a_css_substring_selector_would_find_them() -> None:
    from selectolax.lexbor import LexborHTMLParser

    from cleaner.html.markup import find_marks

    body = LexborHTMLParser(
        '<div class="NEWSLETTER">a</div><div id="site-newsletter-box">b</div><div class>c</div>'
        '<div class="shareholders">d</div><article class="share">e</article><p>text</p>'
    ).body
    rules = sorted(mark.rule for mark in find_marks(body).values())
    # Upper case is no substring of "newsletter"; "shareholders" holds "share" but its word is "shareholders".
    assert rules == ["html.class-newsletter"]


def test_the_templates_pass_reads_a_page_to_the_same_text_as_the_clean_pass():
    from cleaner.html import page_text, read_page

    body = "The committee met on Tuesday and agreed on the plan for the new bridge. " * 4
    pages = [
        "<html><head><title>T</title></head><body><nav class='menu'><a href='/'>Home</a></nav><h1>Plan</h1>"
        "<p>First <b>para</b>.</p><aside class='related'><ul><li>One</li><li>Two</li></ul></aside>"
        "<footer id='footer'>(c) 2024</footer></body></html>",
        f'<script type="application/ld+json">{{"articleBody": "{body}"}}</script><h1>Plan</h1><p>Read more</p>',
        "<p>a</p><div hidden>b</div><table><tr><td>c</td><td>d</td></tr></table>",
        "",
    ]
    for page in pages:
        assert page_text(page) == read_page(page).text()


def test_a_paragraph_after_a_closed_box_starts_after_a_blank_line():
    # The <div> has flushed its line before the <p> opens: the paragraph must still break.
    page = read_page("<div>A box</div><p>A paragraph</p><div><p>Nested</p></div>")
    assert [(line.text, line.blank_before) for line in page.lines] == [
        ("A box", False), ("A paragraph", True), ("Nested", True)]
