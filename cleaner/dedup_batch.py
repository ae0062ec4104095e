"""The dedup stage's work for many documents at once: their paragraph signatures in one pass of the
kernel, and their matches in one pass over the index.

Per document the same numpy steps cost a few microseconds each whatever the document's size, and
a short record needs dozens of them: on records of a few hundred bytes that fixed cost, not the
hashing, set the speed. Every answer here is the one the document-by-document path gives: each
paragraph's signature depends on its own words only, and each query's matches on its own pairs.
"""

from __future__ import annotations

import hashlib

import numpy as np

from .dedup_index import SKETCH, DuplicateIndex
from .dedup_kernels import squashed
from .features import squash
from .minhash import band_keys, oph, packed_shingles, shingle_hashes, sketches_of

BATCH_CHARS = 1 << 21  # paragraph characters signed in one pass: the kernel's temporaries stay within a few tens of MB


def block_key(text: str) -> bytes:
    """A 16-byte key that ignores case, punctuation and spacing.

    >>> block_key("Hello,  World!") == block_key("hello world")
    True
    """
    return hashlib.blake2b(squash(text).encode("utf-8"), digest_size=16).digest()


def line_key(text: str) -> int:
    """The exact pass's 64-bit key: the first half of `block_key`.

    >>> line_key("Hello,  World!") == line_key("hello world")
    True
    """
    return int.from_bytes(block_key(text)[:8], "little")


def line_keys(texts: list[str]) -> np.ndarray:
    """`line_key` of each text, as uint64.

    >>> line_keys(["Hello,  World!", "other words"]).tolist()[0] == line_key("hello world")
    True
    """
    digests = b"".join([hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()[:8] for text in squashed(texts)])
    return np.frombuffer(digests, dtype="<u8").astype(np.uint64)


def paragraph_features(texts: list[list[str]], shingle_size: int, num_perm: int, bands: int,
                       rows: int) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """For each document's paragraph texts: the LSH band keys (one row per paragraph), sketch sizes and sketches end to end.

    >>> a, b, c = paragraph_features([["one two three four", "five six seven"], [], ["one two three four"]], 2, 64, 12, 4)
    >>> same = paragraph_features([["One, two three four"]], 2, 64, 12, 4)[0][0][0]
    >>> [f[0].shape for f in (a, b)], a[1].tolist(), bool((a[0][0] == same).all()), bool((c[0][0] == same).all())
    ([(2, 12), (0, 12)], [3, 2], True, True)
    """
    out: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    sizes = [sum(map(len, doc)) for doc in texts]
    start = 0
    while start < len(texts):
        stop, chars = start, 0
        while stop < len(texts) and (stop == start or chars + sizes[stop] <= BATCH_CHARS):
            chars += sizes[stop]
            stop += 1
        out += _features_of_part(texts[start:stop], shingle_size, num_perm, bands, rows)
        start = stop
    return out


def _features_of_part(texts: list[list[str]], shingle_size: int, num_perm: int, bands: int,
                      rows: int) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    flat = [text for doc in texts for text in doc]
    hashes, owner = shingle_hashes(flat, shingle_size)
    packed = packed_shingles(hashes, owner)
    sizes, sketch = sketches_of(hashes, owner, len(flat), SKETCH, packed)
    keys = band_keys(oph(hashes, owner, len(flat), num_perm, packed, keep=bands * rows), bands, rows)
    counts = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    bounds = np.concatenate([[0], np.cumsum(counts)])
    sketch_bounds = np.concatenate([[0], np.cumsum(sizes.astype(np.int64))])[bounds]
    bounds, sketch_bounds = bounds.tolist(), sketch_bounds.tolist()  # Python ints slice faster than numpy ones
    return [(keys[a:b], sizes[a:b], sketch[sa:sb]) for a, b, sa, sb in zip(bounds[:-1], bounds[1:], sketch_bounds[:-1],
                                                                             sketch_bounds[1:], strict=True)]


def split_pairs(queries: np.ndarray, found: np.ndarray, sizes: list[int]) -> list[tuple[np.ndarray, np.ndarray]]:
    """(query, entry) pairs over queries laid end to end, split into each part's pairs with its own query numbers.

    >>> [(q.tolist(), f.tolist()) for q, f in split_pairs(np.array([3, 0, 2]), np.array([7, 8, 9]), [2, 2])]
    [([0], [8]), ([1, 0], [7, 9])]
    """
    starts = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    part = np.searchsorted(starts, queries, side="right") - 1
    order = np.argsort(part, kind="stable")
    bounds = np.searchsorted(part[order], np.arange(len(sizes) + 1))
    return [(queries[order[a:b]] - starts[i], found[order[a:b]]) for i, (a, b) in enumerate(zip(bounds[:-1], bounds[1:], strict=True))]


def laid_end_to_end(parts: list[tuple[np.ndarray, np.ndarray]],
                    ids: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Each part's (query, entry) pairs over its own query ids, as one set: queries renumbered past the parts before.

    Returns queries, entries, the query ids end to end and where each part's queries start.

    >>> q, f, i, s = laid_end_to_end([(np.array([0, 1]), np.array([7, 8])), (np.array([0]), np.array([9]))],
    ...                              [np.array([4, 5], np.uint32), np.array([6], np.uint32)])
    >>> q.tolist(), f.tolist(), i.tolist(), s.tolist()
    ([0, 1, 2], [7, 8, 9], [4, 5, 6], [0, 2, 3])
    """
    starts = np.concatenate([[0], np.cumsum([len(i) for i in ids])]).astype(np.int64)
    queries = np.concatenate([np.asarray(q, np.int64) + s for (q, _), s in zip(parts, starts[:-1], strict=True)] or [np.zeros(0, np.int64)])
    found = np.concatenate([np.asarray(f, np.int64) for _, f in parts] or [np.zeros(0, np.int64)])
    return queries, found, np.concatenate(ids or [np.zeros(0, np.uint32)]), starts


def split_answers(answers: dict[int, int], starts: np.ndarray) -> list[dict[int, int]]:
    """Answers keyed by a query number over all parts, as one dict per part keyed by its own query numbers.

    >>> split_answers({0: 7, 2: 9, 3: 1}, np.array([0, 2, 3, 5]))
    [{0: 7}, {0: 9}, {0: 1}]
    """
    out: list[dict[int, int]] = [{} for _ in range(len(starts) - 1)]
    if not answers:
        return out
    keys = np.fromiter(answers, dtype=np.int64, count=len(answers))
    parts = (np.searchsorted(starts, keys, side="right") - 1).tolist()
    for key, part, origin in zip(keys.tolist(), parts, answers.values(), strict=True):
        out[part][key - int(starts[part])] = origin
    return out


def earliest_exact(index: DuplicateIndex, parts: list[tuple[np.ndarray, np.ndarray]], ids: list[np.ndarray]) -> list[dict[int, int]]:
    """For each part (a document's lines), each line's earliest earlier current copy: `index.earliest` of `index.earlier`."""
    queries, found, all_ids, starts = laid_end_to_end(parts, ids)
    return split_answers(index.earliest(*index.earlier(queries, found, all_ids)), starts)


def earliest_near(index: DuplicateIndex, parts: list[tuple[np.ndarray, np.ndarray]], ids: list[np.ndarray],
                  threshold: float) -> list[dict[int, int]]:
    """For each part (a document's paragraphs), each paragraph's earliest verified earlier near copy (`Dedup.near_matches`)."""
    queries, found, all_ids, starts = laid_end_to_end(parts, ids)
    if len(all_ids) == 0:
        return [{} for _ in ids]
    queries, found = index.earlier(queries, found, all_ids)
    return split_answers(index.earliest_similar(queries, found, all_ids, threshold), starts)


def parts_in_order(queries: np.ndarray, found: np.ndarray, sizes: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """(query, entry) pairs over queries laid end to end, ordered part by part: what `split_pairs` then
    `laid_end_to_end` give, without an array per part.

    >>> [a.tolist() for a in parts_in_order(np.array([3, 0, 2]), np.array([7, 8, 9]), [2, 2])]
    [[0, 3, 2], [8, 7, 9]]
    """
    starts = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    order = np.argsort(np.searchsorted(starts, queries, side="right") - 1, kind="stable")
    return np.asarray(queries, np.int64)[order], np.asarray(found, np.int64)[order]


def window_answers(index: DuplicateIndex, records: list, ids: list[tuple[np.ndarray, np.ndarray]],
                   threshold: float) -> tuple[list[dict[int, int]], list[dict[int, int]]]:
    """For records just indexed together (`DuplicateIndex.add_all`, with their entry `ids`): each one's earliest
    earlier exact copies line by line and verified near copies paragraph by paragraph, all in one pass, as
    `earliest_exact` and `earliest_near` find them from each record's own pairs (`Dedup._pairs`)."""
    exact_ids, near_ids = [e for e, _ in ids], [n for _, n in ids]
    exact_sizes, near_sizes = [len(e) for e in exact_ids], [len(n) for n in near_ids]
    exact_starts = np.concatenate([[0], np.cumsum(exact_sizes)]).astype(np.int64)
    near_starts = np.concatenate([[0], np.cumsum(near_sizes)]).astype(np.int64)
    all_ids = np.concatenate(exact_ids or [np.zeros(0, np.uint32)])
    queries, found = parts_in_order(*index.exact.find(np.concatenate([r.exact_keys for r in records])), exact_sizes)
    exact = split_answers(index.earliest(*index.earlier(queries, found, all_ids)), exact_starts)
    all_ids = np.concatenate(near_ids or [np.zeros(0, np.uint32)])
    if len(all_ids) == 0:
        return exact, [{} for _ in records]
    bands = np.concatenate([r.bands for r in records])
    queries, found = index.near.find(bands.ravel())
    queries, found = parts_in_order(queries // max(1, bands.shape[1]), found, near_sizes)
    queries, found = index.earlier(queries, found, all_ids)
    return exact, split_answers(index.earliest_similar(queries, found, all_ids, threshold), near_starts)
