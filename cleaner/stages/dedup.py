"""dedup: drop lines and paragraphs that repeat, or nearly repeat, an earlier one anywhere in the corpus.

Two passes over each document's kept blocks, after every boilerplate stage:

- exact: a line of at least `min_words` words whose squashed text (case, spacing
  and punctuation ignored) hashes like an earlier line's goes.
- near: a paragraph (its kept lines) of at least `near_min_words` words whose word
  shingles have Jaccard similarity of at least `threshold` with an earlier
  paragraph's goes, whole. Candidates come from MinHash LSH bands chosen for
  recall (see `BANDS`); each is then verified on the shingle sketches, so a
  band collision alone never drops anything.

The rule does not depend on the order of execution: an entry is dropped when it is
linked to any entry earlier in input order (file, then line), whether that one
was kept or dropped itself. So with A ~ B and B ~ C, C goes even when it is not
like A. Every entry is indexed, dropped or not, under the file's number in the
order the index first saw it, so that a persisted index (see `dedup_store`)
gives a second run the same answers as one run over everything, and files added
later lose only their own duplicates.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np

from ..dedup_batch import earliest_exact, earliest_near, line_keys, paragraph_features, split_pairs
from ..dedup_index import SKETCH, DuplicateIndex, FileRecord, StoreError
from ..dedup_kernels import word_counts
from ..dedup_store import MemoryStore, Store
from ..document import Block, Document, Reason
from ..key_counts import DEFAULT_MEMORY as KEY_COUNTS_MEMORY
from ..key_counts import KeyCounts
from ..spill import Column, SortedRuns, Spill
from .base import CorpusStage

DEDUP_MIN_WORDS = 6  # shorter lines repeat by nature ("Read more", a city name); rules judge those
NEAR_MIN_WORDS = 12  # below this a paragraph has too few shingles for "nearly the same" to mean much
NEAR_THRESHOLD = 0.8  # the issue's: a republished story with a few words changed
# Word 2-shingles, measured in benchmarks/dedup_speed.py on lightly edited copies of the dev
# paragraphs: 62% of them reach J >= 0.8 with pairs, 51% with triples, 45% with 4-word shingles
# (single words reach 92% but ignore word order, so a reordered list counts as the same text).
SHINGLE_SIZE = 2
# 12 bands of 4 rows: a pair at J = 0.8 becomes a candidate with probability 1 - (1 - 0.8**4)**12
# = 0.998 (datasketch's optimum for 0.8, 9 bands of 13, gives 0.73: it trades recall for fewer
# candidates). The false candidates this lets through (J = 0.5: 0.54) are discarded by the
# verification on the shingle sketches. 12 bands cost 96 bytes a paragraph in the index.
BANDS, ROWS = 12, 4
EXAMPLES_PER_GROUP = 3  # dropped copies the report names per group
CLUSTER_CHUNK = 1 << 20  # drops counted at a time for the report: 4 MB of group numbers
SAVE_BATCH = 1024  # records `defer_saves` holds back at most: one transaction each, a few hundred kB
NUM_PERM = 64  # one-permutation bins: the smallest power of two holding BANDS * ROWS (16 spare bins cost nothing)


def paragraphs(doc: Document) -> list[list[Block]]:
    """The kept blocks of a document grouped by paragraph, in order.

    >>> d = Document("", blocks=[Block("a", 1, 0, 0, False), Block("b", 2, 2, 0, False), Block("c", 4, 4, 1, True)])
    >>> [[b.text for b in p] for p in paragraphs(d)]
    [['a', 'b'], ['c']]
    """
    groups: dict[int, list[Block]] = defaultdict(list)
    for block in doc.blocks:
        if block.kept:
            groups[block.paragraph].append(block)
    return list(groups.values())


@dataclass
class _Pending:
    """A document `prefetch` indexed and looked up, waiting for `process`."""

    doc: Document  # held, so that no other document takes its id() while it waits
    record: FileRecord
    lines: list[Block]
    groups: list[list[Block]]
    exact_ids: np.ndarray = field(default_factory=lambda: np.zeros(0, np.uint32))
    near_ids: np.ndarray = field(default_factory=lambda: np.zeros(0, np.uint32))
    exact_pairs: tuple[np.ndarray, np.ndarray] = (np.zeros(0, np.int64), np.zeros(0, np.uint32))
    near_pairs: tuple[np.ndarray, np.ndarray] = (np.zeros(0, np.int64), np.zeros(0, np.uint32))
    # What `process` finds from the pairs, worked out for the whole window at once (None: not yet, or no longer valid).
    answers: tuple[dict[int, int], dict[int, int]] | None = None


class Dedup(CorpusStage):
    """The dedup stage; one instance holds one run's index (fed from and saved to `store`)."""

    name = "dedup"

    def __init__(self, min_words: int = DEDUP_MIN_WORDS, *, near: bool = True, threshold: float = NEAR_THRESHOLD,
                 shingle_size: int = SHINGLE_SIZE, near_min_words: int = NEAR_MIN_WORDS, store: Store | None = None,
                 spill: Spill | None = None) -> None:
        self.min_words, self.near, self.threshold = min_words, near, threshold
        self.shingle_size, self.near_min_words = shingle_size, max(near_min_words, shingle_size)
        self.index = DuplicateIndex(BANDS, spill)
        self.store = store or MemoryStore()
        for record in self.store.load(self.params()):
            self.index.add(record)
        # Each drop of this run, in order: the group of copies it joined (by its first entry) and its entry.
        self.drop_groups = Column(np.uint32, self.index.spill, 1 << 16)
        self.drop_entries = Column(np.uint32, self.index.spill, 1 << 16)
        self._pending: dict[int, _Pending] = {}  # id(document) -> what `prefetch` found for it, in window order
        # With `defer_saves`, records wait here and go to the store in one transaction (`flush`): one per record
        # cost more than the rest of deduplicating a short record. Whoever sets it flushes before counting a file done.
        self.defer_saves = False
        self._unsaved: list[FileRecord] = []

    def params(self) -> dict:
        """What shapes the persisted records: an index built with other values cannot be reused."""
        # Version 2: record files' documents are named FILE:ID (an index naming them ID would take every record for new).
        # Version 3: a band reads bins far apart (`band_keys`), so the band keys of version 2 never meet.
        return {"version": 3, "shingle_size": self.shingle_size, "num_perm": NUM_PERM, "bands": BANDS, "rows": ROWS,
                "sketch": SKETCH, "near": self.near}

    def units(self, doc: Document) -> tuple[list[Block], list[list[Block]]]:
        """The lines the exact pass compares and the paragraphs the near pass compares."""
        kept = [b for b in doc.blocks if b.kept]
        counts = word_counts([b.text for b in kept])
        lines = [b for b, count in zip(kept, counts, strict=True) if count >= self.min_words]
        if not self.near:
            return lines, []
        groups: dict[int, list[Block]] = {}
        words: dict[int, int] = {}
        for block, count in zip(kept, counts, strict=True):
            groups.setdefault(block.paragraph, []).append(block)
            words[block.paragraph] = words.get(block.paragraph, 0) + count
        return lines, [group for paragraph, group in groups.items() if words[paragraph] >= self.near_min_words]

    def reindex(self, doc: Document) -> None:
        """Replace the document's record after later stages dropped more of it: index what is written,
        and the repeats this stage dropped (they link groups), never a line that is gone."""
        mine = [(b, b.dropped) for b in doc.blocks if b.dropped is not None and b.dropped.stage == self.name]
        for block, _ in mine:
            block.dropped = None  # counted as written while the record is made, as when `process` made it
        try:
            record = self.record(doc.id, *self.units(doc))
        finally:
            for block, reason in mine:
                block.dropped = reason
        exact_ids, near_ids = self.index.add(record)
        self._save(record)
        if self._pending:  # the documents after it in the window were looked up without its new entries
            for pending in self._pending.values():
                pending.answers = None  # its entries replaced: the window's answers are worked out again
            try:
                self._look_up_in(list(self._pending.values()), record, exact_ids, near_ids)
            except StoreError:
                raise
            except Exception:  # noqa: BLE001 - as in `prefetch`: `process` indexes each of them again, replacing it
                self._pending.clear()

    def prepare(self, doc: Document) -> None:
        """Note where the document's lines and paragraphs are, in whatever process runs the per-document stages
        (so that the process running the stage need not count words again); `prepare_batch` then makes its record."""
        lines, groups = self.units(doc)
        position = {id(block): index for index, block in enumerate(doc.blocks)}
        doc.prepared[self.name] = (None, [position[id(b)] for b in lines], [[position[id(b)] for b in group] for group in groups])

    def prepare_batch(self, docs: list) -> None:
        """Make the records (the signatures) of prepared documents that have none yet, for all of them in one pass.

        Items that are not documents (a failed record) are passed over.
        """
        todo = [doc for doc in docs if isinstance(doc, Document) and doc.prepared.get(self.name, (0,))[0] is None]
        units = [self._prepared_units(doc, doc.prepared[self.name]) for doc in todo]
        for doc, record, (_, line_at, groups_at) in zip(todo, self.records([(doc.id, *u) for doc, u in zip(todo, units, strict=True)]),
                                                        [doc.prepared[self.name] for doc in todo], strict=True):
            doc.prepared[self.name] = (record, line_at, groups_at)

    def prefetch(self, docs: list[Document]) -> None:
        """Index a window of documents and look them all up at once; `process` then takes each one's answers.

        One lookup for many documents costs about what one costs for a single document. The answers
        are the ones `process` would find document by document: an entry of a later document of the
        window is never earlier than the document looked up, and whether an entry is still current
        is decided when the document is processed. The window stops before a document the index
        already knows (a file checked again replaces its old entries, which earlier documents may match).
        """
        window: list[tuple[Document, _Pending]] = []
        try:
            names: set[str] = set()
            for doc, known in zip(docs, self.index.known_all([doc.id for doc in docs]), strict=True):
                if known or doc.id in names:
                    break
                names.add(doc.id)
                window.append((doc, None))
            units = self._units_all([doc for doc, _ in window])
            window = [(doc, _Pending(doc, *unit)) for (doc, _), unit in zip(window, units, strict=True)]
            if not window:
                return
            ids = self.index.add_all([pending.record for _, pending in window], new=True)
            for (doc, pending), (exact_ids, near_ids) in zip(window, ids, strict=True):
                pending.exact_ids, pending.near_ids = exact_ids, near_ids
                self._pending[id(doc)] = pending
            self._look_up([pending for _, pending in window])
        except StoreError:
            raise
        except Exception:  # noqa: BLE001 - only speed is lost: `process` makes and indexes each record again, replacing it
            self._pending.clear()

    def _answer(self, pendings: list[_Pending]) -> None:
        """Each pending document's earliest earlier copies, line by line and paragraph by paragraph, all in one pass."""
        exact = earliest_exact(self.index, [p.exact_pairs for p in pendings], [p.exact_ids for p in pendings])
        near = earliest_near(self.index, [p.near_pairs for p in pendings], [p.near_ids for p in pendings], self.threshold)
        for pending, exact_answers, near_answers in zip(pendings, exact, near, strict=True):
            pending.answers = exact_answers, near_answers

    def forget_prefetched(self) -> None:
        """Take back what `prefetch` indexed for documents that will never be processed: as if never seen."""
        for pending in self._pending.values():
            self.index.forget(pending.record.name)
        self._pending.clear()

    def _look_up(self, pendings: list[_Pending]) -> None:
        """The candidate pairs of each pending document: by exact line key and by LSH band, in two lookups."""
        exact, near = self._pairs(pendings, self.index.exact, self.index.near)
        for pending, exact_pairs, near_pairs in zip(pendings, exact, near, strict=True):
            pending.exact_pairs, pending.near_pairs = exact_pairs, near_pairs

    def _look_up_in(self, pendings: list[_Pending], record: FileRecord, exact_ids: np.ndarray, near_ids: np.ndarray) -> None:
        """Add to each pending document's candidate pairs those with one record indexed since it was looked up.

        Its older pairs stay right: pairs with entries a reindex replaced are no longer current, and
        `process` skips them. So looking up the new entries alone gives what a whole lookup would.
        """
        exact_runs, near_runs = SortedRuns(np.uint64), SortedRuns(np.uint32)
        exact_runs.add(record.exact_keys, exact_ids)
        if record.bands.size:
            near_runs.add(record.bands.ravel(), np.repeat(near_ids, record.bands.shape[1]))
        exact, near = self._pairs(pendings, exact_runs, near_runs)
        for pending, exact_pairs, near_pairs in zip(pendings, exact, near, strict=True):
            pending.exact_pairs = tuple(map(np.concatenate, zip(pending.exact_pairs, exact_pairs, strict=True)))
            pending.near_pairs = tuple(map(np.concatenate, zip(pending.near_pairs, near_pairs, strict=True)))

    @staticmethod
    def _pairs(pendings: list[_Pending], exact_runs: SortedRuns, near_runs: SortedRuns) -> tuple[list, list]:
        """Each pending document's (query, entry) pairs in two multimaps: lines by exact key, paragraphs by band key."""
        exact = [p.record.exact_keys for p in pendings]
        queries, found = exact_runs.find(np.concatenate(exact))
        exact_pairs = split_pairs(queries, found, [len(k) for k in exact])
        near = [p.record.bands for p in pendings]
        bands = np.concatenate(near) if near else np.zeros((0, BANDS), np.uint32)
        queries, found = near_runs.find(bands.ravel())
        near_pairs = split_pairs(queries // max(1, bands.shape[1]), found, [len(b) for b in near])
        return exact_pairs, near_pairs

    def process(self, doc: Document) -> None:
        pending = self._pending.pop(id(doc), None)
        if pending is None:
            record, lines, groups = self._units_of(doc)
            exact_ids, near_ids = self.index.add(record)
            exact_pairs = self.index.exact.find(record.exact_keys)
            near_pairs = self.index.find_near(record.bands) if len(near_ids) else None
            exact = self.index.earliest(*self.index.earlier(*exact_pairs, exact_ids))
            near = self.near_matches(near_pairs, near_ids)
        else:
            record, lines, groups, exact_ids, near_ids = pending.record, pending.lines, pending.groups, pending.exact_ids, pending.near_ids
            if pending.answers is None:  # valid while no record is replaced: worked out for the rest of the window at once
                self._answer([pending, *self._pending.values()])
            exact, near = pending.answers
        drops = [([lines[i]], int(exact_ids[i]), origin, "exact_duplicate") for i, origin in exact.items()]
        # A paragraph whose every line is already an exact repeat (a one-line paragraph) is one drop, not two:
        # the report counts each drop once, as the totals count each line once.
        exact_lines = {id(blocks[0]) for blocks, _, _, _ in drops}
        drops += [(groups[i], int(near_ids[i]), origin, "near_duplicate") for i, origin in near.items()
                  if not all(id(block) in exact_lines for block in groups[i])]
        details = self.remember([entry for _, entry, _, _ in drops], [origin for _, _, origin, _ in drops])
        for (blocks, _, _, rule), detail in zip(drops, details, strict=True):
            for block in blocks:
                block.drop(Reason(self.name, rule, "duplicate", detail=detail))
        self._save(record)

    def _save(self, record: FileRecord) -> None:
        """Persist a record now, or with `defer_saves` with the next batch (a thousand at most wait)."""
        if not self.defer_saves:
            self.store.save(record)
            return
        self._unsaved.append(record)
        if len(self._unsaved) >= SAVE_BATCH:
            self.flush()

    def flush(self) -> None:
        """Persist the records `defer_saves` holds back, in one transaction where the store has one."""
        if self._unsaved:
            records, self._unsaved = self._unsaved, []
            save_all = getattr(self.store, "save_all", None)
            if save_all is not None:
                save_all(records)
            else:
                for record in records:
                    self.store.save(record)

    def _units_of(self, doc: Document) -> tuple[FileRecord, list[Block], list[list[Block]]]:
        """The document's record with its lines and paragraphs: as a worker prepared them, else computed here."""
        return self._units_all([doc])[0]

    def _units_all(self, docs: list[Document]) -> list[tuple[FileRecord, list[Block], list[list[Block]]]]:
        """`_units_of` for many documents, the records not prepared yet made in one pass."""
        found = []
        for doc in docs:
            prepared = doc.prepared.pop(self.name, None)
            found.append((None, *self.units(doc)) if prepared is None else (prepared[0], *self._prepared_units(doc, prepared)))
        todo = [i for i, (record, _, _) in enumerate(found) if record is None]
        made = dict(zip(todo, self.records([(docs[i].id, found[i][1], found[i][2]) for i in todo]), strict=True))
        return [(made[i], lines, groups) if record is None else (record, lines, groups) for i, (record, lines, groups) in enumerate(found)]

    @staticmethod
    def _prepared_units(doc: Document, prepared: tuple) -> tuple[list[Block], list[list[Block]]]:
        _, line_at, groups_at = prepared
        return [doc.blocks[i] for i in line_at], [[doc.blocks[i] for i in group] for group in groups_at]

    def record(self, name: str, lines: list[Block], groups: list[list[Block]]) -> FileRecord:
        return self.records([(name, lines, groups)])[0]

    def records(self, units: list[tuple[str, list[Block], list[list[Block]]]]) -> list[FileRecord]:
        """Each (name, lines, paragraphs)'s record: the paragraphs' signatures made for all of them in one pass."""
        texts = [[" ".join(b.text for b in p) for p in groups] for _, _, groups in units]
        features = paragraph_features(texts, self.shingle_size, NUM_PERM, BANDS, ROWS)
        return [FileRecord(name, np.array([b.line for b in lines], dtype=np.uint32),
                           line_keys([b.text for b in lines]),
                           np.array([p[0].line for p in groups], dtype=np.uint32), bands, sizes, sketch)
                for (name, lines, groups), (bands, sizes, sketch) in zip(units, features, strict=True)]

    def near_matches(self, pairs: tuple[np.ndarray, np.ndarray] | None, ids: np.ndarray) -> dict[int, int]:
        """For each paragraph with a verified earlier near copy among its candidate `pairs`, the earliest such copy's entry."""
        if len(ids) == 0 or pairs is None:
            return {}
        queries, found = self.index.earlier(*pairs, ids)
        return self.index.earliest_similar(queries, found, ids, self.threshold)

    def remember(self, entries: list[int], origins: list[int], places: dict[int, str] | None = None) -> list[str]:
        """Record drops in their groups (for the report), in order; returns where the paragraph each repeats is
        (from `places`, origin -> `where`, when the caller found them for many documents at once)."""
        if not entries:
            return []
        self.drop_groups.extend(self.index.groups.join_all(entries, origins))
        self.drop_entries.extend(np.array(entries, dtype=np.uint32))
        if places is not None:
            return [places[origin] for origin in origins]
        return self.index.where_all(np.array(origins, dtype=np.int64))

    def clusters(self, examples: int = 5) -> dict:
        """Groups with drops in this run: how many, how many drops, and the largest few (first copy, copies).

        Counted a chunk of drops at a time, in bounded memory (`KeyCounts`): a run over terabytes drops
        billions of lines, and the report must not hold them all at once.
        """
        spill = self.index.spill
        counts = KeyCounts(spill, min(KEY_COUNTS_MEMORY, spill.memory // 4) if spill is not None else KEY_COUNTS_MEMORY)
        for _, groups in self._drop_group_chunks():
            counts.add(groups)
        clusters = dropped = 0
        candidates: list[tuple[int, tuple[int, int], int]] = []
        for firsts, copies in counts.sums():
            clusters += len(firsts)
            dropped += int(copies.sum())
            # The largest groups first, ties in input order: only groups as large as this part's
            # `examples`-th largest can be among the largest of all.
            enough = np.partition(copies, len(copies) - examples)[len(copies) - examples] if len(copies) >= examples else 0
            candidates += [(-int(n), self.index.position(int(f)), int(f)) for f, n in zip(firsts, copies, strict=True) if n >= enough]
        shown = []
        for minus_copies, _, first in sorted(candidates)[:examples]:
            dropped_entries = self.drop_entries.take(self._first_drops_of(first, EXAMPLES_PER_GROUP))
            shown.append({"first": self.index.where(first), "copies": -minus_copies,
                          "dropped": [self.index.where(int(e)) for e in dropped_entries]})
        return {"clusters": clusters, "dropped": dropped, "examples": shown}

    def _drop_group_chunks(self) -> Iterator[tuple[int, np.ndarray]]:
        """The group each drop joined, `CLUSTER_CHUNK` drops at a time, with the number of each chunk's first drop."""
        size = self.drop_groups.size
        for start in range(0, size, CLUSTER_CHUNK):
            yield start, self.drop_groups.take(np.arange(start, min(start + CLUSTER_CHUNK, size)))

    def _first_drops_of(self, group: int, count: int) -> np.ndarray:
        """The numbers of the first `count` drops that joined `group`, read a chunk at a time."""
        found: list[np.ndarray] = []
        for start, groups in self._drop_group_chunks():
            found.append(np.flatnonzero(groups == group) + start)
            if sum(map(len, found)) >= count:
                break
        return np.concatenate(found)[:count] if found else np.zeros(0, np.int64)

    def close(self) -> None:
        """Close the store (SQLite checkpoints its write-ahead log into the index file) and remove spilled files."""
        self.flush()
        getattr(self.store, "close", lambda: None)()
        self.index.close()


class ExactDedup(Dedup):
    """The exact pass alone (what `dedup` did before the MinHash pass)."""

    def __init__(self, min_words: int = DEDUP_MIN_WORDS, store: Store | None = None, spill: Spill | None = None) -> None:
        super().__init__(min_words, near=False, store=store, spill=spill)
