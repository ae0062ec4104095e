"""dedup: drop blocks that repeat an earlier block anywhere in the corpus (exact, after squashing).

The first copy in input order (file path, then position) is kept. The stage
owns its table of seen blocks, so one instance serves exactly one run.
"""

from __future__ import annotations

import hashlib

from ..document import Document, Reason
from ..features import squash

DEDUP_MIN_WORDS = 6  # shorter lines repeat by nature ("Read more", a city name); rules judge those


def block_key(text: str) -> bytes:
    """A 16-byte key that ignores case, punctuation and spacing.

    >>> block_key("Hello,  World!") == block_key("hello world")
    True
    """
    return hashlib.blake2b(squash(text).encode("utf-8"), digest_size=16).digest()


class ExactDedup:
    name = "dedup"
    runs_last = True  # only a line that is written may count as the first copy

    def __init__(self, min_words: int = DEDUP_MIN_WORDS) -> None:
        self.min_words = min_words
        self.first_seen: dict[bytes, str] = {}

    def process(self, doc: Document) -> None:
        for block in doc.blocks:
            if not block.kept or len(block.text.split()) < self.min_words:
                continue
            key = block_key(block.text)
            origin = self.first_seen.get(key)
            if origin is None:
                self.first_seen[key] = f"{doc.id}:{block.line}"
            else:
                block.drop(Reason(self.name, "exact_duplicate", "duplicate", detail=origin))
