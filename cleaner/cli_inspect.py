"""What `cleaner check` and `cleaner explain` look at: every document of the inputs through one run's pipelines,
plain files one document each and record files (JSONL, Parquet) record by record, with where each came from.

Nothing is written: the same documents as `cleaner clean` sees, in the same order (record files first, then the
others, as `clean` takes them), so `check` reports exactly what `clean` would remove.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

from .document import Block, Document
from .engines import clean_files
from .engines.records import read_records, record_texts
from .io import InputError, InputFile, printable
from .pipeline import Failed, run_or_fail

TEXT_SHOWN = 160  # characters of a line `check` prints: enough to recognise it, one terminal line or two


@dataclass(slots=True)
class Inspected:
    """One document with where it came from (`FILE` or `FILE:RECORD_LINE`), or the error that stopped it."""

    where: str
    doc: Document | None
    error: str | None = None


def inspected(cleaner: object, inputs: list[InputFile], max_bytes: int) -> Iterator[Inspected]:
    """Every document of `inputs` through `cleaner`'s pipelines, in the order `cleaner clean` takes them."""
    records = [item for item in inputs if item.is_records]
    plain = [item for item in inputs if not item.is_records]
    if records:
        yield from _records(cleaner, records, max_bytes)
    for outcome in clean_files(cleaner, plain):
        where = printable(str(outcome.input.path))
        yield Inspected(where, outcome.doc, outcome.error and printable(outcome.error))


def _records(cleaner: object, files: list[InputFile], max_bytes: int) -> Iterator[Inspected]:
    config = cleaner.config
    templates = None
    if "templates" in config.stages:
        templates = cleaner.learn_templates(record_texts(files, config.text_field, max_bytes))
    pipeline = cleaner.pipeline(templates)
    for item in files:
        path = printable(str(item.path))
        try:
            for record in read_records(item.path, config.text_field, max_bytes):
                where = f"{path}:{record.line}"
                if record.error is not None:
                    yield Inspected(where, None, printable(record.error))
                    continue
                # Named as `clean` names it (engines.records), so dedup's "first copy" details agree.
                record_id = record.fields.get(config.id_field)
                doc = Document(record.fields[config.text_field], f"{item.name}:{record.line if record_id is None else record_id}")
                done = run_or_fail(pipeline.run, doc)
                if isinstance(done, Failed):
                    yield Inspected(where, None, f"{where}: {done.reason}")
                else:
                    yield Inspected(where, done)
        except InputError as exc:
            yield Inspected(path, None, printable(str(exc)))


def shown(text: str) -> str:
    """A line as `check` prints it: at most TEXT_SHOWN characters, control characters escaped.

    >>> shown("Sign up for our newsletter"), len(shown("word " * 100))
    ('Sign up for our newsletter', 161)
    """
    text = printable(text)
    return text if len(text) <= TEXT_SHOWN else text[:TEXT_SHOWN] + "…"


def check_lines(item: Inspected) -> list[str]:
    """What `check` prints for one document: `WHERE:LINE: RULE [CATEGORY]  TEXT` per line dropped, and one
    line for a document that would be dropped whole (its remaining lines are not boilerplate, only too few)."""
    doc = item.doc
    lines = []
    for block in doc.dropped_blocks():
        reason = block.dropped
        if reason.stage == "document":
            continue
        copy = f" (copy of {reason.detail})" if reason.detail else ""
        lines.append(f"{item.where}:{block.line}: {reason.rule} [{reason.category}]{copy}  {shown(block.text)}")
    if doc.rejected is not None:
        lines.append(f"{item.where}: dropped whole: {doc.rejected.rule}: {doc.rejected.detail}")
    return lines


@dataclass
class CheckSummary:
    """The tally `check` ends with, on stderr."""

    documents: int = 0
    with_findings: int = 0
    lines: int = 0
    failed: int = 0
    by_category: Counter = field(default_factory=Counter)
    dropped_whole: Counter = field(default_factory=Counter)

    def add(self, doc: Document, dropped: list[Block]) -> None:
        self.documents += 1
        found = [block for block in dropped if block.dropped.stage != "document"]
        self.lines += len(found)
        self.by_category.update(block.dropped.category for block in found)
        if doc.rejected is not None:
            self.dropped_whole[doc.rejected.rule] += 1
        self.with_findings += bool(found) or doc.rejected is not None

    @property
    def clean(self) -> bool:
        return not (self.lines or self.failed or self.dropped_whole)

    def line(self) -> str:
        """One line of totals.

        >>> summary = CheckSummary(documents=3, with_findings=1, lines=2, by_category=Counter(newsletter=2))
        >>> summary.line()
        'check: 2 line(s) to remove in 1 of 3 document(s) (newsletter 2)'
        """
        ranked = sorted(self.by_category.items(), key=lambda item: (-item[1], item[0]))
        parts = [f"check: {self.lines} line(s) to remove in {self.with_findings} of {self.documents} document(s)"
                 + (f" ({', '.join(f'{name} {n}' for name, n in ranked)})" if ranked else "")]
        if self.dropped_whole:
            whole = ", ".join(f"{n} {rule}" for rule, n in sorted(self.dropped_whole.items()))
            parts.append(f"{sum(self.dropped_whole.values())} to drop whole ({whole})")
        if self.failed:
            parts.append(f"{self.failed} failed")
        return "; ".join(parts)
