"""normalize: mojibake repaired, the author's typography kept, NFC, tidy whitespace, same line numbers."""

from __future__ import annotations

import unicodedata

import pytest

from cleaner.document import Document
from cleaner.stages.normalize import Normalize, normalize_text, repair_line, tidy_line


def test_mojibake_is_repaired():
    # UTF-8 read as Windows-1252: "é" became "Ã©", curly quotes became "â€œ"/"â€\x9d".
    assert normalize_text("The CafÃ© was â€œopenâ€\x9d today") == "The Café was “open” today"
    assert normalize_text("Ã¼ber MÃ¼nchen") == "über München"


def test_clean_text_is_left_alone_by_repair():
    text = "Plain text, with a comma; nothing to fix."
    assert repair_line(text) == text


def test_curly_quotes_dashes_and_apostrophes_are_kept():
    text = "He said “hello” and ‘bye’ — it’s fine"
    assert normalize_text(text) == text


def test_html_entities_full_width_and_ligatures_are_kept_as_written():
    text = "Fish &amp; chips ＡＢＣ ﬁne"
    assert normalize_text(text) == text


def test_output_is_nfc():
    decomposed = "Cafe\u0301 au lait"
    out = normalize_text(decomposed)
    assert out == "Caf\u00e9 au lait"
    assert unicodedata.is_normalized("NFC", out)


def test_whitespace_is_tidied_per_line():
    assert normalize_text("  a \t b  \n\n   \nc\u00a0\u00a0d  ") == "a b\n\n\nc d"


def test_invisible_characters_are_removed():
    assert normalize_text("zero\u200bwidth soft\u00adhyphen \ufeffbom") == "zerowidth softhyphen bom"


def test_newline_styles_become_one():
    assert normalize_text("a\r\nb\rc\u2028d") == "a\nb\nc\nd"


@pytest.mark.parametrize(
    "text",
    [
        "first\nsecond\n\n  \nthird\n",
        "  indented\n\tTabbed line\n\n\n\nlast",
        "The CafÃ© line\nnext line\n\nÃ¼ber line\n",  # repair must not merge or split lines
        "a\u200b\n\u00ad\nb",  # a line of only invisible characters stays a (blank) line
    ],
)
def test_line_numbers_are_preserved(text):
    out = normalize_text(text)
    before, after = text.split("\n"), out.split("\n")
    assert len(after) == len(before)
    for original, normalised in zip(before, after, strict=True):
        assert bool(normalised) == bool(original.strip().strip("\u200b\u00ad"))


def test_stage_rewrites_document_text():
    doc = Document("  The CafÃ©  \r\nopens ")
    Normalize().process(doc)
    assert doc.text == "The Café\nopens"


def test_tidy_line_alone():
    assert tidy_line("  a\t b \u200b ") == "a b"


def test_whitespace_is_tidied_line_by_line_keeping_line_numbers():
    assert normalize_text("  a\t b \r\n\r\nc\u200b ") == "a b\n\nc"


# --- known bugs -------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["e\u200b\u0301", "A\u00ad\u0300"])
def test_output_is_nfc_even_after_invisible_characters_are_removed(text):
    out = normalize_text(text)
    assert unicodedata.is_normalized("NFC", out)
    assert normalize_text(out) == out


@pytest.mark.parametrize("text", [" Â 0", "\xa0×\x98"])
def test_normalize_is_idempotent_around_repair(text):
    once = normalize_text(text)
    assert normalize_text(once) == once


def test_vertical_tab_is_a_line_break_not_deleted():
    assert normalize_text("first line\x0bsecond line") == "first line\nsecond line"


@pytest.mark.parametrize("text", ["first line\nŒí¿\nnext line\nlast", "Price Œí ¿\nnext line"])
def test_repair_never_merges_lines(text):
    out = normalize_text(text)
    assert out.count("\n") == text.count("\n")
    assert out.split("\n")[-1] == text.split("\n")[-1]


def test_joiners_inside_words_are_kept():
    persian = "می\u200cخواهم"
    assert normalize_text(persian) == persian


def test_icon_font_ligature_names_go_but_identifiers_in_code_stay():
    from cleaner.stages.normalize import normalize_text

    text = "filter_none MORE ON THIS STORY\n* Jobs keyboard_arrow_down\nturned_in\nmy_plot <- ggplot(data)"
    assert normalize_text(text) == "MORE ON THIS STORY\n* Jobs\n\nmy_plot <- ggplot(data)"
    assert normalize_text(normalize_text(text)) == normalize_text(text)
