"""classify: a block classifier in the spirit of jusText, adapted to plain text.

Each line is first judged on its own (length, share of stopwords, sentence
punctuation, list markers, links), then by its neighbours: a short line
between two good ones is good, a short line among bad ones is bad. Finally the
main body, the densest run of good text, is found, and lines far outside it
must be good on their own to stay.

The first two steps, per line and by neighbours, are in `line_kind`; this module
finds the body and decides.
"""

from __future__ import annotations

import re

from ..document import Block, Document, Reason
from ..features import HEADING_MIN_WORDS, is_heading, is_prose, looks_like_code, stopword_share, word_count
from .base import DocumentStage
from .content_lists import code_sample_lines, fact_sheet_lines, ingredient_lines
from .line_kind import BAD, GOOD, NEAR_GOOD, SHORT, Kind, Settings, initial_kind, revise_by_context, text_length

STAGE = "classify"
# Reasons are immutable, so one of each serves every block (classify drops some 30,000 lines of the dev pages).
BOILERPLATE_BLOCK = Reason(STAGE, "boilerplate_block", "boilerplate")
OUTSIDE_MAIN_BODY = Reason(STAGE, "outside_main_body", "boilerplate")


_LETTER = re.compile(r"[^\W\d_]")


class Classify(DocumentStage):
    name = STAGE
    contextual = True

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or Settings()

    def process(self, doc: Document) -> None:
        if not doc.blocks:
            return
        settings = self.settings
        initial = [initial_kind(b, settings) for b in doc.blocks]
        samples = code_sample_lines(doc.blocks)
        for index in samples:  # a tutorial's code reads as text of the article, not as a leaked script
            initial[index] = NEAR_GOOD
        if GOOD not in initial:
            # No paragraph of running text at all: too little evidence to judge by context.
            for block, kind in zip(doc.blocks, initial, strict=True):
                if kind == BAD:
                    block.drop(BOILERPLATE_BLOCK)
            return
        kinds = revise_by_context(initial)
        spans = body_spans(block_scores(doc.blocks, initial, settings), settings)
        inside = [False] * len(doc.blocks)
        grown_part = [False] * len(doc.blocks)
        for low, high in spans:
            grown = grow_backwards(doc.blocks, low, initial)
            for index in range(grown, grow_forwards(doc.blocks, high) + 1):
                inside[index] = True
                grown_part[index] = index < low or (index > high and initial[index] != BAD)
        doc.main_body = (doc.blocks[spans[0][0]].line, doc.blocks[spans[-1][1]].line) if spans else None
        if spans:
            for index in lede_before(doc.blocks, spans[0][0]):
                grown_part[index] = True
        keep_outside = fact_sheet_lines(doc.blocks) | ingredient_lines(doc.blocks) | samples
        drop = [False] * len(doc.blocks)
        tail = spans[-1][1] if spans else len(doc.blocks)
        for index, (block, kind, alone) in enumerate(zip(doc.blocks, kinds, initial, strict=True)):
            if grown_part[index] or not block.kept:
                continue
            within = inside[index]
            if within and alone != BAD:
                continue
            if kind == BAD and not (index in keep_outside and alone != BAD):
                drop[index] = True
            elif not within and alone != GOOD and index not in keep_outside:
                drop[index] = True
            elif not within and index > tail and not is_prose(block.text) and index not in keep_outside:
                drop[index] = True  # after the article, a long line with no full stop is a teaser's headline
        tail_start = spans[-1][1] + 1 if spans else len(doc.blocks)
        for index in isolated_after(doc.blocks, drop, tail_start):
            drop[index] = True
        for index, block in enumerate(doc.blocks):
            if drop[index]:
                block.drop(BOILERPLATE_BLOCK if inside[index] else OUTSIDE_MAIN_BODY)


LEDE_LOOKBACK = 12  # blocks above the body searched for its first paragraph, past bylines, dates and captions
LEDE_STOPWORDS = 0.15  # a lede is a sentence, not a list of names


def lede_before(blocks: list[Block], start: int) -> list[int]:
    """Prose paragraphs just above the body, cut off from it by a byline, a date or a caption.

    >>> from cleaner.stages.segment import segment_text
    >>> blocks = segment_text("Berlin, 3. Mai\\nThe council approved the budget on Monday after a long debate.\\nBy Anna Smith\\nBody")
    >>> lede_before(blocks, 3)
    [1]
    """
    found = []
    for index in range(max(0, start - LEDE_LOOKBACK), start):
        text = blocks[index].text
        if blocks[index].kept and is_prose(text) and stopword_share(text) >= LEDE_STOPWORDS:
            found.append(index)
    return found


ISOLATION = 2  # dropped lines on each side that make a kept line after the article a lone box


ISOLATED_GROUP = 2  # kept lines in a row that still make a box (an "about us" text of two paragraphs)


def isolated_after(blocks: list[Block], drop: list[bool], start: int) -> list[int]:
    """Kept lines after the body standing alone between dropped ones, one or two in a row: an "about us"
    box, a lone teaser."""
    gone = [not b.kept or d for b, d in zip(blocks, drop, strict=True)]
    found = []
    index = max(start, ISOLATION)
    while index < len(blocks):
        if gone[index]:
            index += 1
            continue
        end = index
        while end + 1 < len(blocks) and not gone[end + 1]:
            end += 1
        before = gone[index - ISOLATION : index]
        after = gone[end + 1 : end + 1 + ISOLATION]
        if end - index < ISOLATED_GROUP and all(before) and all(after):
            found.extend(range(index, end + 1))
        index = end + 1
    return found


SHORT_SENTENCE_STOPWORDS = 0.3  # a short sentence of the text, not a credit or a label, reads like running text


def is_short_sentence(text: str) -> bool:
    """A sentence too short to count as prose ("When I woke up, there was nothing."): capitalised,
    closed by sentence punctuation, and as dense in function words as running text.

    >>> is_short_sentence("When I woke up, there was nothing."), is_short_sentence("Photo: Anna Smith.")
    (True, False)
    """
    stripped = text.strip()
    return (
        HEADING_MIN_WORDS <= word_count(stripped) and stripped[:1].isupper() and stripped.endswith((".", "!", "?", "…"))
        and ":" not in stripped  # "Next: Seeking Solitude." is a label
        and stopword_share(stripped) >= SHORT_SENTENCE_STOPWORDS
    )


def grow_forwards(blocks: list[Block], high: int) -> int:
    """Extend the body's end over the short sentences right after it ("The teams are still feeling each
    other out."), past lines without a letter between them (a live ticker's minutes, a separator), up to
    the first line that is neither (a name, a label), or a line a rule dropped: page chrome starts there.
    """
    end = high
    for index in range(high + 1, len(blocks)):
        block = blocks[index]
        if not block.kept:
            break
        if not _LETTER.search(block.text):
            continue
        if not is_short_sentence(block.text):
            break
        end = index
    return end


def grow_backwards(blocks: list[Block], low: int, kinds: list[Kind] | None = None) -> int:
    """Extend the body's start over the prose just before it and the headline above that.

    A lede dense in names has few stopwords and a caption is short, so they can
    fall outside the densest run; the title, a headline, ends the extension.
    Lines already dropped (a "2 min read", the title printed twice) are passed over.
    Running text counts as prose where it lacks the final full stop (a line of dialogue
    broken off with a dash) if it is good text on its own (`kinds`), and so does a
    sentence shorter than prose (a story's first line).
    """
    index = low - 1
    while index >= 0:
        block = blocks[index]
        if block.kept and word_count(block.text) >= HEADING_MIN_WORDS:  # shorter: a photo credit, passed over
            if is_heading(block.text) and not (kinds is not None and kinds[index] == GOOD):
                return index
            if looks_like_code(block.text):
                break
            if not (is_prose(block.text) or (kinds is not None and kinds[index] == GOOD)):
                # A short sentence right above the text, nothing passed over between, is its first line.
                return index if index + 1 == low and is_short_sentence(block.text) else low
            low = index
        index -= 1
    return low


# Page furniture an article never runs through: a line a rule of these categories dropped ends any body.
# (Navigation and UI labels do turn up inside articles: a "Video" label, a gallery counter.)
FURNITURE = frozenset({"related", "comments", "newsletter", "donation", "social", "footer", "cookie", "account"})
FURNITURE_PENALTY = 1e9


def block_scores(blocks: list[Block], kinds: list[Kind], settings: Settings) -> list[float]:
    """Each block's weight for the main body: good text counts for, boilerplate against."""
    scores = []
    for block, kind in zip(blocks, kinds, strict=True):
        # `kept` first: reading the `dropped` property of every block costs a call each.
        if not block.kept and block.dropped.category in FURNITURE:
            score = -FURNITURE_PENALTY
        elif kind == GOOD:
            score = float(text_length(block.text))
        elif kind == NEAR_GOOD:
            score = text_length(block.text) * settings.near_good_weight
        elif kind == SHORT:
            # A short line with function words ("Habe Zeit für Träume") is a list item or a heading
            # of the text; one without (a menu entry, a label) counts against the span.
            wordy = word_count(block.text) >= 3 and stopword_share(block.text) >= settings.short_stopwords
            score = 0.0 if wordy else -settings.short_penalty
        else:
            score = -max(settings.bad_penalty, text_length(block.text))
        scores.append(score)
    return scores


def best_span(scores: list[float], low: int, high: int) -> tuple[float, int, int]:
    """The maximum-sum run of scores[low:high] (Kadane): its sum, first and last index."""
    best, span = 0.0, (low, low - 1)
    total, start = 0.0, low
    for index in range(low, high):
        if total <= 0:
            total, start = 0.0, index
        total += scores[index]
        if total > best:
            best, span = total, (start, index)
    return best, span[0], span[1]


def body_spans(scores: list[float], settings: Settings) -> list[tuple[int, int]]:
    """The main body and any other run nearly as rich (an article split by a gallery or a box)."""
    best, low, high = best_span(scores, 0, len(scores))
    if best <= 0:
        return []
    spans = [(low, high)]
    pending = [(0, low), (high + 1, len(scores))]
    while pending:
        start, end = pending.pop()
        if end - start <= 0:
            continue
        score, low, high = best_span(scores, start, end)
        if score >= settings.second_body_share * best and score > 0:
            spans.append((low, high))
            pending += [(start, low), (high + 1, end)]
    return sorted(spans)
