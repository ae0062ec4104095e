"""heuristics: structural decisions that no single-line rule can make.

- a line repeated within the document (the title printed twice) keeps its first copy;
- a prose teaser cut off with an ellipsis under a headline is a related-article teaser;
- a region (donation appeal, newsletter box, related list) runs from the line where a
  region rule fired to where the article resumes;
- a headline after the last kept paragraph is a teaser or a widget title.

"Where the article resumes" is a run of clean prose: paragraphs that read as
sentences, are not cut off, and do not talk to the reader ("we", "your"),
possibly under a headline. A single such paragraph is not enough, because
related-article lists alternate headlines with one-paragraph teasers.
"""

from __future__ import annotations

import re

from ..document import Block, Document, Reason
from ..features import HEADING_MIN_WORDS, address_count, ends_truncated, is_heading, is_prose, word_count

STAGE = "heuristics"
RESUME_PROSE_BLOCKS = 2  # one paragraph after a marker is a teaser; two in a row are the article
RESUME_LOOKAHEAD = 8  # blocks scanned for that run, enough to pass a byline and a caption
ADDRESS_MIN_WORDS = 2  # one "we" is ordinary; two or more at this density is an appeal
ADDRESS_MIN_SHARE = 0.05
REPEAT_MIN_WORDS = 3  # shorter repeats ("Share", "Reply") are labels that rules judge
_SQUASH = re.compile(r"\W+")


def is_addressed(text: str) -> bool:
    """Talks to the reader or about the publisher, as appeals and sign-up boxes do.

    >>> is_addressed("Your support, no matter how small, makes a difference to our work.")
    True
    >>> is_addressed("The ministry said the troops arrived in January.")
    False
    """
    count = address_count(text)
    return count >= ADDRESS_MIN_WORDS and count >= ADDRESS_MIN_SHARE * max(1, word_count(text))


def is_clean_prose(block: Block) -> bool:
    """A kept paragraph that reads as article text."""
    text = block.text
    return block.kept and is_prose(text) and not ends_truncated(text) and not is_addressed(text)


def resumes_at(blocks: list[Block], start: int) -> bool:
    """Whether the article resumes at `start`: a run of clean prose, optionally under a headline."""
    first = blocks[start]
    if not first.kept or not (is_clean_prose(first) or is_heading(first.text)):
        return False
    found = 0
    for index in range(start, min(len(blocks), start + RESUME_LOOKAHEAD)):
        block = blocks[index]
        if not block.kept:
            continue
        if is_clean_prose(block):
            found += 1
            if found >= RESUME_PROSE_BLOCKS:
                return True
        elif index == start or word_count(block.text) < HEADING_MIN_WORDS:
            continue  # the headline itself, or a short label such as a photo credit
        else:
            return False
    return False


def drop_repeated_lines(blocks: list[Block]) -> None:
    seen: set[str] = set()
    for block in blocks:
        if not block.kept or word_count(block.text) < REPEAT_MIN_WORDS:
            continue
        key = _SQUASH.sub(" ", block.text.casefold()).strip()
        if key in seen:
            block.drop(Reason(STAGE, "repeated_line", "duplicate"))
        seen.add(key)


def drop_truncated_teasers(blocks: list[Block]) -> None:
    previous: Block | None = None
    for block in blocks:
        if block.kept and ends_truncated(block.text) and word_count(block.text) >= 5 and previous is not None:
            if not previous.kept or is_heading(previous.text):
                block.drop(Reason(STAGE, "truncated_teaser", "related"))
        previous = block


def extend_regions(doc: Document) -> None:
    """Drop from each region marker to where the article resumes, or to the next marker, which takes over."""
    blocks = doc.blocks
    starts = [start for start, _ in doc.region_starts]
    for number, (start, marker) in enumerate(doc.region_starts):
        reason = Reason(STAGE, marker.rule, marker.category)
        end = starts[number + 1] if number + 1 < len(starts) else len(blocks)
        for index in range(start + 1, end):
            if resumes_at(blocks, index):
                break
            blocks[index].drop(reason)


def drop_trailing_headings(blocks: list[Block]) -> None:
    """Drop headlines after the last kept paragraph: with no article under them they are teasers."""
    for block in reversed(blocks):
        if not block.kept:
            continue
        if not is_heading(block.text):
            return
        block.drop(Reason(STAGE, "trailing_heading", "related"))


class Heuristics:
    name = STAGE
    contextual = True

    def process(self, doc: Document) -> None:
        drop_repeated_lines(doc.blocks)
        drop_truncated_teasers(doc.blocks)
        extend_regions(doc)
        drop_trailing_headings(doc.blocks)
