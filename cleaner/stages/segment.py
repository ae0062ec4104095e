"""segment: split normalised text into line blocks, remembering blank-line paragraphs."""

from __future__ import annotations

from ..document import Block, Document
from ..textcore import segment_blocks
from .base import DocumentStage


def segment_text(text: str) -> list[Block]:
    """One block per line with more than whitespace in it, with its offset, line number and paragraph index
    (one pass over the text in `textcore.segment_blocks`).

    >>> [(b.text, b.paragraph, b.blank_before) for b in segment_text("a\\nb\\n\\nc")]
    [('a', 0, False), ('b', 0, False), ('c', 1, True)]
    """
    return segment_blocks(text, Block)


class Segment(DocumentStage):
    name = "segment"

    def process(self, doc: Document) -> None:
        doc.blocks = segment_text(doc.text)
