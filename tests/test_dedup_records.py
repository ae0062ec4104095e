"""`cleaner dedup` of record files without a Document per record (`dedup_records`): the same bytes as the
document-by-document path, whatever the number of workers."""

from __future__ import annotations

import codecs
import gzip
import json
import random
import sqlite3
from contextlib import closing
from functools import partial
from itertools import starmap
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from dedup_texts import A, B, C, corpus
from texts import P1, P2, P3

from cleaner import Cleaner, Config
from cleaner.cli import main
from cleaner.dedup_index import Groups
from cleaner.dedup_records import DedupWindows, dedup_only, prepare_records
from cleaner.engines.records import DedupRecordCleaner, RecordCleaner
from cleaner.io import InputFile

STAGES = ("normalize", "segment", "dedup")
TRICKY = ["", "   ", "\n\n\n", "a\r\nb c d e f g h\r\n\r\nsame same same same same same same same same same same same",
          "\t tab\tline with words one two three four five six seven\u00a0x", "Ünïcödé 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 😀 words here and more words and even more",
          "x" * 20_000, "word " * 5_000, "line\u2028sep\u2029para\x0bvt\x0cff one two three four five six seven eight nine ten",
          "中文文本没有空格但是很长的一段话重复一下中文文本没有空格但是很长的一段话",
          "CafÃ© mojibake line with enough words to be indexed here",
          "\ufeffBOM text here with several words one two three four five six", "zero\u200bwidth words one two three four five six seven",
          "same same same same same same same same same same same same", "Same, same; SAME same same same same same same same same same!",
          f"{P1}\n\n{P2}", f"{P2}\n{P1}", f"{P1}\n\n\n{P3}\n\n{A}", B, C, f"{A}\n\n{B}", "Read more\nShare"]


def records_bytes(seed: int = 3) -> bytes:
    """JSONL with every kind of record: repeats, near repeats, ids seen twice, no id, bad lines, blank lines, CRLF, a BOM."""
    rng = random.Random(seed)
    texts = TRICKY + [text for _, text in corpus(60)]
    texts += [rng.choice(texts) for _ in range(40)]
    rng.shuffle(texts)
    lines = []
    for n, text in enumerate(texts):
        record = {"id": n % 9 if n % 5 == 0 else n, "text": text, "meta": {"n": n}}
        if n % 11 == 3:
            del record["id"]
        lines.append(json.dumps(record, ensure_ascii=n % 2 == 0).encode() + (b"\r\n" if n % 7 == 0 else b"\n"))
    lines[4:4] = [b"{broken\n", b"\n", b'{"id": 99, "body": "no text"}\n', b'{"id": 98, "text": 5}\n', b"[1, 2]\n"]
    return codecs.BOM_UTF8 + b"".join(lines)


def outputs(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file() and ".cleaner" not in p.parts}


def run_both(tmp_path: Path, name: str, data: bytes) -> tuple:
    """One file through the document path and through `DedupRecordCleaner`: their outputs, outcomes and clusters."""
    source = tmp_path / "in" / name
    source.parent.mkdir(parents=True, exist_ok=True)
    source.write_bytes(data)
    results = []
    for kind in ("documents", "records"):
        pipeline = Cleaner(Config(language_detector="none", stages=STAGES)).pipeline()
        stage, after = dedup_only(pipeline)
        if kind == "documents":
            engine = RecordCleaner(pipeline, "text", "id", 1 << 30)
        else:
            prepare = partial(starmap, partial(prepare_records, stage))
            engine = DedupRecordCleaner(DedupWindows(stage, after), prepare, "text", "id", 1 << 30)
        outcome = engine.clean_file(InputFile(source, Path(name)), tmp_path / kind)
        results.append((outputs(tmp_path / kind), outcome.stats, outcome.rejected, outcome.errors, stage.clusters()))
    return results


@pytest.mark.parametrize("name", ["r.jsonl", "r.jsonl.gz"])
def test_records_give_what_documents_give(tmp_path: Path, name: str) -> None:
    data = records_bytes()
    documents, records = run_both(tmp_path, name, gzip.compress(data) if name.endswith(".gz") else data)
    assert documents == records
    assert documents[4]["dropped"] > 10 and documents[2] > 5  # the file has repeats and rejects to compare


@pytest.mark.parametrize("batch_rows", [1024, 5])
def test_parquet_records_give_what_documents_give(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, batch_rows: int) -> None:
    monkeypatch.setattr("cleaner.engines.records.PARQUET_BATCH_ROWS", batch_rows)  # 5: several row groups written
    rows = [{"id": n, "text": text} for n, text in enumerate(TRICKY + TRICKY[::2])]
    sink = pa.BufferOutputStream()
    pq.write_table(pa.Table.from_pylist(rows), sink)
    documents, records = run_both(tmp_path, "r.parquet", sink.getvalue().to_pybytes())
    assert documents == records


def test_a_file_cut_short_gives_what_documents_give(tmp_path: Path) -> None:
    data = gzip.compress(records_bytes())
    documents, records = run_both(tmp_path, "r.jsonl.gz", data[: len(data) // 2])
    assert documents == records
    assert any("after line" in error for error in documents[3])


def test_the_dedup_command_writes_the_same_bytes_with_one_worker_or_two(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.jsonl").write_bytes(records_bytes(3))
    (folder / "b.jsonl").write_bytes(records_bytes(4))
    runner = CliRunner()
    for jobs in (1, 2):
        result = runner.invoke(main, ["dedup", str(folder), "-o", str(tmp_path / f"out{jobs}"), "--jobs", str(jobs), "--no-progress"])
        assert result.exit_code in (0, 1), result.output  # 1: some records could not be read
    assert outputs(tmp_path / "out1") == outputs(tmp_path / "out2")
    report = json.loads((tmp_path / "out1" / "report.json").read_text())
    assert report["dedup"]["dropped"] > 20
    # The index a resumed run reads: the same rows, whether the parent or a worker encoded them.
    stored = []
    for jobs in (1, 2):
        with closing(sqlite3.connect(tmp_path / f"out{jobs}" / ".cleaner" / "index.sqlite")) as db:
            stored.append(db.execute("SELECT seq, name, data FROM files ORDER BY seq").fetchall())
    assert stored[0] == stored[1] and len(stored[0]) > 100


def test_groups_looked_up_ahead_are_the_groups_found_one_call_at_a_time() -> None:
    rng = random.Random(5)
    plain, ahead = Groups(None, 1 << 10), Groups(None, 1 << 10)
    entry = 1
    for _ in range(600):  # windows of calls, past several moves of the recent joins into the runs
        calls = []
        for _ in range(rng.randint(1, 8)):
            count = rng.randint(1, 12)
            entries = list(range(entry, entry + count))
            calls.append((entries, [rng.randrange(0, e) for e in entries]))
            entry += count
        ahead.look_up_ahead([origin for _, origins in calls for origin in origins])
        for entries, origins in calls:
            assert plain.join_all(entries, origins).tolist() == ahead.join_all(entries, origins).tolist()
    assert entry > 3 * 4096
