"""Near-duplicate detection: accuracy against exact Jaccard, speed beside datasketch, memory for 1M paragraphs.

    .venv/bin/python benchmarks/dedup_speed.py [--pairs 4000] [--memory 1000000] [--shingles 1,2,3,4]

Accuracy: a labelled set made from the paragraphs of ../shared/eval/web-dev/text with controlled
edits (word swaps, insertions, deletions, punctuation and quote changes, an appended attribution
line) and from unrelated paragraph pairs; each pair's exact Jaccard similarity of word shingles is
the label. Recall: the share of pairs at J >= threshold that cleaner links; false drops: the share of
pairs at J < threshold - 0.1 that it links. datasketch's MinHashLSH (its default banding for the
threshold) is measured on the same pairs.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import re
import resource
import time
from pathlib import Path

import numpy as np

from cleaner.dedup_index import SKETCH, DuplicateIndex, FileRecord, sketch_jaccard
from cleaner.minhash import band_keys, oph, packed_shingles, shingle_hashes, sketches_of
from cleaner.stages.dedup import BANDS, NEAR_MIN_WORDS, NEAR_THRESHOLD, NUM_PERM, ROWS, SHINGLE_SIZE

TEXT = Path(__file__).resolve().parents[1] / ".." / "shared" / "eval" / "web-dev" / "text"
WORD = re.compile(r"[^\W_]+")
ATTRIBUTIONS = ["(Reuters)", "— AP", "Source: AFP", "Reporting by Tim Smith; editing by Ana Lee", "(dpa)"]


def dev_paragraphs() -> list[str]:
    seen, out = set(), []
    for path in sorted(TEXT.glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if len(WORD.findall(line)) >= NEAR_MIN_WORDS and line.lower() not in seen:
                seen.add(line.lower())
                out.append(line)
    return out


def edit(text: str, rng: random.Random, vocabulary: list[str]) -> str:
    """A copy with 0 to 6 random edits: the ways a republished story drifts from the original."""
    words = text.split()
    for _ in range(rng.randint(0, 6)):
        kind = rng.choice(["swap", "insert", "delete", "punct", "quote", "attrib"])
        i = rng.randrange(len(words))
        if kind == "swap" and len(words) > 1:
            j = min(i + 1, len(words) - 1)
            words[i], words[j] = words[j], words[i]
        elif kind == "insert":
            words.insert(i, rng.choice(vocabulary))
        elif kind == "delete" and len(words) > NEAR_MIN_WORDS:
            del words[i]
        elif kind == "punct":
            words[i] = words[i].rstrip(".,;:") if words[i][-1:] in ".,;:" else words[i] + rng.choice(".,;:")
        elif kind == "quote":
            words[i] = "“" + words[i].strip("\"“”") + "”" if '"' in words[i] or i % 2 else '"' + words[i] + '"'
        elif kind == "attrib":
            words.append(rng.choice(ATTRIBUTIONS))
    return " ".join(words)


def exact_jaccard(a: str, b: str, size: int) -> float:
    def shingles(text: str) -> set[tuple[str, ...]]:
        words = WORD.findall(text.lower())
        return {tuple(words[i : i + size]) for i in range(max(1, len(words) - size + 1))}

    sa, sb = shingles(a), shingles(b)
    return len(sa & sb) / len(sa | sb)


def features(texts: list[str], size: int) -> tuple[np.ndarray, list[np.ndarray]]:
    hashes, owner = shingle_hashes(texts, size)
    packed = packed_shingles(hashes, owner)
    bands = band_keys(oph(hashes, owner, len(texts), NUM_PERM, packed), BANDS, ROWS)
    sizes, values = sketches_of(hashes, owner, len(texts), SKETCH, packed)
    return bands, np.split(values, np.cumsum(sizes.astype(np.int64))[:-1])


def linked(left: list[str], right: list[str], size: int, threshold: float) -> np.ndarray:
    """cleaner's decision for each pair: a shared LSH band, then the sketch verification."""
    bands_l, sketch_l = features(left, size)
    bands_r, sketch_r = features(right, size)
    candidate = (bands_l == bands_r).any(axis=1)
    return np.array([bool(c) and sketch_jaccard(a, b) >= threshold for c, a, b in zip(candidate, sketch_l, sketch_r, strict=True)])


def datasketch_linked(left: list[str], right: list[str], size: int, threshold: float) -> np.ndarray:
    """datasketch MinHash (128 permutations) with MinHashLSH's own banding for the threshold."""
    from datasketch import MinHash, MinHashLSH

    lsh = MinHashLSH(threshold=threshold, num_perm=128)
    b, r = lsh.b, lsh.r
    out = []
    for a, c in zip(left, right, strict=True):
        ma, mc = MinHash(num_perm=128), MinHash(num_perm=128)
        for m, text in ((ma, a), (mc, c)):
            words = WORD.findall(text.lower())
            m.update_batch([" ".join(words[i : i + size]).encode() for i in range(max(1, len(words) - size + 1))])
        ha, hc = ma.hashvalues[: b * r].reshape(b, r), mc.hashvalues[: b * r].reshape(b, r)
        out.append(bool((ha == hc).all(axis=1).any()))
    return np.array(out), (b, r)


def accuracy(paragraphs: list[str], pairs: int, sizes: list[int], threshold: float) -> None:
    rng = random.Random(4)
    vocabulary = [w for p in paragraphs[:2000] for w in p.split()]
    originals = rng.sample(paragraphs, min(pairs, len(paragraphs)))
    edited = [edit(p, rng, vocabulary) for p in originals]
    unrelated = [tuple(rng.sample(paragraphs, 2)) for _ in range(pairs * 5)]
    left = originals + [a for a, _ in unrelated]
    right = edited + [b for _, b in unrelated]
    print(f"accuracy: {len(originals)} edited pairs and {len(unrelated)} unrelated pairs from {len(paragraphs)} dev paragraphs")
    for size in sizes:
        labels = np.array([exact_jaccard(a, b, size) for a, b in zip(left, right, strict=True)])
        found = linked(left, right, size, threshold)
        high, low = labels >= threshold, labels < threshold - 0.1
        edited_high = (labels[: len(originals)] >= threshold).mean()
        print(f"  {size}-word shingles: pairs at J>={threshold}: {high.sum()} (edited copies reaching it: {edited_high:.1%}), "
              f"recall {found[high].mean():.4f}; pairs at J<{threshold - 0.1:.1f}: {low.sum()}, "
              f"false drops {found[low].sum()} ({found[low].mean():.5f}); max J of unrelated {labels[len(originals):].max():.2f}")
        if size == SHINGLE_SIZE:
            idx = np.flatnonzero(high)
            ds, (b, r) = datasketch_linked([left[i] for i in idx], [right[i] for i in idx], size, threshold)
            print(f"  datasketch MinHashLSH(threshold={threshold}) banding {b}x{r}: recall {ds.mean():.4f} on the same pairs")


def index_batches(batches: list[list[str]], index: DuplicateIndex, exact: bool = False) -> None:
    """What the dedup stage does per file, batch by batch: signatures, sketches, index, look up earlier copies."""
    for number, batch in enumerate(batches):
        hashes, owner = shingle_hashes(batch, SHINGLE_SIZE)
        packed = packed_shingles(hashes, owner)
        sizes, values = sketches_of(hashes, owner, len(batch), SKETCH, packed)
        bands = band_keys(oph(hashes, owner, len(batch), NUM_PERM, packed, keep=BANDS * ROWS), BANDS, ROWS)
        lines = np.arange(len(batch), dtype=np.uint32)
        keys = (np.array([int.from_bytes(hashlib.blake2b(t.encode(), digest_size=8).digest(), "little") for t in batch], np.uint64)
                if exact else np.zeros(0, np.uint64))
        record = FileRecord(f"f{number}", lines if exact else np.zeros(0, np.uint32), keys, lines, bands, sizes, values)
        _, ids = index.add(record)
        index.earlier(*index.find_near(bands), ids)


def shingle_lists(paragraphs: list[str]) -> list[list[bytes]]:
    out = []
    for p in paragraphs:
        words = WORD.findall(p.lower())
        out.append([" ".join(words[i : i + SHINGLE_SIZE]).encode() for i in range(max(1, len(words) - SHINGLE_SIZE + 1))])
    return out


def speed(paragraphs: list[str], rounds: int, batch: int = 500) -> None:
    """MB/s of paragraph text, best of `rounds`, each into a fresh index; datasketch on the same text, shingling included."""
    megabytes = sum(len(p.encode()) for p in paragraphs) / 1e6
    batches = [paragraphs[i : i + batch] for i in range(0, len(paragraphs), batch)]
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        index_batches(batches, DuplicateIndex(BANDS))
        best = min(best, time.perf_counter() - started)
    ours = megabytes / best
    print(f"speed: {megabytes:.1f} MB of dev paragraphs in batches of {batch}: signature + index + lookup {ours:.1f} MB/s (one core)")

    from datasketch import MinHash

    sample = paragraphs[:1500]
    sample_mb = sum(len(p.encode()) for p in sample) / 1e6
    started = time.perf_counter()
    for shingles in shingle_lists(sample):
        m = MinHash(num_perm=128)
        for s in shingles:
            m.update(s)
    update = sample_mb / (time.perf_counter() - started)
    started = time.perf_counter()
    MinHash.bulk(shingle_lists(sample), num_perm=128)
    bulk = sample_mb / (time.perf_counter() - started)
    print(f"  datasketch MinHash.update: {update:.2f} MB/s, so cleaner is {ours / update:.0f}x; "
          f"MinHash.bulk: {bulk:.2f} MB/s, so cleaner is {ours / bulk:.1f}x (128 permutations, signatures only, no index)")


def memory(count: int, paragraphs: list[str]) -> None:
    """Index `count` synthetic paragraphs (dev paragraph lengths, random dev words); bytes per paragraph."""
    rng = np.random.default_rng(5)
    vocabulary = np.array(sorted({w for p in paragraphs for w in p.split()}))
    lengths = np.array([len(p.split()) for p in paragraphs])
    index = DuplicateIndex(BANDS)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    for start in range(0, count, 5000):
        n = min(5000, count - start)
        sizes_w = rng.choice(lengths, n)
        words = vocabulary[rng.integers(0, len(vocabulary), int(sizes_w.sum()))]
        index_batches([[" ".join(chunk) for chunk in np.split(words, np.cumsum(sizes_w)[:-1])]], index, exact=True)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"memory: {count} paragraphs (mean {lengths.mean():.0f} words) indexed in {time.perf_counter() - started:.0f} s; "
          f"index {index.nbytes / count:.0f} bytes per paragraph (exact line key + LSH bands + sketch + position); "
          f"peak RSS {peak / 1024:.0f} MiB (grew {(peak - before) / 1024:.0f} MiB)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=4000)
    parser.add_argument("--rounds", type=int, default=3, help="timed rounds (the best counts)")
    parser.add_argument("--memory", type=int, default=1_000_000)
    parser.add_argument("--shingles", default="1,2,3,4")
    args = parser.parse_args()
    paragraphs = dev_paragraphs()
    accuracy(paragraphs, args.pairs, [int(s) for s in args.shingles.split(",")], NEAR_THRESHOLD)
    speed(paragraphs, args.rounds)
    if args.memory:
        memory(args.memory, paragraphs)


if __name__ == "__main__":
    main()
