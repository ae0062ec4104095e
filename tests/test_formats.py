"""Record formats: compression by magic bytes, bad lines by number, bombs stopped, atomic output."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
import zstandard

from cleaner.formats import AtomicOutput, open_input, read_jsonl
from cleaner.io import InputError


def test_compression_is_read_by_magic_bytes_not_by_name(tmp_path: Path) -> None:
    misnamed = tmp_path / "plain-name.jsonl"
    misnamed.write_bytes(gzip.compress(b'{"text": "a"}\n'))
    zst = tmp_path / "x.jsonl.zst"
    zst.write_bytes(zstandard.ZstdCompressor().compress(b'{"text": "b"}\n'))
    assert [r.fields["text"] for r in read_jsonl(misnamed)] == ["a"]
    assert [r.fields["text"] for r in read_jsonl(zst)] == ["b"]


def test_bad_lines_are_named_by_number_and_the_rest_go_on(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_bytes(b'{"text": "one"}\n{not json\n[1, 2]\n{"id": 4}\n{"text": 5}\n\n{"text": "seven"}\n')
    records = list(read_jsonl(path))
    assert [r.fields.get("text") for r in records if r.error is None] == ["one", "seven"]
    errors = [r.error for r in records if r.error]
    assert errors[0].startswith(f"{path}:2: not valid JSON")
    assert errors[1] == f"{path}:3: a JSON list, not an object"
    assert errors[2] == f"{path}:4: no string field 'text'"
    assert errors[3] == f"{path}:5: no string field 'text'"
    assert records[1].raw == b"{not json\n"


def test_a_gzip_bomb_stops_at_the_limit_with_the_file_named(tmp_path: Path) -> None:
    path = tmp_path / "bomb.jsonl.gz"
    path.write_bytes(gzip.compress(b'{"text": "' + b"a" * 5_000_000 + b'"}\n'))
    records = list(read_jsonl(path, max_bytes=1_000_000))
    assert len(records) == 1
    assert records[0].error.startswith(f"{path}: more than 1000000 bytes once decompressed")


def test_a_truncated_gzip_keeps_the_records_before_the_damage(tmp_path: Path) -> None:
    body = b"".join(b'{"text": "record %d with some words"}\n' % i for i in range(20000))
    data = gzip.compress(body)
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(data[: len(data) // 2])
    records = list(read_jsonl(path))
    good = [r for r in records if r.error is None]
    assert 0 < len(good) < 20000
    assert good[0].fields["text"] == "record 0 with some words"
    assert "corrupt or truncated" in records[-1].error and str(path) in records[-1].error


def test_compressed_output_is_byte_identical_run_to_run(tmp_path: Path) -> None:
    outputs = []
    for run in range(2):
        path = tmp_path / f"run{run}" / "x.jsonl.gz"
        with AtomicOutput(path) as out:
            out.write(b'{"text": "same"}\n')
        outputs.append(path.read_bytes())
    assert outputs[0] == outputs[1]
    assert gzip.decompress(outputs[0]) == b'{"text": "same"}\n'


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    path = tmp_path / "x.jsonl"
    path.write_bytes(b"old\n")
    with pytest.raises(RuntimeError), AtomicOutput(path) as out:
        out.write(b"new, partial")
        raise RuntimeError("disk full")
    assert path.read_bytes() == b"old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["x.jsonl"]


def test_a_missing_file_is_a_one_line_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read"):
        open_input(tmp_path / "nope.jsonl")


def test_a_truncated_zstd_file_says_so_after_the_records_before_the_cut(tmp_path: Path) -> None:
    body = b"".join(b'{"text": "record %d with some words"}\n' % i for i in range(20000))
    data = zstandard.ZstdCompressor().compress(body)
    path = tmp_path / "cut.jsonl.zst"
    path.write_bytes(data[: len(data) * 3 // 4])
    records = list(read_jsonl(path))
    good = [r for r in records if r.error is None]
    assert 0 < len(good) < 20000 and good[0].fields["text"] == "record 0 with some words"
    assert records[-1].error.startswith(f"{path}: truncated zstd data: the file ends inside a frame")
