"""The dedup path's pure-Python kernels: the twins of the compiled ones in `_dedup_kernels.pyx`, run where that is not built.

Each function here has a compiled twin there with the same name, arguments, docstring and result
(tests/test_dedup_kernels.py runs both side by side); `cleaner.dedup_kernels` picks one set per process.
"""

from __future__ import annotations

import re

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")  # as `cleaner.features` finds words
_NOT_WORD = re.compile(r"\W+")


def word_counts(texts: list[str]) -> list[int]:
    """How many words each text has, as `cleaner.features.word_count` counts them (runs of letters and digits,
    two of them joined by an apostrophe counting once), as a list of ints.

    >>> word_counts(["Don’t stop: 3 more!", "", "a'b'c __ x_y"])
    [4, 0, 4]
    """
    # Lower-casing, which `features.lower_words` does first, never changes how many words a text has.
    return [len(_WORD.findall(text)) for text in texts]


def squashed(texts: list[str]) -> list[str]:
    """Each text as `cleaner.features.squash` makes it: case-folded, its runs of word characters joined by one space.

    >>> squashed(["  Share this: ", "STRASSE_1 ß", ""])
    ['share this', 'strasse_1 ss', '']
    """
    return [_NOT_WORD.sub(" ", text.casefold()).strip() for text in texts]
