"""The Ray engine: the per-document stages and the dedup band buckets on a Ray cluster's actors.

The same split as the local pool (`engines.pool`): actors hold one pipeline
each (rules compiled once) and run every stage that needs only its own
document, signatures included; the driver runs the corpus-wide stage (dedup)
on the results in input order, so the output is byte-identical to the local
engine. The dedup index's keys (exact line keys, LSH band keys) are shuffled to
bucket actors by key (`RemoteRuns`): each holds one partition, sorted and
spilled to its node's disk past its memory budget, and answers a window's
lookups in parallel with the others; the driver keeps where each entry is and
its sketch, verifies the candidates and decides, in input order. No connected
components are needed: a paragraph goes when it is linked to any earlier one
(see `stages.dedup`), a test on each pair. Stages never know which engine runs
them. Ray is an optional extra (`pip install 'cleaner-corpus[ray]'`) and only this
module imports it.

Files are read by the actors from their paths, so on a multi-node cluster the
inputs must sit on a filesystem every node sees; record files (JSONL, Parquet)
are read by the driver and their documents shipped to the actors.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager, nullcontext
from typing import Any

import numpy as np

from ..api import Cleaner
from ..config import Config
from ..document import Document
from ..io import InputFile
from ..pipeline import Pipeline
from ..spill import DEFAULT_MEMORY, SortedRuns, Spill
from ..stages.dedup import Dedup
from ..stages.templates import TemplateLearner, TemplateTable
from .base import Engine
from .units import (
    BATCH_FILES,
    BATCHES_AHEAD,
    RECORD_BATCH,
    Failed,
    FileOutcome,
    Runner,
    WorkerDied,
    advance,
    batches,
    clean_file,
    corpus_stages,
    doc_of,
    documents_in_worker,
    finish,
    per_document_config,
    prefetched,
    progress_bar,
    template_keys,
)


class RayUnavailable(RuntimeError):
    """Ray is not installed, or the cluster cannot be reached; the message says what to do."""


def connect(address: str | None, jobs: int | None) -> Any:  # noqa: ANN401 - the ray module
    """Ray, initialised: a local instance with `jobs` CPUs, or the cluster at `address` ("ray://host:10001", "auto")."""
    try:
        import ray
    except ImportError:
        raise RayUnavailable("the Ray engine needs Ray: pip install 'cleaner-corpus[ray]'") from None
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
        return documents_in_worker(self.pipeline, docs)

    def template_keys(self, items: list[InputFile]) -> list[np.ndarray | None]:
        return template_keys(items)


class _Buckets:
    """One actor: the keys of one partition of a dedup multimap (see `spill.SortedRuns`)."""

    def __init__(self, dtype: type, memory: int) -> None:
        self.runs = SortedRuns(dtype, Spill(None, memory), max(1024, memory // 24))

    def add(self, keys: np.ndarray, ids: np.ndarray) -> None:
        self.runs.add(keys, ids)

    def find(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return self.runs.find(keys)

    def size(self) -> int:
        return len(self.runs)

    def run_count(self) -> int:
        return len(self.runs.runs)

    def run(self, number: int) -> tuple[np.ndarray, np.ndarray]:
        keys, ids = self.runs.runs[number]
        return np.asarray(keys), np.asarray(ids)

    def close(self) -> None:
        """Remove the spilled runs (`ray.kill` ends the actor without running its exit handlers)."""
        self.runs.spill.close()


class RemoteRuns:
    """`spill.SortedRuns`' interface over bucket actors, each holding the keys equal to its number modulo their count.

    Adding sends each actor its keys without waiting (an actor runs its calls in order, so a later
    lookup sees them); a lookup asks every actor at once and maps their answers back.
    """

    def __init__(self, ray: Any, actors: list, dtype: type) -> None:  # noqa: ANN401 - the ray module
        self.ray, self.actors, self.dtype = ray, actors, np.dtype(dtype)
        self._adding: list = []  # adds not yet known to have succeeded

    def _parts(self, keys: np.ndarray) -> list[np.ndarray]:
        owner = np.asarray(keys, dtype=self.dtype) % np.array(len(self.actors), dtype=self.dtype)
        return [np.flatnonzero(owner == number) for number in range(len(self.actors))]

    def add(self, keys: np.ndarray, ids: np.ndarray) -> None:
        keys = np.asarray(keys, dtype=self.dtype)
        for actor, part in zip(self.actors, self._parts(keys), strict=True):
            if len(part):
                self._adding.append(actor.add.remote(keys[part], ids[part]))

    def find(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        # An add that failed on its actor (its node's disk full) must stop the run, not lose keys unseen;
        # the adds are done by now (an actor runs its calls in order), so waiting for them costs nothing.
        self.ray.get(self._adding)
        self._adding = []
        keys = np.asarray(keys, dtype=self.dtype)
        asked = [(actor, part) for actor, part in zip(self.actors, self._parts(keys), strict=True) if len(part)]
        answers = self.ray.get([actor.find.remote(keys[part]) for actor, part in asked])
        queries = [part[q] for (_, part), (q, _) in zip(asked, answers, strict=True)]
        found = [f for _, f in answers]
        return np.concatenate([np.zeros(0, np.int64), *queries]).astype(np.int64), np.concatenate([np.zeros(0, np.uint32), *found])

    def collect(self, into: SortedRuns) -> SortedRuns:
        """Every key back from the actors into a local multimap, a run at a time."""
        for actor in self.actors:
            for number in range(self.ray.get(actor.run_count.remote())):
                into.add(*self.ray.get(actor.run.remote(number)))
        return into

    def __len__(self) -> int:
        return sum(self.ray.get([actor.size.remote() for actor in self.actors]))

    @property
    def nbytes(self) -> int:
        return 0  # held by the actors


def distribute(ray: Any, stages: list, count: int) -> list:  # noqa: ANN401
    """Move the keys of every dedup stage's index to `count` bucket actors per multimap; returns the actors.

    The index's memory budget is shared out: the two multimaps' actors hold about what its runs would.
    """
    actors = []
    buckets = ray.remote(_Buckets).options(num_cpus=0)  # they wait on lookups: no CPU slot taken from the workers
    for stage in stages:
        if isinstance(stage, Dedup):
            budget = stage.index.spill.memory if stage.index.spill else DEFAULT_MEMORY
            for name in ("exact", "near"):
                local: SortedRuns = getattr(stage.index, name)
                group = [buckets.remote(local.dtype, max(1, budget // (4 * count))) for _ in range(count)]
                remote = RemoteRuns(ray, group, local.dtype)
                for keys, ids in local.runs:  # what the index loaded from its store
                    remote.add(np.asarray(keys), np.asarray(ids))
                setattr(stage.index, name, remote)
                actors.extend(group)
    return actors


def gather(stages: list) -> None:
    """Bring the keys of every distributed index back to the driver (before its bucket actors go)."""
    for stage in stages:
        if isinstance(stage, Dedup):
            for name in ("exact", "near"):
                remote = getattr(stage.index, name)
                if isinstance(remote, RemoteRuns):
                    setattr(stage.index, name, remote.collect(SortedRuns(remote.dtype, stage.index.spill, stage.index.run_limit)))


class RayEngine(Engine):
    """Actors on a Ray cluster plus the corpus stages on the driver; use as a context manager.

    Calling the engine itself makes it a `units.Runner`, with the actors started with `templates`.
    """

    def __init__(self, cleaner: Cleaner, *, address: str | None = None, jobs: int | None = None,
                 templates: TemplateTable | None = None) -> None:
        self.cleaner, self.address, self.jobs, self.templates = cleaner, address, jobs, templates
        self.config = per_document_config(cleaner.config)
        self.corpus = Pipeline(corpus_stages(cleaner))
        self.ray: Any = None
        self.actors: list = []
        self.buckets: list = []

    def __enter__(self) -> RayEngine:
        self.ray = connect(self.address, self.jobs)
        self._actor_class = self.ray.remote(_Worker)
        self.buckets = distribute(self.ray, self.corpus.stages, self._cpus())
        return self

    def __exit__(self, *exc: object) -> None:
        if self.buckets and exc[0] is None:
            gather(self.corpus.stages)  # the run's dedup stage may serve another engine after this one
        try:
            self.ray.get([bucket.close.remote() for bucket in self.buckets])
        except Exception:  # noqa: BLE001 - a bucket actor already gone cannot remove its files; the run's outcome stands
            pass
        for actor in self.actors + self.buckets:
            self.ray.kill(actor)
        self.actors, self.buckets = [], []

    def _cpus(self) -> int:
        return self.jobs or max(1, int(self.ray.available_resources().get("CPU", 1)))

    def _start(self, templates: TemplateTable | None) -> list:
        count = self._cpus()
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

    def learn_templates(self, texts: Iterable[str]) -> TemplateTable:
        """Record texts are read by the driver, which counts their lines itself."""
        return self.cleaner.learn_templates(texts)

    def documents(self, templates: TemplateTable | None) -> AbstractContextManager[Runner]:
        if self.actors and templates is not self.templates:
            self._start(templates)
        self.templates = templates
        return nullcontext(self)

    def _learn_file_templates(self, files: list[InputFile]) -> TemplateTable:
        self._start(None)
        learner = TemplateLearner(self.config.dedup_spill_dir)
        for keys in self._in_order("template_keys", batches(files, BATCH_FILES)):
            if keys is not None:
                learner.add_keys(keys)
        return learner.table()

    def clean_files(self, files: list[InputFile], *, progress: bool = False, done: frozenset[str] = frozenset()) -> Iterator[FileOutcome]:
        templates = self._learn_file_templates(files) if "templates" in self.config.stages else None
        self._start(templates)
        todo = [item for item in files if item.name not in done]
        with progress_bar(todo, progress, "cleaning (ray)") as bar:
            for outcome in prefetched(self.corpus, self._in_order("clean_files", batches(todo, BATCH_FILES)), doc_of):
                outcome = finish(self.corpus, outcome)
                advance(bar, outcome.input)
                yield outcome

    def __call__(self, docs: Iterable[Document | None]) -> Iterator[Document | None]:
        if not self.actors:
            self._start(self.templates)
        for doc in prefetched(self.corpus, self._in_order("clean_documents", batches(docs, RECORD_BATCH))):
            yield self.corpus.run_corpus(doc) if isinstance(doc, Document) else doc
