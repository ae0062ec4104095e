"""dedup's MinHash pass: near-duplicate paragraphs, grouped by links to earlier ones, kept first in input order."""

from __future__ import annotations

import re

import numpy as np
import pytest
from datasketch import MinHash
from dedup_texts import WORDS, A, B, C, doc

from cleaner.dedup_index import sketch_jaccard
from cleaner.document import Document
from cleaner.minhash import EMPTY, densify, shingle_hashes, signatures, sketches
from cleaner.stages.dedup import Dedup


def run(stage: Dedup, *docs: tuple[str, str]) -> dict[str, Document]:
    out = {}
    for name, text in docs:
        out[name] = doc(name, text)
        stage.process(out[name])
    return out


def kept(d: Document) -> list[str]:
    return [b.text for b in d.blocks if b.kept]


def exact_jaccard(a: str, b: str, size: int) -> float:
    def shingles(text: str) -> set[tuple[str, ...]]:
        words = re.findall(r"[^\W_]+", text.lower())
        return {tuple(words[i : i + size]) for i in range(max(1, len(words) - size + 1))}

    return len(shingles(a) & shingles(b)) / len(shingles(a) | shingles(b))


def test_a_reworded_copy_in_another_file_goes_and_names_the_first():
    stage = Dedup(shingle_size=1, near_min_words=10)
    docs = run(stage, ("a.txt", f"Intro of the first file that stays here.\n\n{A}"),
               ("b.txt", f"{B}\n\nA line of its own, not like anything."))
    assert kept(docs["a.txt"]) == ["Intro of the first file that stays here.", A]
    dropped = docs["b.txt"].blocks[0].dropped
    assert (dropped.rule, dropped.category, dropped.detail) == ("near_duplicate", "duplicate", "a.txt:3")
    assert kept(docs["b.txt"]) == ["A line of its own, not like anything."]


def test_a_chain_of_near_copies_is_one_group_that_keeps_its_first():
    # A ~ B and B ~ C, though C is not like A: C goes too, as part of A's group.
    assert exact_jaccard(A, C, 1) < 0.8 <= min(exact_jaccard(A, B, 1), exact_jaccard(B, C, 1))
    stage = Dedup(shingle_size=1, near_min_words=10)
    docs = run(stage, ("1", A), ("2", B), ("3", C))
    assert kept(docs["1"]) == [A] and kept(docs["2"]) == [] and kept(docs["3"]) == []
    assert docs["3"].blocks[0].dropped.detail == "2:1"  # the paragraph it repeats
    report = stage.clusters()
    assert report["clusters"] == 1 and report["dropped"] == 2
    assert report["examples"][0]["first"] == "1:1" and report["examples"][0]["copies"] == 2


def test_below_the_threshold_both_stay():
    stage = Dedup(shingle_size=1, near_min_words=10)
    docs = run(stage, ("1", A), ("3", C))
    assert kept(docs["3"]) == [C]


def test_a_paragraph_of_several_lines_goes_whole():
    stage = Dedup(shingle_size=1, near_min_words=10)
    half = len(WORDS[:18]) // 2
    two_lines = " ".join(WORDS[:half]) + "\n" + " ".join(WORDS[half:18] + ["one", "two"])
    docs = run(stage, ("a", A), ("b", two_lines))
    assert kept(docs["b"]) == []


def test_short_paragraphs_are_left_to_the_exact_pass():
    stage = Dedup(shingle_size=1, near_min_words=25)
    docs = run(stage, ("a", A), ("b", B), ("c", A))
    assert kept(docs["b"]) == [B]  # 20 words: under 25, so no MinHash pass
    assert docs["c"].blocks[0].dropped.rule == "exact_duplicate"


def test_near_copies_within_one_document():
    stage = Dedup(shingle_size=1, near_min_words=10)
    docs = run(stage, ("a", f"{A}\n\n{B}"))
    assert kept(docs["a"]) == [A]
    assert docs["a"].blocks[1].dropped.detail == "a:1"


def test_exact_pass_alone_when_near_is_off():
    stage = Dedup(shingle_size=1, near_min_words=10, near=False)
    docs = run(stage, ("a", A), ("b", B))
    assert kept(docs["b"]) == [B]


def test_signatures_estimate_what_datasketch_estimates():
    """datasketch is the reference: both estimates land near the exact Jaccard similarity."""
    base = ("the city council approved a new budget on monday after a long debate about schools roads parks "
            "and the public library which has been closed on sundays since last year").split()
    rng = np.random.default_rng(1)
    ours, theirs, exact = [], [], []
    for _ in range(40):
        words = list(base)
        for _ in range(rng.integers(0, 8)):
            words[rng.integers(len(words))] = f"w{rng.integers(1000)}"
        a, b = " ".join(base), " ".join(words)
        sig = signatures([a, b], size=2, num_perm=256)
        ours.append(float((sig[0] == sig[1]).mean()))
        reference = []
        for text in (a, b):
            m = MinHash(num_perm=256, seed=1)
            ws = text.split()
            m.update_batch([f"{ws[i]} {ws[i + 1]}".encode() for i in range(len(ws) - 1)])
            reference.append(m)
        theirs.append(reference[0].jaccard(reference[1]))
        exact.append(exact_jaccard(a, b, 2))
    ours, theirs, exact = map(np.array, (ours, theirs, exact))
    assert abs((ours - exact).mean()) < 0.03 and abs((theirs - exact).mean()) < 0.03  # neither is biased
    assert np.abs(ours - theirs).mean() < 0.1


def test_sketches_give_exact_jaccard_for_short_paragraphs():
    sizes, values = sketches([A, B], 1, 64)
    left, right = values[: sizes[0]], values[sizes[0] :]
    assert sketch_jaccard(left, right) == pytest.approx(exact_jaccard(A, B, 1))


def test_shingles_ignore_case_and_punctuation():
    h1, _ = shingle_hashes(["Hello, World! It's here."], 2)
    h2, _ = shingle_hashes(["hello world it s HERE"], 2)
    assert h1.tolist() == h2.tolist()


def test_densified_bins_borrow_from_a_filled_neighbour_and_empty_rows_stay_empty():
    rng = np.random.default_rng(3)
    sig = rng.integers(0, 1 << 31, size=(200, 64), dtype=np.uint32)
    sig[rng.random(sig.shape) < 0.7] = EMPTY
    sig[5] = EMPTY  # a row with no shingle
    full = densify(sig)
    assert (full[5] == EMPTY).all()
    others = np.delete(full, 5, axis=0)
    assert (others != EMPTY).all()
    filled = sig != EMPTY
    assert (full[filled] == sig[filled]).all()  # filled bins keep their own value
    for row in (0, 17, 199):  # each empty bin borrows from the nearest filled bin on its side, shifted by the distance
        for col in np.flatnonzero(~filled[row]):
            distances = [(d, v) for d in range(1, 64) for v in [int(sig[row, (col + d) % 64]), int(sig[row, (col - d) % 64])]
                         if v != EMPTY]
            assert any(int(full[row, col]) == (v + d * 0x9E3779B9) % (1 << 32) for d, v in distances)
    assert np.array_equal(densify(sig, keep=48), full[:, :48])


def test_short_paragraphs_sharing_a_few_words_are_rarely_candidates():
    # Eighteen-word paragraphs sharing six words in a row (J about 0.17), so most bins are empty: a band
    # agrees with probability J**4 if its bins are independent, 400 * 12 * 0.17**4 = 4 pairs expected.
    # Bins next to each other borrow from the same filled bin (densify): bands of neighbouring bins
    # agreed on a few shared word pairs time and again (87 of these 400 pairs).
    from cleaner.minhash import band_keys
    from cleaner.stages.dedup import BANDS, NUM_PERM, ROWS, SHINGLE_SIZE

    rng = np.random.default_rng(11)
    vocabulary = [f"w{n}" for n in range(5000)]
    texts = []
    for _ in range(400):
        common = " ".join(rng.choice(vocabulary, 6))
        texts += [f"{' '.join(rng.choice(vocabulary, 12))} {common}" for _ in range(2)]
    keys = band_keys(signatures(texts, SHINGLE_SIZE, NUM_PERM), BANDS, ROWS)
    collisions = sum(bool((keys[i] == keys[i + 1]).any()) for i in range(0, len(texts), 2))
    assert collisions <= 12, f"{collisions} of 400 pairs at J ~ 0.17 share a band"
