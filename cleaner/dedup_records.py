"""`cleaner dedup` of record files without a Document per record: the records' lines as plain lists, the dedup
stage's index looked up for a window of records at once, a Document made only for a record that loses a line.

What `cleaner dedup` runs before dedup (normalize, segment, and the whole-document test, which passes a document
that lost nothing) changes no line's fate, so a record's part is a pure function of its text (`prepare_texts`):
its lines, which of them the exact pass compares, its paragraphs the near pass compares, and its index record.
Any process may make it (a worker reads and signs, the parent only looks up and writes). `DedupWindows` then does
in input order what `Dedup.prefetch` and `Dedup.process` do for documents, with the same index calls in the same
order, so the kept lines, the drops and the report are the same bytes.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from .dedup_batch import line_keys, paragraph_features, window_answers
from .dedup_index import FileRecord, StoreError
from .dedup_kernels import record_units
from .document import Block, Document, Reason
from .formats import Record, dumps, parse_line
from .pipeline import Failed, Pipeline
from .stages.dedup import BANDS, NUM_PERM, ROWS, Dedup
from .stages.html import ContentEvidence, MarkupEvidence, ReadHtml
from .stages.normalize import Normalize, normalize_text
from .stages.segment import Segment
from .stages.whole import KeepWhole, KeepWholeAfterDedup


@dataclass(slots=True)
class PreparedRecord:
    """One record's text as `cleaner dedup` sees it: its lines (the segment stage's blocks) and its index record.

    `exact`: the lines the exact pass compares (indices into `lines`); `groups`: the paragraphs the near pass
    compares (lists of indices).
    """

    lines: list[str]
    numbers: list[int]
    paragraphs: list[int]
    blank_before: list[bool]
    exact: list[int]
    groups: list[list[int]]
    record: FileRecord

    def cleaned_text(self) -> str:
        """The text written when no line is dropped: `Document.cleaned_text` of all the blocks.

        >>> PreparedRecord(["a", "b", "c"], [1, 2, 4], [0, 0, 1], [False, False, True], [], [], FileRecord("x")).cleaned_text()
        'a\\nb\\n\\nc\\n'
        """
        if not self.lines:
            return ""
        if not any(self.blank_before):
            return "\n".join(self.lines) + "\n"
        # The first line never has a blank line before it (`segment_text`): only its "\n" goes.
        return "".join([("\n\n" if blank else "\n") + line for line, blank in zip(self.lines, self.blank_before, strict=True)])[1:] + "\n"

    def document(self, name: str, reasons: dict[int, Reason]) -> Document:
        """The record as the pipeline's document, its lines dropped for `reasons` (by line index)."""
        blocks = [Block(line, number, 0, paragraph, blank, reasons.get(i))
                  for i, (line, number, paragraph, blank) in enumerate(zip(self.lines, self.numbers, self.paragraphs,
                                                                           self.blank_before, strict=True))]
        return Document("", name, blocks)


def dedup_only(pipeline: Pipeline) -> tuple[Dedup, list] | None:
    """The pipeline's dedup stage and the stages after it, when the pipeline is `cleaner dedup`'s (else None).

    That is: normalize, segment, dedup, and the whole-document tests around it, judging by word count alone
    (the html steps do nothing to a record's text, which is never a page).

    >>> from cleaner import Cleaner, Config
    >>> dedup_only(Cleaner(Config(stages=("normalize", "segment", "dedup"))).pipeline()) is not None
    True
    >>> dedup_only(Cleaner(Config(language_detector="none")).pipeline()) is None
    True
    """
    stages = [stage for stage in pipeline.stages if type(stage) not in (ReadHtml, MarkupEvidence, ContentEvidence)]
    kinds = [type(stage) for stage in stages]
    if kinds[:2] != [Normalize, Segment] or kinds.count(Dedup) != 1:
        return None
    at = kinds.index(Dedup)
    before, after = stages[2:at], stages[at + 1 :]
    if any(type(s) is not KeepWhole or s.languages for s in before) or any(type(s) is not KeepWholeAfterDedup for s in after):
        return None
    return stages[at], after


def prepare_texts(stage: Dedup, items: list[tuple[str, str] | None]) -> list[PreparedRecord | Failed | None]:
    """Each (name, text)'s `PreparedRecord` (None stays None; a text the stages fail on is Failed), signed in one pass.

    >>> [p.lines for p in prepare_texts(Dedup(), [("a:1", "One  two\\n\\nthree"), ("a:2", "")])]
    [['One two', 'three'], []]
    """
    out: list[PreparedRecord | Failed | None] = []
    for item in items:
        if item is None:
            out.append(None)
            continue
        try:
            out.append(_segmented(item[1]))
        except RecursionError:
            out.append(Failed("too deeply nested to clean"))
        except Exception as exc:  # noqa: BLE001 - as `pipeline.run_or_fail`: one bad record must not stop the others
            out.append(Failed(f"internal error while cleaning: {type(exc).__name__}: {exc}"))
    todo = [i for i, p in enumerate(out) if isinstance(p, tuple)]
    parts = [out[i] for i in todo]
    units, texts, exact_lines, exact_numbers, near_numbers = record_units(parts, stage.min_words, stage.near_min_words, stage.near)
    features = paragraph_features(texts, stage.shingle_size, NUM_PERM, BANDS, ROWS)
    keys = line_keys(exact_lines)
    exact_at = np.array(exact_numbers, dtype=np.uint32)  # one array for the window: each record's are views of it
    near_at = np.array(near_numbers, dtype=np.uint32)
    at = near = 0
    for i, (lines, numbers, paragraphs, blanks), (exact, groups), (bands, sizes, sketch) in zip(todo, parts, units, features, strict=True):
        end, near_end = at + len(exact), near + len(groups)
        record = FileRecord(items[i][0], exact_at[at:end], keys[at:end], near_at[near:near_end], bands, sizes, sketch)
        at, near = end, near_end
        out[i] = PreparedRecord(lines, numbers, paragraphs, blanks, exact, groups, record)
    return out


def _segmented(text: str) -> tuple[list[str], list[int], list[int], list[bool]]:
    """The normalised text's non-blank lines with their numbers, paragraphs and blank-line flags (`segment_text`)."""
    lines: list[str] = []
    numbers: list[int] = []
    paragraphs: list[int] = []
    blanks: list[bool] = []
    text = normalize_text(text)
    if "\n" not in text:  # one line (most short records)
        return ([text], [1], [0], [False]) if text.strip() else ([], [], [], [])
    paragraph, blank = 0, False
    for number, line in enumerate(text.split("\n"), start=1):
        if line.strip():
            gap = blank and bool(lines)
            paragraph += gap
            lines.append(line)
            numbers.append(number)
            paragraphs.append(paragraph)
            blanks.append(gap)
            blank = False
        else:
            blank = True
    return lines, numbers, paragraphs, blanks


def record_name(file_name: str, record: Record, id_field: str) -> str:
    """A record's name in the dedup index: by file as well, since shards often number their records alike.

    >>> record_name("a.jsonl", Record("a.jsonl", 3, {"id": 7}), "id"), record_name("a.jsonl", Record("a.jsonl", 3, {}), "id")
    ('a.jsonl:7', 'a.jsonl:3')
    """
    record_id = record.fields.get(id_field)
    return f"{file_name}:{record.line if record_id is None else record_id}"


def prepare_records(stage: Dedup, source: str, file_name: str, text_field: str, id_field: str, render: bool,
                    window: list[tuple[int, bytes] | Record]) -> tuple[list[PreparedRecord | Failed | None], list[tuple | None]]:
    """A window of a record file's records (a JSONL line and its number, or a Record read already) parsed and prepared
    (`prepare_texts`), with what writing each one costs if it loses no line: its text's size in bytes, its cleaned
    text's, and with `render` its output line (None for a record that is not written as read: unreadable, empty).

    >>> prepared, extras = prepare_records(Dedup(), "a.jsonl", "a.jsonl", "text", "id", True, [(1, b'{"id": 1, "text": " Hi  you"}')])
    >>> prepared[0].lines, extras[0][:2], extras[0][2].endswith(b'"cleaner":{"language":"","removed":{}}}\\n')
    (['Hi you'], (8, 7), True)
    """
    records = [item if isinstance(item, Record) else parse_line(item[1], source, item[0], text_field) for item in window]
    prepared = prepare_texts(stage, [None if r.error is not None else (record_name(file_name, r, id_field), r.fields[text_field])
                                     for r in records])
    extras: list[tuple | None] = []
    for record, result in zip(records, prepared, strict=True):
        cleaned = result.cleaned_text() if isinstance(result, PreparedRecord) else ""
        if not cleaned:
            extras.append(None)
            continue
        line = None
        if render:
            fields = dict(record.fields)
            fields[text_field] = cleaned
            fields["cleaner"] = {"language": "", "removed": {}}  # `cleaner_field` of a document that lost nothing
            line = dumps(fields)
        extras.append((len(record.fields[text_field].encode("utf-8")), len(cleaned.encode("utf-8")), line))
    return prepared, extras


def packed(window: list[PreparedRecord | Failed | None]) -> tuple:
    """A window of prepared records in few objects, for a worker to send (a record's seven arrays, unpickled one
    by one, cost the parent more than looking the record up): its index records' arrays laid end to end.

    >>> window = prepare_texts(Dedup(), [("a:1", "one two three four five six seven eight nine ten eleven twelve"), None])
    >>> back = unpacked(packed(window))
    >>> back[1] is None, back[0].lines == window[0].lines, bool((back[0].record.bands == window[0].record.bands).all())
    (True, True, True)
    >>> back[0].record.encoded == window[0].record.to_bytes() == FileRecord(**{**vars(back[0].record), "encoded": None}).to_bytes()
    True
    """
    records = [p.record for p in window if isinstance(p, PreparedRecord)]
    rows = [(p.record.name, p.lines, p.numbers, p.paragraphs, p.blank_before, p.exact, p.groups) if isinstance(p, PreparedRecord) else p
            for p in window]
    width = next((r.bands.shape[1] for r in records if r.bands.size), BANDS)

    def joined(name: str, dtype: type) -> np.ndarray:
        return np.concatenate([getattr(r, name) for r in records]) if records else np.zeros(0, dtype)

    bands = np.concatenate([r.bands.reshape(-1, width) for r in records]) if records else np.zeros((0, width), np.uint32)
    encoded = [r.to_bytes() for r in records]  # what the store saves, made here rather than in the parent
    return (rows, joined("exact_lines", np.uint32), joined("exact_keys", np.uint64), joined("near_lines", np.uint32), bands,
            joined("sketch_sizes", np.uint8), joined("sketches", np.uint32), b"".join(encoded), list(map(len, encoded)))


def unpacked(window: tuple) -> list[PreparedRecord | Failed | None]:
    """The window `packed` packed, each index record's arrays views of the window's."""
    rows, exact_lines, exact_keys, near_lines, bands, sketch_sizes, sketches, encoded, encoded_sizes = window
    out: list[PreparedRecord | Failed | None] = []
    sketch_ends = [0, *np.cumsum(sketch_sizes, dtype=np.int64).tolist()]  # where the sketches of paragraphs end
    sizes_of_encoded = iter(encoded_sizes)
    exact_at = near_at = sketch_at = encoded_at = 0
    for row in rows:
        if not isinstance(row, tuple):
            out.append(row)
            continue
        name, lines, numbers, paragraphs, blanks, exact, groups = row
        exact_end, near_end = exact_at + len(exact), near_at + len(groups)
        sizes = sketch_sizes[near_at:near_end]
        sketch_end = sketch_ends[near_end]
        encoded_end = encoded_at + next(sizes_of_encoded)
        record = FileRecord(name, exact_lines[exact_at:exact_end], exact_keys[exact_at:exact_end], near_lines[near_at:near_end],
                            bands[near_at:near_end], sizes, sketches[sketch_at:sketch_end], encoded[encoded_at:encoded_end])
        out.append(PreparedRecord(lines, numbers, paragraphs, blanks, exact, groups, record))
        exact_at, near_at, sketch_at, encoded_at = exact_end, near_end, sketch_end, encoded_end
    return out


class DedupWindows:
    """The dedup stage's part for prepared records, in input order: a window indexed and looked up at once.

    `run` takes (name, prepared record) pairs, and gives for each a `Document` (a record that lost a line,
    after the stages that follow dedup) or the `PreparedRecord` itself (nothing dropped: written as read).
    """

    def __init__(self, stage: Dedup, after: list) -> None:
        self.stage, self.after = stage, after
        self.places: dict[int, str] = {}  # where the copies the window's records repeat are (`DuplicateIndex.where`)

    def run(self, window: list[PreparedRecord | Failed | None]) -> Iterator[PreparedRecord | Document | Failed | None]:
        stage = self.stage
        records = [p for p in window if isinstance(p, PreparedRecord)]
        # As `Dedup.prefetch`: the window's first records up to one the index knows (or a name met twice) at once.
        names: set[str] = set()
        ahead: list[PreparedRecord] = []
        for prepared, known in zip(records, stage.index.known_all([p.record.name for p in records]), strict=True):
            if known or prepared.record.name in names:
                break
            names.add(prepared.record.name)
            ahead.append(prepared)
        pendings: dict[int, tuple] = {}
        if ahead:
            records = [p.record for p in ahead]
            ids = stage.index.add_all(records, new=True)
            exact, near = window_answers(stage.index, records, ids, stage.threshold)
            pendings = {id(p): (p.record.name, *i, e, n) for p, i, e, n in zip(ahead, ids, exact, near, strict=True)}
            # The copies they repeat, found for the whole window at once: their groups, and where they are.
            origins = sorted({origin for answers in (*exact, *near) for origin in answers.values()})
            stage.index.groups.look_up_ahead(origins)
            self.places = dict(zip(origins, stage.index.where_all(np.array(origins, dtype=np.int64)), strict=True))
        try:
            for prepared in window:
                if not isinstance(prepared, PreparedRecord):
                    yield prepared
                    continue
                pending = pendings.pop(id(prepared), None)
                try:
                    yield self._verdict(prepared, pending)
                except StoreError:
                    raise
                except Exception as exc:  # noqa: BLE001 - as `pipeline.run_or_fail`: one bad record must not stop the others
                    yield Failed(f"internal error while cleaning: {type(exc).__name__}: {exc}")
        finally:  # stopped midway (an output it could not write): what was indexed ahead was never written
            for name, *_ in pendings.values():
                stage.index.forget(name)

    def _verdict(self, prepared: PreparedRecord, pending: tuple | None) -> PreparedRecord | Document:
        """`Dedup.process` for one record: its drops remembered, its record saved, and the stages after dedup."""
        stage, record = self.stage, prepared.record
        if pending is None:
            exact_ids, near_ids = stage.index.add(record)
            exact_pairs = stage.index.exact.find(record.exact_keys)
            near_pairs = stage.index.find_near(record.bands) if len(near_ids) else None
            exact = stage.index.earliest(*stage.index.earlier(*exact_pairs, exact_ids))
            near = stage.near_matches(near_pairs, near_ids)
        else:  # indexed and looked up with its window: (name, exact ids, near ids, exact answers, near answers)
            _, exact_ids, near_ids, exact, near = pending
        if not exact and not near:
            stage._save(record)
            return prepared
        lines, groups = prepared.exact, prepared.groups
        drops = [([lines[i]], int(exact_ids[i]), origin, "exact_duplicate") for i, origin in exact.items()]
        exact_lines = {lines[i] for i in exact}
        drops += [(groups[i], int(near_ids[i]), origin, "near_duplicate") for i, origin in near.items()
                  if not all(line in exact_lines for line in groups[i])]
        details = stage.remember([entry for _, entry, _, _ in drops], [origin for _, _, origin, _ in drops],
                                 self.places if pending is not None else None)
        reasons: dict[int, Reason] = {}
        for (dropped, _, _, rule), detail in zip(drops, details, strict=True):
            for line in dropped:
                reasons.setdefault(line, Reason(stage.name, rule, "duplicate", detail=detail))
        stage._save(record)
        doc = prepared.document(record.name, reasons)
        for later in self.after:
            later.process(doc)
        return doc
