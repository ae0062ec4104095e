"""The first two steps of classify: each line's kind on its own, then as its neighbours revise it.

A line is judged by its length (CJK counted triple), its share of stopwords,
sentence punctuation, list markers and links, as jusText judges a paragraph;
then short and near-good lines take their class from the nearest lines that
are neither, as in jusText's context pass.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import IntEnum

from ..document import Block
from ..features import is_prose, looks_like_code, memo, stopword_share
from ..textcore import cjk_count, revise_kinds
from .content_lists import LIST_MARKER


class Kind(IntEnum):
    BAD = 0
    SHORT = 1
    NEAR_GOOD = 2
    GOOD = 3


# The members as module constants, for the loops over every line: reading a member off the enum
# class costs several times a global lookup.
BAD, SHORT, NEAR_GOOD, GOOD = Kind.BAD, Kind.SHORT, Kind.NEAR_GOOD, Kind.GOOD
KINDS = (BAD, SHORT, NEAR_GOOD, GOOD)  # by value


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

    @property
    def kind_limits(self) -> tuple[int, int, float, float]:
        """The limits a line's kind on its own is judged by (`kind_of_text`), in its order of arguments."""
        return (self.length_low, self.length_high, self.stopwords_low, self.stopwords_high)


_URL = re.compile(r"https?://|www\.\w")


@memo  # pure, and asked for every line in every settle round
def text_length(text: str) -> int:
    """Length in characters, each CJK character counted as three (it carries a word's worth).

    >>> text_length("abc"), text_length("中文")
    (3, 6)
    """
    if text.isascii():  # a flag of the string, read without a scan: no CJK in it
        return len(text)
    return len(text) + 2 * cjk_count(text)


def initial_kind(block: Block, settings: Settings) -> Kind:
    """A line's class on its own, before its neighbours have a say: a dropped line is BAD.

    >>> from cleaner.stages.segment import segment_text
    >>> [initial_kind(b, Settings()).name for b in segment_text("* Home\\nSee www.example.com")]
    ['SHORT', 'BAD']
    """
    if not block.kept:
        return BAD
    return kind_of_text(block.text, *settings.kind_limits)


# Pure, and asked for every line in the first pass and again in every settle round. The limits come as numbers,
# not as the Settings they are read from, which the memo would hash field by field in Python on every call.
@memo
def kind_of_text(line: str, length_low: int, length_high: int, stopwords_low: float, stopwords_high: float) -> Kind:
    """A kept line's class on its own (`initial_kind`), by the limits of `Settings.kind_limits`.

    >>> kind_of_text("See www.example.com", *Settings().kind_limits).name
    'BAD'
    """
    text = without_list_marker(line)
    if has_link(text) and len(_URL.sub("", text).split()) < 4:
        return BAD
    length = text_length(text)
    if looks_like_code(text):
        return BAD
    if length < length_low:
        return SHORT  # decided by length alone: the stopword count below is not needed
    if length != len(text):  # CJK characters counted triple: no spaces, so no stopword test
        density = 0.5
    else:
        density = stopword_share(text)
    if density >= stopwords_high:
        return GOOD if length >= length_high else NEAR_GOOD
    if density >= stopwords_low or is_prose(text):
        # Sentences dense in names (a news lede) have few stopwords but are still sentences.
        return NEAR_GOOD
    return BAD


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


def revise_by_context(kinds: list[Kind]) -> list[Kind]:
    """jusText's context pass: short and near-good lines take their class from their neighbours.

    Short lines first, each by the nearest lines before and after it that are not short (`short_by_context`;
    bad past the edges); then each near-good line is bad when the nearest lines on both sides that are not
    near-good are bad, else good. One pass each way over the lines, in `textcore.revise_kinds`.

    >>> g, s, n, b = GOOD, SHORT, NEAR_GOOD, BAD
    >>> [k.name for k in revise_by_context([g, s, g, s, b, s, s, n, b])]
    ['GOOD', 'GOOD', 'GOOD', 'GOOD', 'BAD', 'BAD', 'BAD', 'BAD', 'BAD']
    """
    return revise_kinds(kinds, KINDS)


def short_by_context(kinds: list[Kind], index: int, before: Kind, after: Kind) -> Kind:
    """The class of the short line kinds[index] between the nearest lines that are not short.

    Good on both sides: good. Bad on one side: bad, unless good is on the other, where it goes
    with the side it touches. Otherwise (near-good, or near-good and good): near-good.

    >>> short_by_context([GOOD, SHORT, BAD], 1, GOOD, BAD).name, short_by_context([GOOD, SHORT, SHORT, BAD], 2, GOOD, BAD).name
    ('NEAR_GOOD', 'BAD')
    """
    if before == GOOD and after == GOOD:
        return GOOD
    if before == BAD or after == BAD:
        if before == GOOD or after == GOOD:
            return NEAR_GOOD if _close_to_good(kinds, index) else BAD
        return BAD
    return NEAR_GOOD


def _close_to_good(kinds: list[Kind], index: int) -> bool:
    """Whether the nearest non-short neighbour on the good side is directly adjacent."""
    return (index > 0 and kinds[index - 1] == GOOD) or (index + 1 < len(kinds) and kinds[index + 1] == GOOD)
