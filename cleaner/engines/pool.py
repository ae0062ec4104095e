"""Many processes on one machine: workers run the per-document stages, this process the corpus-wide ones.

Reading, HTML parsing and every stage that needs only its own document run in
a pool of worker processes; the results come back in input order, and the
stages that keep state across documents (dedup) run here, one document at a
time, in that order. So the output is byte-identical whatever the number of
workers: the keep-the-earliest rule decides, never timing. At most a few
batches per worker are in flight, so memory stays bounded whatever the corpus.
"""

from __future__ import annotations

import multiprocessing
import signal
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Self, TypeVar

from ..api import Cleaner
from ..config import Config
from ..dedup_records import packed, prepare_records, unpacked
from ..document import Document
from ..io import InputFile
from ..pipeline import Pipeline
from ..stages.dedup import Dedup
from ..stages.templates import TemplateLearner, TemplateTable
from .heap import FreePagesCounter, return_large_frees, shared_with_forks
from .units import (
    BATCH_FILES,
    BATCHES_AHEAD,
    RECORD_BATCH,
    Failed,
    FileOutcome,
    WorkerDied,
    advance,
    batches,
    clean_file,
    corpus_stages,
    doc_of,
    documents_in_worker,
    finish,
    keys_of_texts,
    per_document_config,
    prefetched,
    progress_bar,
    template_keys,
)

_T = TypeVar("_T")
_R = TypeVar("_R")


# One pipeline per worker process, built once by `_start_worker`; never shared between processes.
_worker: dict[str, Pipeline] = {}
_worker_heap = FreePagesCounter()  # this worker hands its free heap pages back every 64 documents it cleans


def ignore_interrupt() -> None:
    """In a worker: leave Ctrl-C to the parent, which stops the run in one line (the terminal sends it to every
    process of the group; a worker would print a traceback of its own)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


@contextmanager
def interrupts_held() -> Iterator[None]:
    """Hold Ctrl-C for the length of the block, and raise it at its end.

    Forking runs Python's at-fork callbacks (the logging module's locks among them); an interrupt raised inside
    one is printed as "Exception ignored" and lost, and the run goes on as if nothing was pressed. So while this
    process forks its workers a Ctrl-C is only noted. Only the main thread can set a handler; elsewhere nothing is held.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    held: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: held.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if held:
        raise KeyboardInterrupt


def forked_now(executor: ProcessPoolExecutor) -> ProcessPoolExecutor:
    """The executor with its workers started, Ctrl-C held meanwhile (a forking executor starts them all on its first task)."""
    with interrupts_held():
        executor.submit(int).result()
    return executor


def _start_worker(config: Config, templates: TemplateTable | None, inherited: Pipeline | None = None) -> None:
    ignore_interrupt()
    return_large_frees()  # inherited from a forking parent that set it, but not by a spawned worker
    _worker["pipeline"] = inherited if inherited is not None else Cleaner(config).pipeline(templates)


def worker_args(cleaner: Cleaner, templates: TemplateTable | None) -> tuple:
    """`_start_worker`'s arguments; where workers are forked, with a pipeline built and warmed here.

    A forked worker shares that pipeline's pages with this process until it writes to them: the
    language model (about 70 MB of arrays) and the compiled rules are held once, not once per
    worker, and a worker starts at once instead of spending seconds building its own. Spawned
    workers (another start method) cannot inherit it and build their own.
    """
    config = per_document_config(cleaner.config)
    if multiprocessing.get_start_method() != "fork":
        return config, templates
    for_workers = cleaner.with_config(config)
    load_language_model(for_workers)
    return config, templates, for_workers.pipeline(templates)


@contextmanager
def cleaning_workers(cleaner: Cleaner, templates: TemplateTable | None, jobs: int) -> Iterator[ProcessPoolExecutor]:
    """`jobs` worker processes that run the per-document stages (`_start_worker`), for the length of the block;
    the garbage collector leaves alone what this process holds when they are forked (`heap.shared_with_forks`)."""
    initargs = worker_args(cleaner, templates)
    with shared_with_forks():
        executor = ProcessPoolExecutor(jobs, initializer=_start_worker, initargs=initargs)
        try:
            yield forked_now(executor)
        finally:
            executor.shutdown(cancel_futures=True)


def load_language_model(cleaner: Cleaner) -> None:
    """Load the language model now (it loads on first use, in about a second)."""
    if cleaner.detector is not None:
        cleaner.detector.detect("A few words, so that the model is loaded before the workers are forked.")


@contextmanager
def first_pass_workers(jobs: int, while_waiting: Callable[[], None] | None) -> Iterator[ProcessPoolExecutor]:
    """`jobs` worker processes for the templates pass; `while_waiting` runs meanwhile on a thread of this process.

    For a task that leaves the CPU free while the workers work (decompressing the language model does).
    The thread starts once the workers exist, since a thread must never be running when this process
    forks, and the block waits for it at its end. Its error is dropped: whoever needs the task's result
    does it again, on its own thread, and fails there.
    """
    with ProcessPoolExecutor(jobs, initializer=ignore_interrupt) as executor:
        forked_now(executor)
        if while_waiting is None:
            yield executor
            return

        def quietly() -> None:
            try:
                while_waiting()
            except Exception:  # noqa: BLE001, S110 - redone and reported by whoever needs it
                pass

        thread = threading.Thread(target=quietly, name="cleaner-meanwhile", daemon=True)
        thread.start()
        try:
            yield executor
        finally:
            thread.join()


def _clean_batch(items: list[InputFile]) -> list[FileOutcome]:
    outcomes = [clean_file(_worker["pipeline"], item) for item in items]
    _worker_heap.add(len(items))
    return outcomes


def _documents_batch(docs: list[Document | None]) -> list[Document | Failed | None]:
    results = documents_in_worker(_worker["pipeline"], docs)
    _worker_heap.add(len(docs))
    return results


def _prepare_batch(work: tuple) -> list[tuple]:
    """A window of a record file's records read and made ready for `cleaner dedup`'s index
    (`dedup_records.prepare_records`, its arguments after the stage), packed, as one item."""
    stage = next(s for s in _worker["pipeline"].stages if isinstance(s, Dedup))
    prepared, extras = prepare_records(stage, *work)
    _worker_heap.add(len(prepared))
    return [(packed(prepared), extras)]


def _unpacked(result: tuple) -> tuple[list, list]:
    return unpacked(result[0]), result[1]


def in_order(executor: ProcessPoolExecutor, function: Callable[[list[_T]], list[_R]], work: Iterable[list[_T]],
             ahead: int) -> Iterator[_R]:
    """Results of `function` over batches, in input order, with at most `ahead` batches submitted and unread."""
    pending: deque[Future] = deque()
    try:
        for batch in work:
            pending.append(executor.submit(function, batch))
            if len(pending) >= ahead:
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()
    except BrokenProcessPool:
        raise WorkerDied("a worker process died (killed or out of memory); outputs written so far are complete, "
                         "rerun the same command to finish") from None


def clean_files_in_pool(cleaner: Cleaner, files: list[InputFile], *, progress: bool, jobs: int,
                        done: frozenset[str] = frozenset()) -> Iterator[FileOutcome]:
    """`clean_files` on `jobs` processes: the same outcomes, in the same order."""
    config = per_document_config(cleaner.config)
    ahead = BATCHES_AHEAD * jobs
    templates = None
    if "templates" in config.stages:
        learner = TemplateLearner(config.dedup_spill_dir)
        with first_pass_workers(jobs, partial(load_language_model, cleaner)) as executor:
            for keys in in_order(executor, template_keys, batches(files, BATCH_FILES), ahead):
                if keys is not None:
                    learner.add_keys(keys)
        templates = learner.table()
    corpus = Pipeline(corpus_stages(cleaner))
    todo = [item for item in files if item.name not in done]
    bar = progress_bar(todo, progress)
    with bar, cleaning_workers(cleaner, templates, jobs) as executor:
        for outcome in prefetched(corpus, in_order(executor, _clean_batch, batches(todo, BATCH_FILES), ahead), doc_of):
            outcome = finish(corpus, outcome)
            advance(bar, outcome.input)
            yield outcome


def learn_templates_in_pool(texts: Iterable[str], jobs: int, work_dir: Path | None = None,
                            while_waiting: Callable[[], None] | None = None) -> TemplateTable:
    """`Cleaner.learn_templates` on `jobs` processes: the same table (counts do not depend on order).

    `while_waiting` runs on a thread of this process meanwhile (see `first_pass_workers`).
    """
    learner = TemplateLearner(work_dir)
    with first_pass_workers(jobs, while_waiting) as executor:
        for keys in in_order(executor, keys_of_texts, batches(texts, RECORD_BATCH), BATCHES_AHEAD * jobs):
            learner.add_keys(keys)
    return learner.table()



class WorkerPool:
    """`jobs` cleaning worker processes (`cleaning_workers`) that live as long as the `with` block using it."""

    def __init__(self, cleaner: Cleaner, jobs: int, templates: TemplateTable | None) -> None:
        self.jobs = jobs
        self.executor: ProcessPoolExecutor | None = None
        self._workers = cleaning_workers(cleaner, templates, jobs)

    def __enter__(self) -> Self:
        self.executor = self._workers.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self._workers.__exit__(*exc)


class RecordPool(WorkerPool):
    """A `units.Runner` on `jobs` worker processes; the corpus stages run here, in input order.

    Use it as a context manager: the workers live as long as the `with` block.
    """

    def __init__(self, cleaner: Cleaner, jobs: int, templates: TemplateTable | None) -> None:
        super().__init__(cleaner, jobs, templates)
        self.corpus = Pipeline(corpus_stages(cleaner))

    def __call__(self, docs: Iterable[Document | None]) -> Iterator[Document | None]:
        assert self.executor is not None, "use RecordPool as a context manager"
        results = in_order(self.executor, _documents_batch, batches(docs, RECORD_BATCH), BATCHES_AHEAD * self.jobs)
        for doc in prefetched(self.corpus, results):
            yield self.corpus.run_corpus(doc) if isinstance(doc, Document) else doc


class PreparingPool(WorkerPool):
    """`cleaner dedup`'s record windows read and made ready on `jobs` worker processes (`_prepare_batch`), given back in order.

    Use it as a context manager: the workers live as long as the `with` block.
    """

    def __init__(self, cleaner: Cleaner, jobs: int) -> None:
        super().__init__(cleaner, jobs, None)

    def __call__(self, work: Iterable[tuple]) -> Iterator[tuple[list, list]]:
        """`dedup_records.prepare_records` of each window (its arguments after the stage), in order."""
        assert self.executor is not None, "use PreparingPool as a context manager"
        return map(_unpacked, in_order(self.executor, _prepare_batch, work, BATCHES_AHEAD * self.jobs))
