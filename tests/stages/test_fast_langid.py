"""fast_langid: the numpy walk of py3langid's automaton names exactly the language py3langid names."""

from __future__ import annotations

import functools
import random
from pathlib import Path

import numpy as np
import pytest

from cleaner.stages.fast_langid import Walker, is_exact_walk, walk_states

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


@functools.cache
def identifier():  # noqa: ANN201 - py3langid's own class
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE)


def texts() -> list[str]:
    """Slices of the seed pages (every language they hold) and random text from many scripts."""
    rng = random.Random(7)
    found = []
    for path in sorted(SEEDS.glob("*.txt")):
        page = path.read_text(encoding="utf-8")
        found.append(page[:500])
        for _ in range(40):
            start = rng.randrange(len(page))
            found.append(page[start : start + rng.randrange(1, 700)])
    found += ["".join(chr(rng.randrange(32, 0x3000)) for _ in range(rng.randrange(1, 200))) for _ in range(300)]
    return found + ["SHOUTING IN CAPITALS IS LOWERED FIRST", "Ünïcödé", "a"]


def test_same_label_as_py3langid() -> None:
    walker = Walker.of(identifier())
    assert walker is not None
    for text in texts():
        label = walker.classify(text)
        assert label is None or label == identifier().classify(text)[0], text


def test_the_window_walk_is_the_sequential_walk() -> None:
    walker = Walker.of(identifier())
    data = np.frombuffer("Der Rat hat den Haushalt beschlossen — l’été, Совет".encode(), dtype=np.uint8)
    states = walk_states(walker._nextmove, walker._rowbase, data)
    state, expected = 0, []
    for byte in data.tolist():
        state = int(walker._nextmove[walker._rowbase[state] + byte])
        expected.append(state)
    assert states.tolist() == expected
    assert is_exact_walk(walker._nextmove, walker._rowbase, data, states)
    # Too short a window forgets what the automaton remembers: the check catches it.
    assert not is_exact_walk(walker._nextmove, walker._rowbase, data, walk_states(walker._nextmove, walker._rowbase, data, 1))


@pytest.mark.parametrize("text", ["", "   ", "\U0001f600\U0001f600"])
def test_text_without_features_goes_to_py3langid(text: str) -> None:
    from cleaner.stages.language import Py3LangidDetector

    walker = Walker.of(identifier())
    if walker.classify(text) is None:
        assert Py3LangidDetector().detect(text) == identifier().classify(text)[0]
