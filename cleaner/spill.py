"""Growing numpy arrays and sorted multimaps that move to files on disk past a memory budget.

The duplicate index grows with the corpus (about 300 bytes a paragraph). Here its
two kinds of storage keep a bounded part in memory and the rest in a work folder:

- `Column`: an append-only array. Past `chunk` values, the values in memory are
  appended to the column's file, which is read back through a memory map.
- `SortedRuns`: a multimap from integer keys to entry ids, kept as sorted runs
  merged like a binary counter (an LSM tree). A run past `run_limit` keys is
  written to a file, and two runs on disk are merged into a new file chunk by
  chunk, so merging never holds more than a few chunks in memory.

Files live in a `Spill` folder, made when first needed and removed by `close`.
Memory-mapped pages are the kernel's page cache: it keeps them while memory is
free and drops them when it is not, so what the process itself holds stays flat.
Without a `Spill`, everything stays in memory (small corpora, tests).
"""

from __future__ import annotations

import hashlib
import itertools
import shutil
import tempfile
import weakref
from pathlib import Path

import numpy as np

DEFAULT_MEMORY = 16 << 20  # bytes the index keeps in memory before spilling (`Config.dedup_memory_mb`)
PREFIX = "dedup-spill-"


class Spill:
    """A work folder for spilled arrays, made on first use (under `parent`, else the system's temporary folder).

    >>> spill = Spill(None); path = spill.new_path("keys"); path.parent.is_dir()
    True
    >>> spill.close(); path.parent.exists()
    False
    """

    def __init__(self, parent: Path | None, memory: int = DEFAULT_MEMORY) -> None:
        self.parent, self.memory = parent, memory
        self.folder: Path | None = None
        self._numbers = itertools.count()

    def new_path(self, stem: str) -> Path:
        if self.folder is None:
            if self.parent is not None:
                Path(self.parent).mkdir(parents=True, exist_ok=True)
            self.folder = Path(tempfile.mkdtemp(prefix=PREFIX, dir=self.parent))
            # Also removed when the spill is collected or the interpreter exits: `check`, `explain`, a library
            # caller or a run stopped by an error never call `close`, and their folder may sit in /tmp.
            self._remove = weakref.finalize(self, shutil.rmtree, self.folder, ignore_errors=True)
        return self.folder / f"{stem}-{next(self._numbers)}.bin"

    @property
    def nbytes(self) -> int:
        """Bytes of the files on disk."""
        if self.folder is None or not self.folder.is_dir():
            return 0
        return sum(p.stat().st_size for p in self.folder.iterdir())

    def close(self) -> None:
        if self.folder is not None:
            self._remove()
            self.folder = None


def remove_stale(parent: Path) -> None:
    """Remove spill folders a killed run left under `parent` (a spill is never reused: the index reloads from its store)."""
    for folder in Path(parent).glob(f"{PREFIX}*"):
        shutil.rmtree(folder, ignore_errors=True)


class Column:
    """An append-only numpy array; with a `Spill`, values past the newest `chunk` live in a file.

    >>> column = Column(np.uint32)
    >>> column.extend(np.array([4, 5], np.uint32)), column.extend(np.array([6], np.uint32)), column.take(np.array([2, 0])).tolist()
    (0, 2, [6, 4])
    """

    def __init__(self, dtype: type, spill: Spill | None = None, chunk: int = 1 << 20) -> None:
        self.dtype, self.spill, self.chunk = np.dtype(dtype), spill, chunk
        self.data = np.zeros(1024, dtype=dtype)  # the values in memory: indexes `flushed` and up
        self.used = 0
        self.flushed = 0
        self.disk = np.zeros(0, dtype=dtype)
        self.path: Path | None = None

    @property
    def size(self) -> int:
        return self.flushed + self.used

    @property
    def nbytes(self) -> int:
        """Bytes held in memory."""
        return self.data.nbytes

    def extend(self, values: np.ndarray) -> int:
        """Append; returns the index of the first appended value. Values move to disk only here, before appending."""
        if self.spill is not None and self.used >= self.chunk:
            self._flush()
        start, end = self.used, self.used + len(values)
        if end > len(self.data):
            # Grown by a sixteenth: spare capacity stays small and copies stay amortised O(1).
            grown = np.zeros(max(end, len(self.data) + len(self.data) // 16), dtype=self.dtype)
            grown[: self.used] = self.data[: self.used]
            self.data = grown
        self.data[start:end] = values
        self.used = end
        return self.flushed + start

    def _flush(self) -> None:
        if self.path is None:
            self.path = self.spill.new_path("column")
        with self.path.open("ab") as out:
            out.truncate(self.flushed * self.dtype.itemsize)  # what a write that failed midway (a full disk) left goes
            out.write(self.data[: self.used])  # not `tofile`: it says nothing when the disk is full
        self.disk = np.memmap(self.path, dtype=self.dtype, mode="r", shape=(self.flushed + self.used,))
        self.flushed += self.used
        self.data = np.zeros(min(len(self.data), self.chunk + self.chunk // 16), dtype=self.dtype)
        self.used = 0

    def take(self, indexes: np.ndarray) -> np.ndarray:
        """The values at `indexes` (any order, repeats allowed)."""
        indexes = np.asarray(indexes, dtype=np.int64)
        if self.flushed == 0:
            return self.data[indexes]
        on_disk = indexes < self.flushed
        out = np.empty(len(indexes), dtype=self.dtype)
        out[on_disk] = self.disk[indexes[on_disk]]
        out[~on_disk] = self.data[indexes[~on_disk] - self.flushed]
        return out

    def forget_last(self, count: int) -> None:
        """Take back the last `count` values appended (`extend` leaves them in memory), undoing an append the caller could not finish."""
        self.used -= count

    def get(self, index: int) -> int:
        return int(self.disk[index]) if index < self.flushed else int(self.data[index - self.flushed])

    def slice(self, start: int, stop: int) -> np.ndarray:
        """Values start..stop-1, which must lie all on disk or all in memory (one record's values always do)."""
        if stop <= self.flushed:
            return np.asarray(self.disk[start:stop])
        return self.data[start - self.flushed : stop - self.flushed]

    def searchsorted(self, values: np.ndarray, side: str = "right") -> np.ndarray:
        """`np.searchsorted` over the whole column, whose values must be in order.

        >>> column = Column(np.uint32); _ = column.extend(np.array([1, 3, 3, 7], np.uint32))
        >>> column.searchsorted(np.array([0, 3, 9])).tolist()
        [0, 3, 4]
        """
        in_memory = self.flushed + np.searchsorted(self.data[: self.used], values, side=side)
        if self.flushed == 0:
            return in_memory
        on_disk = np.searchsorted(self.disk, values, side=side)
        return np.where(on_disk < self.flushed, on_disk, in_memory)

    def set(self, index: int, value: int) -> None:
        """Change a value, in memory or in the file (the read-only map shares its pages, so it sees the change)."""
        if index >= self.flushed:
            self.data[index - self.flushed] = value
            return
        writable = np.memmap(self.path, dtype=self.dtype, mode="r+", offset=index * self.dtype.itemsize, shape=(1,))
        writable[0] = value
        writable.flush()


class Names:
    """Names numbered in the order first added, found again by a 64-bit hash of their text; with a `Spill`, on disk.

    >>> names = Names(); names.add("a.txt"), names.add("b.txt"), names.find("a.txt"), names.find("c.txt"), names[1]
    (0, 1, 0, None, 'b.txt')
    """

    def __init__(self, spill: Spill | None = None, share: int = 1 << 20) -> None:
        # Each of the three parts keeps at most `share` bytes in memory (a hash and its number take 12).
        self.text = Column(np.uint8, spill, share)  # every name's UTF-8, end to end
        self.ends = Column(np.uint64, spill, share // 8)  # per number: where its name ends in `text`
        self.by_hash = SortedRuns(np.uint64, spill, max(1024, share // 12))
        self.recent: dict[str, int] = {}  # added since `by_hash` last took them: one insertion for many

    def __len__(self) -> int:
        return self.ends.size

    @property
    def nbytes(self) -> int:
        return self.text.nbytes + self.ends.nbytes + self.by_hash.nbytes + 100 * len(self.recent)

    def __getitem__(self, number: int) -> str:
        start = self.ends.get(number - 1) if number else 0
        return bytes(self.text.slice(start, self.ends.get(number))).decode("utf-8", "surrogatepass")

    def find(self, name: str) -> int | None:
        """The number of `name`, or None if it was never added."""
        if name in self.recent:
            return self.recent[name]
        _, found = self.by_hash.find(np.array([name_hash(name)], dtype=np.uint64))
        return next((int(number) for number in found if self[int(number)] == name), None)

    def find_all(self, names: list[str]) -> list[int | None]:
        """`find` for each name, the ones not added lately looked up in one search.

        >>> names = Names(); _ = names.add("a.txt"); names.find_all(["b.txt", "a.txt"])
        [None, 0]
        """
        out: list[int | None] = [self.recent.get(name) for name in names]
        older = [i for i, number in enumerate(out) if number is None]
        if not older or not self.by_hash.runs:
            return out
        hashes = np.array([name_hash(names[i]) for i in older], dtype=np.uint64)
        queries, found = self.by_hash.find(hashes)
        for query, number in zip(queries.tolist(), found.tolist(), strict=True):
            i = older[query]
            if out[i] is None and self[int(number)] == names[i]:
                out[i] = int(number)
        return out

    def add(self, name: str) -> int:
        """Number a name not added before."""
        return self.add_all([name])[0]

    def add_all(self, names: list[str]) -> list[int]:
        """Number distinct names not added before, in turn, with one append to each column.

        >>> names = Names(); names.add_all(["a.txt", "b.txt"]), names.add_all([]), names[1], names.find("a.txt")
        ([0, 1], [], 'b.txt', 0)
        """
        first = len(self)
        encoded = [name.encode("utf-8", "surrogatepass") for name in names]
        base = self.text.size
        self.text.extend(np.frombuffer(b"".join(encoded), dtype=np.uint8))
        self.ends.extend(base + np.cumsum(np.fromiter(map(len, encoded), dtype=np.uint64, count=len(encoded)), dtype=np.uint64))
        numbers = list(range(first, first + len(names)))
        for name, number in zip(names, numbers, strict=True):
            self.recent[name] = number
            if len(self.recent) >= 4096:
                hashes = np.array([name_hash(n) for n in self.recent], dtype=np.uint64)
                self.by_hash.add(hashes, np.fromiter(self.recent.values(), dtype=np.uint32, count=len(self.recent)))
                self.recent.clear()
        return numbers


def name_hash(name: str) -> int:
    """A 64-bit hash of a name's text, the same in every process.

    >>> name_hash("a.txt") == name_hash("a.txt") != name_hash("b.txt")
    True
    """
    return int.from_bytes(hashlib.blake2b(name.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "little")


def sort_by_key(keys: np.ndarray, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """`keys` sorted, with `ids` moved alongside (equal 32-bit keys in order of id).

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


def merge_sorted(a: tuple[np.ndarray, np.ndarray], b: tuple[np.ndarray, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Two runs of (sorted keys, ids) as one, in memory.

    >>> [x.tolist() for x in merge_sorted((np.array([1, 5]), np.array([0, 1])), (np.array([2]), np.array([2])))]
    [[1, 2, 5], [0, 2, 1]]
    """
    keys, ids = np.concatenate([a[0], b[0]]), np.concatenate([a[1], b[1]])
    order = np.argsort(keys, kind="stable")  # two sorted runs: timsort merges them in linear time
    return keys[order], ids[order]


def merge_to_disk(a: tuple[np.ndarray, np.ndarray], b: tuple[np.ndarray, np.ndarray], spill: Spill,
                  chunk: int = 1 << 20) -> tuple[np.ndarray, np.ndarray]:
    """Two sorted runs merged into new files, `chunk` keys of each at a time; returns memory maps of them.

    Each step merges what is certainly next: the keys of both chunks up to the smaller of their last keys.

    >>> spill = Spill(None)
    >>> keys, ids = merge_to_disk((np.array([1, 4, 9], np.uint32), np.array([0, 1, 2], np.uint32)),
    ...                           (np.array([2, 4], np.uint32), np.array([3, 4], np.uint32)), spill, chunk=2)
    >>> keys.tolist(), ids.tolist()
    ([1, 2, 4, 4, 9], [0, 3, 1, 4, 2])
    >>> spill.close()
    """
    key_path, id_path = spill.new_path("keys"), spill.new_path("ids")
    i = j = 0
    with key_path.open("wb") as key_out, id_path.open("wb") as id_out:
        while i < len(a[0]) or j < len(b[0]):
            ka, kb = np.asarray(a[0][i : i + chunk]), np.asarray(b[0][j : j + chunk])
            if len(ka) and len(kb):
                bound = min(ka[-1], kb[-1])
                na, nb = int(np.searchsorted(ka, bound, side="right")), int(np.searchsorted(kb, bound, side="right"))
            else:
                na, nb = len(ka), len(kb)
            keys, ids = merge_sorted((ka[:na], np.asarray(a[1][i : i + na])), (kb[:nb], np.asarray(b[1][j : j + nb])))
            key_out.write(keys)  # not `tofile`: it says nothing when the disk is full
            id_out.write(ids)
            i, j = i + na, j + nb
    total = len(a[0]) + len(b[0])
    return (np.memmap(key_path, dtype=a[0].dtype, mode="r", shape=(total,)),
            np.memmap(id_path, dtype=a[1].dtype, mode="r", shape=(total,)))


class SortedRuns:
    """A multimap from integer keys to entry ids, kept as a few sorted runs (on disk past `run_limit` keys).

    >>> runs = SortedRuns(np.uint32)
    >>> runs.add(np.array([1, 3, 2], np.uint32), np.array([10, 11, 11], np.uint32))
    >>> runs.add(np.array([3], np.uint32), np.array([12], np.uint32))
    >>> query, found = runs.find(np.array([3, 2], np.uint32))
    >>> sorted(zip(query.tolist(), found.tolist()))
    [(0, 11), (0, 12), (1, 11)]
    """

    def __init__(self, dtype: type, spill: Spill | None = None, run_limit: int = 1 << 22) -> None:
        self.dtype, self.spill, self.run_limit = dtype, spill, run_limit
        self.runs: list[tuple[np.ndarray, np.ndarray]] = []  # (keys, ids), sorted by key; the oldest first
        # Keys of each run that one step of a merge on disk holds. A step takes about 32 bytes a key of
        # each run (both chunks, their merge order, the merged copy), so an eighth of the keys the runs
        # in memory may hold keeps it within the memory budget, whatever size the runs on disk reach.
        self.merge_chunk = max(1 << 12, run_limit // 8)

    def __len__(self) -> int:
        return sum(len(keys) for keys, _ in self.runs)

    @property
    def nbytes(self) -> int:
        """Bytes held in memory."""
        return sum(keys.nbytes + ids.nbytes for keys, ids in self.runs if not isinstance(keys, np.memmap))

    def add(self, keys: np.ndarray, ids: np.ndarray) -> None:
        """Add a key for each entry id (an id may come with several keys)."""
        if len(ids) == 0:
            return
        self.runs.append(sort_by_key(np.asarray(keys, dtype=self.dtype), ids.astype(np.uint32)))
        # Merge while the newest run is at least half the size of the one before: log(n) runs at most.
        while len(self.runs) > 1 and len(self.runs[-2][0]) <= 2 * len(self.runs[-1][0]):
            older, newer = self.runs[-2:]  # replaced only once merged: a merge that fails (a full disk) loses no key
            if self.spill is not None and len(older[0]) + len(newer[0]) > self.run_limit:
                self.runs[-2:] = [merge_to_disk(older, newer, self.spill, self.merge_chunk)]
                for array in (*older, *newer):  # the merged files replace theirs
                    if isinstance(array, np.memmap):
                        Path(array.filename).unlink(missing_ok=True)
            else:
                self.runs[-2:] = [merge_sorted(older, newer)]

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
            found.append(np.asarray(run_ids[positions]))
        if not queries:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.uint32)
        return np.concatenate(queries), np.concatenate(found)
