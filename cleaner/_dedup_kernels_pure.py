"""The dedup path's pure-Python kernels: the twins of the compiled ones in `_dedup_kernels.pyx`, run where that is not built.

Each function here has a compiled twin there with the same name, arguments, docstring and result
(tests/test_dedup_kernels.py runs both side by side); `cleaner.dedup_kernels` picks one set per process.
"""

from __future__ import annotations

import re

import numpy as np

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


_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
CHAR_BASE = 0x100000001B3  # the word hash's base (FNV's prime): odd, so its powers never collapse to zero
_powers: list[np.ndarray] = [np.ones(1, dtype=np.uint64), np.ones(1, dtype=np.uint64)]


def mix64(x: np.ndarray) -> np.ndarray:
    """SplitMix64's finaliser: a bijection on uint64 that spreads every input bit over the output.

    >>> int(mix64(np.array([1], dtype=np.uint64))[0]) == int(mix64(np.array([1], dtype=np.uint64))[0])
    True
    >>> len(set(mix64(np.arange(1000, dtype=np.uint64)).tolist()))
    1000
    """
    x = x ^ (x >> np.uint64(30))
    x = x * _M1
    x = x ^ (x >> np.uint64(27))
    x = x * _M2
    return x ^ (x >> np.uint64(31))


def _power_tables(n: int) -> tuple[np.ndarray, np.ndarray]:
    """base**i and base**-i modulo 2**64 for i < n (cached, grown by doubling)."""
    if _powers[0].size < n:
        size = max(n, 2 * _powers[0].size, 1 << 16)
        inverse = pow(CHAR_BASE, -1, 1 << 64)
        with np.errstate(over="ignore"):
            _powers[0] = np.concatenate([[np.uint64(1)], np.cumprod(np.full(size - 1, CHAR_BASE, dtype=np.uint64))])
            _powers[1] = np.concatenate([[np.uint64(1)], np.cumprod(np.full(size - 1, np.uint64(inverse), dtype=np.uint64))])
    return _powers[0], _powers[1]


def word_hashes(texts: list[str], fold: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each word's 64-bit hash (uint64) and the number of the text it is in (int64), the texts' words end to end.

    A word is a run of characters whose `fold` value is not 0 (a code point of the Basic Multilingual Plane
    reads `fold` at itself, any other counts as a word character of value code + 1); its hash is mix64 of
    the sum of its values times CHAR_BASE to the power of their place in the word, modulo 2**64. A text
    with a lone surrogate cannot be hashed (UnicodeEncodeError).

    >>> fold = np.arange(1, 0x10002, dtype=np.uint32); fold[32] = 0
    >>> hashes, owner = word_hashes(["ab a", "", " ab"], fold)
    >>> owner.tolist(), bool(hashes[0] == hashes[2]), bool(hashes[0] == hashes[1])
    ([0, 0, 2], True, False)
    """
    if not texts:
        return np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.int64)
    # The texts end to end, a NUL (no word character) between them.
    codes = np.frombuffer("\0".join(texts).encode("utf-32-le"), dtype=np.uint32)
    if codes.max(initial=0) <= 0xFFFF:  # the usual case, and one pass cheaper than clamping every code point
        folded = fold[codes]
    else:
        folded = fold[np.minimum(codes, 0x10000)]
        astral = codes > 0xFFFF
        folded[astral] = codes[astral] + 1
    edges = np.flatnonzero(np.diff(folded != 0, prepend=False, append=False))
    starts, ends = edges[0::2], edges[1::2]  # each word is codes[start:end]
    if starts.size == 0:
        return np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.int64)
    # A polynomial hash of every prefix; a word's hash is the difference of two, shifted back to its start.
    # (numpy wraps uint64 array arithmetic silently: the overflow is the modulus.)
    power, inverse = _power_tables(codes.size + 1)
    prefix = np.zeros(codes.size + 1, dtype=np.uint64)
    np.cumsum(folded * power[: codes.size], out=prefix[1:])
    hashes = mix64((prefix[ends] - prefix[starts]) * inverse[starts])
    # Text i spans codes[offsets[i]:offsets[i + 1] - 1]: its words are the starts between those bounds.
    offsets = np.zeros(len(texts) + 1, dtype=np.int64)
    np.cumsum(np.fromiter(map(len, texts), dtype=np.int64, count=len(texts)) + 1, out=offsets[1:])
    owner = np.repeat(np.arange(len(texts)), np.diff(np.searchsorted(starts, offsets)))
    return hashes, owner


def record_units(parts: list[tuple], min_words: int, near_min_words: int, near: bool) -> tuple[list, list, list, list, list]:
    """What the dedup index compares of each segmented record (lines, line numbers, paragraph numbers, blank-line flags):
    the lines of at least `min_words` words, and (with `near`) the paragraphs of at least `near_min_words` words.

    Returns each record's units (the indices of its exact lines, and its paragraphs as lists of line indices) and
    paragraph texts (their lines joined by a space), then, all records end to end, the exact lines, their numbers,
    and each paragraph's first line number. A record's paragraph numbers never go down.

    >>> record = (["a b c", "x", "y z"], [1, 3, 4], [0, 1, 1], [False, True, False])
    >>> units, texts, lines, numbers, firsts = record_units([record], 2, 3, True)
    >>> units, texts, lines, numbers, firsts
    ([([0, 2], [[0], [1, 2]])], [['a b c', 'x y z']], ['a b c', 'y z'], [1, 4], [1, 3])
    """
    units: list = []
    texts: list = []
    exact_lines: list[str] = []
    exact_numbers: list[int] = []
    near_numbers: list[int] = []
    counts = word_counts([line for lines, *_ in parts for line in lines])
    at = 0
    for lines, numbers, paragraphs, *_ in parts:
        mine, at = counts[at : at + len(lines)], at + len(lines)
        exact = [i for i, count in enumerate(mine) if count >= min_words]
        exact_lines += [lines[i] for i in exact]
        exact_numbers += [numbers[i] for i in exact]
        groups: list[list[int]] = []
        if near and lines:
            words: dict[int, int] = {}
            members: dict[int, list[int]] = {}
            for i, (paragraph, count) in enumerate(zip(paragraphs, mine, strict=True)):
                members.setdefault(paragraph, []).append(i)
                words[paragraph] = words.get(paragraph, 0) + count
            groups = [group for paragraph, group in members.items() if words[paragraph] >= near_min_words]
        texts.append([" ".join([lines[i] for i in group]) for group in groups])
        near_numbers += [numbers[group[0]] for group in groups]
        units.append((exact, groups))
    return units, texts, exact_lines, exact_numbers, near_numbers
