"""Counting 64-bit keys over a whole corpus in bounded memory.

The templates pass counts, for every short line of the corpus, in how many
documents it occurs. Most such lines occur on one page only, so the count of
distinct lines grows with the corpus: as Python strings in a Counter, about 150
bytes each, several hundred MB for a few GB of text. Here a line is its 64-bit
hash and a count, 16 bytes, summed in sorted numpy arrays; past a memory budget
the sums go to partition files by the keys' top bits, and each partition is
summed on its own at the end, so that no step holds more than one partition.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np

from .spill import Spill

DEFAULT_MEMORY = 16 << 20  # bytes of sums kept in memory: a million distinct lines before the first spill
PARTITION_BITS = 6  # 64 partition files: a 1 TB corpus's lines, summed one partition at a time, fit in memory
RECORD = np.dtype([("key", "<u8"), ("count", "<u8")])


def sum_by_key(keys: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct keys, sorted, each with the sum of its counts.

    >>> keys, sums = sum_by_key(np.array([9, 2, 9], np.uint64), np.array([1, 5, 2], np.uint64))
    >>> keys.tolist(), sums.tolist()
    ([2, 9], [5, 3])
    """
    if len(keys) == 0:
        return np.zeros(0, np.uint64), np.zeros(0, np.uint64)
    order = np.argsort(keys, kind="stable")
    keys, counts = keys[order], counts[order]
    starts = np.concatenate(([0], np.flatnonzero(keys[1:] != keys[:-1]) + 1))
    return keys[starts], np.add.reduceat(counts, starts)


def merge_sums(keys: np.ndarray, counts: np.ndarray, added: np.ndarray, added_counts: np.ndarray
               ) -> tuple[np.ndarray, np.ndarray]:
    """Sorted distinct `keys` with `counts`, plus sorted distinct `added` keys with theirs: the sums, sorted.

    Known keys are summed in place (`counts` is updated: pass arrays the caller owns) and only the new
    ones inserted, so a fold holds the sums about twice (the old arrays and the new), not the five times
    that sorting the concatenation takes.

    >>> keys, sums = merge_sums(np.array([2, 9], np.uint64), np.array([5, 3], np.uint64),
    ...                         np.array([1, 9, 12], np.uint64), np.array([1, 1, 4], np.uint64))
    >>> keys.tolist(), sums.tolist()
    ([1, 2, 9, 12], [1, 5, 4, 4])
    """
    at = np.searchsorted(keys, added)
    known = at < len(keys)  # a key past the last one is new, and so is one that lands beside a different key
    known[known] = keys[at[known]] == added[known]
    counts[at[known]] += added_counts[known]  # distinct keys: each position at most once
    new = ~known
    if new.any():
        keys = np.insert(keys, at[new], added[new])
        counts = np.insert(counts, at[new], added_counts[new])
    return keys, counts


class KeyCounts:
    """How many times each 64-bit key was added, in about `memory` bytes (past that, in `spill`'s folder).

    >>> counts = KeyCounts()
    >>> counts.add(np.array([5, 7], np.uint64)); counts.add(np.array([7], np.uint64))
    >>> keys, n = counts.finish(minimum=2); keys.tolist(), n.tolist()
    ([7], [2])
    """

    def __init__(self, spill: Spill | None = None, memory: int = DEFAULT_MEMORY) -> None:
        self.spill, self.memory = spill, memory
        # Keys added are folded into the sums in chunks: an eighth of the budget, at most a million keys.
        self.chunk = max(1, min(1 << 20, memory // 64))
        self._pending: list[np.ndarray] = []
        self._pending_size = 0
        self._keys, self._counts = np.zeros(0, np.uint64), np.zeros(0, np.uint64)  # sorted, distinct
        self._partitions: list[Path] = []

    @property
    def nbytes(self) -> int:
        """Bytes held in memory."""
        return self._keys.nbytes + self._counts.nbytes + 8 * self._pending_size

    def add(self, keys: np.ndarray) -> None:
        """Count each of `keys` once more."""
        self._pending.append(np.asarray(keys, dtype=np.uint64))
        self._pending_size += len(keys)
        if self._pending_size >= self.chunk:
            self._fold()

    def _fold(self) -> None:
        """Sum what was added since the last fold into the sorted sums; write them out past the budget."""
        if not self._pending:
            return
        added, added_counts = sum_by_key(np.concatenate(self._pending), np.ones(self._pending_size, np.uint64))
        self._pending, self._pending_size = [], 0
        self._keys, self._counts = merge_sums(self._keys, self._counts, added, added_counts)
        if self.spill is not None and self._keys.nbytes + self._counts.nbytes > self.memory:
            self._write_partitions()

    def _write_partitions(self) -> None:
        if not self._partitions:
            self._partitions = [self.spill.new_path(f"counts-{part}") for part in range(1 << PARTITION_BITS)]
        records = np.empty(len(self._keys), dtype=RECORD)
        records["key"], records["count"] = self._keys, self._counts
        # The keys are sorted, so each partition (their top bits) is one slice.
        parts = np.arange((1 << PARTITION_BITS) + 1, dtype=np.uint64)
        bounds = np.searchsorted(self._keys >> np.uint64(64 - PARTITION_BITS), parts)
        for part, path in enumerate(self._partitions):
            with path.open("ab") as out:
                out.write(records[bounds[part] : bounds[part + 1]].tobytes())
        self._keys, self._counts = np.zeros(0, np.uint64), np.zeros(0, np.uint64)

    def sums(self) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """Every key added and its count, in key order, a partition at a time (all at once when nothing spilled).

        The counts are spent after this: memory holds one partition's sums at a time, never all of them.
        """
        self._fold()
        if not self._partitions:
            yield self._keys, self._counts
            return
        self._write_partitions()
        partitions, self._partitions = self._partitions, []
        for path in partitions:
            records = np.fromfile(path, dtype=RECORD)
            path.unlink()
            yield sum_by_key(records["key"], records["count"])

    def finish(self, minimum: int = 1) -> tuple[np.ndarray, np.ndarray]:
        """The keys added at least `minimum` times, sorted, and their counts; the counts are spent after this."""
        kept_keys, kept_counts = [], []
        for keys, counts in self.sums():
            keep = counts >= minimum
            kept_keys.append(keys[keep])
            kept_counts.append(counts[keep])
        return np.concatenate(kept_keys), np.concatenate(kept_counts)
