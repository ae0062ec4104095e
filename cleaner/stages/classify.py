"""classify: a block classifier in the spirit of jusText, adapted to plain text.

Each line is first judged on its own (length, share of stopwords, sentence
punctuation, list markers, links), then by its neighbours: a short line
between two good ones is good, a short line among bad ones is bad. Finally the
main body, the densest run of good text, is found, and lines far outside it
must be good on their own to stay.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import IntEnum

from ..document import Block, Document, Reason
from ..features import HEADING_MIN_WORDS, is_heading, is_prose, looks_like_code, lower_words, memo, word_count
from ..stopwords import ALL_LANGUAGES, stopwords
from .content_lists import LIST_MARKER, code_sample_lines, fact_sheet_lines, ingredient_lines

STAGE = "classify"


class Kind(IntEnum):
    BAD = 0
    SHORT = 1
    NEAR_GOOD = 2
    GOOD = 3


@dataclass(frozen=True, slots=True)
class Settings:
    # Lengths are in characters, CJK counted triple: as jusText, shorter than a sentence is "short".
    length_low: int = 70
    length_high: int = 150  # w3m splits paragraphs at the markup, so lines run shorter than jusText's 200
    # Share of words that are stopwords: running text has many, menus and lists few.
    stopwords_low: float = 0.30
    stopwords_high: float = 0.32
    # A short line with this share of stopwords reads as a list item or heading of the text.
    short_stopwords: float = 0.15
    # Weights of the main-body search: near-good text counts half, a label or menu entry costs 20
    # characters' worth, a bad block at least 50 (jusText's short-line length).
    near_good_weight: float = 0.5
    short_penalty: float = 20
    bad_penalty: float = 50
    second_body_share: float = 0.15  # a second run of text a sixth as rich as the main one is part of the article


_URL = re.compile(r"https?://|www\.\w")
_LETTER = re.compile(r"[^\W\d_]")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")


@memo  # pure, and asked for every line in every settle round
def text_length(text: str) -> int:
    """Length in characters, each CJK character counted as three (it carries a word's worth).

    >>> text_length("abc"), text_length("中文")
    (3, 6)
    """
    return len(text) + 2 * len(_CJK.findall(text))


@memo  # pure, and asked for every line in every settle round
def stopword_density(text: str, vocabulary: frozenset[str]) -> float:
    """Share of the words of `text` in `vocabulary`.

    >>> stopword_density("the cat and the dog", frozenset({"the", "and"}))
    0.6
    """
    found = lower_words(text)
    if not found:
        return 0.0
    # map over the set's membership test counts in C; a generator costs a Python frame per word.
    return sum(map(vocabulary.__contains__, found)) / len(found)


def initial_kind(block: Block, vocabulary: frozenset[str], settings: Settings) -> Kind:
    """A line's class on its own, before its neighbours have a say: a dropped line is BAD.

    >>> vocabulary = stopwords(ALL_LANGUAGES)
    >>> from cleaner.stages.segment import segment_text
    >>> [initial_kind(b, vocabulary, Settings()).name for b in segment_text("* Home\\nSee www.example.com")]
    ['SHORT', 'BAD']
    """
    if not block.kept:
        return Kind.BAD
    text = without_list_marker(block.text)
    if has_link(text) and len(_URL.sub("", text).split()) < 4:
        return Kind.BAD
    length = text_length(text)
    if looks_like_code(text):
        return Kind.BAD
    if length < settings.length_low:
        return Kind.SHORT  # decided by length alone: the stopword count below is not needed
    if length != len(text):  # CJK characters counted triple: no spaces, so no stopword test
        density = 0.5
    else:
        density = stopword_density(text, vocabulary)
    if density >= settings.stopwords_high:
        return Kind.GOOD if length >= settings.length_high else Kind.NEAR_GOOD
    if density >= settings.stopwords_low or is_prose(text):
        # Sentences dense in names (a news lede) have few stopwords but are still sentences.
        return Kind.NEAR_GOOD
    return Kind.BAD


def without_list_marker(text: str) -> str:
    """The line without its bullet or list number.

    >>> without_list_marker("* Home"), without_list_marker("2) Politics"), without_list_marker("2021 was a year")
    ('Home', 'Politics', '2021 was a year')
    """
    marker = LIST_MARKER.match(text)
    return text[marker.end() :] if marker else text  # the marker is anchored: at most one, at the start


def has_link(text: str) -> bool:
    """Whether the line holds a web address.

    >>> has_link("see https://example.com"), has_link("www.example.com"), has_link("the www. prefix")
    (True, True, False)
    """
    # Two substring scans in C rule out almost every line faster than one regex scan would.
    return ("http" in text or "www." in text) and _URL.search(text) is not None


def _nearest(kinds: list[Kind], skip: Kind) -> tuple[list[Kind], list[Kind]]:
    """For each position, the nearest kind before and after it that is not `skip` (BAD past the edges).

    One pass each way, so long runs of short lines cost no more than short ones.

    >>> g, s, b = Kind.GOOD, Kind.SHORT, Kind.BAD
    >>> _nearest([g, s, s, b], s) == ([b, g, g, g], [b, b, b, b])
    True
    """
    before: list[Kind] = []
    last = Kind.BAD
    for kind in kinds:
        before.append(last)
        if kind != skip:
            last = kind
    after: list[Kind] = []
    last = Kind.BAD
    for kind in reversed(kinds):
        after.append(last)
        if kind != skip:
            last = kind
    after.reverse()
    return before, after


def revise_by_context(kinds: list[Kind]) -> list[Kind]:
    """jusText's context pass: short and near-good lines take their class from their neighbours."""
    revised = list(kinds)
    before_all, after_all = _nearest(kinds, Kind.SHORT)
    for index, kind in enumerate(kinds):
        if kind != Kind.SHORT:
            continue
        pair = {before_all[index], after_all[index]}
        if pair == {Kind.GOOD}:
            revised[index] = Kind.GOOD
        elif pair == {Kind.BAD} or pair == {Kind.BAD, Kind.NEAR_GOOD}:
            revised[index] = Kind.BAD
        elif Kind.GOOD in pair and Kind.BAD in pair:
            revised[index] = Kind.NEAR_GOOD if _close_to_good(kinds, index) else Kind.BAD
        else:
            revised[index] = Kind.NEAR_GOOD
    final = list(revised)
    before_all, after_all = _nearest(revised, Kind.NEAR_GOOD)
    for index, kind in enumerate(revised):
        if kind == Kind.NEAR_GOOD:
            final[index] = Kind.BAD if before_all[index] == after_all[index] == Kind.BAD else Kind.GOOD
    return final


def _close_to_good(kinds: list[Kind], index: int) -> bool:
    """Whether the nearest non-short neighbour on the good side is directly adjacent."""
    return (index > 0 and kinds[index - 1] == Kind.GOOD) or (index + 1 < len(kinds) and kinds[index + 1] == Kind.GOOD)


class Classify:
    name = STAGE
    contextual = True

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or Settings()

    def process(self, doc: Document) -> None:
        if not doc.blocks:
            return
        # One vocabulary for every language: the verdict must not hinge on a language guess
        # (which can change once boilerplate is gone), and pages mix languages anyway.
        vocabulary = stopwords(ALL_LANGUAGES)
        settings = self.settings
        initial = [initial_kind(b, vocabulary, settings) for b in doc.blocks]
        samples = code_sample_lines(doc.blocks)
        for index in samples:  # a tutorial's code reads as text of the article, not as a leaked script
            initial[index] = Kind.NEAR_GOOD
        kinds = revise_by_context(initial)
        if Kind.GOOD not in initial:
            # No paragraph of running text at all: too little evidence to judge by context.
            for block, kind in zip(doc.blocks, initial, strict=True):
                if kind == Kind.BAD:
                    block.drop(Reason(STAGE, "boilerplate_block", "boilerplate"))
            return
        spans = body_spans(block_scores(doc.blocks, initial, vocabulary, settings), settings)
        inside = [False] * len(doc.blocks)
        grown_part = [False] * len(doc.blocks)
        for low, high in spans:
            grown = grow_backwards(doc.blocks, low, initial, vocabulary)
            for index in range(grown, grow_forwards(doc.blocks, high, vocabulary) + 1):
                inside[index] = True
                grown_part[index] = index < low or (index > high and initial[index] != Kind.BAD)
        doc.main_body = (spans[0][0], spans[-1][1]) if spans else None
        if spans:
            for index in lede_before(doc.blocks, spans[0][0], vocabulary):
                grown_part[index] = True
        keep_outside = fact_sheet_lines(doc.blocks) | ingredient_lines(doc.blocks) | samples
        drop = [False] * len(doc.blocks)
        tail = spans[-1][1] if spans else len(doc.blocks)
        for index, (block, kind) in enumerate(zip(doc.blocks, kinds, strict=True)):
            if grown_part[index] or not block.kept:
                continue
            if inside[index] and initial[index] != Kind.BAD:
                continue
            if kind == Kind.BAD and not (index in keep_outside and initial[index] != Kind.BAD):
                drop[index] = True
            elif not inside[index] and initial[index] != Kind.GOOD and index not in keep_outside:
                drop[index] = True
            elif not inside[index] and index > tail and not is_prose(block.text) and index not in keep_outside:
                drop[index] = True  # after the article, a long line with no full stop is a teaser's headline
        tail_start = spans[-1][1] + 1 if spans else len(doc.blocks)
        for index in isolated_after(doc.blocks, drop, tail_start):
            drop[index] = True
        for index, block in enumerate(doc.blocks):
            if drop[index]:
                block.drop(Reason(STAGE, "boilerplate_block" if inside[index] else "outside_main_body", "boilerplate"))


LEDE_LOOKBACK = 12  # blocks above the body searched for its first paragraph, past bylines, dates and captions
LEDE_STOPWORDS = 0.15  # a lede is a sentence, not a list of names


def lede_before(blocks: list[Block], start: int, vocabulary: frozenset[str]) -> list[int]:
    """Prose paragraphs just above the body, cut off from it by a byline, a date or a caption.

    >>> from cleaner.stages.segment import segment_text
    >>> blocks = segment_text("Berlin, 3. Mai\\nThe council approved the budget on Monday after a long debate.\\nBy Anna Smith\\nBody")
    >>> lede_before(blocks, 3, stopwords(ALL_LANGUAGES))
    [1]
    """
    found = []
    for index in range(max(0, start - LEDE_LOOKBACK), start):
        text = blocks[index].text
        if blocks[index].kept and is_prose(text) and stopword_density(text, vocabulary) >= LEDE_STOPWORDS:
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


def is_short_sentence(text: str, vocabulary: frozenset[str]) -> bool:
    """A sentence too short to count as prose ("When I woke up, there was nothing."): capitalised,
    closed by sentence punctuation, and as dense in function words as running text.

    >>> vocabulary = stopwords(ALL_LANGUAGES)
    >>> is_short_sentence("When I woke up, there was nothing.", vocabulary), is_short_sentence("Photo: Anna Smith.", vocabulary)
    (True, False)
    """
    stripped = text.strip()
    return (
        HEADING_MIN_WORDS <= word_count(stripped) and stripped[:1].isupper() and stripped.endswith((".", "!", "?", "…"))
        and ":" not in stripped  # "Next: Seeking Solitude." is a label
        and stopword_density(stripped, vocabulary) >= SHORT_SENTENCE_STOPWORDS
    )


def grow_forwards(blocks: list[Block], high: int, vocabulary: frozenset[str]) -> int:
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
        if not is_short_sentence(block.text, vocabulary):
            break
        end = index
    return end


def grow_backwards(
    blocks: list[Block], low: int, kinds: list[Kind] | None = None, vocabulary: frozenset[str] = frozenset()
) -> int:
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
            if is_heading(block.text) and not (kinds is not None and kinds[index] == Kind.GOOD):
                return index
            if looks_like_code(block.text):
                break
            if not (is_prose(block.text) or (kinds is not None and kinds[index] == Kind.GOOD)):
                # A short sentence right above the text, nothing passed over between, is its first line.
                return index if index + 1 == low and is_short_sentence(block.text, vocabulary) else low
            low = index
        index -= 1
    return low


# Page furniture an article never runs through: a line a rule of these categories dropped ends any body.
# (Navigation and UI labels do turn up inside articles: a "Video" label, a gallery counter.)
FURNITURE = frozenset({"related", "comments", "newsletter", "donation", "social", "footer", "cookie", "account"})
FURNITURE_PENALTY = 1e9


def block_scores(blocks: list[Block], kinds: list[Kind], vocabulary: frozenset[str], settings: Settings) -> list[float]:
    """Each block's weight for the main body: good text counts for, boilerplate against."""
    scores = []
    good, near_good, short = Kind.GOOD, Kind.NEAR_GOOD, Kind.SHORT
    for block, kind in zip(blocks, kinds, strict=True):
        # `kept` first: reading the `dropped` property of every block costs a call each.
        if not block.kept and block.dropped.category in FURNITURE:
            score = -FURNITURE_PENALTY
        elif kind == good:
            score = float(text_length(block.text))
        elif kind == near_good:
            score = text_length(block.text) * settings.near_good_weight
        elif kind == short:
            # A short line with function words ("Habe Zeit für Träume") is a list item or a heading
            # of the text; one without (a menu entry, a label) counts against the span.
            wordy = word_count(block.text) >= 3 and stopword_density(block.text, vocabulary) >= settings.short_stopwords
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
