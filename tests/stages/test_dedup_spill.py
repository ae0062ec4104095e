"""The dedup index past its memory budget: sorted runs and columns move to files, and nothing else changes."""

from __future__ import annotations

import numpy as np
from dedup_texts import corpus, decisions, doc

from cleaner.dedup_store import SqliteStore
from cleaner.document import Reason
from cleaner.spill import Column, SortedRuns, Spill, merge_to_disk
from cleaner.stages.dedup import Dedup


def test_a_spilled_index_drops_exactly_what_an_in_memory_one_drops(tmp_path):
    files = corpus(400)
    in_memory = Dedup()
    spilled = Dedup(spill=Spill(tmp_path, memory=1))  # a budget of one byte: everything past the floors goes to disk
    expected = decisions(in_memory, files)
    assert decisions(spilled, files) == expected
    assert len(expected) > 100  # the corpus has copies to find
    assert spilled.clusters() == in_memory.clusters()
    assert any(isinstance(keys, np.memmap) for keys, _ in spilled.index.near.runs)
    assert spilled.index.pool.flushed > 0 and spilled.index.spill.nbytes > 0
    spilled.close()
    assert list(tmp_path.iterdir()) == []  # the spill folder is gone


def test_a_spilled_index_reloaded_from_its_store_answers_the_same(tmp_path):
    files = corpus(200, seed=3)
    first, later = files[:120], files[120:]
    whole = decisions(Dedup(), files)
    store = SqliteStore(tmp_path / "index.sqlite")
    decisions(Dedup(store=store, spill=Spill(tmp_path / "work", memory=1)), first)
    rerun = Dedup(store=SqliteStore(tmp_path / "index.sqlite"), spill=Spill(tmp_path / "work", memory=1))
    assert decisions(rerun, later) == [d for d in whole if d[0] in {name for name, _ in later}]


def test_memory_held_stays_under_the_budget_as_the_index_grows(tmp_path):
    budget = 1 << 20
    stage = Dedup(spill=Spill(tmp_path, memory=budget))
    held = []
    for name, text in corpus(1200, seed=11):
        stage.process(doc(name, text))
        held.append(stage.index.nbytes)
    assert max(held) < budget
    assert stage.index.spill.nbytes > max(held)  # most of the index is on disk


def test_merging_runs_on_disk_keeps_every_key_sorted_with_its_id(tmp_path):
    rng = np.random.default_rng(2)
    a_keys, b_keys = np.sort(rng.integers(0, 50, 300).astype(np.uint32)), np.sort(rng.integers(0, 50, 200).astype(np.uint32))
    a_ids, b_ids = np.arange(300, dtype=np.uint32), np.arange(300, 500, dtype=np.uint32)
    keys, ids = merge_to_disk((a_keys, a_ids), (b_keys, b_ids), Spill(tmp_path), chunk=17)
    assert (np.diff(keys.astype(np.int64)) >= 0).all()
    merged = sorted(zip(keys.tolist(), ids.tolist(), strict=True))
    assert merged == sorted(zip(a_keys.tolist() + b_keys.tolist(), a_ids.tolist() + b_ids.tolist(), strict=True))


def test_a_merge_on_disk_holds_a_bounded_step_of_keys_however_long_the_runs(tmp_path, monkeypatch):
    from cleaner import spill

    steps: list[int] = []
    real_merge = spill.merge_sorted
    monkeypatch.setattr(spill, "merge_sorted", lambda a, b: steps.append(len(a[0]) + len(b[0])) or real_merge(a, b))
    runs = SortedRuns(np.uint32, Spill(tmp_path), run_limit=64 * 1024)
    rng = np.random.default_rng(5)
    for start in range(0, 1 << 20, 1 << 16):
        runs.add(rng.integers(0, 1 << 30, 1 << 16).astype(np.uint32), np.arange(start, start + (1 << 16), dtype=np.uint32))
    assert len(runs) == 1 << 20 and any(isinstance(k, np.memmap) and len(k) >= 1 << 19 for k, _ in runs.runs)
    on_disk_steps = [n for n in steps if n <= 2 * runs.merge_chunk]
    assert runs.merge_chunk == 8 * 1024 and len(on_disk_steps) > 100
    assert max(steps) <= 128 * 1024  # in-memory merges stay under run_limit keys each; disk merges take chunks


def test_sorted_runs_on_disk_find_what_runs_in_memory_find(tmp_path):
    rng = np.random.default_rng(4)
    memory, disk = SortedRuns(np.uint32), SortedRuns(np.uint32, Spill(tmp_path), run_limit=100)
    for start in range(0, 3000, 150):
        keys = rng.integers(0, 2000, 150).astype(np.uint32)
        ids = np.arange(start, start + 150, dtype=np.uint32)
        memory.add(keys, ids)
        disk.add(keys, ids)
    query = rng.integers(0, 2000, 500).astype(np.uint32)
    def pairs(runs: SortedRuns) -> list[tuple[int, int]]:
        queries, found = runs.find(query)
        return sorted(zip(queries.tolist(), found.tolist(), strict=True))

    assert pairs(disk) == pairs(memory)
    assert sum(isinstance(k, np.memmap) for k, _ in disk.runs) >= 1


def test_a_column_reads_the_same_values_across_memory_and_disk(tmp_path):
    column = Column(np.uint32, Spill(tmp_path), chunk=10)
    values = np.arange(95, dtype=np.uint32) * 3
    for start in range(0, 95, 7):
        assert column.extend(values[start : start + 7]) == start
    assert column.flushed > 0
    picks = np.array([94, 0, 50, 11, 94])
    assert column.take(picks).tolist() == values[picks].tolist()
    assert [column.get(i) for i in (0, 93)] == [0, 279]
    column.set(94, 7)  # in memory
    column.set(3, 8)  # on disk
    assert column.get(94) == 7 and column.get(3) == 8 and column.take(np.array([3]))[0] == 8


def test_documents_looked_up_a_window_at_a_time_lose_what_they_lose_one_at_a_time(tmp_path):
    files = corpus(300, seed=5)
    one_by_one = Dedup()
    expected = decisions(one_by_one, files)
    windowed = Dedup(spill=Spill(tmp_path, memory=1))
    got = []
    for start in range(0, len(files), 37):
        docs = [doc(name, text) for name, text in files[start : start + 37]]
        windowed.prefetch(docs)
        for d in docs:
            windowed.process(d)
            got.extend((d.id, b.line, b.dropped.rule, b.dropped.detail) for b in d.blocks if b.dropped is not None)
    assert got == expected
    assert windowed.clusters() == one_by_one.clusters()


def test_a_window_stops_before_a_document_the_index_already_has():
    stage = Dedup()
    stage.process(doc("a.txt", corpus(1)[0][1]))
    docs = [doc("b.txt", "x " * 20), doc("a.txt", "y " * 20), doc("c.txt", "z " * 20)]
    stage.prefetch(docs)
    # b was indexed ahead; a, checked again, and c after it were not
    assert [stage.index.names[n] for n in range(len(stage.index.names))] == ["a.txt", "b.txt"]


def test_pairs_verified_at_once_score_what_each_pair_scores_alone(tmp_path):
    from cleaner.dedup_index import DuplicateIndex, FileRecord, sketch_jaccard

    rng = np.random.default_rng(8)
    index = DuplicateIndex(12, Spill(tmp_path, memory=1))
    for number in range(40):  # sketches of every size around SKETCH, from a small alphabet so that they overlap
        sizes = rng.integers(0, 80, 25).clip(max=64).astype(np.uint8)
        values = np.concatenate([np.sort(rng.choice(150, size, replace=False)).astype(np.uint32) for size in sizes])
        bands = rng.integers(0, 1 << 32, (25, 12), dtype=np.uint64).astype(np.uint32)
        index.add(FileRecord(f"f{number}", near_lines=np.arange(25, dtype=np.uint32), bands=bands, sketch_sizes=sizes, sketches=values))
    a, b = rng.integers(0, len(index), 3000), rng.integers(0, len(index), 3000)
    expected = [sketch_jaccard(index.sketch(int(x)), index.sketch(int(y))) for x, y in zip(a, b, strict=True)]
    assert index.jaccards(a, b).tolist() == expected


def test_commands_that_never_close_the_index_leave_no_spill_folder(tmp_path, cleaner_exe):
    import os
    import subprocess

    from cleaner.dedup_store import SqliteStore

    stage = Dedup(store=SqliteStore(tmp_path / "index.sqlite"))
    files = corpus(600, seed=1)
    for name, text in files:
        stage.process(doc(name, text))
    stage.close()
    (tmp_path / "pyproject.toml").write_text("[tool.cleaner]\ndedup_memory_mb = 1\n")  # loading the index spills
    (tmp_path / "x.txt").write_text(files[0][1])
    system_tmp = tmp_path / "system-tmp"
    system_tmp.mkdir()
    for command in ("check", "explain"):
        subprocess.run([cleaner_exe, command, str(tmp_path / "x.txt"), "--config", str(tmp_path / "pyproject.toml"),
                        "--dedup-index", str(tmp_path / "index.sqlite")], env={**os.environ, "TMPDIR": str(system_tmp)},
                       capture_output=True, timeout=120, check=False)
        assert list(system_tmp.iterdir()) == [], command


class full_disk:  # noqa: N801 - used as a `with` block
    """Files may not grow past `size` bytes while inside (RLIMIT_FSIZE): a write past it fails halfway, as on a full disk."""

    def __init__(self, size: int) -> None:
        self.size = size

    def __enter__(self) -> None:
        import resource
        import signal

        self.signal = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a failed write instead of a killed process
        self.limits = resource.getrlimit(resource.RLIMIT_FSIZE)
        resource.setrlimit(resource.RLIMIT_FSIZE, (self.size, self.limits[1]))

    def __exit__(self, *exc: object) -> None:
        import resource
        import signal

        resource.setrlimit(resource.RLIMIT_FSIZE, self.limits)
        signal.signal(signal.SIGXFSZ, self.signal)


def test_a_merge_that_fails_on_a_full_disk_loses_no_key(tmp_path):
    import pytest

    rng = np.random.default_rng(6)
    memory, disk = SortedRuns(np.uint32), SortedRuns(np.uint32, Spill(tmp_path), run_limit=100)
    batches = [(rng.integers(0, 2000, 150).astype(np.uint32), np.arange(n * 150, n * 150 + 150, dtype=np.uint32)) for n in range(20)]
    for number, (keys, ids) in enumerate(batches):
        memory.add(keys, ids)
        if number == 9:
            with full_disk(1000), pytest.raises(OSError):
                disk.add(keys, ids)
        else:
            disk.add(keys, ids)
    query = rng.integers(0, 2000, 500).astype(np.uint32)

    def pairs(runs: SortedRuns) -> list[tuple[int, int]]:
        return sorted(zip(*[a.tolist() for a in runs.find(query)], strict=True))

    assert pairs(disk) == pairs(memory)


def test_a_column_flush_that_fails_halfway_leaves_no_stray_values(tmp_path):
    import pytest

    column = Column(np.uint32, Spill(tmp_path), chunk=100)
    values = np.arange(1000, dtype=np.uint32)
    column.extend(values[:150])
    column.extend(values[150:300])  # the first 150 on disk: 600 bytes
    with full_disk(1000), pytest.raises(OSError):
        column.extend(values[300:400])  # 150 more do not fit: 400 bytes written of 600
    for start in range(300, 1000, 100):
        column.extend(values[start : start + 100])
    assert column.take(np.arange(1000)).tolist() == values.tolist()


def test_an_entry_that_fails_to_spill_leaves_the_columns_in_step(tmp_path):
    import pytest

    from cleaner.dedup_index import DuplicateIndex, FileRecord

    index = DuplicateIndex(12, Spill(tmp_path, memory=1))  # columns flush every 256 values

    def record(number: int) -> FileRecord:
        lines = np.arange(number, number + 100, dtype=np.uint32)
        return FileRecord(f"f{number}", near_lines=lines, bands=np.full((100, 12), number, np.uint32),
                          sketch_sizes=np.full(100, 64, np.uint8), sketches=np.full(6400, number, np.uint32))

    index.add(record(0))
    index.add(record(1))
    index.add(record(2))  # 300 entries in memory: the next add flushes each column; the pool's 19,200 values do not fit
    with full_disk(60_000), pytest.raises(OSError):
        index.add(record(3))
    for number in range(3, 8):
        index.add(record(number))
    assert [index.where(entry) for entry in (0, 299, 300, 799)] == ["f0:0", "f2:101", "f3:3", "f7:106"]
    assert index.sketch(799).tolist() == [7] * 64


def test_documents_of_a_window_left_unprocessed_are_not_first_copies():
    from cleaner.engines.units import prefetched
    from cleaner.pipeline import Pipeline

    files = corpus(4, seed=2)
    stage = Dedup()
    pipeline = Pipeline([stage])
    window = prefetched(pipeline, [doc(name, text) for name, text in files[:3]])
    pipeline.run_corpus(next(window))
    window.close()  # the caller stopped after the first (it could not write its output): the other two were never cleaned
    later = pipeline.run_corpus(doc("later.txt", files[2][1]))  # the third one's text again
    assert [b.dropped for b in later.blocks if b.dropped is not None] == []
    assert stage._pending == {}


def test_the_spilled_index_keeps_names_groups_and_sketch_places_on_disk_too(tmp_path):
    files = corpus(500, seed=9)
    in_memory, spilled = Dedup(), Dedup(spill=Spill(tmp_path, memory=1))
    assert decisions(spilled, files) == decisions(in_memory, files)
    index = spilled.index
    assert index.names.ends.flushed > 0 and index.record_first.flushed > 0 and index.current_start.flushed > 0
    assert [index.names[n] for n in (0, 250, 499)] == ["f0000.txt", "f0250.txt", "f0499.txt"]
    assert index.known("f0123.txt") and not index.known("f9999.txt")
    assert spilled.clusters() == in_memory.clusters()


def test_an_index_out_of_entry_ids_stops_with_a_clear_error(monkeypatch):
    import pytest

    from cleaner import dedup_index
    from cleaner.dedup_store import StoreError

    monkeypatch.setattr(dedup_index, "MAX_ENTRIES", 10)
    stage = Dedup()
    with pytest.raises(StoreError, match="holds 10 lines and paragraphs at most"):
        for name, text in corpus(20):
            stage.process(doc(name, text))


def test_a_paragraph_repeated_many_times_verifies_a_few_candidates_per_copy():
    from dedup_texts import A

    stage = Dedup()
    verified = []
    jaccards = stage.index.jaccards
    stage.index.jaccards = lambda a, b: verified.append(len(a)) or jaccards(a, b)
    own = corpus(200, seed=13)  # each file's own paragraphs, unlike one another
    for number in range(200):
        d = doc(f"f{number:03d}.txt", f"{A}\n\n{own[number][1]}")
        stage.process(d)
        if number:
            assert d.blocks[0].dropped.detail == "f000.txt:1"  # the first copy, always
    assert sum(verified) < 2000  # checking every earlier copy of A alone would be 19,900 pairs


def test_a_window_finds_what_a_document_reindexed_before_it_now_holds():
    # X's paragraph loses its second line after dedup (as settling may drop it); Y repeats what X then holds.
    # Y is like X's old paragraph at J < 0.8 and like its new one at 1: only the reindexed entries match.
    rng = np.random.default_rng(4)
    words = [f"w{n}" for n in rng.permutation(1000)]
    lines = [" ".join(words[5 * i : 5 * i + 5]) for i in range(4)]  # under DEDUP_MIN_WORDS: for the near pass alone
    texts = {"x.txt": "\n".join(lines), "y.txt": "\n".join([lines[0], *lines[2:]]), "z.txt": " ".join(words[500:520])}

    def run(windowed: bool) -> list[tuple]:
        stage = Dedup()
        docs = [doc(name, text) for name, text in texts.items()]
        if windowed:
            stage.prefetch(docs)
        for d in docs:
            stage.process(d)
            if d.id == "x.txt":
                d.blocks[1].drop(Reason("heuristics", "r", "c"))
                stage.reindex(d)
        return [(d.id, b.line, b.dropped.rule, b.dropped.detail) for d in docs for b in d.blocks if b.dropped is not None]

    expected = run(windowed=False)
    assert ("y.txt", 1, "near_duplicate", "x.txt:1") in expected
    assert run(windowed=True) == expected


def test_a_paragraph_is_verified_against_its_first_candidates_only():
    from cleaner.dedup_index import VERIFY_LIMIT, DuplicateIndex, FileRecord

    index = DuplicateIndex(12)
    query_sketch = np.arange(40, dtype=np.uint32)

    def paragraph(name: str, values: np.ndarray) -> int:
        bands = np.zeros((1, 12), np.uint32)
        record = FileRecord(name, near_lines=np.array([1], np.uint32), bands=bands, sketch_sizes=np.array([len(values)], np.uint8),
                            sketches=values)
        return int(index.add(record)[1][0])

    def match_with_copy_at(rank: int) -> dict[int, int]:
        # `rank` near misses (J < 0.8) before the one true copy, in input order; then the query itself.
        misses = [paragraph(f"{rank}-miss{n:03d}", np.arange(20, 60, dtype=np.uint32) + n * 100_000) for n in range(rank)]
        copy = paragraph(f"{rank}-copy", query_sketch)
        query = paragraph(f"{rank}-query", query_sketch)
        found = np.array([*misses, copy], dtype=np.uint32)
        return index.earliest_similar(np.zeros(len(found), np.int64), found, np.array([query]), 0.8), copy

    found, copy = match_with_copy_at(VERIFY_LIMIT - 1)
    assert found == {0: copy}
    found, copy = match_with_copy_at(VERIFY_LIMIT)
    assert found == {}, "past the limit the copy is never verified: the paragraph stays"
