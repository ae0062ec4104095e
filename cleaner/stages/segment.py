"""segment: split normalised text into line blocks, remembering blank-line paragraphs."""

from __future__ import annotations

from ..document import Block, Document
from .base import DocumentStage


def segment_text(text: str) -> list[Block]:
    """One block per non-empty line, with its offset, line number and paragraph index.

    >>> [(b.text, b.paragraph, b.blank_before) for b in segment_text("a\\nb\\n\\nc")]
    [('a', 0, False), ('b', 0, False), ('c', 1, True)]
    """
    blocks: list[Block] = []
    paragraph = 0
    blank = False
    offset = 0
    for number, line in enumerate(text.split("\n"), start=1):
        if line.strip():
            if blank and blocks:
                paragraph += 1
            blocks.append(Block(line, number, offset, paragraph, blank and bool(blocks)))
            blank = False
        else:
            blank = True
        offset += len(line) + 1
    return blocks


class Segment(DocumentStage):
    name = "segment"

    def process(self, doc: Document) -> None:
        doc.blocks = segment_text(doc.text)
