"""Record files (JSONL, Parquet) through the pipeline: every record comes out, cleaned or rejected with a reason.

A cleaned record keeps all its fields in their order, its text replaced by the
cleaned text, plus a `cleaner` field: the language, how many lines each
category lost, and where the first copy of a dropped duplicate lives. A record
that cannot be read, has no text field, or has nothing left after cleaning
goes to the rejects file beside the output (`NAME.rejects.jsonl[.gz|.zst]`)
with its reason: nothing is silently lost.
"""

from __future__ import annotations

import base64
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from functools import partial
from itertools import starmap
from pathlib import Path

import orjson
from tqdm import tqdm

from ..api import Cleaner
from ..dedup_records import DedupWindows, PreparedRecord, dedup_only, prepare_records, record_name
from ..document import Document, cleaner_field, drop_summary
from ..formats import AtomicOutput, Record, dumps, is_parquet, parse_line, raw_jsonl, read_jsonl, read_parquet
from ..io import InputError, InputFile, is_regular
from ..pipeline import Failed, Pipeline, Stats
from . import open_engine
from .heap import giving_back_free_pages
from .pool import PreparingPool
from .units import Runner, serial_runner

PARQUET_BATCH_ROWS = 1024  # rows held before a Parquet row group is written: bounded memory
DEDUP_STAGES = ("normalize", "segment", "dedup")  # what `cleaner dedup` runs
DEDUP_WINDOW = 128  # records `cleaner dedup` reads, signs and looks up at once: 256 held 11 MB more at the peak
DEDUP_WINDOW_BYTES = 1 << 19  # and at most about this much of their lines: long records make smaller windows
DEDUP_WINDOWS_BETWEEN = 8  # windows between hand-backs of this process's free heap pages (`engines.heap`)


@dataclass(slots=True)
class RecordFileOutcome:
    """What cleaning one record file gave: counts, the records rejected, and errors by file and line."""

    input: InputFile
    stats: Stats = field(default_factory=Stats)
    rejected: int = 0
    errors: list[str] = field(default_factory=list)
    # A failure of the file as a whole (unreadable, unwritable); records already written stay written.
    error: str | None = None


def rejects_name(relative: Path) -> Path:
    """Where a record file's rejects go, beside its output.

    >>> rejects_name(Path("a/shard.jsonl.zst")).as_posix(), rejects_name(Path("p.parquet")).as_posix()
    ('a/shard.rejects.jsonl.zst', 'p.rejects.jsonl')
    """
    name = relative.name
    for suffix in (".jsonl", ".ndjson"):
        at = name.lower().find(suffix)
        if at > 0:
            return relative.with_name(name[:at] + ".rejects" + name[at:])
    return relative.with_name(relative.name.rsplit(".", 1)[0] + ".rejects.jsonl")


def read_records(path: Path, text_field: str, max_bytes: int) -> Iterator[Record]:
    if is_parquet(path.name):
        return read_parquet(path, text_field)
    return read_jsonl(path, text_field, max_bytes)


def record_texts(files: Iterable[InputFile], text_field: str, max_bytes: int) -> Iterator[str]:
    """The readable texts of record files, for the first (template-learning) pass (a pipe is left to the second)."""
    for item in files:
        if not is_regular(item.path):
            continue
        try:
            for record in read_records(item.path, text_field, max_bytes):
                if record.error is None:
                    yield record.fields[text_field]
        except InputError:
            continue  # reported by the cleaning pass


def reject_line(record: Record, reason: str) -> bytes:
    """A rejects-file line: where the record was, why, and the record itself (or its raw bytes)."""
    entry: dict = {"source": f"{record.source}:{record.line}", "reason": reason}
    if record.fields:
        entry["record"] = record.fields
    elif record.raw:
        try:
            entry["raw"] = record.raw.decode("utf-8").rstrip("\r\n")
        except UnicodeDecodeError:
            entry["raw_base64"] = base64.b64encode(record.raw).decode("ascii")
    return dumps(entry)


class RecordCleaner:
    """Cleans one record file at a time into an output folder; the runner's pipeline spans files (so does dedup)."""

    def __init__(self, pipeline: Pipeline | Runner, text_field: str, id_field: str, max_bytes: int,
                 on_record: Callable[[int], None] | None = None) -> None:
        self.run_documents = serial_runner(pipeline) if isinstance(pipeline, Pipeline) else pipeline
        self.text_field = text_field
        self.id_field = id_field
        self.max_bytes = max_bytes
        # Told the size in bytes of each record's text as it comes out (a progress bar).
        self.on_record = on_record or (lambda size: None)

    def clean_file(self, item: InputFile, out_dir: Path) -> RecordFileOutcome:
        outcome = RecordFileOutcome(item)
        target = out_dir / item.relative
        rejects_path = out_dir / rejects_name(item.relative)
        try:
            with AtomicOutput(rejects_path) as rejects:
                if is_parquet(item.path.name):
                    self._to_parquet(item, target, rejects, outcome)
                else:
                    with AtomicOutput(target) as output:
                        for line in self._cleaned_lines(item, rejects, outcome):
                            output.write(line)
            if not outcome.rejected:
                rejects_path.unlink()  # an empty rejects file (or one left by an earlier run) says nothing
        except InputError as exc:
            outcome.error = str(exc)
        except OSError as exc:
            outcome.error = f"{target}: cannot write output: {exc.strerror or exc}"
        return outcome

    def _cleaned(self, item: InputFile, rejects: object, outcome: RecordFileOutcome) -> Iterator[dict]:
        """The cleaned records of a file in order; rejects are written as they come."""
        in_flight: deque[Record] = deque()

        def documents() -> Iterator[Document | None]:
            for record in read_records(item.path, self.text_field, self.max_bytes):
                in_flight.append(record)
                if record.error is not None:
                    yield None
                else:
                    # Named by file as well (the dedup index takes a name it has seen for a document checked again).
                    yield Document(record.fields[self.text_field], self.document_name(item, record))

        for doc in self.run_documents(documents()):
            fields = self._written(in_flight.popleft(), doc, rejects, outcome)
            if fields is not None:
                yield fields

    def _written(self, record: Record, doc: Document | Failed | None, rejects: object, outcome: RecordFileOutcome) -> dict | None:
        """The record's fields as written, its text cleaned; None for a record that goes to the rejects (written there)."""
        text = record.fields.get(self.text_field)
        self.on_record(len(text.encode("utf-8")) if isinstance(text, str) else len(record.raw))
        if isinstance(doc, Failed):
            record.error = f"{record.source}:{record.line}: {doc.reason}"
            doc = None
        if doc is None:
            outcome.errors.append(record.error)
            outcome.rejected += 1
            outcome.stats.failed += 1
            rejects.write(reject_line(record, record.error))
            return None
        cleaned = doc.cleaned_text()
        outcome.stats.add_document(doc, len(record.fields[self.text_field].encode("utf-8")), len(cleaned.encode("utf-8")))
        if not cleaned or doc.rejected is not None:
            outcome.rejected += 1
            rejects.write(reject_line(record, rejection(doc)))
            return None
        fields = dict(record.fields)
        fields[self.text_field] = cleaned
        fields["cleaner"] = cleaner_field(doc)
        return fields

    def document_name(self, item: InputFile, record: Record) -> str:
        """The record's name in the dedup index (`dedup_records.record_name`)."""
        return record_name(item.name, record, self.id_field)

    def _cleaned_lines(self, item: InputFile, rejects: object, outcome: RecordFileOutcome) -> Iterator[bytes]:
        for fields in self._cleaned(item, rejects, outcome):
            yield dumps(fields)

    def _to_parquet(self, item: InputFile, target: Path, rejects: object, outcome: RecordFileOutcome) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        with AtomicOutput(target) as output:
            writer = None
            batch: list[dict] = []
            for fields in self._cleaned(item, rejects, outcome):
                # A JSON string keeps the column's type the same in every row group.
                fields["cleaner"] = orjson.dumps(fields["cleaner"]).decode("utf-8")
                batch.append(fields)
                if len(batch) >= PARQUET_BATCH_ROWS:
                    writer = _write_rows(pa, pq, output, writer, batch)
                    batch = []
            if batch or writer is None:
                writer = _write_rows(pa, pq, output, writer, batch)
            writer.close()


class DedupRecordCleaner(RecordCleaner):
    """`cleaner dedup` of record files (`dedup_records`): windows of records read and made ready by `prepare` (in this
    process or on workers, which also write the line of a record that loses nothing), looked up in input order here;
    a Document only for a record that loses a line."""

    def __init__(self, windows: DedupWindows, prepare: Callable[[Iterable[tuple]], Iterator[tuple[list, list]]], text_field: str,
                 id_field: str, max_bytes: int, on_record: Callable[[int], None] | None = None) -> None:
        super().__init__(serial_runner(Pipeline([])), text_field, id_field, max_bytes, on_record)
        self.windows, self.prepare = windows, prepare

    def _results(self, item: InputFile, render: bool) -> Iterator[tuple]:
        """(what was read, the dedup verdict, `prepare_records`'s extra) for each record of the file, in order."""
        in_flight: deque[list] = deque()
        if is_parquet(item.path.name):
            source = read_records(item.path, self.text_field, self.max_bytes)
        else:
            source = raw_jsonl(item.path, self.max_bytes)

        def work() -> Iterator[tuple]:
            for window in record_windows(source, DEDUP_WINDOW, DEDUP_WINDOW_BYTES):
                in_flight.append(window)
                yield str(item.path), item.name, self.text_field, self.id_field, render, window

        for prepared, extras in giving_back_free_pages(self.prepare(work()), every=DEDUP_WINDOWS_BETWEEN):
            yield from zip(in_flight.popleft(), self.windows.run(prepared), extras, strict=True)

    def _cleaned_lines(self, item: InputFile, rejects: object, outcome: RecordFileOutcome) -> Iterator[bytes]:
        for read, result, extra in self._results(item, render=True):
            if isinstance(result, PreparedRecord) and extra is not None:
                self._count_as_read(outcome, extra, len(result.lines))
                yield extra[2]
                continue
            fields = self._written(*self._as_document(item, read, result), rejects, outcome)
            if fields is not None:
                yield dumps(fields)

    def _cleaned(self, item: InputFile, rejects: object, outcome: RecordFileOutcome) -> Iterator[dict]:
        for read, result, extra in self._results(item, render=False):
            if isinstance(result, PreparedRecord) and extra is not None:
                self._count_as_read(outcome, extra, len(result.lines))
                fields = dict(read.fields)
                fields[self.text_field] = result.cleaned_text()
                fields["cleaner"] = {"language": "", "removed": {}}  # `cleaner_field` of a document that lost nothing
                yield fields
                continue
            fields = self._written(*self._as_document(item, read, result), rejects, outcome)
            if fields is not None:
                yield fields

    def _count_as_read(self, outcome: RecordFileOutcome, extra: tuple, lines: int) -> None:
        """Count a record written as read (what `Stats.add_document` counts of a document that lost nothing)."""
        size_in, size_out, _ = extra
        self.on_record(size_in)
        stats = outcome.stats
        stats.documents += 1
        stats.bytes_in += size_in
        stats.bytes_out += size_out
        stats.blocks_in += lines

    def _as_document(self, item: InputFile, read: tuple | Record, result: object) -> tuple[Record, object]:
        """The record (parsed again from its line) and its Document (a record left with nothing becomes one here)."""
        record = read if isinstance(read, Record) else parse_line(read[1], str(item.path), read[0], self.text_field)
        if isinstance(result, PreparedRecord):
            result = result.document(result.record.name, {})
        return record, result


def record_windows(items: Iterable[tuple[int, bytes] | Record], count: int, size: int) -> Iterator[list]:
    """Consecutive runs of `count` items read lazily, a run cut short once its lines (or texts) reach `size` bytes.

    >>> [len(w) for w in record_windows([(1, b"ab"), (2, b"c"), (3, b"defg"), (4, b"h")], 3, 3)]
    [2, 1, 1]
    """
    window: list = []
    held = 0
    for item in items:
        window.append(item)
        held += len(item[1]) if isinstance(item, tuple) else sum(len(value) for value in item.fields.values() if isinstance(value, str))
        if len(window) >= count or held >= size:
            yield window
            window, held = [], 0
    if window:
        yield window


def _write_rows(pa: object, pq: object, output: object, writer: object, rows: list[dict]) -> object:
    table = pa.Table.from_pylist(rows, schema=writer.schema if writer is not None else None)
    if writer is None:
        writer = pq.ParquetWriter(output, table.schema)
    writer.write_table(table)
    return writer


def rejection(doc: Document) -> str:
    """Why a record is not written: nothing left, too little left, or its language.

    >>> from cleaner.document import Block, Reason
    >>> why = Reason("document", "languages", "document", "language fr, not in languages en")
    >>> rejection(Document("", rejected=why, blocks=[Block("Bonjour", 1, 0, 0, False, why)]))
    'dropped whole: language fr, not in languages en (document 1)'
    """
    if doc.rejected is None or doc.rejected.detail.startswith("nothing left"):
        return "nothing left after cleaning: " + drop_summary(doc)
    return f"dropped whole: {doc.rejected.detail} ({drop_summary(doc)})"


def clean_records(cleaner: Cleaner, files: list[InputFile], out_dir: Path, *, jobs: int = 1, engine: str = "local",
                  ray_address: str | None = None, max_bytes: int, progress: bool = False) -> Iterator[RecordFileOutcome]:
    """Clean record files in order into `out_dir`, on the chosen engine (`engines.open_engine`).

    One pipeline spans the files, so dedup keeps the first copy across them; the lines that recur
    across their records are learned first, as for plain files.
    """
    config = cleaner.config
    with ExitStack() as stack:
        # `cleaner dedup` (its stages change no line before dedup): records need no Document each (`dedup_records`).
        # Its pipeline is built only then: a run's first pipeline is the one that holds the run's dedup stage.
        dedup_path = dedup_only(cleaner.pipeline()) if engine == "local" and tuple(config.stages) == DEDUP_STAGES else None
        if dedup_path is None:
            chosen = stack.enter_context(open_engine(cleaner, engine=engine, jobs=jobs, ray_address=ray_address))
            templates = None
            if "templates" in config.stages:
                templates = chosen.learn_templates(record_texts(files, config.text_field, max_bytes))
            runner = stack.enter_context(chosen.documents(templates))
        elif jobs > 1:
            prepare = stack.enter_context(PreparingPool(cleaner, jobs))
        else:
            prepare = partial(starmap, partial(prepare_records, dedup_path[0]))
        bar = stack.enter_context(tqdm(desc="cleaning records", unit="B", unit_scale=True, unit_divisor=1000, file=sys.stderr,
                                       disable=not progress, dynamic_ncols=True, postfix={"documents": 0}))
        count = [0]

        def advance(size: int) -> None:
            count[0] += 1
            bar.update(size)
            if count[0] % 64 == 0:
                bar.set_postfix(documents=count[0], refresh=False)

        if dedup_path is None:
            records = RecordCleaner(runner, config.text_field, config.id_field, max_bytes, on_record=advance if progress else None)
        else:
            records = DedupRecordCleaner(DedupWindows(*dedup_path), prepare, config.text_field, config.id_field, max_bytes,
                                         on_record=advance if progress else None)
        dedup = cleaner.dedup() if hasattr(cleaner, "dedup") else None  # a CLI run's one dedup stage
        if dedup is not None:
            # Saved once a file is done (a file is redone whole when resumed); plain files after them save as they go.
            dedup.defer_saves = True
            stack.callback(setattr, dedup, "defer_saves", False)
        for item in files:
            outcome = records.clean_file(item, out_dir)
            if dedup is not None:
                dedup.flush()
            yield outcome
