"""Made-up paragraphs for the dedup tests, with Jaccard similarities known by construction (single words)."""

from __future__ import annotations

import random

from cleaner.document import Document
from cleaner.stages.dedup import Dedup
from cleaner.stages.segment import segment_text

WORDS = ("alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike november oscar papa "
         "quebec romeo sierra tango uniform victor whiskey xray yankee zulu").split()
A = " ".join(WORDS[:20])
B = " ".join(WORDS[:18] + ["one", "two"])  # J(A, B) = 18/22 with single words
C = " ".join(WORDS[:16] + ["one", "two", "three", "four"])  # J(B, C) = 18/22, J(A, C) = 16/24


def doc(doc_id: str, text: str) -> Document:
    return Document(text, doc_id, blocks=segment_text(text))


def corpus(files: int, seed: int = 7) -> list[tuple[str, str]]:
    """Made-up files of several paragraphs; about a third repeat, reworded a little, a paragraph of an earlier file."""
    rng = random.Random(seed)
    vocabulary = [f"{w}{n}" for w in WORDS for n in range(8)]
    written: list[str] = []
    out = []
    for number in range(files):
        paragraphs = []
        for _ in range(rng.randint(2, 6)):
            if written and rng.random() < 0.35:
                words = rng.choice(written).split()
                words[rng.randrange(len(words))] = rng.choice(vocabulary)
            else:
                words = [rng.choice(vocabulary) for _ in range(rng.randint(14, 40))]
            paragraphs.append(" ".join(words))
        written.extend(paragraphs)
        out.append((f"f{number:04d}.txt", "\n\n".join(paragraphs)))
    return out


def decisions(stage: Dedup, files: list[tuple[str, str]]) -> list[tuple[str, int, str, str]]:
    out = []
    for name, text in files:
        d = doc(name, text)
        stage.process(d)
        out.extend((name, b.line, b.dropped.rule, b.dropped.detail) for b in d.blocks if b.dropped is not None)
    return out
