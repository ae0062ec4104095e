"""The data model: a document is a list of blocks, each kept or dropped with a reason.

Stages never delete or rewrite blocks (normalisation aside, which runs before
segmentation); they only mark them dropped. That keeps every decision
inspectable by `cleaner explain` and makes the output a pure function of the
kept blocks.
"""

from __future__ import annotations

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


@dataclass(slots=True)
class Block:
    """One line of the normalised text, with its position and blank-line context."""

    text: str
    line: int  # 1-based line number in the normalised text
    start: int  # character offset in the normalised text
    paragraph: int  # index of the blank-line separated paragraph holding this block
    blank_before: bool  # a blank line separates this block from the previous one
    dropped: Reason | None = None
    # What the markup said about the line (an `html.Hints`), for a block read from an HTML page.
    hints: object | None = None

    def __reduce__(self) -> tuple:
        # As for Reason: a plain constructor call, several times faster to pickle and unpickle.
        return (Block, (self.text, self.line, self.start, self.paragraph, self.blank_before, self.dropped, self.hints))

    @property
    def kept(self) -> bool:
        return self.dropped is None

    def drop(self, reason: Reason) -> bool:
        """Mark the block dropped unless an earlier stage already did; True if this call dropped it."""
        if self.dropped is not None:
            return False
        self.dropped = reason
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
    # First and last block index of the article's main body, once the classifier found it.
    main_body: tuple[int, int] | None = None
    # "html" for a page still to be read into lines by the html stage; "text" for everything else.
    format: str = "text"
    # For a page read from HTML: the markup hints of each line of `text` (None for a blank line), by line - 1.
    line_hints: list = field(default_factory=list)
    # Blocks the html stage dropped on markup evidence, kept out of the text stages' sight until the end.
    set_aside: list[Block] = field(default_factory=list)
    # What a corpus-wide stage prepared from this document alone (dedup: its signatures), by stage name:
    # worker processes compute it, so that the one process running the stage only looks it up.
    prepared: dict = field(default_factory=dict)

    def kept_blocks(self) -> list[Block]:
        return [b for b in self.blocks if b.kept]

    def dropped_blocks(self) -> list[Block]:
        return [b for b in self.blocks if not b.kept]

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
