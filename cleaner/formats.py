"""Record corpora: JSONL (plain, .gz, .zst) and Parquet, read as a stream of records and written atomically.

Compression is recognised by its magic bytes on read (a `.jsonl` that is really
gzip still reads) and chosen by the file name on write. Decompressed input is
capped (`max_bytes`), so a gzip bomb stops with a clear error instead of
filling memory or disk. A bad line never stops the file: it comes out as a
record with an error naming the file and line, and the next line goes on.
"""

from __future__ import annotations

import codecs
import gzip
import io
import os
import tempfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import orjson

from .io import STDIN, InputError

GZIP_MAGIC = b"\x1f\x8b"
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
JSONL_SUFFIXES = (".jsonl", ".jsonl.gz", ".jsonl.zst", ".ndjson", ".ndjson.gz", ".ndjson.zst")
PARQUET_SUFFIXES = (".parquet",)
# Far above any real shard, far below what would exhaust a machine: a bomb stops here.
DEFAULT_MAX_BYTES = 16 << 30
READ_CHUNK = 1 << 16  # a damaged compressed file loses at most this much before the damage


def is_jsonl(name: str) -> bool:
    """Whether a file name says JSONL (compressed or not).

    >>> is_jsonl("shard-0001.jsonl.zst"), is_jsonl("page.txt")
    (True, False)
    """
    return name.lower().endswith(JSONL_SUFFIXES)


def is_parquet(name: str) -> bool:
    """Whether a file name says Parquet.

    >>> is_parquet("part-0.parquet")
    True
    """
    return name.lower().endswith(PARQUET_SUFFIXES)


class _Wrapper(io.RawIOBase):
    """A readable raw stream over another, which it closes with itself."""

    _inner: BinaryIO

    def readable(self) -> bool:
        return True

    def close(self) -> None:
        if not self.closed:
            self._inner.close()
        super().close()


class LimitedReader(_Wrapper):
    """A binary stream that fails with InputError once more than `limit` bytes came out of `inner`.

    >>> LimitedReader(io.BytesIO(b"abcdef"), 4, "x.gz").read()
    Traceback (most recent call last):
    ...
    cleaner.io.InputError: x.gz: more than 4 bytes once decompressed (raise the limit with --max-bytes)
    """

    def __init__(self, inner: BinaryIO, limit: int, name: str) -> None:
        self._inner, self._left, self._limit, self._name = inner, limit, limit, name

    def readinto(self, buffer: bytearray) -> int:  # type: ignore[override]
        try:
            data = self._inner.read(min(len(buffer), READ_CHUNK, self._left + 1))
        except InputError:
            raise
        except (OSError, EOFError, zlib.error) as exc:
            raise InputError(f"{self._name}: corrupt or truncated compressed data: {exc}") from None
        except Exception as exc:  # noqa: BLE001 - zstandard raises its own ZstdError
            raise InputError(f"{self._name}: corrupt or truncated compressed data: {exc}") from None
        if len(data) > self._left:
            raise InputError(f"{self._name}: more than {self._limit} bytes once decompressed (raise the limit with --max-bytes)")
        self._left -= len(data)
        buffer[: len(data)] = data
        return len(data)


def open_input(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> BinaryIO:
    """A decompressed binary stream of a file (or standard input), by its magic bytes."""
    name = str(path)
    try:
        raw: BinaryIO = os.fdopen(os.dup(0), "rb") if name == STDIN else open(path, "rb")  # noqa: SIM115
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from None
    buffered = io.BufferedReader(raw) if not isinstance(raw, io.BufferedReader) else raw
    head = buffered.peek(4)[:4]
    if head.startswith(GZIP_MAGIC):
        inner: BinaryIO = gzip.GzipFile(fileobj=buffered, mode="rb")
    elif head.startswith(ZSTD_MAGIC):
        inner = ZstdFrames(buffered, name)
    else:
        inner = buffered
    return io.BufferedReader(LimitedReader(inner, max_bytes, name), buffer_size=READ_CHUNK)


ZSTD_FEED = 4096  # compressed bytes per step: one step inflates to at most a few hundred MB, whatever the data


class ZstdFrames(_Wrapper):
    """Concatenated zstd frames, decompressed, failing with InputError when the data ends inside a frame.

    (zstandard's own stream reader stops quietly at a cut, so a truncated file would look whole.)

    >>> import zstandard; data = zstandard.ZstdCompressor().compress(b"x" * 100)
    >>> ZstdFrames(io.BytesIO(data + data), "a.zst").read()[-3:], len(ZstdFrames(io.BytesIO(data + data), "a.zst").read())
    (b'xxx', 200)
    >>> ZstdFrames(io.BytesIO(data[:-3]), "a.zst").read()
    Traceback (most recent call last):
    ...
    cleaner.io.InputError: a.zst: truncated zstd data: the file ends inside a frame
    """

    def __init__(self, raw: BinaryIO, name: str) -> None:
        import zstandard

        self._new = zstandard.ZstdDecompressor().decompressobj
        self._inner, self._name = raw, name
        self._frame = self._new()
        self._in_frame = False
        self._out, self._at = b"", 0

    def readinto(self, buffer: bytearray) -> int:  # type: ignore[override]
        while self._at >= len(self._out):
            chunk = self._inner.read(ZSTD_FEED)
            if not chunk:
                if self._in_frame:
                    raise InputError(f"{self._name}: truncated zstd data: the file ends inside a frame")
                return 0
            self._out, self._at = self._feed(chunk), 0
        count = min(len(buffer), len(self._out) - self._at)
        buffer[:count] = self._out[self._at : self._at + count]
        self._at += count
        return count

    def _feed(self, data: bytes) -> bytes:
        out = []
        while data:
            out.append(self._frame.decompress(data))
            if not self._frame.eof:
                self._in_frame = True
                break
            data = self._frame.unused_data  # the next frame's start
            self._frame, self._in_frame = self._new(), False
        return b"".join(out)


@dataclass(slots=True)
class Record:
    """One record of a corpus: its fields (text included), or the error that made it unreadable.

    `line` is the 1-based line in a JSONL file (the row in Parquet); `raw` keeps
    an unreadable line's bytes so that it can go to the rejects file, not be lost.
    """

    source: str
    line: int
    fields: dict = field(default_factory=dict)
    error: str | None = None
    raw: bytes = b""

    def text(self, text_field: str) -> str:
        return self.fields[text_field]


def read_jsonl(path: Path, text_field: str = "text", max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[Record]:
    """The records of a JSONL file in order; a bad line is a Record with an error (file:line: why).

    A UTF-8 byte order mark before the first line is read past (JSON Lines has none, but Windows tools write it).
    """
    name = str(path)
    for item in raw_jsonl(path, max_bytes):
        yield parse_line(item[1], name, item[0], text_field) if isinstance(item, tuple) else item


def raw_jsonl(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[tuple[int, bytes] | Record]:
    """A JSONL file's non-blank lines with their numbers, left for `parse_line` (`read_jsonl` parses them; the
    dedup record path parses them in a worker); a read that fails is a Record with the error."""
    name = str(path)
    stream = open_input(path, max_bytes)
    number = 0
    try:
        for number, line in enumerate(stream, start=1):  # noqa: B007 - `number` names the failing line below
            if number == 1 and line.startswith(codecs.BOM_UTF8):
                line = line[len(codecs.BOM_UTF8) :]  # written by Windows tools; not part of the first record
            if not line.strip():
                continue
            yield number, line
    except InputError as exc:
        yield Record(name, number + 1, error=f"{exc} (after line {number})")
    finally:
        stream.close()


def parse_line(line: bytes, source: str, number: int, text_field: str) -> Record:
    """One JSONL line as a Record.

    >>> parse_line(b'{"id": 1, "text": "hi"}', "a.jsonl", 3, "text").fields
    {'id': 1, 'text': 'hi'}
    >>> parse_line(b'{"id": 1}', "a.jsonl", 3, "text").error
    "a.jsonl:3: no string field 'text'"
    """
    try:
        value = orjson.loads(line)
    except orjson.JSONDecodeError as exc:
        return Record(source, number, error=f"{source}:{number}: not valid JSON: {exc}", raw=line)
    if not isinstance(value, dict):
        return Record(source, number, error=f"{source}:{number}: a JSON {type(value).__name__}, not an object", raw=line)
    if not isinstance(value.get(text_field), str):
        return Record(source, number, value, error=f"{source}:{number}: no string field {text_field!r}", raw=line)
    if line.count(b"[") + line.count(b"{") > MAX_NESTING and nesting(value) > MAX_NESTING:
        return Record(source, number, error=f"{source}:{number}: nested more than {MAX_NESTING} levels deep, "
                                            "more than a record can be written back with", raw=line)
    return Record(source, number, value)


# orjson writes 254 levels at most (it reads 1,024), and a rejects line holds a record one level down: a deeper
# record goes to the rejects as its bytes.
MAX_NESTING = 250


def nesting(value: object) -> int:
    """How deep lists and objects nest in a JSON value (walked without recursion).

    >>> nesting({"a": [1, {"b": []}]}), nesting("x")
    (4, 0)
    """
    deepest = 0
    todo = [(value, 1)]
    while todo:
        item, depth = todo.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, depth)
            todo.extend((child, depth + 1) for child in (item.values() if isinstance(item, dict) else item))
    return deepest


def read_parquet(path: Path, text_field: str = "text", batch_rows: int = 1024) -> Iterator[Record]:
    """The rows of a Parquet file in order, a batch of rows in memory at a time (needs `cleaner-corpus[parquet]`)."""
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise InputError(f"{path}: reading Parquet needs pyarrow: pip install 'cleaner-corpus[parquet]'") from None
    name = str(path)
    try:
        source = pq.ParquetFile(path)
        if text_field not in source.schema_arrow.names:
            raise InputError(f"{path}: no column {text_field!r}")
        number = 0
        for batch in source.iter_batches(batch_size=batch_rows):
            for row in batch.to_pylist():
                number += 1
                if not isinstance(row.get(text_field), str):
                    yield Record(name, number, row, error=f"{name}:{number}: no string field {text_field!r}")
                else:
                    yield Record(name, number, row)
    except InputError:
        raise
    except Exception as exc:  # noqa: BLE001 - pyarrow raises many kinds for a damaged file
        raise InputError(f"{path}: not a readable Parquet file: {exc}") from None


def dumps(record: dict) -> bytes:
    """One JSONL line: compact, UTF-8, keys in the record's own order, newline-terminated.

    >>> dumps({"b": 1, "a": "é"})
    b'{"b":1,"a":"\\xc3\\xa9"}\\n'
    """
    return orjson.dumps(record, option=orjson.OPT_APPEND_NEWLINE | orjson.OPT_NON_STR_KEYS)


class AtomicOutput:
    """A binary file written under a temporary name, compressed by its final name, renamed on success.

    >>> import tempfile, pathlib; folder = pathlib.Path(tempfile.mkdtemp())
    >>> with AtomicOutput(folder / "x.jsonl.gz") as out:
    ...     _ = out.write(b"hi\\n")
    >>> gzip.decompress((folder / "x.jsonl.gz").read_bytes())
    b'hi\\n'
    """

    def __init__(self, path: Path) -> None:
        self.path = path.resolve() if path.exists() else path
        self._temp: str | None = None
        self._raw: BinaryIO | None = None
        self._stream: BinaryIO | None = None

    def __enter__(self) -> BinaryIO:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, self._temp = tempfile.mkstemp(dir=self.path.parent, prefix=f".{self.path.name}.", suffix=".tmp")
        try:  # `__exit__` is not called when this fails (or Ctrl-C comes) midway: the temporary goes here
            self._raw = os.fdopen(fd, "wb")
            name = self.path.name.lower()
            if name.endswith(".gz"):
                # mtime=0: the same input gives byte-identical output on every run.
                self._stream = gzip.GzipFile(fileobj=self._raw, mode="wb", mtime=0, filename="")
            elif name.endswith(".zst"):
                import zstandard

                self._stream = zstandard.ZstdCompressor().stream_writer(self._raw, closefd=False)
            else:
                self._stream = self._raw
        except BaseException:
            if self._raw is None:
                os.close(fd)
            else:
                self._raw.close()
            Path(self._temp).unlink(missing_ok=True)
            raise
        return self._stream

    def __exit__(self, kind: type | None, error: BaseException | None, trace: object) -> None:
        assert self._raw is not None and self._stream is not None and self._temp is not None
        try:
            if self._stream is not self._raw:
                self._stream.close()
            if kind is None:
                self._raw.flush()
                os.fsync(self._raw.fileno())
            self._raw.close()
            if kind is None:
                os.chmod(self._temp, self.path.stat().st_mode & 0o7777 if self.path.exists() else _default_mode())
                os.replace(self._temp, self.path)
        finally:
            Path(self._temp).unlink(missing_ok=True)


def _default_mode() -> int:
    """The mode a new file gets under the process's umask."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask
