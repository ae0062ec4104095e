"""The Ray engine: the per-document stages on a Ray cluster's actors, dedup on the driver, in input order.

The same split as the local pool (`engines.pool`): actors hold one pipeline
each (rules compiled once) and run every stage that needs only its own
document; the driver runs the corpus-wide stage (dedup) on the results in
input order, so the output is byte-identical to the local engine. Stages never
know which engine runs them. Ray is an optional extra
(`pip install 'cleaner[ray]'`) and only this module imports it.

Files are read by the actors from their paths, so on a multi-node cluster the
inputs must sit on a filesystem every node sees; record files (JSONL, Parquet)
are read by the driver and their documents shipped to the actors.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from typing import Any

from ..api import Cleaner
from ..config import Config
from ..document import Document
from ..io import InputFile
from ..pipeline import Pipeline
from ..stages.templates import TemplateTable, short_line_keys
from .local import FileOutcome, advance, clean_file, progress_bar, text_for_templates
from .pool import BATCH_FILES, BATCHES_AHEAD, RECORD_BATCH, WorkerDied, batches, corpus_stages, finish, per_document_config, prefetched
from .records import Failed, run_or_fail


class RayUnavailable(RuntimeError):
    """Ray is not installed, or the cluster cannot be reached; the message says what to do."""


def connect(address: str | None, jobs: int | None) -> Any:  # noqa: ANN401 - the ray module
    """Ray, initialised: a local instance with `jobs` CPUs, or the cluster at `address` ("ray://host:10001", "auto")."""
    try:
        import ray
    except ImportError:
        raise RayUnavailable("the Ray engine needs Ray: pip install 'cleaner[ray]'") from None
    if not ray.is_initialized():
        try:
            if address:
                ray.init(address=address, log_to_driver=False)
            else:
                ray.init(num_cpus=jobs, include_dashboard=False, log_to_driver=False)
        except Exception as exc:  # noqa: BLE001 - ray raises many kinds for an unreachable cluster
            raise RayUnavailable(f"cannot start or reach Ray{f' at {address}' if address else ''}: {exc}") from None
    return ray


class _Worker:
    """One actor: a pipeline of the per-document stages, built once."""

    def __init__(self, config: Config, templates: TemplateTable | None) -> None:
        self.pipeline = Cleaner(config).pipeline(templates)

    def clean_files(self, items: list[InputFile]) -> list[FileOutcome]:
        return [clean_file(self.pipeline, item) for item in items]

    def clean_documents(self, docs: list[Document | None]) -> list[Document | Failed | None]:
        return [None if doc is None else run_or_fail(self.pipeline.run_document, doc) for doc in docs]

    def template_keys(self, items: list[InputFile]) -> list[set[str] | None]:
        texts = (text_for_templates(item) for item in items)
        return [None if text is None else short_line_keys(text) for text in texts]


class RayEngine:
    """Actors on a Ray cluster plus the corpus-wide stages on the driver; use as a context manager.

    `clean_files` mirrors `engines.local.clean_files`; calling the engine itself
    makes it a records Runner (see `engines.records`).
    """

    def __init__(self, cleaner: Cleaner, *, address: str | None = None, jobs: int | None = None,
                 templates: TemplateTable | None = None) -> None:
        self.cleaner, self.address, self.jobs, self.templates = cleaner, address, jobs, templates
        self.config = per_document_config(cleaner.config)
        self.corpus = Pipeline(corpus_stages(cleaner))
        self.ray: Any = None
        self.actors: list = []

    def __enter__(self) -> RayEngine:
        self.ray = connect(self.address, self.jobs)
        self._actor_class = self.ray.remote(_Worker)
        return self

    def __exit__(self, *exc: object) -> None:
        for actor in self.actors:
            self.ray.kill(actor)
        self.actors = []

    def _start(self, templates: TemplateTable | None) -> list:
        count = self.jobs or max(1, int(self.ray.available_resources().get("CPU", 1)))
        for actor in self.actors:
            self.ray.kill(actor)
        self.actors = [self._actor_class.remote(self.config, templates) for _ in range(count)]
        return self.actors

    def _in_order(self, method: str, work: Iterable[list]) -> Iterator:
        """Results of an actor method over batches, in input order, with a bounded number in flight."""
        actors = self.actors
        pending: deque = deque()
        ahead = BATCHES_AHEAD * len(actors)
        try:
            for number, batch in enumerate(work):
                pending.append(getattr(actors[number % len(actors)], method).remote(batch))
                if len(pending) >= ahead:
                    yield from self.ray.get(pending.popleft())
            while pending:
                yield from self.ray.get(pending.popleft())
        except self.ray.exceptions.RayActorError:
            raise WorkerDied("a Ray actor died (node lost or out of memory); outputs written so far are complete, "
                             "rerun with --resume to finish") from None

    def learn_templates(self, files: list[InputFile]) -> TemplateTable:
        self._start(None)
        table = TemplateTable()
        for keys in self._in_order("template_keys", batches(files, BATCH_FILES)):
            if keys is not None:
                table.add_keys(keys)
        return table

    def clean_files(self, files: list[InputFile], *, progress: bool = False, done: frozenset[str] = frozenset()) -> Iterator[FileOutcome]:
        templates = self.learn_templates(files) if "templates" in self.config.stages else None
        self._start(templates)
        todo = [item for item in files if item.name not in done]
        with progress_bar(todo, progress, "cleaning (ray)") as bar:
            for outcome in prefetched(self.corpus, self._in_order("clean_files", batches(todo, BATCH_FILES)), lambda o: o.doc):
                outcome = finish(self.corpus, outcome)
                advance(bar, outcome.input)
                yield outcome

    def __call__(self, docs: Iterable[Document | None]) -> Iterator[Document | None]:
        if not self.actors:
            self._start(self.templates)
        for doc in prefetched(self.corpus, self._in_order("clean_documents", batches(docs, RECORD_BATCH)), lambda d: d):
            yield self.corpus.run_corpus(doc) if isinstance(doc, Document) else doc
