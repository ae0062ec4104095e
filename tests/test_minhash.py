"""minhash's character table: built with whole-string passes, it must be the per-character definition."""

from __future__ import annotations

import numpy as np

from cleaner.minhash import _fold_table


def test_the_fold_table_is_each_characters_own_lower_case_form() -> None:
    table = _fold_table()
    for code in range(0x10000):
        char = chr(code)
        word = char.isalnum() and not 0xD800 <= code < 0xE000
        lower = char.lower()
        expected = (ord(lower) if len(lower) == 1 else code) + 1 if word else 0
        assert table[code] == expected, hex(code)
    assert table[0x10000] == 0x10001
    assert table.dtype == np.uint32 and len(table) == 0x10001
