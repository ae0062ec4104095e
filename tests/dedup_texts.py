"""Made-up paragraphs for the dedup tests, with Jaccard similarities known by construction (single words)."""

from __future__ import annotations

from cleaner.document import Document
from cleaner.stages.segment import segment_text

WORDS = ("alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike november oscar papa "
         "quebec romeo sierra tango uniform victor whiskey xray yankee zulu").split()
A = " ".join(WORDS[:20])
B = " ".join(WORDS[:18] + ["one", "two"])  # J(A, B) = 18/22 with single words
C = " ".join(WORDS[:16] + ["one", "two", "three", "four"])  # J(B, C) = 18/22, J(A, C) = 16/24


def doc(doc_id: str, text: str) -> Document:
    return Document(text, doc_id, blocks=segment_text(text))
