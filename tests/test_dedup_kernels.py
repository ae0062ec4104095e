"""The dedup path's kernels: compiled and pure twins give the same results, and both the ones of `cleaner.features`
that they stand in for (so `cleaner dedup` writes the same bytes with either core). Where the compiled kernels are
not built, the side-by-side tests skip."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from texts import P1, P2, P3

from cleaner import _dedup_kernels_pure as pure
from cleaner import dedup_kernels
from cleaner.features import squash, word_count
from cleaner.minhash import _FOLD

try:
    from cleaner import _dedup_kernels as compiled
except ImportError:
    compiled = None
needs_compiled = pytest.mark.skipif(compiled is None, reason="the compiled dedup kernels are not built here")
TWINS = ("record_units", "squashed", "word_counts", "word_hashes")
PROPERTY = settings(max_examples=400, deadline=None, derandomize=True)
CORES = [pure] if compiled is None else [pure, compiled]
TRICKY = ["", " ", "\t\n", "x" * 200_000, "word " * 50_000, "a'b'c'd", "'a'", "a''b", "a’’b ’ ' a'", "don't", "DON’T",
          "ΣΑΣ σ ς İi̇ I", "Straße ﬁ ǅ ŉ", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 😀 x", "中文文本 没有空格", "٣٤ ٥", "__init__ _ a_b", "x\u200by\u00adz", "\x00a\x00",
          "\ud800 lone", "a\u0301 e\u0301", "½ ² ⅷ", P1, P2, P3]
SOME_CHARACTERS = [chr(c) for c in range(0, 0x110000, 37) if not 0xD800 <= c < 0xE000]


@needs_compiled
def test_every_compiled_kernel_has_a_pure_twin_of_the_same_name_and_docstring():
    names = {name for name in dir(compiled) if not name.startswith("_") and callable(getattr(compiled, name))
             and getattr(getattr(compiled, name), "__module__", None) == compiled.__name__}
    assert names == set(TWINS)
    for name in TWINS:
        assert getattr(compiled, name).__doc__ == getattr(pure, name).__doc__, name


@pytest.mark.parametrize("core", CORES, ids=lambda core: core.__name__)
def test_the_kernels_count_and_squash_as_the_features_do_on_tricky_texts(core):
    texts = [*TRICKY, *SOME_CHARACTERS, *(f"a{c}b {c}'x y’{c}" for c in SOME_CHARACTERS)]
    assert core.word_counts(texts) == [word_count(text) for text in texts]
    assert core.squashed(texts) == [squash(text) for text in texts]
    assert core.word_counts([]) == core.squashed([]) == []


@PROPERTY
@given(st.lists(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60), max_size=8))
def test_the_twins_agree_with_the_features_on_any_text(texts):
    for core in CORES:
        assert core.word_counts(texts) == [word_count(text) for text in texts]
        assert core.squashed(texts) == [squash(text) for text in texts]


def hashed(core, texts: list[str]) -> tuple[list[int], list[int], str, str]:
    hashes, owner = core.word_hashes(texts, _FOLD)
    return hashes.tolist(), owner.tolist(), str(hashes.dtype), str(owner.dtype)


@needs_compiled
def test_the_word_hashes_are_the_same_from_either_core_on_tricky_texts():
    texts = [text for text in TRICKY if "\ud800" not in text]
    cases = [texts, [], [""], ["", ""], ["_ _"], [chr(0x10FFFF) + "a", "𝔘"], SOME_CHARACTERS,
             [f"a{c}b {c}x" for c in SOME_CHARACTERS], ["İstanbul ΣΑΣ ς", "x" * 300_000, "a b " * 100_000]]
    for case in cases:
        assert hashed(compiled, case) == hashed(pure, case)
    for core in CORES:  # a lone surrogate: the same error from both
        with pytest.raises(UnicodeEncodeError, match="position 4: surrogates not allowed"):
            core.word_hashes(["ok", "a\ud800b"], _FOLD)


@needs_compiled
@PROPERTY
@given(st.lists(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60), max_size=8))
def test_the_word_hashes_agree_on_any_text(texts):
    assert hashed(compiled, texts) == hashed(pure, texts)


def test_the_word_hashes_are_of_runs_of_letters_and_digits_lower_cased():
    for core in CORES:
        hashes, owner = core.word_hashes(["Don't  stop_3, DON T", "", "__", "stop 3"], _FOLD)
        assert owner.tolist() == [0, 0, 0, 0, 0, 0, 3, 3]
        assert hashes[0] == hashes[4] and hashes[1] == hashes[5] and hashes[2] == hashes[6] and hashes[3] == hashes[7]


def segmented_records(texts: list[str]) -> list[tuple]:
    from cleaner.dedup_records import _segmented

    return [_segmented(text) for text in texts]


@needs_compiled
@pytest.mark.parametrize("near", [True, False])
@pytest.mark.parametrize(("min_words", "near_min_words"), [(6, 12), (0, 0), (1, 2), (50, 3)])
def test_the_record_units_are_the_same_from_either_core(near, min_words, near_min_words):
    texts = [*TRICKY, f"{P1}\n\n{P2}\n{P3}\n\n\nshort\n\none two three", "a\n\nb\n\nc d e f g h i j k l m n o", "\n\n\n", "x\ny\n\n\nz"]
    parts = segmented_records([text for text in texts if "\ud800" not in text])
    for case in (parts, [], parts[:1], [([], [], [], [])], parts[::-1]):
        assert compiled.record_units(case, min_words, near_min_words, near) == pure.record_units(case, min_words, near_min_words, near)


@needs_compiled
@PROPERTY
@given(st.lists(st.text(alphabet=st.sampled_from("ab c'\n\t.Ü"), max_size=80), max_size=6), st.integers(0, 4), st.integers(0, 6))
def test_the_record_units_agree_on_any_records(texts, min_words, near_min_words):
    parts = segmented_records(texts)
    assert compiled.record_units(parts, min_words, near_min_words, True) == pure.record_units(parts, min_words, near_min_words, True)


def test_the_pure_kernels_are_chosen_by_the_setting():
    assert dedup_kernels.word_counts is dedup_kernels._kernels.word_counts
    env = {**os.environ, "CLEANER_PURE_PYTHON": "1"}
    done = subprocess.run([sys.executable, "-c", "from cleaner import dedup_kernels; print(dedup_kernels.COMPILED)"], env=env,
                          capture_output=True, text=True, check=True)
    assert (done.stdout, done.stderr) == ("False\n", "")
