"""py3langid's classifier with its byte automaton walked by numpy: the same label, several times faster.

py3langid counts the states its automaton visits over the UTF-8 bytes of a text, one Python step
per byte: about four fifths of the time it takes to name a language from a 500-character sample.
The automaton is an Aho-Corasick matcher of byte n-grams of at most six bytes, so the state after
a byte depends only on the last few bytes: starting from the root at every position `WINDOW` bytes
back gives every position's state in `WINDOW` vectorised steps. That shortcut is then checked
exactly, with one more step (each state must be where its predecessor leads on its byte), and any
text that fails the check, or any model not shaped as expected, goes to py3langid's own walk.
The scores are then computed by py3langid's own expression on the same counts in the same order,
so they are bit for bit py3langid's.
"""

from __future__ import annotations

import numpy as np

WINDOW = 8  # bytes each state is recomputed from: more than the model's longest n-gram (six bytes)


def walk_states(nextmove: np.ndarray, rowbase: np.ndarray, data: np.ndarray, window: int = WINDOW) -> np.ndarray:
    """The automaton's state after each byte of `data`, each found from the root `window` bytes back.

    >>> nextmove = np.array([0, 1] * 128 + [0, 1] * 128)  # two states; byte parity picks the next one
    >>> walk_states(nextmove, np.array([0, 256]), np.array([3, 4, 5], dtype=np.uint8)).tolist()
    [1, 0, 1]
    """
    states = np.zeros(len(data), dtype=np.intp)
    for step in range(window):
        start = window - 1 - step  # positions before `start` have no byte this far back: they stay at the root
        if start >= len(data):
            continue
        states[start:] = nextmove[rowbase[states[start:]] + data[: len(data) - start]]
    return states


def is_exact_walk(nextmove: np.ndarray, rowbase: np.ndarray, data: np.ndarray, states: np.ndarray) -> bool:
    """Whether `states` is the sequential walk from the root: each state is where the one before leads.

    >>> nextmove = np.array([0, 1] * 128 + [0, 1] * 128)
    >>> data = np.array([3, 4, 5], dtype=np.uint8)
    >>> is_exact_walk(nextmove, np.array([0, 256]), data, np.array([1, 0, 1])), is_exact_walk(
    ...     nextmove, np.array([0, 256]), data, np.array([1, 1, 1]))
    (True, False)
    """
    before = np.concatenate(([0], states[:-1]))
    return bool(np.array_equal(nextmove[rowbase[before] + data], states))


class Walker:
    """py3langid's `classify(text)[0]` for an identifier loaded with its defaults."""

    __slots__ = ("_identifier", "_nextmove", "_rowbase", "_output")

    def __init__(self, identifier: object) -> None:
        self._identifier = identifier
        self._nextmove = np.frombuffer(identifier.tk_nextmove, dtype=np.dtype(identifier.tk_nextmove.typecode))
        self._rowbase = np.asarray(identifier._rowbase, dtype=np.intp)
        self._output = np.asarray(identifier.tk_output, dtype=np.intp)

    @classmethod
    def of(cls, identifier: object) -> Walker | None:
        """A walker for this identifier, or None where it is not the py3langid 0.4 shape this reads."""
        try:
            if identifier._norm_probs or identifier.min_confidence is not None:
                return None
            walker = cls(identifier)
        except (AttributeError, TypeError, ValueError):
            return None
        # A last guard against a py3langid whose insides moved: the two must agree on a few texts.
        probes = ("The council approved the budget on Monday.", "Der Rat hat den Haushalt am Montag beschlossen.",
                  "Совет утвердил бюджет в понедельник.", "Le conseil a approuvé le budget lundi.")
        if any(walker.classify(text) != identifier.classify(text)[0] for text in probes):
            return None
        return walker

    def classify(self, text: str) -> str | None:
        """The label py3langid gives `text`, or None where the shortcut does not apply (then ask py3langid)."""
        identifier = self._identifier
        data = np.frombuffer(identifier._encode(text), dtype=np.uint8)
        if not len(data):
            return None
        states = walk_states(self._nextmove, self._rowbase, data)
        if not is_exact_walk(self._nextmove, self._rowbase, data, states):
            return None
        features = self._output[states]
        features = features[features >= 0]
        if not len(features):
            return None
        # py3langid counts with a Counter: features in order of first visit, which fixes the order of the sum.
        unique, first, counts = np.unique(features, return_index=True, return_counts=True)
        order = np.argsort(first)
        index = unique[order].astype(np.intp)
        scores = np.log1p(counts[order].astype(np.float32)) @ identifier.nb_ptc[index] + identifier.nb_pc
        for keep, dupe in identifier._alias_pairs:
            scores[keep] = max(scores[keep], scores[dupe])
            scores[dupe] = np.finfo(np.float32).min
        return str(identifier.nb_classes[int(scores.argmax())])
