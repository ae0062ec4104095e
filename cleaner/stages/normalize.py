"""normalize: repair mojibake, settle on one Unicode form, tidy whitespace.

This is the only stage that rewrites text; everything later only marks blocks.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from functools import lru_cache
from importlib import resources

from ..document import Document
from ..textcore import collapse_lines
from .base import DocumentStage


@lru_cache(maxsize=1)
def _ftfy_config() -> object:
    """ftfy's settings here, imported on first need: most text never needs it (and `cleaner dedup` starts 30 ms sooner).

    Curly quotes, full-width characters and HTML entities are kept as written: they are the author's
    text, and gold strings quote them verbatim.
    """
    import ftfy

    return ftfy.TextFixerConfig(unescape_html=False, uncurl_quotes=False, fix_character_width=False, fix_latin_ligatures=False,
                                normalization="NFC", explain=False)


def is_bad(text: str) -> bool:
    """ftfy's test for mojibake (`ftfy.badness.is_bad`), imported on first need.

    >>> is_bad("CafÃ©"), is_bad("Café")
    (True, False)
    """
    from ftfy.badness import is_bad as ftfy_is_bad

    return ftfy_is_bad(text)


# Characters that make a text worth a full ftfy pass; most text has none and skips it.
_SUSPICIOUS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffd]|Ã|Â|â€|Ð|Ñ")
# UTF-8 read as Latin-1 or Windows-1252 leaves a lead byte (\xc2-\xef) before a continuation byte
# (\x80-\xbf, or what Windows-1252 shows for one). ftfy's own check is 150 times slower, so it
# only runs where this cheap one finds something.
_MOJIBAKE_HINT = re.compile("[\xc2-\xef][\x80-\xbf€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ]")
# A prefilter for _SUSPICIOUS: one character class scans far faster than an alternation, and
# text without any of these characters (most text) cannot match it.
_MAYBE_SUSPICIOUS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffdÃÂâÐÑ]")
# Zero-width space, word joiner, stray BOM, soft hyphen. Not ZWNJ/ZWJ: Persian words and emoji need them.
_INVISIBLE_CHARS = "\u200b\u2060\ufeff\u00ad"
_INVISIBLE = re.compile(f"[{_INVISIBLE_CHARS}]")
_HSPACE = re.compile(r"\s+")
# Line separators other than "\n"; "\r\n" and a lone "\r" are handled before them.
_OTHER_NEWLINES = "\u2028\u2029\x0b\x0c\x85"


# A word of lower-case letters and digits joined by underscores, standing on its own: the shape of an
# icon font's ligature name ("filter_none", "keyboard_arrow_down").
_ICON_TOKEN = re.compile(r"(?<![\w-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w-])")


@lru_cache(maxsize=1)
def _icon_names() -> frozenset[str]:
    raw = resources.files("cleaner.wordlists").joinpath("icons.toml").read_text(encoding="utf-8")
    return frozenset(tomllib.loads(raw)["names"])


def strip_icon_names(text: str) -> str:
    """Remove icon-font ligature names ("filter_none", "expand_more") that a text dump keeps beside
    headings and buttons; they are drawn as icons on the page, never read. Other words with
    underscores (identifiers in code) stay.

    >>> strip_icon_names("filter_none WEITERE BEITRÄGE\\nJobs keyboard_arrow_down\\nmy_ggp <- ggplot(data)")
    ' WEITERE BEITRÄGE\\nJobs \\nmy_ggp <- ggplot(data)'
    """
    if "_" not in text:
        return text
    names = _icon_names()
    return _ICON_TOKEN.sub(lambda m: "" if m.group() in names else m.group(), text)


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
        import ftfy

        fixed = tidy_line(ftfy.fix_text(line, _ftfy_config()).replace("\n", " "))
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
    text = collapse_whitespace(remove_invisible(unify_newlines(text)))
    if not unicodedata.is_normalized("NFC", text):
        text = "\n".join(tidy_line(line) for line in text.split("\n"))
    if is_suspicious(text) or (_MOJIBAKE_HINT.search(text) and is_bad(text)):
        text = "\n".join(repair_line(line) for line in text.split("\n"))
    return text


def remove_invisible(text: str) -> str:
    """The text without zero-width spaces, word joiners, stray BOMs and soft hyphens.

    Most text has none: four substring searches (memchr speed) spare it the regex pass.

    >>> remove_invisible("soft\\u00adhyphen\\u200b"), remove_invisible("plain")
    ('softhyphen', 'plain')
    """
    if any(char in text for char in _INVISIBLE_CHARS):
        return _INVISIBLE.sub("", text)
    return text


def collapse_whitespace(text: str) -> str:
    """Each line without icon names, its runs of whitespace one space, none at either end.

    One pass over the lines (`textcore.collapse_lines`), which leaves a tidy line as it is. An icon name
    holds "_" and never spans lines, so only lines with "_" are searched for one: the same result as
    searching the whole text, at a fraction of the cost.

    >>> collapse_whitespace("  a \\t b \\nexpand_more  Jobs\\n\\u3000")
    'a b\\nJobs\\n'
    """
    return collapse_lines(text, strip_icon_names)


def unify_newlines(text: str) -> str:
    """Every line break as "\\n": "\\r\\n", a lone "\\r" and the Unicode separators.

    str.replace finds nothing in most text at memchr speed, where a regex would try every position.

    >>> unify_newlines("a\\r\\nb\\rc\\u2028d\\r\\r\\n")
    'a\\nb\\nc\\nd\\n\\n'
    """
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    for separator in _OTHER_NEWLINES:
        if separator in text:
            text = text.replace(separator, "\n")
    return text


def is_suspicious(text: str) -> bool:
    """Whether the text has a control character, a surrogate, a replacement character or a mojibake pair.

    >>> is_suspicious("bâtiment"), is_suspicious("CafÃ©"), is_suspicious("Itâ€™s")
    (False, True, True)
    """
    return bool(_MAYBE_SUSPICIOUS.search(text) and _SUSPICIOUS.search(text))


class Normalize(DocumentStage):
    name = "normalize"

    def process(self, doc: Document) -> None:
        doc.text = normalize_text(doc.text)
