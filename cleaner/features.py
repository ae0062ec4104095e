"""Cheap shape features of a block of text, shared by the structural stages.

Each function is pure and total: any string in, a number or a bool out.
"""

from __future__ import annotations

import re
import tomllib
from functools import lru_cache
from importlib import resources

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")
# Sentence-final punctuation in the scripts the corpus has (Latin, Cyrillic, CJK).
_SENTENCE_END = re.compile(r"[.!?…。！？»\"”)\]]\s*$")
_ELLIPSIS_END = re.compile(r"(?:…|\.\.\.|\[…\]|\[\.\.\.\])\s*$")

PROSE_MIN_WORDS = 8  # shorter than a typical sentence: a label, a heading or a button
HEADING_MIN_WORDS = 3  # one- and two-word lines are labels ("Video", "Tim Zadorozhnyy"), not titles
HEADING_MAX_WORDS = 25  # longer than any headline in the dev pages


def words(text: str) -> list[str]:
    """The words of a text, lower-cased.

    >>> words("Don’t stop: 3 more!")
    ['don’t', 'stop', '3', 'more']
    """
    return [w.lower() for w in _WORD.findall(text)]


def word_count(text: str) -> int:
    """Number of words.

    >>> word_count("Show More")
    2
    """
    return len(_WORD.findall(text))


def is_prose(text: str) -> bool:
    """A sentence or more of running text: enough words and sentence punctuation, or very long.

    >>> is_prose("North Korea sent more troops to Russia, officials said on Monday.")
    True
    >>> is_prose("Subscribe")
    False
    """
    n = word_count(text)
    return n >= PROSE_MIN_WORDS and (bool(_SENTENCE_END.search(text)) or n >= 2 * HEADING_MAX_WORDS)


def is_heading(text: str) -> bool:
    """Headline-shaped: a few words with no sentence-final punctuation.

    >>> is_heading("Seoul suspects North Korea plans to send more troops")
    True
    >>> is_heading("He said so.")
    False
    """
    n = word_count(text)
    if not HEADING_MIN_WORDS <= n <= HEADING_MAX_WORDS:
        return False
    stripped = text.rstrip()
    return not _SENTENCE_END.search(stripped) or stripped.endswith(("?", "!"))


def ends_truncated(text: str) -> bool:
    """Ends in an ellipsis, the way a teaser cut from a longer article does.

    >>> ends_truncated("No sanctions relief for Russia…")
    True
    """
    return bool(_ELLIPSIS_END.search(text))


_CODE_CHARS = re.compile(r"[{}()\[\];=<>|\\/_$&+*^~`#@%]")
CODE_SHARE = 0.06  # prose has under 1% of these characters; minified scripts and CSS have 10-20%


def looks_like_code(text: str) -> bool:
    """Script, style or markup that leaked into the text dump.

    >>> looks_like_code('function(e){if(4===this.readyState){_=n(e)-d;var r=0}}')
    True
    >>> looks_like_code("The mayor (a former teacher) said so.")
    False
    """
    return len(text) >= 20 and len(_CODE_CHARS.findall(text)) >= CODE_SHARE * len(text)


@lru_cache(maxsize=1)
def _address_words() -> frozenset[str]:
    raw = resources.files("cleaner.wordlists").joinpath("address.toml").read_text(encoding="utf-8")
    table = tomllib.loads(raw)["words"]
    return frozenset(w for group in table.values() for w in group)


def address_count(text: str) -> int:
    """How many words speak to the reader or about the publisher (we, our, you, your, ...).

    >>> address_count("Your support keeps our journalism free for you.")
    3
    """
    vocabulary = _address_words()
    return sum(1 for w in words(text) if w in vocabulary)
