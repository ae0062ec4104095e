"""Counting keys over a corpus in bounded memory: the same counts whether they stay in memory or spill."""

from __future__ import annotations

import tracemalloc
from collections import Counter

import numpy as np

from cleaner.key_counts import KeyCounts, sum_by_key
from cleaner.spill import Spill
from cleaner.stages.templates import TemplateLearner, TemplateTable


def random_documents(seed: int, documents: int = 400) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    # Keys over the whole 64-bit range (so every partition gets some), most of them rare, a few common.
    pool = rng.integers(0, 2**64 - 1, size=3000, dtype=np.uint64, endpoint=True)
    return [np.unique(pool[rng.zipf(1.3, size=30) % len(pool)]) for _ in range(documents)]


def counted(documents: list[np.ndarray]) -> Counter:
    return Counter(key for keys in documents for key in keys.tolist())


def test_counts_equal_a_plain_counter_in_memory():
    documents = random_documents(1)
    counts = KeyCounts()
    for keys in documents:
        counts.add(keys)
    keys, n = counts.finish(minimum=1)
    assert dict(zip(keys.tolist(), n.tolist(), strict=True)) == counted(documents)
    assert keys.tolist() == sorted(keys.tolist())


def test_counts_that_spill_to_partitions_equal_those_kept_in_memory(tmp_path):
    documents = random_documents(2)
    spill = Spill(tmp_path)
    spilled = KeyCounts(spill, memory=2_000)  # about a hundred keys before each spill
    for keys in documents:
        spilled.add(keys)
    assert spill.nbytes > 0, "the budget is small enough that the counts went to disk"
    keys, n = spilled.finish(minimum=3)
    expected = {key: count for key, count in counted(documents).items() if count >= 3}
    assert dict(zip(keys.tolist(), n.tolist(), strict=True)) == expected
    assert keys.tolist() == sorted(keys.tolist())
    assert spill.nbytes == 0, "finishing removes the partition files"
    spill.close()


def test_memory_held_stays_near_the_budget_however_many_keys(tmp_path):
    spill = Spill(tmp_path)
    counts = KeyCounts(spill, memory=16_000)
    largest = 0
    for keys in random_documents(3, documents=2000):
        counts.add(keys)
        largest = max(largest, counts.nbytes)
    assert largest <= 16_000 + 8 * (counts.chunk + 30)  # the budget, plus one chunk not yet folded
    spill.close()


def test_sum_by_key_adds_the_counts_of_equal_keys():
    keys, sums = sum_by_key(np.array([3, 1, 3, 3], np.uint64), np.array([1, 1, 2, 4], np.uint64))
    assert (keys.tolist(), sums.tolist()) == ([1, 3], [1, 7])


def test_a_learner_that_spills_learns_the_table_one_that_does_not(tmp_path):
    texts = [f"Home\nNews {n % 7}\nImprint\nStory {n} of the day" for n in range(300)]
    in_memory = TemplateTable.learn(texts)
    learner = TemplateLearner(tmp_path, memory=200)
    for text in texts:
        learner.add(text)
    assert any(tmp_path.iterdir()), "the budget is small enough that the counts went to disk"
    spilled = learner.table()
    assert (spilled.documents, spilled.document_counts) == (in_memory.documents, in_memory.document_counts)
    assert spilled.is_template("Home") and spilled.is_template("news 3") and not spilled.is_template("Story 5 of the day")
    assert list(tmp_path.iterdir()) == [], "the learner's work folder is removed"


def test_folding_holds_the_sums_about_twice_not_five_times():
    rng = np.random.default_rng(5)
    documents = [np.unique(rng.integers(0, 2**63, size=2000, dtype=np.uint64)) for _ in range(300)]
    counts = KeyCounts(memory=64 << 20)
    counts.chunk = 20_000  # thirty folds into a growing table
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for keys in documents:
            counts.add(keys)
        peak = tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()
    held = counts.nbytes
    assert held > 9_000_000, "nearly all the keys were folded into the sums"
    assert peak < 2.5 * held, f"{peak / held:.1f} times the sums"  # sorting the concatenation took 5 times
