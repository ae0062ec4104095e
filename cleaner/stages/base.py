"""The stage contract: every pipeline stage subclasses `DocumentStage` or `CorpusStage`.

A stage is a small object with a `name` and `process(doc)`. It marks blocks of
the document dropped, each with a `Reason` naming the stage, and never deletes
or rewrites them (normalize and segment, which build the blocks, aside). Every
stage, of either kind, promises:

- Idempotence: cleaning cleaned text changes nothing. Run on the kept lines of
  its own output, the pipeline drops no further line.
- Determinism: the same documents in the same order give the same verdicts,
  whatever the process, the engine or the number of workers.
- Picklable: an engine may build the stage in one process and send it to
  another (a forked or spawned worker, a Ray actor).
- No process-wide state: what a stage learns lives on the stage object or on
  the document, never in module globals (the memo caches of pure feature
  functions aside, which change no answer), so two pipelines in one process
  do not see each other.
- A stage never knows which engine runs it or where.

A `DocumentStage` needs only the document it is given, so any process may run
it, in any order across documents. A `CorpusStage` holds state across documents
(dedup's index): one process runs it over every document, in input order,
after all the document stages; the part of its work that needs one document
alone it does in `prepare`, which any process may run.

>>> from cleaner.document import Block, Reason
>>> class Shout(DocumentStage):
...     name = "shout"
...     def process(self, doc):
...         for block in doc.blocks:
...             if block.kept and block.text.isupper():
...                 block.drop(Reason(self.name, "caps", "boilerplate"))
>>> doc = Document("", blocks=[Block("BUY NOW", 1, 0, 0, False), Block("A line.", 2, 8, 0, False)])
>>> Shout().process(doc); [block.kept for block in doc.blocks]
[False, True]
>>> Shout().contextual, Shout().runs_last
(False, False)
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import ClassVar

from ..document import Document


class Stage(ABC):
    """What every stage is: a name, which its drop reasons carry, and `process`."""

    name: ClassVar[str]

    @abstractmethod
    def process(self, doc: Document) -> None:
        """Mark blocks of `doc` dropped (normalize and segment: build them); never delete a block."""


class DocumentStage(Stage):
    """A stage that needs only the document it is given: any process may run it, documents in any order.

    Two class attributes say when the pipeline runs it (`Pipeline.run_document`):

    - `contextual`: it judges a line by its neighbours, so dropping lines may change its verdicts.
      It runs in the first pass and again, on the kept lines alone, in every settle round, until a
      round drops nothing: as a second cleaning of the output would see them.
    - `runs_last`: it runs once, after settling, on the lines that will be written (language is
      named from them; a whole-document test counts them). A stage that is both is not allowed.
    """

    contextual: ClassVar[bool] = False
    runs_last: ClassVar[bool] = False

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        if cls.contextual and cls.runs_last:
            raise TypeError(f"{cls.__name__}: a stage settles (contextual) or runs after settling (runs_last), not both")


class CorpusStage(Stage):
    """A stage that holds state across documents: one process runs it over every document, in input order.

    It runs after every document stage, on the lines that will be written. An engine that cleans
    in many processes calls the methods in this order, per document:

    1. `prepare(doc)`, in whichever process ran the document stages: the work that needs this
       document alone (dedup: its signatures), left in `doc.prepared[self.name]`; it must not
       read or change the stage's state across documents. A stage with nothing to prepare
       keeps the default, which does nothing.
    2. `prefetch(docs)`, in the corpus process, for a window of documents about to be processed:
       look their keys up at once. `forget_prefetched()` lets go of what was looked up for documents
       that `process` will never see (the caller stopped midway). Both are optional; the output
       must not depend on whether they were called.
    3. `process(doc)`, in the corpus process, in input order: decide against everything earlier
       and remember this document; it uses `doc.prepared[self.name]` when there, else computes it.
    4. `reindex(doc)`, after the contextual stages settled the document again because `process`
       dropped lines: make what the stage remembers of the document match what is now kept.
    """

    def prepare(self, doc: Document) -> None:
        """Do now what needs `doc` alone; by default nothing."""

    def prepare_batch(self, docs: list) -> None:
        """Do at once, for a batch of documents that went through `prepare` (None or a failure among them), what is
        cheaper done for many together (dedup: their signatures); by default nothing."""

    def prefetch(self, docs: list[Document]) -> None:
        """Look up a window of documents ahead of `process`; by default nothing."""

    def forget_prefetched(self) -> None:
        """Let go of what `prefetch` found for documents `process` will not see; by default nothing."""

    def reindex(self, doc: Document) -> None:
        """Remember `doc` by the lines it keeps now, after settling dropped more; by default nothing."""
