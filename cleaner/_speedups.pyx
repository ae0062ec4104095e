"""The compiled core: C twins of the small per-line and per-row kernels in `_speedups_pure.py`.

Each function here has a pure-Python twin there with the same name, arguments, docstring and result, bit for
bit (tests/test_speedups.py runs both side by side); `cleaner.speedups` picks one set per process.
"""

from cpython.unicode cimport Py_UNICODE_ISALNUM, Py_UNICODE_ISDECIMAL, Py_UNICODE_ISUPPER
from libc.stdint cimport int64_t

import numpy as np


def forest_scores(const double[:, ::1] rows, const int64_t[::1] roots, const int64_t[::1] feature,
                  const double[::1] threshold, const int64_t[::1] children, const double[::1] value, double bias,
                  Py_ssize_t depth):
    """Each row's raw score: `bias` plus the leaf it reaches in every tree, as a list of floats.

    The nodes are laid out for a walk (`Forest._walk`): node n goes to children[2n] when the row's feature[n] is
    at most threshold[n], else to children[2n + 1]; a leaf tests feature 0 against +inf and leads to itself, so
    `depth` steps from every root reach the leaves. Leaves hold multiples of 2**-24, so the sum is exact in any order.

    >>> import numpy as np
    >>> forest_scores(np.array([[1.0], [8.0]]), np.array([0]), np.array([0, 0, 0]), np.array([3.0, np.inf, np.inf]),
    ...     np.array([1, 2, 1, 1, 2, 2]), np.array([0.0, -2.0, 1.5]), 0.5, 1)
    [-1.5, 2.0]
    """
    cdef Py_ssize_t count = rows.shape[0], trees = roots.shape[0], row, tree, step
    cdef int64_t root, a, b, c, d
    cdef double[::1] totals = np.zeros(count)
    # Tree by tree: one tree's nodes stay in the cache while every row walks it. Four rows walk at once, so their
    # steps overlap, until all four stand on leaves (a leaf leads to itself): the walk is as long as the deepest
    # of their paths, not the tree's, and never longer than `depth` steps. A tree that is one leaf adds it to every row.
    for tree in range(trees):
        root = roots[tree]
        if children[2 * root] == root:
            for row in range(count):
                totals[row] += value[root]
            continue
        row = 0
        while row + 4 <= count:
            a = b = c = d = root
            for step in range(depth):
                a = children[2 * a + (rows[row, feature[a]] > threshold[a])]
                b = children[2 * b + (rows[row + 1, feature[b]] > threshold[b])]
                c = children[2 * c + (rows[row + 2, feature[c]] > threshold[c])]
                d = children[2 * d + (rows[row + 3, feature[d]] > threshold[d])]
                if (children[2 * a] == a) & (children[2 * b] == b) & (children[2 * c] == c) & (children[2 * d] == d):
                    break
            totals[row] += value[a]
            totals[row + 1] += value[b]
            totals[row + 2] += value[c]
            totals[row + 3] += value[d]
            row += 4
        while row < count:
            a = root
            for step in range(depth):
                if children[2 * a] == a:
                    break
                a = children[2 * a + (rows[row, feature[a]] > threshold[a])]
            totals[row] += value[a]
            row += 1
    return [totals[row] + bias for row in range(count)]


def char_counts(str text):
    """How many characters of `text` are decimal digits, letters (word characters that are neither digits nor "_",
    as the pattern `[^\\W\\d_]` finds them) and capital letters, as (decimals, letters, capitals).

    >>> char_counts("Page 12 of 40: Ünter")
    (4, 11, 2)
    """
    cdef Py_ssize_t decimals = 0, letters = 0, capitals = 0
    cdef Py_UCS4 c
    for c in text:
        if Py_UNICODE_ISDECIMAL(c):
            decimals += 1
        elif Py_UNICODE_ISALNUM(c):
            letters += 1
            capitals += Py_UNICODE_ISUPPER(c)
    return decimals, letters, capitals
