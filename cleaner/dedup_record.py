"""What one file (or record) adds to the duplicate index, in the flat form the stores persist (`dedup_store`)."""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

import numpy as np


@dataclass
class FileRecord:
    """What one file adds to the index, in the form it is persisted.

    `exact_lines`/`exact_keys`: its lines long enough for the exact pass. `near_lines`/`bands`/
    `sketch_sizes`/`sketches`: its paragraphs long enough for the MinHash pass, with their LSH
    band keys and sorted shingle sketches laid end to end.
    """

    name: str
    exact_lines: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.uint32))
    exact_keys: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.uint64))
    near_lines: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.uint32))
    bands: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), dtype=np.uint32))
    sketch_sizes: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.uint8))
    sketches: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.uint32))
    # `to_bytes` made already, where the record was made (a worker: the process saving it need not encode it again).
    encoded: bytes | None = field(default=None, compare=False, repr=False)

    def to_bytes(self) -> bytes:
        """A flat, pickle-free encoding (safe to read from a shared store).

        >>> r = FileRecord("a", np.array([3], np.uint32), np.array([9], np.uint64))
        >>> back = FileRecord.from_bytes("a", r.to_bytes()); back.exact_lines.tolist(), back.exact_keys.tolist()
        ([3], [9])
        """
        if self.encoded is not None:
            return self.encoded
        width = self.bands.shape[1] if self.bands.size else 0
        header = struct.pack("<4I", len(self.exact_lines), len(self.near_lines), width, len(self.sketches))
        parts = [self.exact_lines, self.exact_keys, self.near_lines, self.bands, self.sketch_sizes, self.sketches]
        return header + b"".join([part.tobytes() for part in parts])  # tobytes: C order, whatever the array's layout

    @classmethod
    def from_bytes(cls, name: str, data: bytes) -> FileRecord:
        n_exact, n_near, width, n_sketch = np.frombuffer(data, dtype=np.uint32, count=4).tolist()
        offset = 16

        def take(dtype: type, count: int) -> np.ndarray:
            nonlocal offset
            array = np.frombuffer(data, dtype=dtype, count=count, offset=offset).copy()
            offset += array.nbytes
            return array

        exact_lines, exact_keys = take(np.uint32, n_exact), take(np.uint64, n_exact)
        near_lines = take(np.uint32, n_near)
        bands = take(np.uint32, n_near * width).reshape(n_near, width)
        return cls(name, exact_lines, exact_keys, near_lines, bands, take(np.uint8, n_near), take(np.uint32, n_sketch))
