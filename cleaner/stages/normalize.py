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
# UTF-8 read as Latin-1 or Windows-1252 leaves a lead byte (\xc2-\xef) before a continuation byte
# (\x80-\xbf, or what Windows-1252 shows for one). ftfy's own check is 150 times slower, so it
# only runs where this cheap one finds something.
_MOJIBAKE_HINT = re.compile("[\xc2-\xef][\x80-\xbf€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ]")
_INVISIBLE = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_HSPACE = re.compile(r"\s+")
_INNER_SPACE = re.compile(r"[^\S\n]+")
_EDGE_SPACE = re.compile(r"^ | $", re.MULTILINE)
_NEWLINES = re.compile(r"\r\n?|[\u2028\u2029\x0b\x0c\x85]")


REPAIR_ROUNDS = 3  # ftfy may need a second look at what it fixed ("\xa0×\x98" -> "×˜" -> "ט")


def repair_line(line: str) -> str:
    """Undo mojibake and strip control characters in one line, only when it looks broken.

    Repeats until the line stops changing, so repairing a repaired line changes nothing.

    >>> repair_line("The CafÃ© is open")
    'The Café is open'
    >>> repair_line("Plain text stays exactly as it was.")
    'Plain text stays exactly as it was.'
    """
    for _ in range(REPAIR_ROUNDS):
        if not (_SUSPICIOUS.search(line) or is_bad(line)):
            return line
        # A repair must not invent line breaks: they would renumber every line after it.
        fixed = tidy_line(ftfy.fix_text(line, _FTFY_CONFIG).replace("\n", " "))
        if fixed == line:
            return line
        line = fixed
    return line


def tidy_line(line: str) -> str:
    """No invisible characters, single spaces, no spaces at either end, NFC.

    >>> tidy_line("  Cafe\u0301\u200b \t au  lait ")
    'Café au lait'
    """
    line = _HSPACE.sub(" ", _INVISIBLE.sub("", line)).strip()
    return unicodedata.normalize("NFC", line)


def normalize_text(text: str) -> str:
    """The whole normalisation, line by line: one newline style, tidy whitespace, NFC, repaired mojibake.

    Every line keeps its number, so `check` and `explain` point at the input's lines.

    >>> normalize_text("Caf\\u0065\\u0301  au lait\\r\\nx\\x0by")
    'Café au lait\\nx\\ny'
    """
    # Whole-text passes first (C speed); the per-line Python work is left to the rare broken line.
    text = _INVISIBLE.sub("", _NEWLINES.sub("\n", text))
    text = _EDGE_SPACE.sub("", _INNER_SPACE.sub(" ", text))
    if not unicodedata.is_normalized("NFC", text):
        text = "\n".join(tidy_line(line) for line in text.split("\n"))
    if _SUSPICIOUS.search(text) or (_MOJIBAKE_HINT.search(text) and is_bad(text)):
        text = "\n".join(repair_line(line) for line in text.split("\n"))
    return text


class Normalize:
    name = "normalize"

    def process(self, doc: Document) -> None:
        doc.text = normalize_text(doc.text)
