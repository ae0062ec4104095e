"""The dedup path's compiled kernels: C twins of the per-line text work in `_dedup_kernels_pure.py`.

Each function here has a pure-Python twin there with the same name, arguments, docstring and result
(tests/test_dedup_kernels.py runs both side by side); `cleaner.dedup_kernels` picks one set per process.
"""

import numpy as np

from cpython.mem cimport PyMem_Free, PyMem_Malloc
from cpython.unicode cimport Py_UNICODE_ISALNUM
from libc.stdint cimport int64_t, uint32_t, uint64_t

cdef extern from "Python.h":
    object PyUnicode_FromKindAndData(int kind, const void *buffer, Py_ssize_t size)
    int PyUnicode_4BYTE_KIND


include "_line_text.pxi"


def word_counts(list texts):
    """How many words each text has, as `cleaner.features.word_count` counts them (runs of letters and digits,
    two of them joined by an apostrophe counting once), as a list of ints.

    >>> word_counts(["Don’t stop: 3 more!", "", "a'b'c __ x_y"])
    [4, 0, 4]
    """
    return [count_words(text) for text in texts]


def squashed(list texts):
    """Each text as `cleaner.features.squash` makes it: case-folded, its runs of word characters joined by one space.

    >>> squashed(["  Share this: ", "STRASSE_1 ß", ""])
    ['share this', 'strasse_1 ss', '']
    """
    return [squash_text(text) for text in texts]


cdef inline uint64_t mix64(uint64_t x):
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL
    return x ^ (x >> 31)


def word_hashes(list texts, const uint32_t[::1] fold):
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
    cdef Py_ssize_t bound = 0, n = 0, t
    cdef str text
    for text in texts:
        bound += (len(text) + 1) // 2  # a text of L characters has at most (L + 1) // 2 words
    hashes = np.empty(bound, dtype=np.uint64)
    owner = np.empty(bound, dtype=np.int64)
    cdef uint64_t[::1] out_hash = hashes
    cdef int64_t[::1] out_owner = owner
    cdef uint64_t value, total = 0, power = 1
    cdef uint64_t base = 0x100000001B3ULL  # `_dedup_kernels_pure.CHAR_BASE`
    cdef bint inside
    cdef Py_UCS4 c
    cdef uint32_t code
    for t in range(len(texts)):
        text = texts[t]
        inside = False
        for c in text:
            code = c
            if code <= 0xFFFF:
                if 0xD800 <= code < 0xE000:
                    "\0".join(texts).encode("utf-32-le")  # raises what the pure twin raises
                value = fold[code]
            else:
                value = code + 1
            if value:
                if not inside:
                    total, power, inside = 0, 1, True
                total += value * power  # unsigned: wraps modulo 2**64
                power *= base
            elif inside:
                out_hash[n], out_owner[n] = mix64(total), t
                n += 1
                inside = False
        if inside:
            out_hash[n], out_owner[n] = mix64(total), t
            n += 1
    return hashes[:n], owner[:n]


def record_units(list parts, Py_ssize_t min_words, Py_ssize_t near_min_words, bint near):
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
    cdef list units = [], texts = [], exact_lines = [], exact_numbers = [], near_numbers = []
    cdef list lines, numbers, paragraphs, exact, groups, paragraph_texts, group
    cdef Py_ssize_t i, count, words = 0, paragraph, current
    cdef str line
    for part in parts:
        lines, numbers, paragraphs = part[0], part[1], part[2]
        exact, groups, paragraph_texts = [], [], []
        group = None
        current = -1
        for i in range(len(lines)):
            line = lines[i]
            count = count_words(line)
            if count >= min_words:
                exact.append(i)
                exact_lines.append(line)
                exact_numbers.append(numbers[i])
            if near:
                paragraph = paragraphs[i]
                if paragraph != current:
                    if group is not None and words >= near_min_words:
                        groups.append(group)
                    group, words, current = [i], count, paragraph
                else:
                    group.append(i)
                    words += count
        if group is not None and words >= near_min_words:
            groups.append(group)
        for group in groups:
            paragraph_texts.append(lines[group[0]] if len(group) == 1 else " ".join([lines[i] for i in group]))
            near_numbers.append(numbers[group[0]])
        units.append((exact, groups))
        texts.append(paragraph_texts)
    return units, texts, exact_lines, exact_numbers, near_numbers
