"""The data model: a document is a list of blocks, each kept or dropped with a reason.

Stages never delete or rewrite blocks (normalisation aside, which runs before
segmentation); they only mark them dropped. That keeps every decision
inspectable by `cleaner explain` and makes the output a pure function of the
kept blocks.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Reason:
    """Why a block was dropped: the stage that decided, the rule id and the category.

    >>> Reason("patterns", "newsletter.signup", "newsletter").label
    'patterns/newsletter.signup [newsletter]'
    """

    stage: str
    rule: str
    category: str
    # For a duplicate: where the first copy lives ("file:line"), so explain can point at it.
    detail: str = ""

    @property
    def label(self) -> str:
        return f"{self.stage}/{self.rule} [{self.category}]"

    def __reduce__(self) -> tuple:
        # Worker processes send blocks back by the million; the dataclass default looks up its fields each time.
        return (Reason, (self.stage, self.rule, self.category, self.detail))


class Block:
    """One line of the normalised text, with its position and blank-line context.

    `kept` is a plain attribute that `dropped` keeps in step: the stages ask every block whether it
    is kept, in every settle round, about a million times on the dev pages, and a property call
    costs five times an attribute read. So `dropped` is the property (set it, never `kept`).

    >>> block = Block("Share", 3, 10, 1, True)
    >>> block.kept, block.drop(Reason("patterns", "social.share", "social")), block.kept, block.drop(Reason("s", "r", "c"))
    (True, True, False, False)
    >>> block.dropped = None; block.kept
    True
    """

    __slots__ = ("text", "line", "start", "paragraph", "blank_before", "kept", "_dropped", "hints")

    def __init__(self, text: str, line: int, start: int, paragraph: int, blank_before: bool,
                 dropped: Reason | None = None, hints: object | None = None) -> None:
        self.text = text
        self.line = line  # 1-based line number in the normalised text
        self.start = start  # character offset in the normalised text
        self.paragraph = paragraph  # index of the blank-line separated paragraph holding this block
        self.blank_before = blank_before  # a blank line separates this block from the previous one
        self._dropped = dropped
        self.kept = dropped is None
        # What the markup said about the line (an `html.Hints`), for a block read from an HTML page.
        self.hints = hints

    @property
    def dropped(self) -> Reason | None:
        return self._dropped

    @dropped.setter
    def dropped(self, reason: Reason | None) -> None:
        self._dropped = reason
        self.kept = reason is None

    def _fields(self) -> tuple:
        return (self.text, self.line, self.start, self.paragraph, self.blank_before, self._dropped, self.hints)

    def __reduce__(self) -> tuple:
        # As for Reason: a plain constructor call, several times faster to pickle and unpickle.
        return (Block, self._fields())

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._fields() == other._fields()

    __hash__ = None  # mutable, as the dataclass it was

    def __repr__(self) -> str:
        names = ("text", "line", "start", "paragraph", "blank_before", "dropped", "hints")
        return f"Block({', '.join(f'{n}={v!r}' for n, v in zip(names, self._fields(), strict=True))})"

    def drop(self, reason: Reason) -> bool:
        """Mark the block dropped unless an earlier stage already did; True if this call dropped it."""
        if self._dropped is not None:
            return False
        self._dropped = reason
        self.kept = reason is None
        return True


@dataclass(slots=True)
class Document:
    """A document flowing through the pipeline.

    `text` is the input; stages replace it only in normalisation, then
    `segment` fills `blocks`. `metadata` carries what stages learn (language,
    region markers) and what the caller passed through (a JSONL record's fields).
    """

    text: str
    id: str = ""
    blocks: list[Block] = field(default_factory=list)
    metadata: dict = field(default_factory=dict)
    language: str = ""
    # Blocks where a region rule fired, with its reason; the heuristics stage extends them.
    region_starts: list[tuple[int, Reason]] = field(default_factory=list)
    # The line numbers of the first and last block of the article's main body, once the classifier found it.
    main_body: tuple[int, int] | None = None
    # "html" for a page still to be read into lines by the html stage; "text" for everything else.
    format: str = "text"
    # For a page read from HTML: the markup hints of each line of `text` (None for a blank line), by line - 1.
    line_hints: list = field(default_factory=list)
    # Blocks the html stage dropped on markup evidence, kept out of the text stages' sight until the end.
    set_aside: list[Block] = field(default_factory=list)
    # What a corpus stage prepared from this document alone (dedup: its signatures), by stage name
    # (`stages.base.CorpusStage.prepare`): a worker process computes it, the corpus process reads it.
    prepared: dict = field(default_factory=dict)
    # Blocks `fold_dropped` took out of `blocks`: how many went for each reason.
    folded: Counter = field(default_factory=Counter)
    # Why the document was dropped whole (`stages.whole`): it is never written, only counted and explained.
    rejected: Reason | None = None

    def kept_blocks(self) -> list[Block]:
        return [b for b in self.blocks if b.kept]

    def dropped_blocks(self) -> list[Block]:
        return [b for b in self.blocks if not b.kept]

    def drop_reasons(self) -> Counter:
        """How many lines were dropped for each reason, folded ones included.

        >>> doc = Document("", blocks=[Block("a", 1, 0, 0, False), Block("b", 2, 2, 0, False, Reason("s", "r", "c"))])
        >>> doc.drop_reasons()
        Counter({Reason(stage='s', rule='r', category='c', detail=''): 1})
        """
        reasons = Counter([b.dropped for b in self.blocks if not b.kept])
        reasons.update(self.folded)
        return reasons

    @property
    def line_count(self) -> int:
        """The number of lines the document was segmented into, folded ones included."""
        return len(self.blocks) + sum(self.folded.values())

    def fold_dropped(self) -> None:
        """Keep only the kept blocks, counting the others in `folded`: for a process that needs no dropped line.

        The output, `kept_view` and so every later stage see the same document: a dropped line's
        blank line passes to the next kept block. The input `text` goes too (the kept blocks hold
        what is written). A worker folds before sending a document to the process that runs the
        corpus-wide stages, which then unpickles a fraction of it.

        >>> doc = Document("", blocks=[Block("a", 1, 0, 0, False), Block("x", 3, 2, 1, True, Reason("s", "r", "c")),
        ...     Block("b", 4, 4, 1, False)])
        >>> before = doc.cleaned_text(); doc.fold_dropped()
        >>> [b.text for b in doc.blocks], doc.cleaned_text() == before, doc.line_count
        (['a', 'b'], True, 3)
        """
        kept: list[Block] = []
        blank_in_gap = False
        for block in self.blocks:
            if not block.kept:
                blank_in_gap = blank_in_gap or block.blank_before
                self.folded[block.dropped] += 1
                continue
            block.blank_before = block.blank_before or blank_in_gap
            blank_in_gap = False
            kept.append(block)
        self.blocks = kept
        self.text = ""

    def kept_view(self) -> tuple[Document, list[Block]]:
        """The document as re-segmenting its cleaned text would give it, and the original of each block.

        >>> doc = Document("", blocks=[Block("a", 1, 0, 0, False), Block("b", 2, 2, 0, False, Reason("s", "r", "c")),
        ...     Block("c", 4, 5, 1, True)])
        >>> view, originals = doc.kept_view()
        >>> [(b.text, b.paragraph, b.blank_before) for b in view.blocks], [b.line for b in originals]
        ([('a', 0, False), ('c', 1, True)], [1, 4])
        """
        blocks: list[Block] = []
        originals: list[Block] = []
        blank_in_gap = False
        paragraph = 0
        for block in self.blocks:
            blank_in_gap = blank_in_gap or block.blank_before
            if not block.kept:
                continue
            blank = blank_in_gap and bool(blocks)
            paragraph += blank
            blocks.append(Block(block.text, block.line, block.start, paragraph, blank))
            originals.append(block)
            blank_in_gap = False
        view = Document(self.text, self.id, blocks, self.metadata, self.language)
        return view, originals

    def cleaned_text(self) -> str:
        """The kept blocks, one per line, with a blank line wherever the input had one between them.

        Re-segmenting this output gives the same blocks with the same blank-line
        flags, which is what makes cleaning idempotent.
        """
        parts: list[str] = []
        blank_in_gap = False
        for block in self.blocks:
            blank_in_gap = blank_in_gap or block.blank_before
            if not block.kept:
                continue
            if parts:
                parts.append("\n\n" if blank_in_gap else "\n")
            parts.append(block.text)
            blank_in_gap = False
        return "".join(parts) + "\n" if parts else ""


def drop_summary(doc: Document) -> str:
    """The categories that emptied a document, most lines first: why it was rejected.

    >>> drop_summary(Document("", blocks=[Block("x", 1, 0, 0, False, Reason("patterns", "r", "navigation"))]))
    'navigation 1'
    """
    counts: Counter = Counter()
    for reason, count in doc.drop_reasons().items():
        counts[reason.category] += count
    # Ties by name: folded and unfolded documents count their reasons in different orders.
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return ", ".join(f"{category} {n}" for category, n in ranked) or "no text"


def cleaner_field(doc: Document) -> dict:
    """What the `cleaner` field of a cleaned record says about it.

    >>> doc = Document("", language="en", blocks=[Block("x", 1, 0, 0, False, Reason("dedup", "exact", "duplicate", "a.jsonl:3:2"))])
    >>> cleaner_field(doc)
    {'language': 'en', 'removed': {'duplicate': 1}, 'duplicate_of': ['a.jsonl:3:2']}
    """
    reasons = doc.drop_reasons()
    removed: Counter = Counter()
    for reason, count in reasons.items():
        removed[reason.category] += count
    origins = sorted({r.detail for r in reasons if r.category == "duplicate" and r.detail})
    info: dict = {"language": doc.language, "removed": dict(sorted(removed.items()))}
    if origins:
        info["duplicate_of"] = origins
    return info
