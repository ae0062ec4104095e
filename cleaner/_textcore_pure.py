"""The text path's pure-Python kernels: the twins of the compiled ones in `_textcore.pyx`, run where that is not built.

Each function here has a compiled twin there with the same name, arguments, docstring and result
(tests/test_textcore.py runs both side by side); `cleaner.textcore` picks one set per process.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")
_SQUASH = re.compile(r"\W+")
_LETTER = re.compile(r"[^\W\d_]")
_CODE_CHARS = re.compile(r"[{}()\[\];=<>|\\/_$&+*^~`#@%]")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
# The only characters str.lower() maps by context or to two characters (see `features._lower_is_local`).
_SIGMA, _DOTTED_I = "\u03a3", "\u0130"
# Kinds of `stages.line_kind.Kind`, by value.
BAD, SHORT, NEAR_GOOD, GOOD = 0, 1, 2, 3


def word_count(text: str) -> int:
    """Number of words: runs of letters and digits, two of them joined by one apostrophe counting once.

    >>> word_count("Don’t stop: 3 more!"), word_count(""), word_count("a'b'c __ x_y")
    (4, 0, 4)
    """
    # Lower-casing, which `lower_words` does first, never changes how many words a text has.
    return len(_WORD.findall(text))


def lower_words(text: str) -> tuple[str, ...]:
    """The words of a text, lower-cased, as a tuple.

    >>> lower_words("Ünter den LINDEN"), lower_words("Don’t stop'")
    (('ünter', 'den', 'linden'), ('don’t', 'stop'))
    >>> lower_words("ΟΔΟΣ İstanbul") == ("ΟΔΟΣ".lower(), "İstanbul".lower())  # a final sigma; "i" and a combining dot
    True
    """
    if _SIGMA not in text and _DOTTED_I not in text:
        # Lower-casing then changes each character on its own, never what counts as a word:
        # one pass over the text gives what lower-casing word by word would.
        return tuple(_WORD.findall(text.lower()))
    return tuple(w.lower() for w in _WORD.findall(text))


def squash(text: str) -> str:
    """A line as repeat checks compare it: case-folded, its runs of word characters joined by one space.

    >>> squash("  Share this: "), squash("STRASSE_1 ß"), squash("")
    ('share this', 'strasse_1 ss', '')
    """
    return _SQUASH.sub(" ", text.casefold()).strip()


def revise_kinds(kinds: list, members: tuple) -> list:
    """jusText's context pass over line kinds (0 bad, 1 short, 2 near-good, 3 good): short and near-good lines take
    their class from the nearest lines that are neither; the result as `members[kind]`.

    A short line between good ones is good; with bad on one side it is bad, unless good is on the other, where it
    is near-good when a good line touches it. Then a near-good line is bad when the nearest non-near-good lines on
    both sides (bad past the edges) are bad, else good.

    >>> revise_kinds([3, 1, 3, 1, 0, 1, 1, 2, 0], tuple(range(4)))
    [3, 3, 3, 3, 0, 0, 0, 0, 0]
    >>> revise_kinds([3, 1, 0], tuple(range(4))), revise_kinds([3, 1, 1, 0], tuple(range(4))), revise_kinds([], ())
    ([3, 3, 0], [3, 3, 0, 0], [])
    """
    alone = [int(kind) for kind in kinds]
    revised = list(alone)
    before_all, after_all = _nearest(alone, SHORT)
    for index, kind in enumerate(alone):
        if kind == SHORT:
            revised[index] = _short_by_context(alone, index, before_all[index], after_all[index])
    final = list(revised)
    before_all, after_all = _nearest(revised, NEAR_GOOD)
    for index, kind in enumerate(revised):
        if kind == NEAR_GOOD:
            final[index] = BAD if before_all[index] == after_all[index] == BAD else GOOD
    return [members[kind] for kind in final]


def _nearest(kinds: list[int], skip: int) -> tuple[list[int], list[int]]:
    """For each position, the nearest kind before and after it that is not `skip` (BAD past the edges)."""
    before: list[int] = []
    last = BAD
    for kind in kinds:
        before.append(last)
        if kind != skip:
            last = kind
    after: list[int] = []
    last = BAD
    for kind in reversed(kinds):
        after.append(last)
        if kind != skip:
            last = kind
    after.reverse()
    return before, after


def _short_by_context(kinds: list[int], index: int, before: int, after: int) -> int:
    """The class of the short line kinds[index] between the nearest lines that are not short."""
    if before == GOOD and after == GOOD:
        return GOOD
    if before == BAD or after == BAD:
        if before == GOOD or after == GOOD:
            close = (index > 0 and kinds[index - 1] == GOOD) or (index + 1 < len(kinds) and kinds[index + 1] == GOOD)
            return NEAR_GOOD if close else BAD
        return BAD
    return NEAR_GOOD


def collapse_lines(text: str, fix: Callable[[str], str]) -> str:
    """Each line of the text with its runs of whitespace one space and none at either end, as
    `" ".join(line.split())` makes it; a line with "_" in it is first passed through `fix`.

    >>> collapse_lines("  a \\t b \\nx_y  z\\n\\u3000", lambda line: line.replace("x_y", ""))
    'a b\\nz\\n'
    """
    return "\n".join([" ".join((fix(line) if "_" in line else line).split()) for line in text.split("\n")])


def segment_blocks(text: str, block: Callable[..., Any]) -> list:
    """One `block(text, line, start, paragraph, blank_before)` per line with more than whitespace in it: its
    1-based line number, its offset in the text, the index of its blank-line separated paragraph, and whether
    a blank line comes between it and the block before.

    >>> segment_blocks("a\\n \\nb\\n\\n\\u3000\\nc", lambda *fields: fields)
    [('a', 1, 0, 0, False), ('b', 3, 4, 1, True), ('c', 6, 9, 2, True)]
    """
    blocks: list = []
    paragraph = 0
    blank = False
    offset = 0
    for number, line in enumerate(text.split("\n"), start=1):
        if line.strip():
            if blank and blocks:
                paragraph += 1
            blocks.append(block(line, number, offset, paragraph, blank and bool(blocks)))
            blank = False
        else:
            blank = True
        offset += len(line) + 1
    return blocks


def few_spaces(lines: list[str], limit: int) -> list[str]:
    """The lines with fewer than `limit` spaces, each once, in order of first appearance.

    >>> few_spaces(["a b", "a b c", "", "a b", "x"], 2)
    ['a b', '', 'x']
    """
    return list(dict.fromkeys([line for line in lines if line.count(" ") < limit]))


def short_with_letter(lines: list[str], max_words: int) -> list[int]:
    """The indexes of the lines of at most `max_words` space-separated words with a letter in them (a word
    character that is neither a digit nor "_").

    >>> short_with_letter(["Share this", "19'", "", "a b c", "x_1", "²"], 2)
    [0, 4, 5]
    """
    return [index for index, line in enumerate(lines) if 0 < line.count(" ") + 1 <= max_words and _LETTER.search(line)]


def code_char_count(text: str) -> int:
    """How many of the text's characters are ones code is full of and prose is not: {}()[];=<>|\\/_$&+*^~`#@%

    >>> code_char_count("f(x) { return x_1; }"), code_char_count("Prose, plain.")
    (6, 0)
    """
    return len(_CODE_CHARS.findall(text))


def cjk_count(text: str) -> int:
    """How many of the text's characters are kana, CJK ideographs (and extension A) or Hangul syllables.

    >>> cjk_count("中文 and ひらがな, 한국어"), cjk_count("abc")
    (9, 0)
    """
    return len(_CJK.findall(text))


def split_word_counts(lines: list[str]) -> list[int]:
    """How many words each line has as `len(line.split())` counts them: runs of non-whitespace.

    >>> split_word_counts(["a b", "", " \\t ", "one\\u3000two  three "])
    [2, 0, 0, 3]
    """
    return [len(line.split()) for line in lines]


def lines_within(lines: list[str], counts: list[int], limit: int) -> tuple[list[int], str]:
    """The indexes of the lines whose count is at most `limit`, and those lines joined by newlines.

    >>> lines_within(["a b", "c", "d e f"], [2, 1, 3], 2)
    ([0, 1], 'a b\\nc')
    """
    chosen = [index for index, count in enumerate(counts) if count <= limit]
    return chosen, "\n".join([lines[index] for index in chosen])
