"""The compact in-memory duplicate index: exact line keys and MinHash LSH bands, as sorted numpy runs.

What one indexed paragraph costs: its band keys (4 bytes each, `bands` of
them), the entry id beside each key (4 bytes each), its position (file and
line, 8 bytes) and its verification sketch (the up to `SKETCH` smallest
32-bit shingle hashes, 4 bytes each). A Python dict or datasketch's in-memory
`MinHashLSH` costs several hundred bytes per key instead.

Keys live in sorted runs merged like a binary counter (an LSM tree without the
disk): adding is amortised O(log n) per key, and a lookup is one `searchsorted`
per run and band, for a whole batch of paragraphs at once.

Entries are never removed in memory: when a file is checked again, the entries
of its previous version are ignored (their id is below the file's current start).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

SKETCH = 64  # shingle hashes kept per paragraph: the exact set for paragraphs up to ~65 words


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

    def to_bytes(self) -> bytes:
        """A flat, pickle-free encoding (safe to read from a shared store).

        >>> r = FileRecord("a", np.array([3], np.uint32), np.array([9], np.uint64))
        >>> back = FileRecord.from_bytes("a", r.to_bytes()); back.exact_lines.tolist(), back.exact_keys.tolist()
        ([3], [9])
        """
        width = self.bands.shape[1] if self.bands.size else 0
        header = np.array([len(self.exact_lines), len(self.near_lines), width, len(self.sketches)], dtype=np.uint32)
        parts = [header, self.exact_lines, self.exact_keys, self.near_lines, self.bands, self.sketch_sizes, self.sketches]
        return b"".join(np.ascontiguousarray(p).tobytes() for p in parts)

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


def sort_by_key(keys: np.ndarray, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """`keys` sorted, with `ids` moved alongside (equal keys in order of id).

    32-bit keys travel packed with their id in one uint64, so one plain sort serves (numpy's
    vectorised sort is about ten times faster than a stable argsort and the gathers after it).

    >>> [a.tolist() for a in sort_by_key(np.array([7, 3, 7], np.uint32), np.array([0, 1, 2], np.uint32))]
    [[3, 7, 7], [1, 0, 2]]
    """
    if keys.dtype.itemsize <= 4 and len(ids) and int(ids.max()) <= 0xFFFFFFFF:
        packed = np.sort((keys.astype(np.uint64) << np.uint64(32)) | ids.astype(np.uint64))
        return (packed >> np.uint64(32)).astype(keys.dtype), (packed & np.uint64(0xFFFFFFFF)).astype(ids.dtype)
    order = np.argsort(keys)
    return keys[order], ids[order]


class SortedRuns:
    """A multimap from integer keys to entry ids, kept as a few sorted runs.

    >>> runs = SortedRuns(np.uint32)
    >>> runs.add(np.array([1, 3, 2], np.uint32), np.array([10, 11, 11], np.uint32))
    >>> runs.add(np.array([3], np.uint32), np.array([12], np.uint32))
    >>> query, found = runs.find(np.array([3, 2], np.uint32))
    >>> sorted(zip(query.tolist(), found.tolist()))
    [(0, 11), (0, 12), (1, 11)]
    """

    def __init__(self, dtype: type) -> None:
        self.dtype = dtype
        self.runs: list[tuple[np.ndarray, np.ndarray]] = []  # (keys, ids), sorted by key

    def __len__(self) -> int:
        return sum(len(keys) for keys, _ in self.runs)

    @property
    def nbytes(self) -> int:
        return sum(keys.nbytes + ids.nbytes for keys, ids in self.runs)

    def add(self, keys: np.ndarray, ids: np.ndarray) -> None:
        """Add a key for each entry id (an id may come with several keys)."""
        if len(ids) == 0:
            return
        self.runs.append(sort_by_key(np.asarray(keys, dtype=self.dtype), ids.astype(np.uint32)))
        # Merge while the newest run is at least half the size of the one before: log(n) runs at most.
        while len(self.runs) > 1 and len(self.runs[-2][0]) <= 2 * len(self.runs[-1][0]):
            (k2, i2), (k1, i1) = self.runs.pop(), self.runs.pop()
            keys, ids = np.concatenate([k1, k2]), np.concatenate([i1, i2])
            order = np.argsort(keys, kind="stable")  # two sorted runs: timsort merges them in linear time
            self.runs.append((keys[order], ids[order]))

    def find(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Every (index into `keys`, entry id) whose keys are equal; a pair may repeat."""
        keys = np.asarray(keys, dtype=self.dtype)
        queries, found = [], []
        # Sorted queries make binary search walk forward through the run (several times faster than random order).
        wanted, order = sort_by_key(keys, np.arange(len(keys), dtype=np.int64))
        for run_keys, run_ids in self.runs:
            lo = np.searchsorted(run_keys, wanted, side="left")
            hit = np.flatnonzero(run_keys[np.minimum(lo, len(run_keys) - 1)] == wanted)  # most keys are new: search again only for hits
            if hit.size == 0:
                continue
            counts = np.zeros(len(wanted), dtype=np.int64)
            counts[hit] = np.searchsorted(run_keys, wanted[hit], side="right") - lo[hit]
            total = int(counts.sum())
            positions = np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts) + np.repeat(lo, counts)
            queries.append(np.repeat(order, counts))
            found.append(run_ids[positions])
        if not queries:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.uint32)
        return np.concatenate(queries), np.concatenate(found)


class Column:
    """An append-only numpy array that grows by a sixteenth, so spare capacity stays small (copies stay amortised O(1))."""

    def __init__(self, dtype: type) -> None:
        self.data = np.zeros(1024, dtype=dtype)
        self.size = 0

    def extend(self, values: np.ndarray) -> int:
        """Append; returns the index of the first appended value."""
        start, end = self.size, self.size + len(values)
        if end > len(self.data):
            grown = np.zeros(max(end, len(self.data) + len(self.data) // 16), dtype=self.data.dtype)
            grown[: self.size] = self.data[: self.size]
            self.data = grown
        self.data[start:end] = values
        self.size = end
        return start

    def view(self) -> np.ndarray:
        return self.data[: self.size]


class DuplicateIndex:
    """Every indexed line and paragraph with its position, looked up by exact key or LSH band.

    Positions are (file number, line): a file is numbered when the index first sees it, so
    "earlier" means earlier in the order the corpus was first fed in, across runs.
    """

    def __init__(self, bands: int) -> None:
        self.bands = bands
        self.exact = SortedRuns(np.uint64)
        self.near = SortedRuns(np.uint32)  # every band's keys in one multimap: band keys carry their band's number
        self.file_of = Column(np.uint32)  # per entry
        self.line_of = Column(np.uint32)
        self.sketch_start = Column(np.uint32)  # per entry; exact entries have an empty sketch
        self.sketch_size = Column(np.uint8)
        self.pool = Column(np.uint32)
        self.names: list[str] = []
        self.number: dict[str, int] = {}
        self.current_start = Column(np.int64)  # per file: its entries below this id belong to an older version

    def __len__(self) -> int:
        return self.file_of.size

    @property
    def nbytes(self) -> int:
        columns = (self.file_of, self.line_of, self.sketch_start, self.sketch_size, self.pool, self.current_start)
        return self.exact.nbytes + self.near.nbytes + sum(c.data.nbytes for c in columns)

    def add(self, record: FileRecord) -> tuple[np.ndarray, np.ndarray]:
        """Index a file's record (replacing its older version); returns the entry ids of its lines and paragraphs."""
        number = self.number.get(record.name)
        if number is None:
            number = self.number[record.name] = len(self.names)
            self.names.append(record.name)
            self.current_start.extend(np.zeros(1, dtype=np.int64))
        self.current_start.data[number] = len(self)
        lines = np.concatenate([record.exact_lines, record.near_lines]).astype(np.uint32)
        first = self.file_of.extend(np.full(len(lines), number, dtype=np.uint32))
        self.line_of.extend(lines)
        ids = np.arange(first, first + len(lines), dtype=np.uint32)
        exact_ids, near_ids = ids[: len(record.exact_lines)], ids[len(record.exact_lines) :]
        sizes = record.sketch_sizes.astype(np.int64)
        base = self.pool.extend(record.sketches)
        starts = np.concatenate([np.full(len(exact_ids), base), base + np.cumsum(sizes) - sizes]).astype(np.uint32)
        self.sketch_start.extend(starts)
        self.sketch_size.extend(np.concatenate([np.zeros(len(exact_ids), np.uint8), record.sketch_sizes]))
        self.exact.add(record.exact_keys, exact_ids)
        if len(near_ids):
            self.near.add(record.bands.ravel(), np.repeat(near_ids, record.bands.shape[1]))
        return exact_ids, near_ids

    def find_near(self, bands: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(row of `bands`, entry) for every indexed paragraph sharing a band key with the row."""
        queries, found = self.near.find(bands.ravel())
        return queries // max(1, bands.shape[1]), found

    def position(self, entry: int) -> tuple[int, int]:
        return int(self.file_of.data[entry]), int(self.line_of.data[entry])

    def where(self, entry: int) -> str:
        """'name:line' of an entry, as explain and the report print it."""
        file, line = self.position(entry)
        return f"{self.names[file]}:{line}"

    def sketch(self, entry: int) -> np.ndarray:
        start, size = int(self.sketch_start.data[entry]), int(self.sketch_size.data[entry])
        return self.pool.data[start : start + size]

    def earlier(self, queries: np.ndarray, found: np.ndarray, query_ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Keep the (query, entry) pairs whose entry is current and comes before the query's own entry."""
        if len(found) == 0:
            return queries, found
        # A pair repeats once per shared band: one sort of packed pairs removes the repeats first.
        pairs = np.sort((queries.astype(np.int64) << 32) | found.astype(np.int64))
        pairs = pairs[np.concatenate([[True], pairs[1:] != pairs[:-1]])]
        queries, found = pairs >> 32, pairs & 0xFFFFFFFF
        own = query_ids[queries].astype(np.int64)
        file_f, file_q = self.file_of.data[found], self.file_of.data[own]
        current = found >= self.current_start.data[file_f]
        before = (file_f < file_q) | ((file_f == file_q) & (self.line_of.data[found] < self.line_of.data[own]))
        keep = current & before
        return queries[keep], found[keep]


def sketch_jaccard(a: np.ndarray, b: np.ndarray, size: int = SKETCH) -> float:
    """Jaccard similarity of two shingle sets from their bottom-`size` sketches (sorted, unique).

    Exact when both sets are whole (shorter than `size`); otherwise the bottom-k estimate
    over the union's `size` smallest hashes.

    >>> sketch_jaccard(np.array([1, 2, 3, 4]), np.array([2, 3, 4, 5]))
    0.6
    """
    union = np.union1d(a, b)
    if len(a) < size and len(b) < size:
        return float(len(np.intersect1d(a, b, assume_unique=True)) / len(union)) if len(union) else 1.0
    union = union[:size]
    both = np.isin(union, a, assume_unique=True) & np.isin(union, b, assume_unique=True)
    return float(both.sum() / len(union))
