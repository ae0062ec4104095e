"""The compact in-memory duplicate index: exact line keys and MinHash LSH bands, as sorted numpy runs.

What one indexed paragraph costs: its band keys (4 bytes each, `bands` of
them), the entry id beside each key (4 bytes each), its position (file and
line, 8 bytes) and its verification sketch (the up to `SKETCH` smallest
32-bit shingle hashes, 4 bytes each). A Python dict or datasketch's in-memory
`MinHashLSH` costs several hundred bytes per key instead.

Keys live in sorted runs merged like a binary counter (an LSM tree, see
`spill`): adding is amortised O(log n) per key, and a lookup is one
`searchsorted` per run, for a whole batch of paragraphs at once. Given a
`Spill`, runs and columns past its memory budget move to files in its folder,
so the memory a run holds stays flat however large the corpus.

Entries are never removed in memory: when a file is checked again, the entries
of its previous version are ignored (their id is below the file's current start).
"""

from __future__ import annotations

import numpy as np

from .dedup_record import FileRecord
from .spill import Column, Names, SortedRuns, Spill

MAX_ENTRIES = 0xFFFFFFFF  # entry ids are 32-bit: the index's multimaps pack them beside their keys
SKETCH = 64  # shingle hashes kept per paragraph: the exact set for paragraphs up to ~65 words
# Candidates verified per paragraph at most, the earliest in input order first. A templated paragraph
# (a product blurb, a notice with a name or a number changed) can collide in a band with thousands
# of earlier near misses; verifying them all made a corpus repeating such pages slower than linear.
# A paragraph like an earlier one is almost always like its first candidates too: the copies of a
# text are found, and group, in input order.
VERIFY_LIMIT = 84  # three rounds: 4, 16 and 64 candidates


class StoreError(RuntimeError):
    """A dedup index that cannot be used; the message says which and why (the run stops on it)."""


class IndexFull(StoreError):
    """The index cannot take more entries; the message says what to do."""


class Groups:
    """The group of copies each dropped entry joined, named by the group's first entry; only joined entries are kept.

    >>> groups = Groups(None, 0); groups.join_all([5, 9], [2, 5]).tolist(), groups.join_all([11], [7]).tolist()
    ([2, 2], [7])
    """

    def __init__(self, spill: Spill | None, run_limit: int) -> None:
        self.runs = SortedRuns(np.uint32, spill, run_limit)
        self.recent: dict[int, int] = {}  # joined since `runs` last took them: one insertion for many
        self._ahead: dict[int, int] = {}  # `look_up_ahead`'s answers: origin -> its stored group's first, or -1 if none

    @property
    def nbytes(self) -> int:
        return self.runs.nbytes + 100 * len(self.recent)

    def join_all(self, entries: list[int], origins: list[int]) -> np.ndarray:
        """`join` each entry to its origin in turn (an origin may be an entry joined just before); returns the groups."""
        ahead = self._ahead
        older = sorted({o for o in origins if o not in self.recent and o not in ahead})
        stored = dict(ahead)
        if older:
            queries, found = self.runs.find(np.array(older, dtype=np.uint32))
            stored.update(zip((older[q] for q in queries.tolist()), found.tolist(), strict=True))
        firsts = []
        for entry, origin in zip(entries, origins, strict=True):
            group = stored.get(origin, -1)
            first = self.recent[entry] = self.recent.get(origin, origin if group < 0 else group)
            firsts.append(first)
        if len(self.recent) >= 4096:
            self.runs.add(np.fromiter(self.recent, dtype=np.uint32, count=len(self.recent)),
                          np.fromiter(self.recent.values(), dtype=np.uint32, count=len(self.recent)))
            self.recent.clear()
            self._ahead = {}  # looked up in the runs as they were
        return np.array(firsts, dtype=np.uint32)

    def look_up_ahead(self, origins: list[int]) -> None:
        """Find at once the stored groups of origins that the next `join_all` calls will be given (one search for a
        window of documents instead of one per document); valid until the stored groups next change.

        >>> groups = Groups(None, 0); groups.look_up_ahead([2, 7]); groups.join_all([5], [2]).tolist()
        [2]
        """
        older = sorted({o for o in origins if o not in self.recent})
        queries, found = self.runs.find(np.array(older, dtype=np.uint32))
        self._ahead = dict.fromkeys(older, -1)  # -1: not stored
        self._ahead.update(zip((older[q] for q in queries.tolist()), found.tolist(), strict=True))


class DuplicateIndex:
    """Every indexed line and paragraph with its position, looked up by exact key or LSH band.

    Positions are (file number, line): a file is numbered when the index first sees it, so
    "earlier" means earlier in the order the corpus was first fed in, across runs.
    """

    def __init__(self, bands: int, spill: Spill | None = None) -> None:
        self.bands, self.spill = bands, spill
        # Two runs in memory at most per multimap, each under run_limit keys of 8 to 12 bytes: about half the budget.
        self.run_limit = max(1024, spill.memory // 48) if spill else 0
        self.exact = SortedRuns(np.uint64, spill, self.run_limit)
        self.near = SortedRuns(np.uint32, spill, self.run_limit)  # every band's keys in one multimap: band keys carry their band's number
        # Each column keeps a sixty-fourth of the budget in memory, counted in bytes whatever its type, so the
        # ten columns take a sixth of it. Counted in values, the share let the columns that grow by a value
        # a record, not a line (and the names' hash runs), hold some 60 bytes a record for the first quarter
        # million records before any moved to disk: 4 MB a gigabyte of the benchmark's pages.
        share = max(1024, spill.memory // 64) if spill else 0

        def column(dtype: type) -> Column:
            return Column(dtype, spill, share // np.dtype(dtype).itemsize)

        self.file_of = column(np.uint32)  # per entry
        self.line_of = column(np.uint32)
        self.sketch_offset = column(np.uint32)  # per entry: where its sketch starts, from its record's base
        self.sketch_size = column(np.uint8)  # per entry; exact entries have an empty sketch
        self.pool = column(np.uint32)  # the sketches, end to end
        self.record_first = column(np.uint32)  # per record added: its first entry
        self.record_base = column(np.uint64)  # per record added: where its sketches start in the pool
        self.names = Names(spill, share)  # files by number
        self.current_start = column(np.int64)  # per file: its entries below this id belong to an older version
        self.groups = Groups(spill, self.run_limit)
        self._recent_names: dict[int, str] = {}

    def __len__(self) -> int:
        return self.file_of.size

    @property
    def nbytes(self) -> int:
        """Bytes held in memory (what a `Spill` has on disk not included)."""
        columns = (self.file_of, self.line_of, self.sketch_offset, self.sketch_size, self.pool, self.record_first,
                   self.record_base, self.current_start)
        return self.exact.nbytes + self.near.nbytes + sum(c.nbytes for c in columns) + self.names.nbytes + self.groups.nbytes

    def close(self) -> None:
        """Remove the spilled files (the index is unusable after)."""
        if self.spill is not None:
            self.spill.close()

    def known(self, name: str) -> bool:
        """Whether a file of this name was added."""
        return self.names.find(name) is not None

    def known_all(self, names: list[str]) -> list[bool]:
        """`known` for each name, in one search."""
        return [number is not None for number in self.names.find_all(names)]

    def add(self, record: FileRecord) -> tuple[np.ndarray, np.ndarray]:
        """Index a file's record (replacing its older version); returns the entry ids of its lines and paragraphs."""
        return self.add_all([record])[0]

    def add_all(self, records: list[FileRecord], new: bool = False) -> list[tuple[np.ndarray, np.ndarray]]:
        """`add` for each record in turn, with one insertion into each multimap and column for all of them.

        `new`: the records' names are distinct and not in the index (`known_all` said so): not looked up again.
        """
        ids = self._add_entries(records, new)
        exact_keys = [r.exact_keys for r in records]
        if sum(map(len, exact_keys)):
            self.exact.add(np.concatenate(exact_keys), np.concatenate([exact for exact, _ in ids]))
        bands = [r.bands.ravel() for r in records if r.bands.size]
        if bands:
            near_ids = [np.repeat(near, r.bands.shape[1]) for r, (_, near) in zip(records, ids, strict=True) if r.bands.size]
            self.near.add(np.concatenate(bands), np.concatenate(near_ids))
        return ids

    def _add_entries(self, records: list[FileRecord], new: bool = False) -> list[tuple[np.ndarray, np.ndarray]]:
        """Number the records' lines and paragraphs as entries, in turn, and store where they are and their sketches."""
        n_exact = np.fromiter([len(r.exact_lines) for r in records], dtype=np.int64, count=len(records))
        n_near = np.fromiter([len(r.near_lines) for r in records], dtype=np.int64, count=len(records))
        counts = n_exact + n_near
        first = len(self)
        if first + int(counts.sum()) > MAX_ENTRIES:
            raise IndexFull(f"the dedup index holds {MAX_ENTRIES:,} lines and paragraphs at most; "
                            "split the corpus, or raise dedup_min_words so that fewer lines are indexed")
        firsts = first + np.concatenate([[0], np.cumsum(counts)])
        files = self._number_files(records, firsts[:-1].tolist(), new)
        # Per entry, all records end to end: its sketch's size, and where the sketch starts from its record's base.
        # Each record's entries are its lines, then its paragraphs: where those go among all of them.
        total = int(counts.sum())
        at_exact = np.repeat(firsts[:-1] - first - (np.cumsum(n_exact) - n_exact), n_exact) + np.arange(int(n_exact.sum()))
        at_near = np.repeat(firsts[:-1] - first + n_exact - (np.cumsum(n_near) - n_near), n_near) + np.arange(int(n_near.sum()))
        sizes = np.zeros(total, np.uint8)
        sizes[at_near] = np.concatenate([np.zeros(0, np.uint8)] + [r.sketch_sizes for r in records])
        before = np.cumsum(sizes, dtype=np.int64) - sizes
        offsets = before - np.append(before, 0)[firsts[:-1] - first].repeat(counts)
        sketch_counts = np.array([len(r.sketches) for r in records], dtype=np.int64)
        lines = np.zeros(total, np.uint32)
        lines[at_exact] = np.concatenate([np.zeros(0, np.uint32)] + [r.exact_lines for r in records])
        lines[at_near] = np.concatenate([np.zeros(0, np.uint32)] + [r.near_lines for r in records])
        appends = [(self.file_of, np.repeat(np.array(files, dtype=np.uint32), counts)), (self.line_of, lines),
                   (self.record_first, firsts[:-1].astype(np.uint32)),
                   (self.record_base, (self.pool.size + np.cumsum(sketch_counts) - sketch_counts).astype(np.uint64)),
                   (self.pool, np.concatenate([np.zeros(0, np.uint32)] + [r.sketches for r in records])),
                   (self.sketch_offset, offsets.astype(np.uint32)), (self.sketch_size, sizes)]
        done: list[tuple[Column, int]] = []
        try:
            for column, values in appends:
                column.extend(values.astype(column.dtype, copy=False))
                done.append((column, len(values)))
        except BaseException:  # moving values to disk failed (a full disk): the columns must stay in step, entry by entry
            for column, count in done:
                column.forget_last(count)
            raise
        ids = np.arange(first, first + total, dtype=np.uint32)  # each record's ids: views of one array
        bounds = (firsts - first).tolist()
        return [(ids[a : a + exact], ids[a + exact : b]) for a, b, exact in zip(bounds[:-1], bounds[1:], n_exact.tolist(), strict=True)]

    def _number_files(self, records: list[FileRecord], starts: list[int], new: bool = False) -> list[int]:
        """Each record's file number (a new name numbered now); its entries from `starts` on are the file's current ones."""
        numbers = [None] * len(records) if new else self.names.find_all([record.name for record in records])
        added: dict[str, int] = {}  # new names, numbered in turn: their position in `new_starts`
        new_starts: list[int] = []
        first = len(self.names)
        for i, (record, start) in enumerate(zip(records, starts, strict=True)):
            if numbers[i] is not None:
                self.current_start.set(numbers[i], start)
                continue
            at = added.get(record.name)
            if at is None:
                at = added[record.name] = len(new_starts)
                new_starts.append(start)
            else:
                new_starts[at] = start  # a name twice among them: its later record's entries are current
            numbers[i] = first + at
        if added:
            self.names.add_all(list(added))
            self.current_start.extend(np.array(new_starts, dtype=np.int64))
        return numbers

    def forget(self, name: str) -> None:
        """Ignore every entry of a file from now on, as if it had never been added (until it is added again)."""
        self.current_start.set(self.names.find(name), np.iinfo(np.int64).max)

    def find_near(self, bands: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(row of `bands`, entry) for every indexed paragraph sharing a band key with the row."""
        queries, found = self.near.find(bands.ravel())
        return queries // max(1, bands.shape[1]), found

    def position(self, entry: int) -> tuple[int, int]:
        return self.file_of.get(entry), self.line_of.get(entry)

    def where(self, entry: int) -> str:
        """'name:line' of an entry, as explain and the report print it."""
        return self.where_all(np.array([entry]))[0]

    def where_all(self, entries: np.ndarray) -> list[str]:
        """`where` for each entry; the names of files met lately are kept at hand (copies cluster in a few files)."""
        files, lines = self.file_of.take(entries).tolist(), self.line_of.take(entries).tolist()
        out = []
        for file, line in zip(files, lines, strict=True):
            name = self._recent_names.get(file)
            if name is None:
                if len(self._recent_names) >= 4096:
                    self._recent_names.clear()
                name = self._recent_names[file] = self.names[file]
            out.append(f"{name}:{line}")
        return out

    def earliest_similar(self, queries: np.ndarray, found: np.ndarray, query_ids: np.ndarray, threshold: float) -> dict[int, int]:
        """`earliest` among the pairs whose sketches are at least `threshold` alike, verifying as few as it can.

        A paragraph repeated a thousand times has a thousand candidates; verified in input order, the
        first that passes is the answer, so each round verifies the next few candidates of the queries
        still open (4, then 16, then 64) instead of all of them at once. A query none of whose first
        `VERIFY_LIMIT` candidates passes stays unmatched (see there).
        """
        if len(found) == 0:
            return {}
        order = np.lexsort((self.line_of.take(found), self.file_of.take(found), queries))
        queries, found = queries[order], np.asarray(found)[order]
        starts = np.flatnonzero(np.concatenate([[True], queries[1:] != queries[:-1]]))
        rank = np.arange(len(queries)) - np.repeat(starts, np.diff(np.append(starts, len(queries))))
        best: dict[int, int] = {}
        low, width = 0, 4
        open_query = np.ones(int(queries.max()) + 1, dtype=bool)
        while low < VERIFY_LIMIT:
            width = min(width, VERIFY_LIMIT - low)
            batch = np.flatnonzero((rank >= low) & (rank < low + width) & open_query[queries])
            if len(batch) == 0:
                break
            passed = batch[self.jaccards(query_ids[queries[batch]], found[batch]) >= threshold]
            for q, entry in zip(queries[passed].tolist(), found[passed].tolist(), strict=True):
                best.setdefault(q, entry)  # in input order within a query: the first that passes is the earliest
            open_query[queries[passed]] = False
            low, width = low + width, width * 4
        return dict(sorted(best.items()))

    def earliest(self, queries: np.ndarray, found: np.ndarray) -> dict[int, int]:
        """For each query, the first entry in input order (file, then line) among its pairs; queries in order.

        >>> index = DuplicateIndex(1); ids = index.add(FileRecord("a", np.array([4, 2], np.uint32), np.array([1, 2], np.uint64)))[0]
        >>> index.earliest(np.array([0, 0, 1]), ids[[0, 1, 0]])
        {0: 1, 1: 0}
        """
        if len(found) == 0:
            return {}
        order = np.lexsort((self.line_of.take(found), self.file_of.take(found), queries))  # stable: ties keep pair order
        ordered = queries[order]
        first = np.ones(len(order), dtype=bool)
        first[1:] = ordered[1:] != ordered[:-1]
        return dict(zip(ordered[first].tolist(), np.asarray(found)[order][first].tolist(), strict=True))

    def sketch_starts(self, entries: np.ndarray) -> np.ndarray:
        """Where each entry's sketch starts in the pool: its record's base plus its own offset."""
        records = self.record_first.searchsorted(entries, side="right") - 1
        return self.record_base.take(records).astype(np.int64) + self.sketch_offset.take(entries).astype(np.int64)

    def sketch(self, entry: int) -> np.ndarray:
        start = int(self.sketch_starts(np.array([entry]))[0])
        return self.pool.slice(start, start + self.sketch_size.get(entry))

    def jaccards(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """`sketch_jaccard` of the sketches of entries a[i] and b[i], for every i at once.

        Each pair's two sketches are sorted together: a value met twice is in both, and the
        first `SKETCH` distinct values of the pair are the bottom of the union.
        """
        count = len(a)
        if count == 0:
            return np.zeros(0)
        entries = np.concatenate([a, b]).astype(np.int64)
        sizes = self.sketch_size.take(entries).astype(np.int64)
        starts = self.sketch_starts(entries)
        total = int(sizes.sum())
        offsets = np.arange(total) - np.repeat(np.cumsum(sizes) - sizes, sizes) + np.repeat(starts, sizes)
        pair = np.repeat(np.concatenate([np.arange(count), np.arange(count)]), sizes)
        merged = np.sort((pair.astype(np.uint64) << np.uint64(32)) | self.pool.take(offsets).astype(np.uint64))
        first = np.ones(total, dtype=bool)
        first[1:] = merged[1:] != merged[:-1]
        twice = np.zeros(total, dtype=bool)  # at the first copy of a value both sketches have
        twice[:-1] = ~first[1:]
        owner = (merged[first] >> np.uint64(32)).astype(np.int64)
        union = np.bincount(owner, minlength=count)
        rank = np.arange(len(owner)) - np.repeat(np.cumsum(union) - union, union)
        whole = (sizes[:count] < SKETCH) & (sizes[count:] < SKETCH)
        counted = whole[owner] | (rank < SKETCH)  # past SKETCH distinct values only whole pairs count on
        both = np.bincount(owner, weights=(twice[first] & counted), minlength=count)
        denominator = np.where(whole, union, np.minimum(union, SKETCH))
        return np.divide(both, denominator, out=np.ones(count), where=denominator > 0)

    def earlier(self, queries: np.ndarray, found: np.ndarray, query_ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Keep the (query, entry) pairs whose entry is current and comes before the query's own entry."""
        if len(found) == 0:
            return queries, found
        # A pair repeats once per shared band: one sort of packed pairs removes the repeats first.
        pairs = np.sort((queries.astype(np.int64) << 32) | found.astype(np.int64))
        pairs = pairs[np.concatenate([[True], pairs[1:] != pairs[:-1]])]
        queries, found = pairs >> 32, pairs & 0xFFFFFFFF
        own = query_ids[queries].astype(np.int64)
        file_f, file_q = self.file_of.take(found), self.file_of.take(own)
        current = found >= self.current_start.take(file_f)
        before = (file_f < file_q) | ((file_f == file_q) & (self.line_of.take(found) < self.line_of.take(own)))
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
