"""The pipeline: builds the configured stages, runs them over documents, counts what they did."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from .config import Config
from .dedup_store import MemoryStore, RedisStore, SqliteStore, Store, StoreError
from .document import Document
from .features import forget_lines
from .html.limits import MarkupLimit
from .rules import RuleSet, RuleTimeout
from .spill import Spill
from .stages import CorpusStage, DocumentStage, Stage
from .stages.classify import Classify
from .stages.decide import Decide
from .stages.dedup import Dedup
from .stages.heuristics import Heuristics
from .stages.language import DETECTORS, Detector, Language
from .stages.normalize import Normalize
from .stages.patterns import Patterns
from .stages.segment import Segment
from .stages.templates import Templates, TemplateTable
from .stages.whole import KeepWhole, KeepWholeAfterDedup


def make_detector(config: Config) -> Detector | None:
    if "language" not in config.stages or config.language_detector == "none":
        return None
    return DETECTORS[config.language_detector]()


def make_store(config: Config) -> Store:
    """The configured home of the dedup index (see `cleaner.dedup_store`)."""
    if config.dedup_index == "sqlite":
        return SqliteStore(config.dedup_index_path)
    if config.dedup_index == "redis":
        return RedisStore(config.dedup_redis_url)
    return MemoryStore()


def build_stages(
    config: Config, rules: RuleSet, detector: Detector | None, templates: TemplateTable | None = None
) -> list[Stage]:
    """Fresh stage objects for one run: stateful stages (dedup) must not outlive it."""
    makers = {
        "normalize": Normalize,
        "segment": Segment,
        "patterns": lambda: Patterns(rules),
        "templates": lambda: Templates(templates),
        "heuristics": Heuristics,
        "language": lambda: Language(detector),
        "classify": Classify,
        "decide": Decide,
        "dedup": lambda: Dedup(config.dedup_min_words, near=config.dedup_near, threshold=config.dedup_threshold,
                               shingle_size=config.dedup_shingle_size, near_min_words=config.dedup_near_min_words,
                               store=make_store(config), spill=Spill(config.dedup_spill_dir, config.dedup_memory_mb << 20)),
    }
    stages = [makers[name]() for name in config.stages]
    return with_whole_document_tests(stages, config)


def with_whole_document_tests(stages: list[Stage], config: Config) -> list[Stage]:
    """The stages with the whole-document tests (`stages.whole`) in place: by language and by what is left
    before dedup, so that a document not written is never a first copy, and by what is left again after it.

    >>> [s.name for s in with_whole_document_tests([Segment(), Language(None), Dedup()], Config())]
    ['segment', 'language', 'document', 'dedup', 'document']
    """
    languages = config.languages if "language" in config.stages else ()
    if config.min_words <= 0 and not languages:
        return stages
    names = [stage.name for stage in stages]
    at = names.index("dedup") if "dedup" in names else len(stages)
    stages.insert(at, KeepWhole(config.min_words, languages))
    if at < len(names) and config.min_words > 0:
        stages.insert(at + 2, KeepWholeAfterDedup(config.min_words))
    return stages


MAX_SETTLE_ROUNDS = 50  # each round drops at least one block; real documents settle in two or three


class Pipeline:
    """Stages in order; `run` passes one document through all of them, then lets it settle.

    Contextual stages (heuristics, classify) judge a line by its neighbours, so
    removing lines can change their verdicts. Cleaning must be idempotent:
    cleaning the output again must change nothing. So after the first pass the
    contextual stages run again on the kept lines alone, exactly as a second
    run would see them, until a round drops nothing more.

    Document stages marked `runs_last` (language, the whole-document test) run
    after settling, on the lines that will really be written. Corpus stages
    (`stages.base.CorpusStage`: dedup) hold state across documents; they run
    last of all (`run_corpus`), so that an engine can run everything else
    (`run_document`) in worker processes, and dedup never takes as "first copy"
    a line that settling drops afterwards.

    >>> Pipeline([object()])
    Traceback (most recent call last):
    TypeError: not a stage (subclass DocumentStage or CorpusStage): object
    """

    def __init__(self, stages: list[Stage]) -> None:
        for stage in stages:
            if not isinstance(stage, DocumentStage | CorpusStage):
                raise TypeError(f"not a stage (subclass DocumentStage or CorpusStage): {type(stage).__name__}")
        self.stages = stages
        self.first = [s for s in stages if isinstance(s, DocumentStage) and not s.runs_last]
        self.contextual = [s for s in self.first if s.contextual]
        self.last = [s for s in stages if isinstance(s, DocumentStage) and s.runs_last]
        self.corpus = [s for s in stages if isinstance(s, CorpusStage)]

    def run(self, doc: Document) -> Document:
        return self.run_corpus(self.run_document(doc))

    def run_document(self, doc: Document, *, fold: bool = False) -> Document:
        """Every stage that needs only this document, in order, settling in between: what a worker can do.

        With `fold`, the dropped lines are only counted from then on (`Document.fold_dropped`): for a
        caller that writes the output and its counts, not the dropped lines themselves.
        """
        forget_lines()  # what the caches hold of other documents is rarely asked again
        for stage in self.first:
            stage.process(doc)
        self.settle(doc)
        for stage in self.last:
            stage.process(doc)
        if fold:
            doc.fold_dropped()
        for stage in self.corpus:
            stage.prepare(doc)
        return doc

    def run_corpus(self, doc: Document) -> Document:
        """The stages that hold state across documents (dedup): run by one process, in input order.

        A repeat dropped inside the document changes its neighbours' context, so the contextual
        stages settle again, as cleaning the output would; the corpus stages then index what is
        really written. (Not for a page read from HTML, whose last step overrules the classifier.)
        """
        kept = sum(block.kept for block in doc.blocks)
        for stage in self.corpus:
            stage.process(doc)
        if self.contextual and not doc.line_hints and sum(block.kept for block in doc.blocks) < kept and self.settle(doc):
            for stage in self.corpus:
                stage.reindex(doc)
        forget_lines()
        return doc

    def prefetch(self, docs: list[Document]) -> None:
        """Let the corpus stages look up a window of documents at once, before `run_corpus` takes them in order."""
        for stage in self.corpus:
            stage.prefetch(docs)

    def forget_prefetched(self) -> None:
        """Let the corpus stages take back what they looked up ahead for documents `run_corpus` will never take."""
        for stage in self.corpus:
            stage.forget_prefetched()

    def settle(self, doc: Document) -> bool:
        """Run the contextual stages on the kept lines until they drop nothing more; True if they dropped any."""
        if not self.contextual:  # nothing to settle (`cleaner dedup`): no view of the kept lines to make
            return False
        changed = False
        for _ in range(MAX_SETTLE_ROUNDS):
            view, originals = doc.kept_view()
            for stage in self.contextual:
                stage.process(view)
            dropped = [(originals[i], b.dropped) for i, b in enumerate(view.blocks) if b.dropped is not None]
            if not dropped:
                return changed
            for block, reason in dropped:
                block.drop(reason)
            changed = True
        return changed


@dataclass(frozen=True, slots=True)
class Failed:
    """A document the stages failed on: it is rejected with this reason, and the run goes on."""

    reason: str


def run_or_fail(run: Callable[[Document], Document], doc: Document) -> Document | Failed:
    """`run(doc)`, or Failed with the reason when a stage raises (a lost dedup index still stops the run).

    >>> run_or_fail(lambda doc: doc.text.no_such_method(), Document("x"))
    Failed(reason="internal error while cleaning: AttributeError: 'str' object has no attribute 'no_such_method'")
    """
    try:
        return run(doc)
    except StoreError:
        raise
    except RuleTimeout as exc:
        return Failed(str(exc))
    except RecursionError:
        return Failed("too deeply nested to clean")
    except MarkupLimit as exc:
        return Failed(f"page not parsed: {exc}")
    except Exception as exc:  # noqa: BLE001 - one bad document must not stop the others
        return Failed(f"internal error while cleaning: {type(exc).__name__}: {exc}")


@dataclass
class Stats:
    """Counts for a run or one file: documents, bytes and blocks, drops per stage, category and rule."""

    documents: int = 0
    failed: int = 0
    bytes_in: int = 0
    bytes_out: int = 0
    blocks_in: int = 0
    blocks_dropped: int = 0
    by_stage: Counter = field(default_factory=Counter)
    by_category: Counter = field(default_factory=Counter)
    by_rule: Counter = field(default_factory=Counter)
    # Documents dropped whole (`stages.whole`), by the setting that dropped them: min_words, languages.
    documents_dropped: Counter = field(default_factory=Counter)

    def add_document(self, doc: Document, bytes_in: int, bytes_out: int) -> None:
        self.documents += 1
        self.bytes_in += bytes_in
        self.bytes_out += bytes_out
        self.blocks_in += doc.line_count
        for reason, count in doc.drop_reasons().items():
            self.blocks_dropped += count
            self.by_stage[reason.stage] += count
            self.by_category[reason.category] += count
            self.by_rule[reason.rule] += count
        if doc.rejected is not None:
            self.documents_dropped[doc.rejected.rule] += 1

    def merge(self, other: Stats) -> None:
        for name in ("documents", "failed", "bytes_in", "bytes_out", "blocks_in", "blocks_dropped"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.by_stage.update(other.by_stage)
        self.by_category.update(other.by_category)
        self.by_rule.update(other.by_rule)
        self.documents_dropped.update(other.documents_dropped)

    def to_dict(self) -> dict:
        """Plain, key-sorted data for report.json."""
        return {
            "documents": self.documents,
            "failed": self.failed,
            "bytes_in": self.bytes_in,
            "bytes_out": self.bytes_out,
            "blocks_in": self.blocks_in,
            "blocks_dropped": self.blocks_dropped,
            "by_stage": dict(sorted(self.by_stage.items())),
            "by_category": dict(sorted(self.by_category.items())),
            "by_rule": dict(sorted(self.by_rule.items())),
            "documents_dropped": dict(sorted(self.documents_dropped.items())),
        }

    @classmethod
    def from_dict(cls, data: dict) -> Stats:
        """The inverse of `to_dict` (other keys ignored): how a resumed run counts the files it skips.

        >>> Stats.from_dict(Stats(documents=2, by_rule=Counter({"r": 1})).to_dict()) == Stats(documents=2, by_rule=Counter({"r": 1}))
        True
        """
        counts = {name: int(data.get(name, 0)) for name in ("documents", "failed", "bytes_in", "bytes_out", "blocks_in", "blocks_dropped")}
        tables = {name: Counter(data.get(name, {})) for name in ("by_stage", "by_category", "by_rule", "documents_dropped")}
        return cls(**counts, **tables)
