"""The library API: `Cleaner(config).clean(text_or_page)` and the streaming `clean_many`.

They give what `cleaner clean` writes for the same input and settings: text or an
HTML page, as str or bytes (the format detected, or given), and records as in a
JSONL file, with the recurring template lines learned in a first pass as the CLI
learns them. A Cleaner holds only read-only things (config, compiled rules, a
language model), so one instance can serve many threads; each call builds its
own stages. Corpus-wide dedup spans one `clean_many` call, never more. A Cleaner
pickles as its config and its rules' text, and compiles them again where it is
unpickled (a spawned worker, `datasets.map`).
"""

from __future__ import annotations

import threading
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from .config import Config
from .document import Document, cleaner_field, drop_summary
from .html import keeping_pages
from .io import InputError
from .pipeline import Failed, Pipeline, build_stages, make_detector, run_or_fail
from .reading import read_input, record_document, template_text
from .rule_files import pattern_sources, rules_from_sources
from .rules import RuleSet
from .stages.html import with_html
from .stages.language import Detector
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
    """What cleaning one document gives: the text `cleaner clean` writes for it, and why lines went.

    `rejected` is empty for a document that kept some text; otherwise it says why nothing
    is left (all of it was boilerplate, or the input could not be read or cleaned), the
    reason the CLI gives in its rejects file.
    """

    text: str
    removed: tuple[RemovedBlock, ...]
    language: str
    id: str = ""
    # A record's other fields, carried through untouched; a page's title, date, author, url and lang.
    metadata: dict = field(default_factory=dict)
    document: Document | None = field(default=None, repr=False, compare=False)
    rejected: str = ""

    @property
    def summary(self) -> dict:
        """What `cleaner clean` writes in a cleaned record's `cleaner` field: the language, the lines removed by
        category, and where the first copies of dropped duplicates are (named by this stream's ids).

        So `{**record, "text": result.text, "cleaner": result.summary}` is the record as the CLI writes it.

        >>> Cleaner(Config(language_detector="none")).clean("Skip to content\\nThe council met on Monday.").summary
        {'language': 'und', 'removed': {'navigation': 1}}
        """
        return cleaner_field(self.document) if self.document is not None else {}


def result_of(doc: Document) -> Result:
    removed = tuple(
        RemovedBlock(b.line, b.text, b.dropped.stage, b.dropped.rule, b.dropped.category, b.dropped.detail)
        for b in doc.blocks
        if b.dropped is not None
    )
    text = doc.cleaned_text()
    rejected = "" if text else "nothing left after cleaning: " + drop_summary(doc)
    return Result(text, removed, doc.language, doc.id, doc.metadata, doc, rejected)


def rejected_result(reason: str, id: str = "", metadata: dict | None = None) -> Result:  # noqa: A002 - Result's own field
    """The result of an input that could not be read or cleaned: no text, and why."""
    return Result("", (), "", id, metadata or {}, None, reason)


LEARN = "learn"  # clean_many's default: learn the template lines in a first pass, as `cleaner clean` does
_UNBUILT = object()  # not built yet in this process: the language model until first used, the rules after unpickling


def applies_rules(config: Config) -> bool:
    """Whether a stage of `config` applies the pattern rules.

    >>> applies_rules(Config()), applies_rules(Config(stages=("normalize", "segment", "dedup")))
    (True, False)
    """
    return "patterns" in config.stages


class Cleaner:
    """Strip boilerplate from text and HTML pages.

    >>> cleaner = Cleaner(Config(language_detector="none"))
    >>> cleaner.clean("Skip to content\\nThe council approved the new budget on Monday after a long debate.").text
    'The council approved the new budget on Monday after a long debate.\\n'
    >>> cleaner.clean(b"<nav><a href=/>Home</a></nav><p>The council approved the new budget on Monday after a long debate.").text
    'The council approved the new budget on Monday after a long debate.\\n'
    """

    def __init__(self, config: Config | None = None) -> None:
        self.config = config or Config()
        self._patterns = pattern_sources(self.config.patterns_dir)
        self._lock = threading.Lock()
        # Built now when a stage applies them, so that a bad rule fails here; else on first use (`cleaner dedup`
        # starts without compiling a hundred rules it never applies: a quarter of a second).
        self._rules: RuleSet | object = rules_from_sources(self._patterns) if applies_rules(self.config) else _UNBUILT
        self._detector: Detector | None | object = _UNBUILT

    def __getstate__(self) -> dict:
        """The config and the rules' text: compiled automata and language models do not pickle, and are rebuilt."""
        return {"config": self.config, "patterns": self._patterns}

    def __setstate__(self, state: dict) -> None:
        self.config, self._patterns = state["config"], state["patterns"]
        self._lock = threading.Lock()
        self._rules = self._detector = _UNBUILT

    @property
    def rules(self) -> RuleSet:
        """The compiled rules, built on first use in a process that unpickled this Cleaner."""
        if self._rules is _UNBUILT:
            with self._lock:
                if self._rules is _UNBUILT:
                    self._rules = rules_from_sources(self._patterns)
        return self._rules

    @property
    def detector(self) -> Detector | None:
        """The language detector the config names (None: no language stage), made on first use."""
        if self._detector is _UNBUILT:
            with self._lock:
                if self._detector is _UNBUILT:
                    self._detector = make_detector(self.config)
        return self._detector

    def with_config(self, config: Config) -> Cleaner:
        """A Cleaner for `config` that shares this one's compiled rules and language model where `config`
        asks for the same ones: building them again costs a quarter of a second and a second.

        >>> base = Cleaner(Config(language_detector="none"))
        >>> base.with_config(Config(language_detector="none", text_field="body")).rules is base.rules
        True
        """
        other = Cleaner.__new__(Cleaner)
        other.config = config
        other._lock = threading.Lock()
        if config.patterns_dir == self.config.patterns_dir:
            other._patterns, other._rules = self._patterns, self.rules if applies_rules(config) else self._rules
        else:
            other._patterns = pattern_sources(config.patterns_dir)
            other._rules = rules_from_sources(other._patterns) if applies_rules(config) else _UNBUILT
        same_detector = (config.language_detector, "language" in config.stages) == (
            self.config.language_detector, "language" in self.config.stages)
        other._detector = self.detector if same_detector else _UNBUILT
        return other

    def pipeline(self, templates: TemplateTable | None = None) -> Pipeline:
        """A pipeline with fresh stages: one per run, so runs never share dedup state.

        The html steps do nothing to text documents, so one pipeline (and one dedup table) serves pages and text.
        """
        return Pipeline(with_html(build_stages(self.config, self.rules_if_applied(), self.detector, templates)))

    def rules_if_applied(self) -> RuleSet | None:
        """The compiled rules when a stage of the config applies them, else None (none are compiled for it)."""
        return self.rules if applies_rules(self.config) else None

    def learn_templates(self, records: Iterable[str | bytes | dict | Document], format: str = "text") -> TemplateTable:  # noqa: A002
        """Count the lines that recur across documents: the first pass over a corpus that `clean_many` makes
        by itself when it can, and that `clean` takes as `templates`.

        Items are read as `clean_many` reads them, with `format` ("text" here: a str counts as it is;
        "auto" or "html" reads pages, counting their lines as the text stages will see them).

        >>> cleaner = Cleaner(Config(language_detector="none"))
        >>> table = cleaner.learn_templates(["Home\\nA story.", "Home\\nAnother story.", "Home\\nA third one."])
        >>> cleaner.clean("Home\\nThe council approved the new budget on Monday after a long debate.", templates=table).text
        'The council approved the new budget on Monday after a long debate.\\n'
        """
        return TemplateTable.learn(self._template_texts(records, format), self.config.dedup_spill_dir)

    def clean(self, data: str | bytes, id: str = "", format: str = "auto",  # noqa: A002 - the caller's words
              templates: TemplateTable | None = None) -> Result:
        """Clean one text or page on its own (duplicates are looked for within it only), as `cleaner clean FILE` does.

        `data` is text or an HTML page, as str or bytes (decoded as the CLI decodes a file: UTF-8 or
        UTF-16 text; a page by its BOM, its <meta> charset, or detection). `format` is "text", "html",
        or "auto": a page is told by its first tags. Input that cannot be read or cleaned gives a
        Result with no text and `rejected` saying why; so does one with nothing left. `templates`
        (from `learn_templates` over the corpus) drops the lines that recur across its documents.
        """
        try:
            doc = read_input(data, id or "input", format, id)
        except InputError as exc:
            return rejected_result(str(exc), id)
        return self._finish(run_or_fail(self.pipeline(templates).run, doc), doc)

    def clean_many(
        self, records: Iterable[str | bytes | dict | Document], templates: TemplateTable | str | None = LEARN,
        format: str = "auto",  # noqa: A002 - the caller's words
    ) -> Iterator[Result]:
        """Clean a stream of texts, pages, records (dicts with the text field) or Documents, in order, lazily.

        One result per input, in order: a record without text, bytes that do not decode, or a
        document a stage fails on gives a rejected Result (`rejected` says why) and the stream
        goes on. A dict's other fields come back in `Result.metadata`; its text field is read
        as text (as in a JSONL file) unless `format="html"`. Str and bytes are read as `clean` reads them.

        Lines that recur across the documents are dropped as template, as `cleaner clean` drops them:
        with `templates="learn"` (the default) a first pass learns them, when `records` can be iterated
        twice (a list, a dataset); a one-shot iterator (a generator, an open file) cannot be, so pass a
        table (`learn_templates` on a first pass of your own) or None (no template lines: a warning says
        so if you left the default). Dedup holds one document at a time besides its table.
        """
        with keeping_pages():  # the pages read to learn the templates are cleaned without reading them again
            if templates == LEARN:
                templates = self._learned(records, format)
            pipeline = self.pipeline(templates)
            for number, record in enumerate(records):
                try:
                    doc = self._document(record, number, format)
                except InputError as exc:
                    yield rejected_result(str(exc), record_id(record, number, self.config.id_field),
                                          record_fields(record, self.config.text_field))
                    continue
                yield self._finish(run_or_fail(pipeline.run, doc), doc)

    def _learned(self, records: Iterable, format: str) -> TemplateTable | None:  # noqa: A002
        """The template table of a first pass over `records`, or None where it has no templates stage or one pass only."""
        if "templates" not in self.config.stages:
            return None
        if iter(records) is records:
            warnings.warn("clean_many: records is a one-shot iterator, so no first pass learned the template lines that "
                          "`cleaner clean` drops; pass templates=cleaner.learn_templates(...) from a pass of your own, "
                          "or templates=None to clean without them", stacklevel=3)
            return None
        return self.learn_templates(records, format)

    def _template_texts(self, records: Iterable, format: str) -> Iterator[str]:  # noqa: A002
        for number, record in enumerate(records):
            try:
                yield template_text(self._document(record, number, format))
            except Exception:  # noqa: BLE001, S112 - unreadable: the cleaning pass rejects it with its reason
                continue

    def _document(self, record: str | bytes | dict | Document, number: int, format: str) -> Document:  # noqa: A002
        if isinstance(record, Document):
            return record
        if isinstance(record, dict):
            return record_document(record, number, self.config.text_field, self.config.id_field, format)
        return read_input(record, f"record {number}", format, str(number))

    @staticmethod
    def _finish(outcome: Document | Failed, doc: Document) -> Result:
        if isinstance(outcome, Failed):
            return rejected_result(outcome.reason, doc.id, doc.metadata)
        return result_of(outcome)


def record_id(record: object, number: int, id_field: str) -> str:
    """A rejected input's id: a record's own, else its position in the stream.

    >>> record_id({"id": "c"}, 2, "id"), record_id({"id": None}, 2, "id"), record_id(b"x", 2, "id")
    ('c', '2', '2')
    """
    own = record.get(id_field) if isinstance(record, dict) else None
    return str(number if own is None else own)


def record_fields(record: object, text_field: str) -> dict:
    """A rejected record's fields but its text, for its Result's metadata (nothing of it is lost)."""
    return {k: v for k, v in record.items() if k != text_field} if isinstance(record, dict) else {}
