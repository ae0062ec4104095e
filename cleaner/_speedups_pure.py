"""The pure-Python core: the twins of the compiled kernels in `_speedups.pyx`, run where that is not built.

Each function here has a compiled twin there with the same name, arguments, docstring and result, bit for bit
(tests/test_speedups.py runs both side by side); `cleaner.speedups` picks one set per process.
"""

from __future__ import annotations

import re

import numpy as np

_LETTER = re.compile(r"[^\W\d_]")  # a word character that is neither a digit (str.isdecimal) nor "_"


def forest_scores(rows: np.ndarray, roots: np.ndarray, feature: np.ndarray, threshold: np.ndarray, children: np.ndarray,
                  value: np.ndarray, bias: float, depth: int) -> list[float]:
    """Each row's raw score: `bias` plus the leaf it reaches in every tree, as a list of floats.

    The nodes are laid out for a walk (`Forest._walk`): node n goes to children[2n] when the row's feature[n] is
    at most threshold[n], else to children[2n + 1]; a leaf tests feature 0 against +inf and leads to itself, so
    `depth` steps from every root reach the leaves. Leaves hold multiples of 2**-24, so the sum is exact in any order.

    >>> import numpy as np
    >>> forest_scores(np.array([[1.0], [8.0]]), np.array([0]), np.array([0, 0, 0]), np.array([3.0, np.inf, np.inf]),
    ...     np.array([1, 2, 1, 1, 2, 2]), np.array([0.0, -2.0, 1.5]), 0.5, 1)
    [-1.5, 2.0]
    """
    node = np.broadcast_to(roots, (len(rows), len(roots))).copy()
    index = np.arange(len(rows))[:, None]
    for _ in range(depth):
        node = children[2 * node + (rows[index, feature[node]] > threshold[node])]
    return (value[node].sum(axis=1) + bias).tolist()


def char_counts(text: str) -> tuple[int, int, int]:
    """How many characters of `text` are decimal digits, letters (word characters that are neither digits nor "_",
    as the pattern `[^\\W\\d_]` finds them) and capital letters, as (decimals, letters, capitals).

    >>> char_counts("Page 12 of 40: Ünter")
    (4, 11, 2)
    """
    letters = "".join(_LETTER.findall(text))
    return sum(map(str.isdecimal, text)), len(letters), sum(map(str.isupper, letters))
