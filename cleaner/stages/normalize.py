"""normalize: repair mojibake, settle on one Unicode form, tidy whitespace.

This is the only stage that rewrites text; everything later only marks blocks.
"""

from __future__ import annotations

import re
import unicodedata

import ftfy
from ftfy.badness import is_bad

from ..document import Document

# Curly quotes, full-width characters and HTML entities are kept as written:
# they are the author's text, and gold strings quote them verbatim.
_FTFY_CONFIG = ftfy.TextFixerConfig(
    unescape_html=False,
    uncurl_quotes=False,
    fix_character_width=False,
    fix_latin_ligatures=False,
    normalization="NFC",
    explain=False,
)
# Characters that make a text worth a full ftfy pass; most text has none and skips it.
_SUSPICIOUS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffd]|Ã|Â|â€|Ð|Ñ")
_INVISIBLE = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_HSPACE = re.compile(r"[^\S\n]+")
_NEWLINES = re.compile(r"\r\n?|[\u2028\u2029\x0b\x0c\x85]")


def repair_text(text: str) -> str:
    """Undo mojibake and strip control characters, only when the text looks broken.

    >>> repair_text("The CafÃ© is open")
    'The Café is open'
    >>> repair_text("Plain text stays exactly as it was.")
    'Plain text stays exactly as it was.'
    """
    if _SUSPICIOUS.search(text) or is_bad(text):
        return ftfy.fix_text(text, _FTFY_CONFIG)
    return text


def tidy_whitespace(text: str) -> str:
    """One newline style, no invisible characters, single spaces; lines keep their numbers.

    >>> tidy_whitespace("  a\\t b \\r\\n\\r\\nc\\u200b ")
    'a b\\n\\nc'
    """
    text = _NEWLINES.sub("\n", text)
    text = _INVISIBLE.sub("", text)
    return "\n".join(_HSPACE.sub(" ", line).strip() for line in text.split("\n"))


def normalize_text(text: str) -> str:
    """The whole normalisation: repair, NFC, whitespace.

    >>> normalize_text("Caf\\u0065\\u0301  au lait\\r\\n")
    'Café au lait\\n'
    """
    return tidy_whitespace(unicodedata.normalize("NFC", repair_text(text)))


class Normalize:
    name = "normalize"

    def process(self, doc: Document) -> None:
        doc.text = normalize_text(doc.text)
