"""What every engine does with one unit of work: a file read and cleaned, a batch of records, a window of results.

An engine (`engines.base.Engine`) decides where these run: `clean_file` and
`documents_in_worker` in whichever process holds a pipeline of the document
stages (a worker, an actor, or this process); `prefetched` and `finish` in the
one process that runs the corpus stages, over the results in input order.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from functools import partial
from itertools import islice
from typing import TypeVar

import numpy as np
from tqdm import tqdm

from ..api import Cleaner
from ..config import Config
from ..decoding import decode_html, read_bytes, read_text_and_codec
from ..dedup_store import StoreError
from ..document import Document
from ..html import MarkupLimit, page_text
from ..io import InputError, InputFile, is_regular
from ..pipeline import Failed, Pipeline, run_or_fail
from ..rules import RuleTimeout
from ..stages.templates import short_line_keys
from .heap import FreePagesCounter, giving_back_free_pages

__all__ = ["Failed"]

BATCH_FILES = 4  # files per task: enough to hide the cost of a round trip, few enough to balance the load
RECORD_BATCH = 64  # records per task: JSONL records are small pages, so a batch is a few hundred kilobytes
BATCHES_AHEAD = 4  # batches in flight per worker: keeps every worker busy, bounds what waits in memory
CORPUS_WINDOW = 64  # documents the corpus stages look up at once (see `Pipeline.prefetch`)
PARENT_DOCUMENTS_BETWEEN = 512  # documents the corpus process cleans between hand-backs of its free heap pages

_T = TypeVar("_T")

# Runs documents through the pipeline and gives them back in order (None, a record that could not be read, passes;
# a record the stages failed on comes back as Failed).
Runner = Callable[[Iterable["Document | None"]], Iterator["Document | Failed | None"]]


class WorkerDied(RuntimeError):
    """A worker process or actor died (killed, or out of memory); the message says what to do."""


@dataclass(slots=True)
class FileOutcome:
    """A file after the pipeline: its document, or the one-line error that stopped it."""

    input: InputFile
    doc: Document | None
    error: str | None
    bytes_in: int = 0


def read_document(item: InputFile) -> Document:
    """The file as a document: text decoded as text, a page decoded with its charset and left for the html stage.

    A text file read in another codec than UTF-8 names it in the metadata's `encoding` (for report.json).
    """
    if item.is_html:
        return Document(decode_html(read_bytes(item.path), str(item.path)), item.name, format="html")
    text, codec = read_text_and_codec(item.path)
    return Document(text, item.name, metadata={} if codec == "utf-8" else {"encoding": codec})


def text_for_templates(item: InputFile) -> str | None:
    """A file's text as the templates pass counts it; None for a file it cannot read, or can read only once (a pipe:
    its one reading is the cleaning pass's)."""
    if not is_regular(item.path):
        return None
    try:
        document = read_document(item)
        # A page's lines as the text stages will see them: templates are lines that recur across documents.
        return page_text(document.text) if document.format == "html" else document.text
    except (InputError, MarkupLimit):
        return None  # reported by the second pass
    except Exception:  # noqa: BLE001 - a page the parser chokes on is reported by the second pass
        return None


def template_keys(items: list[InputFile]) -> list[np.ndarray | None]:
    """The templates pass over a batch of files: each readable file's short-line keys."""
    texts = (text_for_templates(item) for item in items)
    return [None if text is None else short_line_keys(text) for text in texts]


def keys_of_texts(texts: list[str]) -> list[np.ndarray]:
    """The templates pass over a batch of record texts."""
    return [short_line_keys(text) for text in texts]


def clean_file(pipeline: Pipeline, item: InputFile) -> FileOutcome:
    """Read one file and run the per-document stages on it; any failure becomes the outcome's error."""
    try:
        doc = read_document(item)
    except InputError as exc:
        return FileOutcome(item, None, str(exc))
    size = len(doc.text.encode("utf-8"))  # before the html stage replaces a page by its lines
    try:
        doc = pipeline.run_document(doc)
    except RecursionError:
        return FileOutcome(item, None, f"{item.path}: too deeply nested to clean")
    except MarkupLimit as exc:
        return FileOutcome(item, None, f"{item.path}: page not parsed: {exc}")
    except RuleTimeout as exc:
        return FileOutcome(item, None, f"{item.path}: {exc}")
    except Exception as exc:  # noqa: BLE001 - one bad file must not stop the run
        return FileOutcome(item, None, f"{item.path}: internal error while cleaning: {type(exc).__name__}: {exc}")
    return FileOutcome(item, doc, None, size)


def documents_in_worker(pipeline: Pipeline, docs: list[Document | None]) -> list[Document | Failed | None]:
    """A batch of records' documents through the per-document stages, as a worker sends them back: folded,
    since the process that writes records needs their counts, never their dropped lines (a fraction to unpickle)."""
    run = partial(pipeline.run_document, fold=True)
    return signed(pipeline, [None if doc is None else run_or_fail(run, doc) for doc in docs])


def signed(pipeline: Pipeline, docs: list[Document | Failed | None]) -> list[Document | Failed | None]:
    """The documents, with what the corpus stages prepare for a batch at once (dedup: its signatures)."""
    for stage in pipeline.corpus:
        stage.prepare_batch(docs)
    return docs


def serial_runner(pipeline: Pipeline) -> Runner:
    """A `Runner` in this process: a window of documents through the per-document stages, then through the
    corpus stages in order, which look the whole window up at once (as a pool's parent does)."""

    def run(docs: Iterable[Document | None]) -> Iterator[Document | Failed | None]:
        for window in batches(docs, CORPUS_WINDOW):
            done = signed(pipeline, [None if doc is None else run_or_fail(pipeline.run_document, doc) for doc in window])
            for doc in prefetched(pipeline, done):
                yield run_or_fail(pipeline.run_corpus, doc) if isinstance(doc, Document) else doc

    return lambda docs: giving_back_free_pages(run(docs))


def per_document_config(config: Config) -> Config:
    """The configuration a worker runs: all stages, but dedup with an index of its own that stays empty.

    A worker only prepares dedup's signatures (`run_document`); the corpus process matches them against
    the one real index, in input order. So the worker never opens the persisted index.
    """
    return replace(config, dedup_index="memory")


def corpus_stages(cleaner: Cleaner) -> list:
    """What the corpus process runs: the corpus stages, and the contextual ones that settle a document after them."""
    pipeline = cleaner.pipeline()
    return [s for s in pipeline.stages if s in pipeline.corpus or s in pipeline.contextual]


def batches(items: Iterable[_T], size: int) -> Iterator[list[_T]]:
    """Consecutive runs of `size` items, read lazily.

    >>> list(batches(iter([1, 2, 3, 4, 5]), 2))
    [[1, 2], [3, 4], [5]]
    """
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def prefetched(corpus: Pipeline, items: Iterable[_T], doc_of: Callable[[_T], object] | None = None) -> Iterator[_T]:
    """The items in order; before each window of them is yielded, the corpus stages look up its documents at once.

    `doc_of` finds an item's document (by default the items are the documents, or None for a failed one).
    """
    # The corpus process's heap swings less than a worker's; handing it back rarely frees its time for the
    # corpus stages (1.80x on 2 workers where every window gave 1.77x), for a peak a few MB higher.
    parent_heap = FreePagesCounter(PARENT_DOCUMENTS_BETWEEN)
    for window in batches(items, CORPUS_WINDOW):
        docs = window if doc_of is None else map(doc_of, window)
        corpus.prefetch([doc for doc in docs if isinstance(doc, Document)])
        try:
            yield from window
        finally:  # the caller stopped midway (an output it could not write): what was looked up ahead was never cleaned
            corpus.forget_prefetched()
        parent_heap.add(len(window))


def finish(corpus: Pipeline, outcome: FileOutcome) -> FileOutcome:
    """Run the corpus stages on a file a worker cleaned; a failure is the file's, not the run's."""
    if outcome.doc is None:
        return outcome
    try:
        corpus.run_corpus(outcome.doc)
    except StoreError:
        raise  # the index is gone: every later file would fail the same way; the CLI stops in one line
    except Exception as exc:  # noqa: BLE001 - one bad file must not stop the run
        return FileOutcome(outcome.input, None, f"{outcome.input.path}: internal error in dedup: {type(exc).__name__}: {exc}")
    return outcome


def doc_of(outcome: FileOutcome) -> Document | None:
    return outcome.doc


def total_size(files: list[InputFile]) -> int:
    """The files' sizes in bytes; a file that cannot be read counts 0 (it is reported when read)."""
    total = 0
    for item in files:
        try:
            total += item.path.stat().st_size
        except OSError:
            continue
    return total


def progress_bar(files: list[InputFile], enabled: bool, desc: str = "cleaning") -> tqdm:
    """A bar on stderr counting input bytes (so it shows MB/s) and, beside it, documents."""
    return tqdm(total=total_size(files), desc=desc, unit="B", unit_scale=True, unit_divisor=1000, file=sys.stderr,
                disable=not enabled or not files, dynamic_ncols=True, postfix={"documents": 0})


def advance(bar: tqdm, item: InputFile) -> None:
    """Count one finished file on the bar."""
    if bar.disable:
        return
    bar.update(total_size([item]))
    bar.set_postfix(documents=int(bar.postfix.split("=")[1]) + 1 if bar.postfix else 1, refresh=False)
