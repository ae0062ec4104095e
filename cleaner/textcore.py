"""The text path's per-line kernels, compiled or pure Python: chosen once per process, the same results either way.

The compiled module (`_textcore`, built from `_textcore.pyx` where the install found a C compiler) is used when
it imports and CLEANER_PURE_PYTHON is not 1 (`cleaner.speedups` says on stderr when the compiled core is
missing); otherwise the pure-Python twins (`_textcore_pure`) are.

>>> word_count("Don’t stop: 3 more!"), lower_words("Show MORE"), squash("  Share this: ")
(4, ('show', 'more'), 'share this')
"""

from __future__ import annotations

from .speedups import choose_kernels

_kernels, COMPILED = choose_kernels("_textcore", "_textcore_pure")

word_count = _kernels.word_count
lower_words = _kernels.lower_words
squash = _kernels.squash
revise_kinds = _kernels.revise_kinds
collapse_lines = _kernels.collapse_lines
segment_blocks = _kernels.segment_blocks
few_spaces = _kernels.few_spaces
short_with_letter = _kernels.short_with_letter
code_char_count = _kernels.code_char_count
cjk_count = _kernels.cjk_count
split_word_counts = _kernels.split_word_counts
lines_within = _kernels.lines_within
