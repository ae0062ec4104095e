"""Record files through the pipeline: fields carried, a `cleaner` field added, nothing lost."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from texts import P1, P2, P3

from cleaner import Cleaner, Config
from cleaner.engines.records import RecordCleaner, rejects_name
from cleaner.io import InputFile

BANNER = "Donate now"


def clean(tmp_path: Path, name: str, data: bytes) -> tuple:
    source = tmp_path / "in" / name
    source.parent.mkdir(parents=True, exist_ok=True)
    source.write_bytes(data)
    cleaner = Cleaner(Config(language_detector="none"))
    engine = RecordCleaner(cleaner.pipeline(), "text", "id", 1 << 30)
    outcome = engine.clean_file(InputFile(source, Path(name)), tmp_path / "out")
    return outcome, tmp_path / "out"


def lines(path: Path) -> list[dict]:
    data = path.read_bytes()
    if path.name.endswith(".gz"):
        data = gzip.decompress(data)
    return [json.loads(line) for line in data.splitlines()]


def test_a_record_keeps_its_fields_in_order_and_gains_a_cleaner_field(tmp_path: Path) -> None:
    record = {"id": "a1", "url": "https://example.org/x", "text": f"{P1}\n{BANNER}\n{P2}", "meta": {"n": 1}}
    outcome, out = clean(tmp_path, "c.jsonl", json.dumps(record).encode() + b"\n")
    [cleaned] = lines(out / "c.jsonl")
    assert list(cleaned) == ["id", "url", "text", "meta", "cleaner"]
    assert cleaned["text"] == f"{P1}\n{P2}\n"
    assert cleaned["url"] == record["url"] and cleaned["meta"] == {"n": 1}
    assert cleaned["cleaner"]["removed"] == {"donation": 1}
    assert outcome.error is None and outcome.rejected == 0
    assert not (out / "c.rejects.jsonl").exists()


def test_bad_and_emptied_records_go_to_the_rejects_file_with_their_reason(tmp_path: Path) -> None:
    data = b"\n".join([
        json.dumps({"id": 1, "text": P1}).encode(),
        b"{broken",
        json.dumps({"id": 3, "body": P2}).encode(),
        json.dumps({"id": 4, "text": BANNER}).encode(),
        json.dumps({"id": 5, "text": P2}).encode(),
    ]) + b"\n"
    outcome, out = clean(tmp_path, "c.jsonl.gz", gzip.compress(data))
    assert [r["id"] for r in lines(out / "c.jsonl.gz")] == [1, 5]
    rejects = lines(out / "c.rejects.jsonl.gz")
    assert [r["source"].rsplit(":", 1)[1] for r in rejects] == ["2", "3", "4"]
    assert rejects[0]["raw"] == "{broken" and "not valid JSON" in rejects[0]["reason"]
    assert rejects[1]["record"] == {"id": 3, "body": P2} and "no string field 'text'" in rejects[1]["reason"]
    assert rejects[2]["reason"] == "nothing left after cleaning: donation 1"
    assert outcome.rejected == 3 and len(outcome.errors) == 2
    assert outcome.errors[0].startswith(f"{tmp_path / 'in' / 'c.jsonl.gz'}:2: not valid JSON: ")


def test_duplicates_across_records_name_their_first_copy(tmp_path: Path) -> None:
    data = b"".join(json.dumps({"id": i, "text": text}).encode() + b"\n" for i, text in (("a", f"{P1}\n{P2}"), ("b", f"{P2}\n{P3}")))
    _, out = clean(tmp_path, "d.jsonl", data)
    first, second = lines(out / "d.jsonl")
    assert first["text"] == f"{P1}\n{P2}\n" and "duplicate_of" not in first["cleaner"]
    assert second["text"] == f"{P3}\n" and second["cleaner"]["removed"] == {"duplicate": 1}
    assert all(origin.startswith("d.jsonl:a:") for origin in second["cleaner"]["duplicate_of"])


def test_shards_that_number_their_records_alike_are_still_told_apart(tmp_path: Path) -> None:
    cleaner = Cleaner()
    engine = RecordCleaner(cleaner.pipeline(), "text", "id", 1 << 30)
    (tmp_path / "in").mkdir()
    for name, text in (("s1.jsonl", f"{P1}\n{P2}"), ("s2.jsonl", f"{P3}\n{P1}")):
        (tmp_path / "in" / name).write_text(json.dumps({"id": 0, "text": text}) + "\n")
        engine.clean_file(InputFile(tmp_path / "in" / name, Path(name)), tmp_path / "out")
    second = lines(tmp_path / "out" / "s2.jsonl")[0]
    assert second["text"] == f"{P3}\n" and all(o.startswith("s1.jsonl:0:") for o in second["cleaner"]["duplicate_of"])


def test_parquet_in_parquet_out(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    table = pa.Table.from_pylist([{"id": 1, "text": f"{P1}\n{BANNER}"}, {"id": 2, "text": BANNER}])
    source = tmp_path / "in" / "p.parquet"
    source.parent.mkdir()
    pq.write_table(table, source)
    cleaner = Cleaner(Config(language_detector="none"))
    outcome = RecordCleaner(cleaner.pipeline(), "text", "id", 1 << 30).clean_file(InputFile(source, Path("p.parquet")), tmp_path / "out")
    rows = pq.read_table(tmp_path / "out" / "p.parquet").to_pylist()
    assert [(r["id"], r["text"]) for r in rows] == [(1, f"{P1}\n")]
    assert json.loads(rows[0]["cleaner"])["removed"] == {"donation": 1}
    assert outcome.rejected == 1 and lines(tmp_path / "out" / rejects_name(Path("p.parquet")))[0]["record"]["id"] == 2


def test_the_summary_line_counts_documents_in_out_rejected_and_failed(runner, tmp_path: Path) -> None:
    from cleaner.cli import main

    source = tmp_path / "in"
    source.mkdir()
    (source / "r.jsonl").write_text("\n".join([json.dumps({"text": f"{P1}\n{BANNER}"}), json.dumps({"text": BANNER}), "{bad"]) + "\n")
    (source / "page.txt").write_text(f"{P2}\n")
    result = runner.invoke(main, ["clean", str(source), "-o", str(tmp_path / "out"), "--language-detector", "none", "--jobs", "1"])
    assert result.exit_code == 1  # the bad line is a failure
    assert "cleaned: 4 document(s) in, 2 out, 1 rejected (1 min_words), 1 failed;" in result.stderr
