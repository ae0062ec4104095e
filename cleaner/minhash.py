"""Fast MinHash signatures of word shingles, computed for a whole batch of paragraphs with numpy.

Why not datasketch's `MinHash.update`: it hashes one shingle at a time in
Python (about 1 MB/s). Here a batch of paragraphs becomes one array of code
points; words, their hashes, the shingles and the signatures are all array
operations, with no Python loop over words (see benchmarks/dedup_speed.py).

The signature is one-permutation hashing (Li, Owen and Zhang 2012): each
shingle's 64-bit hash picks one of `num_perm` bins by its top bits and offers
its low 32 bits to that bin's minimum, so a shingle costs a few operations
instead of one per permutation. Bins left empty (short paragraphs) are filled
by optimal densification (Shrivastava 2017): an empty bin copies the first
non-empty bin of its own fixed probe sequence, which keeps the chance that two
paragraphs agree in a bin equal to their Jaccard similarity. datasketch stays
the reference: tests check that both agree on the similarity they estimate.

Everything here is deterministic (no process-seeded hashing), so signatures can
be persisted and compared across runs.
"""

from __future__ import annotations

import re

import numpy as np

from ._dedup_kernels_pure import mix64
from .dedup_kernels import word_hashes as kernel_word_hashes

EMPTY = np.uint32(0xFFFFFFFF)
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MULTIPLIERS = [1, 0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0xD6E8FEB86659FD93, 0xFF51AFD7ED558CCD,
                0xC4CEB9FE1A85EC53, 0x94D049BB133111EB, 0xBF58476D1CE4E5B9, 0x2545F4914F6CDD1D]  # odd, one per word offset
_BATCH_CHARS = 1 << 21  # characters hashed in one go: the temporaries stay within a few tens of megabytes


_NON_WORD = re.compile(r"[\W_]")  # \w is what str.isalnum() takes, and "_"


def _fold_table() -> np.ndarray:
    """For each code point of the Basic Multilingual Plane: its lower-case form plus one, or 0 for a non-word character.

    Word characters are letters and digits (`\\w` without `_`, what `str.isalnum` takes), as `cleaner.features.squash`
    splits; a character's lower-case form is `str.lower` of it alone, kept when it is one character (only "İ" has two:
    it stays itself). The last entry stands for every astral code point (CJK extensions, historic scripts), a word character.

    >>> table = _fold_table(); [int(table[ord(c)]) - 1 for c in "A_é"] == [ord("a"), -1, ord("é")]
    True
    """
    # Whole-string passes over the plane (C loops): a Python call per character cost every process 40 ms.
    code = np.arange(0x10000, dtype=np.uint32)
    surrogate = (code >= 0xD800) & (code < 0xE000)
    plain = np.where(surrogate | (code == 0), 0x20, code)  # no word characters: a surrogate cannot be decoded, NUL separates below
    text = plain.tobytes().decode("utf-32-le")
    word = np.frombuffer(_NON_WORD.sub("\0", text).encode("utf-32-le"), dtype=np.uint32) != 0
    # Each character lowered alone: a NUL before each (neither cased nor case-ignorable) keeps its neighbours out of
    # the context `str.lower` reads (the final sigma).
    spaced = np.zeros(0x20000, dtype=np.uint32)
    spaced[1::2] = plain
    lowered = np.frombuffer(spaced.tobytes().decode("utf-32-le").lower().encode("utf-32-le"), dtype=np.uint32)
    starts = np.flatnonzero(lowered == 0) + 1  # each character's lower-case form starts after its NUL
    single = np.diff(np.append(starts, len(lowered) + 1)) == 2
    lower = np.where(single, lowered[np.minimum(starts, len(lowered) - 1)], code)
    table = np.zeros(0x10001, dtype=np.uint32)
    table[:0x10000] = np.where(word, lower + 1, 0)
    table[0x10000] = 0x10001
    return table


_FOLD = _fold_table()
def word_hashes(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """64-bit hashes of the lower-cased words of each text, and the index of the text each word is in.

    A word is a run of letters and digits, as `cleaner.features.squash` splits (`_fold_table`); its hash is
    SplitMix64's finaliser of the polynomial sum of its folded characters (`dedup_kernels.word_hashes`).

    >>> h, owner = word_hashes(["Hello, world", "WORLD hello!"])
    >>> owner.tolist(), bool(h[0] == h[3]), bool(h[1] == h[2]), bool(h[0] == h[1])
    ([0, 0, 1, 1], True, True, False)
    """
    return kernel_word_hashes(texts, _FOLD)


def shingle_hashes(texts: list[str], size: int) -> tuple[np.ndarray, np.ndarray]:
    """Hashes of the runs of `size` consecutive words inside each text, and the text each comes from.

    A text with fewer words than `size` gives one shingle of all its words, so no text is empty.

    >>> h, owner = shingle_hashes(["a b c d", "b c d", "x"], 3)
    >>> owner.tolist(), bool(h[1] == h[2])
    ([0, 0, 1, 2], True)
    """
    words, owner = word_hashes(texts)
    if size == 1 or words.size == 0:
        return words, owner
    n = words.size
    with np.errstate(over="ignore"):
        # Word hashes are already mixed: a sum with distinct odd multipliers, mixed once, tells orders apart.
        combined = words.copy()
        for k in range(1, size):  # combined[j] covers words j .. j+k
            combined[: n - k] += words[k:] * np.uint64(_MULTIPLIERS[k])
        combined = mix64(combined)
    last = np.arange(n) + size - 1
    full = last < n
    full[full] = owner[last[full]] == owner[full]
    # Texts too short for one full shingle: their first word stands in for all of them.
    counts = np.bincount(owner, minlength=len(texts))
    firsts = np.cumsum(counts) - counts
    short = np.flatnonzero((counts > 0) & (counts < size))
    for text in short:  # rare: near-dup paragraphs are far longer than a shingle
        first, count = firsts[text], counts[text]
        with np.errstate(over="ignore"):
            total = words[first]
            for k in range(1, count):
                total = total + words[first + k] * np.uint64(_MULTIPLIERS[k])
        combined[first] = mix64(np.array([total], dtype=np.uint64))[0]
        full[first] = True
    return combined[full], owner[full]


def signatures(texts: list[str], size: int = 3, num_perm: int = 64) -> np.ndarray:
    """One-permutation MinHash signatures (uint32, one row of `num_perm` per text), densified.

    `num_perm` must be a power of two up to 1024. Equal shingle sets give equal rows; the share of equal
    positions in two rows estimates the Jaccard similarity of their shingle sets.

    >>> sig = signatures(["the cat sat on the mat today", "The cat sat on the mat, today!", "stocks fell sharply"])
    >>> sig.shape, bool((sig[0] == sig[1]).all()), float((sig[0] == sig[2]).mean()) < 0.3
    ((3, 64), True, True)
    """
    if num_perm & (num_perm - 1) or not 1 < num_perm <= 1024:
        raise ValueError(f"num_perm must be a power of two, not {num_perm}")
    if sum(map(len, texts)) > _BATCH_CHARS and len(texts) > 1:  # bounded temporaries (16 bytes a character)
        half = len(texts) // 2
        return np.concatenate([signatures(texts[:half], size, num_perm), signatures(texts[half:], size, num_perm)])
    return oph(*shingle_hashes(texts, size), len(texts), num_perm)


def packed_shingles(hashes: np.ndarray, owner: np.ndarray) -> np.ndarray:
    """Each text's distinct 32-bit shingle hashes, sorted, as `text << 32 | hash` (one sort serves both sketches).

    >>> packed_shingles(np.array([3 << 32, 1 << 32, 3 << 32], np.uint64), np.array([1, 0, 1])).tolist() == [1, (1 << 32) | 3]
    True
    """
    packed = np.sort((owner.astype(np.uint64) << np.uint64(32)) | (hashes >> np.uint64(32)))
    fresh = np.ones(len(packed), dtype=bool)
    fresh[1:] = packed[1:] != packed[:-1]
    return packed[fresh]


def oph(hashes: np.ndarray, owner: np.ndarray, count: int, num_perm: int, packed: np.ndarray | None = None,
        keep: int | None = None) -> np.ndarray:
    """The densified one-permutation signatures of `count` texts from their shingle hashes (see `signatures`).

    `keep`: return only the first `keep` of the `num_perm` values (the LSH bands need no more).

    A shingle's 32-bit hash picks its bin by its top bits and offers the rest as the value; in
    the sorted `packed_shingles` the first of each (text, bin) run is that bin's minimum.

    >>> oph(np.array([5 << 32, 7 << 32], np.uint64), np.array([0, 0]), 2, 8)[1].tolist() == [int(EMPTY)] * 8
    True
    """
    if packed is None:
        packed = packed_shingles(hashes, owner)
    value_bits = np.uint64(32 - (num_perm.bit_length() - 1))
    group = packed >> value_bits  # text * num_perm + bin
    first = np.ones(len(packed), dtype=bool)
    first[1:] = group[1:] != group[:-1]
    sig = np.full(count * num_perm, EMPTY, dtype=np.uint32)
    sig[group[first].astype(np.int64)] = (packed[first] & ((np.uint64(1) << value_bits) - np.uint64(1))).astype(np.uint32)
    return densify(sig.reshape(count, num_perm), keep)


def densify(sig: np.ndarray, keep: int | None = None) -> np.ndarray:
    """Fill each empty bin from the nearest non-empty bin, to its left or right by a fixed coin per bin.

    The improved densification of Shrivastava and Li (2014): the direction is the same for
    every row, and a value borrowed from `d` bins away is shifted by `d`, so two rows agree in
    a filled bin about as often as their shingle sets overlap. Rows with no shingle stay empty.
    Only the first `keep` bins (all by default) are returned, and only they are filled.

    >>> s = np.full((1, 8), EMPTY, dtype=np.uint32); s[0, 3] = 7
    >>> bool((densify(s) != EMPTY).all()), int(densify(s)[0, 3]), densify(s, 2).shape
    (True, 7, (1, 2))
    """
    num_perm = sig.shape[1]
    keep = num_perm if keep is None else keep
    empty = sig == EMPTY
    if not empty.any():
        return sig[:, :keep]
    # Column numbers in the narrowest type: the scans below move a byte a bin where they can.
    small = np.int8 if num_perm <= 64 else np.int16
    column = np.arange(num_perm, dtype=small)
    flag = empty.view(np.int8).astype(small, copy=False)
    top, sign = small(np.iinfo(small).max), small(np.iinfo(small).min)
    # In the row: the first filled bin at or after each bin (`top` if none: top | c == top) and the last
    # at or before it (negative if none: c | sign bit is negative, and still ordered by c).
    right = np.minimum.accumulate((flag * top | column)[:, ::-1], axis=1)[:, ::-1][:, :keep]
    left = np.maximum.accumulate(flag * sign | column, axis=1)
    go_right = _DIRECTIONS.get(num_perm)
    if go_right is None:
        go_right = _DIRECTIONS.setdefault(num_perm, (mix64(np.arange(num_perm, dtype=np.uint64) + _GOLDEN) & np.uint64(1)) == 1)
    # Past the row's end the search wraps around: to the row's first filled bin, or back to its last.
    source = np.where(go_right[:keep], np.where(right == top, right[:, :1] + small(num_perm), right),
                      np.where(left[:, :keep] < 0, left[:, -1:] - small(num_perm), left[:, :keep]))
    distance = np.abs(source - column[:keep]).astype(np.uint32)
    rows = np.arange(len(sig))[:, None]  # sig[row, column] per bin: take_along_axis's Python set-up cost more than the gather
    borrowed = sig[rows, (source & small(num_perm - 1)).astype(np.intp)]
    borrowed += distance * np.uint32(0x9E3779B9)
    # A borrowed value that lands on EMPTY leaves the bin empty; a row with no filled bin stays empty.
    fill = empty[:, :keep] & (borrowed != EMPTY) & (right[:, :1] != top)
    return np.where(fill, borrowed, sig[:, :keep])


_DIRECTIONS: dict[int, np.ndarray] = {}


def band_keys(sig: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """One 32-bit key per LSH band: the band's number in the top bits, then a hash of its `rows` signature values.

    Two paragraphs become candidates when any band key agrees, which happens with
    probability 1 - (1 - J**rows)**bands for Jaccard similarity J.

    >>> sig = signatures(["one two three four five six", "one two three four five six"])
    >>> band_keys(sig, 16, 4).shape, bool((band_keys(sig, 16, 4)[0] == band_keys(sig, 16, 4)[1]).all())
    ((2, 16), True)
    """
    if bands * rows > sig.shape[1]:
        raise ValueError(f"{bands} bands of {rows} rows need {bands * rows} signature values, not {sig.shape[1]}")
    # Band b reads bins b, b + bands, b + 2 * bands, ...: neighbouring bins of a short paragraph are often
    # empty and filled from the same bin (see `densify`), so a band of adjacent bins agrees whenever two
    # paragraphs share that one shingle; bins far apart agree about as independently as the issue's
    # 1 - (1 - J**rows)**bands supposes.
    block = sig[:, : bands * rows].reshape(len(sig), rows, bands).transpose(0, 2, 1).astype(np.uint64)
    with np.errstate(over="ignore"):
        key = np.zeros((len(sig), bands), dtype=np.uint64)
        for r in range(rows):
            key = mix64(key * _GOLDEN + block[:, :, r])
    # The top bits name the band, so one sorted array holds every band's keys (one lookup for all of them).
    band_bits = max(1, (bands - 1).bit_length())
    band = np.arange(bands, dtype=np.uint64) << np.uint64(32 - band_bits)
    return ((key >> np.uint64(32 + band_bits)) | band).astype(np.uint32)


def sketches(texts: list[str], size: int, keep: int) -> tuple[np.ndarray, np.ndarray]:
    """Each text's `keep` smallest distinct 32-bit shingle hashes, sorted: (sizes per text, values end to end).

    A text with fewer distinct shingles keeps them all, so similarity between two short texts is exact.

    >>> sizes, values = sketches(["a b c d e", "a b c"], 2, 3)
    >>> sizes.tolist(), len(values)
    ([3, 2], 5)
    """
    return sketches_of(*shingle_hashes(texts, size), len(texts), keep)


def sketches_of(hashes: np.ndarray, owner: np.ndarray, count: int, keep: int,
                packed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """`sketches` from shingle hashes already computed (and, if at hand, their `packed_shingles`)."""
    if packed is None:
        packed = packed_shingles(hashes, owner)
    owner = (packed >> np.uint64(32)).astype(np.int64)
    counts = np.bincount(owner, minlength=count)
    rank = np.arange(len(packed)) - np.repeat(np.cumsum(counts) - counts, counts)
    kept = rank < keep
    return np.minimum(counts, keep).astype(np.uint8), (packed[kept] & np.uint64(0xFFFFFFFF)).astype(np.uint32)
