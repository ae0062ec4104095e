"""The library API: `Cleaner(config).clean(text)` and the streaming `clean_many`.

A Cleaner holds only read-only things (config, compiled rules, a language
model), so one instance can serve many threads; each call builds its own
stages. Corpus-wide dedup spans one `clean_many` call, never more.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from .config import Config
from .document import Document
from .pipeline import Pipeline, build_stages, make_detector
from .rules import load_rules
from .stages.html import with_html
from .stages.templates import TemplateTable


@dataclass(frozen=True, slots=True)
class RemovedBlock:
    """A dropped line with where it was and why."""

    line: int
    text: str
    stage: str
    rule: str
    category: str
    detail: str = ""


@dataclass(frozen=True, slots=True)
class Result:
    """What cleaning one document gives."""

    text: str
    removed: tuple[RemovedBlock, ...]
    language: str
    id: str = ""
    # A record's other fields, carried through untouched.
    metadata: dict = field(default_factory=dict)
    document: Document | None = field(default=None, repr=False, compare=False)


def result_of(doc: Document) -> Result:
    removed = tuple(
        RemovedBlock(b.line, b.text, b.dropped.stage, b.dropped.rule, b.dropped.category, b.dropped.detail)
        for b in doc.blocks
        if b.dropped is not None
    )
    return Result(doc.cleaned_text(), removed, doc.language, doc.id, doc.metadata, doc)


class Cleaner:
    """Strip boilerplate from text.

    >>> cleaner = Cleaner(Config(language_detector="none"))
    >>> cleaner.clean("Skip to content\\nThe council approved the new budget on Monday after a long debate.").text
    'The council approved the new budget on Monday after a long debate.\\n'
    """

    def __init__(self, config: Config | None = None) -> None:
        self.config = config or Config()
        self.rules = load_rules(self.config.patterns_dir)
        self.detector = make_detector(self.config)

    def with_config(self, config: Config) -> Cleaner:
        """A Cleaner for `config` that shares this one's compiled rules and language model where `config`
        asks for the same ones: building them again costs a quarter of a second and a second.

        >>> base = Cleaner(Config(language_detector="none"))
        >>> base.with_config(Config(language_detector="none", text_field="body")).rules is base.rules
        True
        """
        other = Cleaner.__new__(Cleaner)
        other.config = config
        other.rules = self.rules if config.patterns_dir == self.config.patterns_dir else load_rules(config.patterns_dir)
        same_detector = (config.language_detector, "language" in config.stages) == (
            self.config.language_detector, "language" in self.config.stages)
        other.detector = self.detector if same_detector else make_detector(config)
        return other

    def pipeline(self, templates: TemplateTable | None = None) -> Pipeline:
        """A pipeline with fresh stages: one per run, so runs never share dedup state.

        The html steps do nothing to text documents, so one pipeline (and one dedup table) serves pages and text.
        """
        return Pipeline(with_html(build_stages(self.config, self.rules, self.detector, templates)))

    def learn_templates(self, texts: Iterable[str]) -> TemplateTable:
        """Count the lines that recur across documents: a first pass over the corpus for `clean_many`."""
        return TemplateTable.learn(texts, self.config.dedup_spill_dir)

    def clean(self, text: str, id: str = "") -> Result:
        """Clean one document on its own (duplicates are looked for within it only)."""
        return result_of(self.pipeline().run(Document(text, id)))

    def clean_many(
        self, records: Iterable[str | dict | Document], templates: TemplateTable | None = None
    ) -> Iterator[Result]:
        """Clean a stream of texts, records (dicts with the text field) or Documents, in order.

        Lazily: one document in memory at a time, besides the dedup table.
        A dict's other fields come back in `Result.metadata`. Lines that recur
        across documents are dropped as template when `templates` (from
        `learn_templates`, a first pass over the same corpus) is given.
        """
        pipeline = self.pipeline(templates)
        for number, record in enumerate(records):
            yield result_of(pipeline.run(self._document(record, number)))

    def _document(self, record: str | dict | Document, number: int) -> Document:
        if isinstance(record, Document):
            return record
        if isinstance(record, str):
            return Document(record, str(number))
        text = record.get(self.config.text_field)
        if not isinstance(text, str):
            raise TypeError(f"record {number}: field {self.config.text_field!r} is missing or not a string")
        record_id = str(record.get(self.config.id_field, number))
        metadata = {k: v for k, v in record.items() if k != self.config.text_field}
        return Document(text, record_id, metadata=metadata)
