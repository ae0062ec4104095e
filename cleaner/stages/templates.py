"""templates: drop short lines that recur across many documents of the corpus.

Menus, footers, share bars and sign-up boxes repeat from page to page; the
article does not. Counting in how many *documents* a line occurs (not how
often) means a line repeated only inside one article is never taken for
template. The table is learned from the corpus in a first pass
(`TemplateTable.learn`), then the stage applies it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..document import Block, Document, Reason
from ..features import is_prose, memo, squash_key
from ..key_counts import DEFAULT_MEMORY, KeyCounts
from ..spill import Spill, name_hash
from ..textcore import short_with_letter
from .base import DocumentStage
from .normalize import normalize_text

MIN_DOCUMENTS = 3  # two pages may quote the same line; three sharing it is a template
MAX_WORDS = 12  # longer lines are sentences: syndicated text is for dedup, not for this stage


def template_key(line: str) -> str:
    """A line as the table counts it: case-folded, punctuation and spacing squashed.

    >>> template_key("  Share this: ") == template_key("share THIS")
    True
    """
    return squash_key(line)  # memoised: heuristics keys the same lines for its repeat check right after


@memo
def template_hash(line: str) -> int:
    """The 64-bit key of a line's `template_key`: what the table holds (eight bytes a line, not a string).

    >>> template_hash("  Share this: ") == template_hash("share THIS")
    True
    """
    return name_hash(template_key(line))  # the same in every process: the table is learned across them


def _no_keys() -> np.ndarray:
    return np.zeros(0, dtype=np.uint64)


def _no_counts() -> np.ndarray:
    return np.zeros(0, dtype=np.uint32)


@dataclass(eq=False)  # arrays: a table is compared by its `document_counts`
class TemplateTable:
    """The short lines that occur in at least `min_documents` documents, by `template_hash`, with their counts.

    Held as two arrays (keys in order, and their counts), 12 bytes a line: a forked worker reads them
    where the parent put them, while a dict of Python ints, whose reference counts every lookup writes,
    was copied page by page into each worker (113,000 lines at 1 GB of the benchmark's pages).

    >>> table = TemplateTable.learn(["Home\\nA story.", "Home\\nAnother story.", "Home\\nA third one."])
    >>> table.is_template("home"), table.is_template("A story."), table.documents
    (True, False, 3)
    """

    keys: np.ndarray = field(default_factory=_no_keys)
    counts: np.ndarray = field(default_factory=_no_counts)
    documents: int = 0
    min_documents: int = MIN_DOCUMENTS
    max_words: int = MAX_WORDS

    def __post_init__(self) -> None:
        order = np.argsort(self.keys, kind="stable")
        self.keys = np.asarray(self.keys, dtype=np.uint64)[order]
        self.counts = np.asarray(self.counts, dtype=np.uint32)[order]

    @property
    def document_counts(self) -> dict[int, int]:
        """The table as a dict, key by key (for reports and tests; lookups use the arrays)."""
        return dict(zip(self.keys.tolist(), self.counts.tolist(), strict=True))

    def is_template(self, line: str) -> bool:
        return bool(self.templates_among([line])[0])

    def templates_among(self, lines: list[str]) -> np.ndarray:
        """Whether each line is a template, all looked up at once (one search a page, not one a line).

        >>> table = TemplateTable.learn(["Home\\nA story.", "Home\\nAnother story.", "Home\\nA third one."])
        >>> table.templates_among(["Home", "A story.", ""]).tolist()
        [True, False, False]
        """
        found = np.zeros(len(lines), dtype=bool)
        # Short lines with a letter in them: numbers alone ("19'", "2", "3:1") recur by chance, as a match's
        # minutes, a score or a page number, and say nothing about a site's template.
        short = short_with_letter(lines, self.max_words)
        if not short or not len(self.keys):
            return found
        keys = np.fromiter((template_hash(lines[index]) for index in short), dtype=np.uint64, count=len(short))
        at = np.minimum(np.searchsorted(self.keys, keys), len(self.keys) - 1)
        found[short] = (self.keys[at] == keys) & (self.counts[at] >= self.min_documents)
        return found

    @classmethod
    def learn(cls, texts: Iterable[str], work_dir: Path | None = None) -> TemplateTable:
        learner = TemplateLearner(work_dir)
        for text in texts:
            learner.add(text)
        return learner.table()


class TemplateLearner:
    """Counts in how many documents each short line occurs, in bounded memory (see `KeyCounts`): what
    outgrows it goes to a folder made under `work_dir` (default: the system's temporary folder).

    Only counts of at least `min_documents` ever decide, so `table` keeps the template lines alone: the
    table sent to every worker is not one entry per page of the corpus.

    >>> learner = TemplateLearner()
    >>> for text in ["Home\\nA story.", "Home\\nAnother story.", "Home\\nA third one."]: learner.add(text)
    >>> list(learner.table().document_counts.values())
    [3]
    """

    def __init__(self, work_dir: Path | None = None, *, memory: int = DEFAULT_MEMORY,
                 min_documents: int = MIN_DOCUMENTS, max_words: int = MAX_WORDS) -> None:
        self.min_documents, self.max_words = min_documents, max_words
        self.documents = 0
        self._spill = Spill(work_dir)
        self._counts = KeyCounts(self._spill, memory)

    def add(self, text: str) -> None:
        """Count the short lines of one (raw) document."""
        self.add_keys(short_line_keys(text, self.max_words))

    def add_keys(self, keys: np.ndarray) -> None:
        """Count one document given its `short_line_keys` (which a worker process can compute)."""
        self.documents += 1
        self._counts.add(keys)

    def table(self) -> TemplateTable:
        """The learned table; the learner's counts are spent."""
        try:
            keys, counts = self._counts.finish(self.min_documents)
        finally:
            self._spill.close()
        return TemplateTable(keys, counts, self.documents, self.min_documents, self.max_words)


def short_line_keys(text: str, max_words: int = MAX_WORDS) -> np.ndarray:
    """The distinct `template_hash`es of a (raw) document's short lines, sorted: what the table counts of it.

    >>> short_line_keys("Home\\nShare this!\\nHome").tolist() == sorted({template_hash("home"), template_hash("share this")})
    True
    """
    lines = normalize_text(text).split("\n")
    keys = {template_hash(lines[index]) for index in short_with_letter(lines, max_words)}
    return np.array(sorted(keys), dtype=np.uint64)


class Templates(DocumentStage):
    name = "templates"

    def __init__(self, table: TemplateTable | None) -> None:
        self.table = table

    def process(self, doc: Document) -> None:
        if self.table is None or not self.table.documents:
            return
        reason = Reason(self.name, "recurring_line", "template")  # immutable, so one serves every block
        blocks = doc.blocks
        kept = [index for index, block in enumerate(blocks) if block.kept]  # a dropped line needs no key
        templates = self.table.templates_among([blocks[index].text for index in kept])
        for index, template in zip(kept, templates.tolist(), strict=True):
            if template and not between_prose(blocks, index):
                blocks[index].drop(reason)


def between_prose(blocks: list[Block], index: int) -> bool:
    """Whether the nearest kept lines on both sides are sentences: then a recurring line ("Fazit",
    "Conclusion") is the article's own subheading, not the site's template."""
    before = first_kept(reversed(blocks[max(0, index - 2) : index]))
    after = first_kept(blocks[index + 1 : index + 3])
    return before is not None and after is not None and is_prose(before.text) and is_prose(after.text)


def first_kept(blocks: Iterable[Block]) -> Block | None:
    """The first kept block of `blocks`, or None.

    >>> from cleaner.document import Reason
    >>> first_kept([Block("a", 1, 0, 0, False, Reason("s", "r", "c")), Block("b", 2, 2, 0, False)]).text
    'b'
    """
    for block in blocks:
        if block.kept:
            return block
    return None
