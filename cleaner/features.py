"""Cheap shape features of a block of text, shared by the structural stages.

Each function is pure and total: any string in, a number or a bool out. So
each is memoised on the text: the contextual stages ask about the same lines
again in every settle round. The caches are bounded, thread-safe
(`functools.lru_cache`) and emptied between documents (`forget_lines`).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from functools import lru_cache
from importlib import resources
from typing import TypeVar

from . import textcore
from .stopwords import ALL_LANGUAGES, stopwords

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")
# Sentence-final punctuation in the scripts the corpus has (Latin, Cyrillic, CJK).
_SENTENCE_END = re.compile(r"[.!?…。！？»\"”)\]]\s*$")
_ELLIPSIS_END = re.compile(r"(?:…|\.\.\.|\[…\]|\[\.\.\.\])\s*$")
# The only characters str.lower() maps by context or to two characters: capital sigma (final
# or not) and dotted capital I ("i" + combining dot, a non-word character). See _lower_is_local.
_SIGMA, _DOTTED_I = "\u03a3", "\u0130"

PROSE_MIN_WORDS = 8  # shorter than a typical sentence: a label, a heading or a button
HEADING_MIN_WORDS = 3  # one- and two-word lines are labels ("Video", "Tim Zadorozhnyy"), not titles
HEADING_MAX_WORDS = 25  # longer than any headline in the dev pages
# Distinct lines remembered per feature: far more than one page has, so a page's settle
# rounds always hit. The caches call straight into C (a Python wrapper cost more than the
# features themselves). The pipeline empties them between documents (`forget_lines`): kept
# across pages, they held 20 to 35 MB per process and, churning, fragmented Python's heap
# so that a long run crept up by megabytes per hundred; lines shared between pages (menus)
# are not worth it, cleaning ran no slower without.
CACHE_LINES = 1 << 13

_Feature = TypeVar("_Feature", bound=Callable[..., object])
_CACHES: list = []


def memo(function: _Feature) -> _Feature:
    """Memoise a pure function whose first argument is a line of text (bounded and thread-safe).

    >>> double = memo(lambda text: text * 2)
    >>> double("ab"), double("ab"), double.cache_info().hits
    ('abab', 'abab', 1)
    """
    cached = lru_cache(maxsize=CACHE_LINES)(function)
    _CACHES.append(cached)
    return cached  # type: ignore[return-value]


def forget_lines() -> None:
    """Empty the feature caches, so that they hold one document's lines at most.

    >>> _ = word_count("Three short words")
    >>> forget_lines(); word_count.cache_info().currsize
    0
    """
    for cached in _CACHES:
        cached.cache_clear()


_memo = memo


def words(text: str) -> list[str]:
    """The words of a text, lower-cased.

    >>> words("Don’t stop: 3 more!")
    ['don’t', 'stop', '3', 'more']
    """
    return list(lower_words(text))


# The words of a text, lower-cased, as a tuple (shared by every caller, so immutable): `textcore.lower_words`.
# Where no capital sigma or dotted capital I is, lower-casing changes each character on its own, never what
# counts as a word (`_lower_is_local`): one pass over the lower-cased text gives what lower-casing word by word would.
lower_words = _memo(textcore.lower_words)


def _lower_is_local(c: str) -> bool:
    """Whether lower-casing `c` gives one character, of the same kind for the word pattern.

    >>> import sys
    >>> [c for c in map(chr, range(sys.maxunicode + 1)) if not _lower_is_local(c)] == sorted([_SIGMA, _DOTTED_I])
    True
    """
    lower = c.lower()
    if lower == c:
        return True
    kind = (bool(_WORD.fullmatch(c)), c in "'’")
    return len(lower) == 1 and c != _SIGMA and kind == (bool(_WORD.fullmatch(lower)), lower in "'’")


def _count_lower_words(text: str) -> int:
    return len(lower_words(text))


# Number of words, `len(lower_words(text))` ("Show More": 2). The compiled kernel counts them without building
# them; in pure Python, counting the memoised words spares finding them a second time.
word_count = _memo(textcore.word_count if textcore.COMPILED else _count_lower_words)


@_memo
def stopword_share(text: str) -> float:
    """Share of the words that are stopwords, in the lists of every language at once: running text
    has many, menus and lists few. (One vocabulary for all, so that no verdict hinges on a language
    guess, and pages mix languages anyway.)

    >>> stopword_share("And then there was nothing"), stopword_share("Photo: Anna Smith"), stopword_share("")
    (1.0, 0.0, 0.0)
    """
    found = lower_words(text)
    if not found:
        return 0.0
    # map over the set's membership test counts in C; a generator costs a Python frame per word.
    return sum(map(stopwords(ALL_LANGUAGES).__contains__, found)) / len(found)


@_memo
def is_prose(text: str) -> bool:
    """A sentence or more of running text: enough words and sentence punctuation, or very long.

    >>> is_prose("North Korea sent more troops to Russia, officials said on Monday.")
    True
    >>> is_prose("Subscribe")
    False
    """
    n = word_count(text)
    return n >= PROSE_MIN_WORDS and (bool(_SENTENCE_END.search(text)) or n >= 2 * HEADING_MAX_WORDS)


@_memo
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


@_memo
def ends_truncated(text: str) -> bool:
    """Ends in an ellipsis, the way a teaser cut from a longer article does.

    >>> ends_truncated("No sanctions relief for Russia…")
    True
    """
    return bool(_ELLIPSIS_END.search(text))


# The characters `textcore.code_char_count` counts: {}()[];=<>|\/_$&+*^~`#@%
CODE_SHARE = 0.06  # prose has under 1% of these characters; minified scripts and CSS have 10-20%
CODE_MIN_CHARS = 4  # fewer is a short line with brackets or a plus ("Zeit: 25 Minuten (+ 15 Minuten backen)"), not code


@_memo
def looks_like_code(text: str) -> bool:
    """Script, style or markup that leaked into the text dump.

    >>> looks_like_code('function(e){if(4===this.readyState){_=n(e)-d;var r=0}}')
    True
    >>> looks_like_code("The mayor (a former teacher) said so.")
    False
    >>> looks_like_code("Backzeit: 25 Minuten (+ 15 Minuten)")
    False
    """
    return len(text) >= 20 and textcore.code_char_count(text) >= max(CODE_MIN_CHARS, CODE_SHARE * len(text))


@lru_cache(maxsize=1)
def _address_words() -> frozenset[str]:
    raw = resources.files("cleaner.wordlists").joinpath("address.toml").read_text(encoding="utf-8")
    table = tomllib.loads(raw)["words"]
    return frozenset(w for group in table.values() for w in group)


@_memo
def address_count(text: str) -> int:
    """How many words speak to the reader or about the publisher (we, our, you, your, ...).

    >>> address_count("Your support keeps our journalism free for you.")
    3
    """
    vocabulary = _address_words()
    return sum(1 for w in lower_words(text) if w in vocabulary)


# Memoised: templates, heuristics (in every settle round) and dedup all ask for the same lines in turn.
# A line as repeat checks compare it: case-folded, each run of non-word characters one space, none at either end
# (`textcore.squash`: "  Share this: " and "share THIS" both give "share this").
squash = _memo(textcore.squash)


squash_key = squash  # the name the contextual stages know it by
