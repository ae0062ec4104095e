"""The dedup path's kernels (word counts, squashed lines, word hashes, record units), compiled or pure Python:
chosen once per process, the same results either way.

The compiled module (`_dedup_kernels`, built from `_dedup_kernels.pyx` where the install found a C compiler) is
used when it imports and CLEANER_PURE_PYTHON is not 1 (`cleaner.speedups` says on stderr when the compiled core
is missing); otherwise the pure-Python twins (`_dedup_kernels_pure`) are.

>>> word_counts(["one two three"]), squashed(["One, TWO!"])
([3], ['one two'])
"""

from __future__ import annotations

from .speedups import choose_kernels

_kernels, COMPILED = choose_kernels("_dedup_kernels", "_dedup_kernels_pure")

word_counts = _kernels.word_counts
squashed = _kernels.squashed
word_hashes = _kernels.word_hashes
record_units = _kernels.record_units
