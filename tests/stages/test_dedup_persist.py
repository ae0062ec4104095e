"""dedup's persisted index: a second run, or files added later, decide as one run over everything would."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from dedup_texts import A, B, C, doc

from cleaner.dedup_index import FileRecord
from cleaner.dedup_store import MemoryStore, RedisStore, SqliteStore, StoreError
from cleaner.stages.dedup import Dedup

CORPUS = [("a.txt", f"{A}\n\nSomething only the first file says, long enough."),
          ("b.txt", f"Another file's own words, nothing like the rest.\n\n{B}"),
          ("c.txt", f"{C}\n\nSomething only the first file says, long enough.")]


def decisions(store: object, files: list[tuple[str, str]]) -> dict[str, list[tuple[int, str, str]]]:
    """For each file: (line, rule, detail) of every dropped line."""
    stage = Dedup(shingle_size=1, near_min_words=10, store=store)
    out = {}
    for name, text in files:
        d = doc(name, text)
        stage.process(d)
        out[name] = [(b.line, b.dropped.rule, b.dropped.detail) for b in d.blocks if b.dropped]
    return out


def test_a_second_run_with_the_index_gives_the_same_output(tmp_path):
    one_run = decisions(MemoryStore(), CORPUS)
    assert one_run["a.txt"] == [] and one_run["b.txt"] and one_run["c.txt"]
    first = decisions(SqliteStore(tmp_path / "idx.sqlite"), CORPUS)
    second = decisions(SqliteStore(tmp_path / "idx.sqlite"), CORPUS)
    assert first == one_run and second == one_run


def test_files_added_later_lose_only_their_own_duplicates(tmp_path):
    one_run = decisions(MemoryStore(), CORPUS)
    earlier = decisions(SqliteStore(tmp_path / "idx.sqlite"), CORPUS[:2])
    later = decisions(SqliteStore(tmp_path / "idx.sqlite"), CORPUS[2:])
    assert earlier == {k: one_run[k] for k in ("a.txt", "b.txt")}
    assert later == {"c.txt": one_run["c.txt"]}


def test_a_file_checked_again_is_compared_with_the_others_not_its_old_self(tmp_path):
    path = tmp_path / "idx.sqlite"
    decisions(SqliteStore(path), [("a.txt", A), ("b.txt", "Nothing like it at all, a line of a different kind.")])
    # b.txt is edited to repeat a.txt: it goes; a.txt, checked again alone, still stays.
    assert decisions(SqliteStore(path), [("b.txt", A)])["b.txt"] == [(1, "exact_duplicate", "a.txt:1")]
    assert decisions(SqliteStore(path), [("a.txt", A)])["a.txt"] == []


def test_a_run_killed_while_writing_leaves_a_usable_index(tmp_path, monkeypatch):
    path = tmp_path / "idx.sqlite"
    real = FileRecord.to_bytes

    def dies_on_b(record: FileRecord) -> bytes:
        if record.name == "b.txt":
            raise KeyboardInterrupt  # the run stops inside the write
        return real(record)

    monkeypatch.setattr(FileRecord, "to_bytes", dies_on_b)
    with pytest.raises(KeyboardInterrupt):
        decisions(SqliteStore(path), CORPUS)
    monkeypatch.setattr(FileRecord, "to_bytes", real)
    assert decisions(SqliteStore(path), CORPUS) == decisions(MemoryStore(), CORPUS)


def test_an_index_built_with_other_settings_is_refused(tmp_path):
    decisions(SqliteStore(tmp_path / "idx.sqlite"), CORPUS[:1])
    with pytest.raises(StoreError, match="other dedup settings"):
        Dedup(shingle_size=2, store=SqliteStore(tmp_path / "idx.sqlite"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    pytest.importorskip("redis")
    server = shutil.which("redis-server")
    if server is None:
        pytest.skip("redis-server is not installed")
    port = free_port()
    process = subprocess.Popen([server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                                "--dir", str(tmp_path)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    import redis

    client = redis.Redis(port=port)
    for _ in range(100):
        try:
            client.ping()
            break
        except redis.exceptions.ConnectionError:
            time.sleep(0.05)
    else:
        process.kill()
        pytest.skip("redis-server did not start")
    yield f"redis://127.0.0.1:{port}/0"
    process.terminate()
    process.wait(timeout=10)


def test_redis_index_shared_between_runs(redis_url):
    one_run = decisions(MemoryStore(), CORPUS)
    assert decisions(RedisStore(redis_url, prefix="t1"), CORPUS[:2]) == {k: one_run[k] for k in ("a.txt", "b.txt")}
    assert decisions(RedisStore(redis_url, prefix="t1"), CORPUS[2:]) == {"c.txt": one_run["c.txt"]}
    assert decisions(RedisStore(redis_url, prefix="t1"), CORPUS) == one_run
    # Another prefix is another index.
    assert decisions(RedisStore(redis_url, prefix="t2"), CORPUS[2:]) == {"c.txt": []}
