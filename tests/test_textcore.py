"""The text path's kernels: compiled and pure Python give the same results, and the same as the code they replace."""

from __future__ import annotations

import random
import re
import subprocess
import sys

import pytest

from cleaner import _textcore_pure as pure
from cleaner import textcore
from cleaner.stages.line_kind import BAD, GOOD, KINDS, NEAR_GOOD, SHORT, Kind, revise_by_context, short_by_context

try:
    from cleaner import _textcore as compiled
except ImportError:  # no compiler where this was installed: the pure twins are checked alone
    compiled = None

CORES = [pure] if compiled is None else [pure, compiled]
TWINS = ("word_count", "lower_words", "squash", "revise_kinds")
WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")
TRICKY = ["", " ", "a", "_", "'", "’", "a'", "'a", "a'b", "a''b", "a'b'c", "don’t’", "x_y", "__init__", "3.14", "٣٤ ٥",
          "ΟΔΟΣ", "ὈΔΥΣΣΕΎΣ", "İstanbul", "STRASSE ß ẞ", "ǅungla ǈ", "中文字符 and 日本語", "e\u0301\u0301", "\u200b\u00ad",
          "\t tab \u3000 ideographic\u00a0nbsp ", "😀 emoji 😀x", "a\U0001d7d8b", "ﬁ ligature", "I\u0307", "\ufffd", "\x00a\x00",
          "word " * 5000, "ü" * 100_000, "'" * 1000]


def reference_revise(kinds: list) -> list:
    """jusText's context pass as it was written before the kernel: short lines, then near-good ones, by neighbours."""
    def nearest(kinds: list, skip: Kind) -> tuple[list, list]:
        before, last = [], BAD
        for kind in kinds:
            before.append(last)
            last = kind if kind != skip else last
        after, last = [], BAD
        for kind in reversed(kinds):
            after.append(last)
            last = kind if kind != skip else last
        return before, after[::-1]

    revised = list(kinds)
    before, after = nearest(kinds, SHORT)
    for index, kind in enumerate(kinds):
        if kind == SHORT:
            revised[index] = short_by_context(kinds, index, before[index], after[index])
    final = list(revised)
    before, after = nearest(revised, NEAR_GOOD)
    for index, kind in enumerate(revised):
        if kind == NEAR_GOOD:
            final[index] = BAD if before[index] == after[index] == BAD else GOOD
    return final


@pytest.mark.parametrize("core", CORES, ids=lambda core: core.__name__)
def test_the_word_kernels_match_the_patterns_they_replace(core):
    texts = [*TRICKY, "".join(map(chr, range(0x2FFF)))]
    for text in texts:
        lowered = tuple(WORD.findall(text.lower())) if "\u03a3" not in text and "\u0130" not in text else \
            tuple(word.lower() for word in WORD.findall(text))
        assert core.lower_words(text) == lowered, text[:40]
        assert core.word_count(text) == len(WORD.findall(text)) == len(lowered), text[:40]
        assert core.squash(text) == re.sub(r"\W+", " ", text.casefold()).strip(), text[:40]


@pytest.mark.skipif(compiled is None, reason="the compiled kernels are not built")
def test_compiled_and_pure_agree_on_every_character_and_random_texts():
    every = "".join(chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c < 0xE000)
    for name in TWINS[:3]:
        assert getattr(compiled, name)(every) == getattr(pure, name)(every), name
    rng = random.Random(23)
    alphabet = ["a", "Z", "1", "_", "'", "’", " ", ".", "ß", "Σ", "İ", "中", "\u0307", "٣", "-", "\t", "é", "ǅ", "😀"]
    for _ in range(5000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 14)))
        for name in TWINS[:3]:
            assert getattr(compiled, name)(text) == getattr(pure, name)(text), (name, text)


@pytest.mark.parametrize("core", CORES, ids=lambda core: core.__name__)
def test_revise_kinds_is_the_context_pass(core):
    rng = random.Random(5)
    cases = [[], [SHORT], [NEAR_GOOD], [GOOD, SHORT, BAD], [BAD, SHORT, SHORT, GOOD], [SHORT] * 50]
    cases += [[rng.choice(KINDS) for _ in range(rng.randint(0, 30))] for _ in range(3000)]
    for kinds in cases:
        revised = core.revise_kinds(kinds, KINDS)
        assert revised == reference_revise(kinds), kinds
        assert all(type(kind) is Kind for kind in revised)
    assert revise_by_context([GOOD, SHORT, BAD]) == [GOOD, GOOD, BAD]  # near-good beside good, then good


def test_pure_python_is_chosen_when_asked():
    env = {"CLEANER_PURE_PYTHON": "1", "PATH": "/usr/bin:/bin"}
    done = subprocess.run([sys.executable, "-c", "from cleaner import textcore; print(textcore.COMPILED)"], env=env,
                          capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
    assert textcore.word_count is textcore._kernels.word_count


SPACES = [" ", "  ", "\t", "\u3000", "\u00a0", "\x1c", "\x85", "\u2028", "\x0b"]


def random_lines(rng: random.Random, count: int) -> list[str]:
    pieces = ["a", "Wort", "_", "x_y", "expand_more", "中", "😀", "", *SPACES, "\n", "\n\n", "\r"]
    return ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 12))) for _ in range(count)]


@pytest.mark.parametrize("core", CORES, ids=lambda core: core.__name__)
def test_collapse_lines_is_split_and_join_per_line(core):
    def fix(line: str) -> str:
        return line.replace("expand_more", "")

    rng = random.Random(7)
    for text in [*TRICKY, *random_lines(rng, 3000), "\n".join(TRICKY)]:
        expected = "\n".join([" ".join((fix(line) if "_" in line else line).split()) for line in text.split("\n")])
        assert core.collapse_lines(text, fix) == expected, text[:40]


@pytest.mark.parametrize("core", CORES, ids=lambda core: core.__name__)
def test_segment_blocks_numbers_lines_and_paragraphs(core):
    def reference(text: str) -> list[tuple]:
        blocks, paragraph, blank, offset = [], 0, False, 0
        for number, line in enumerate(text.split("\n"), start=1):
            if line.strip():
                paragraph += blank and bool(blocks)
                blocks.append((line, number, offset, paragraph, blank and bool(blocks)))
                blank = False
            else:
                blank = True
            offset += len(line) + 1
        return blocks

    rng = random.Random(11)
    for text in [*TRICKY, *random_lines(rng, 3000), "\n".join(TRICKY), "\n" * 5, " \n\t\n"]:
        assert core.segment_blocks(text, lambda *fields: fields) == reference(text), text[:40]


@pytest.mark.parametrize("core", CORES, ids=lambda core: core.__name__)
def test_the_line_selections_count_spaces_and_letters_as_the_patterns_did(core):
    letter = re.compile(r"[^\W\d_]")
    rng = random.Random(3)
    lines = [*TRICKY, *random_lines(rng, 2000), "19'", "3:1", "²", "٣", "Ⅷ", "_", "a " * 30, "x" * 10_000]
    for limit in (-1, 0, 1, 2, 3, 12, 25, 100):
        assert core.few_spaces(lines, limit) == list(dict.fromkeys([line for line in lines if line.count(" ") < limit]))
        assert core.short_with_letter(lines, limit) == [
            index for index, line in enumerate(lines) if 0 < line.count(" ") + 1 <= limit and letter.search(line)]
    every = [chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c < 0xE000]
    assert core.short_with_letter(every, 1) == [index for index, c in enumerate(every) if letter.search(c)]


@pytest.mark.parametrize("core", CORES, ids=lambda core: core.__name__)
def test_the_character_counts_are_the_classes_they_replace(core):
    code = re.compile(r"[{}()\[\];=<>|\\/_$&+*^~`#@%]")
    cjk = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
    every = "".join(chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c < 0xE000)
    for text in [*TRICKY, every, "function(e){if(4===this.readyState){_=n(e)-d;var r=0}}", "한국어 中文 カタカナ"]:
        assert core.code_char_count(text) == len(code.findall(text))
        assert core.cjk_count(text) == len(cjk.findall(text))


@pytest.mark.parametrize("core", CORES, ids=lambda core: core.__name__)
def test_split_word_counts_and_lines_within(core):
    rng = random.Random(13)
    lines = [*[line.replace("\n", " ") for line in TRICKY], *[line.replace("\n", "") for line in random_lines(rng, 2000)]]
    counts = core.split_word_counts(lines)
    assert counts == [len(line.split()) for line in lines]
    for limit in (-1, 0, 1, 3, 40):
        chosen, text = core.lines_within(lines, counts, limit)
        assert chosen == [index for index, count in enumerate(counts) if count <= limit]
        assert text == "\n".join(lines[index] for index in chosen)
