"""document: drop a whole document that cleaning left with too little, or that is not in an allowed language.

The other stages judge lines; this one judges what they left. A document dropped here has every kept line
marked with its reason (so `explain` and the counts show it) and `Document.rejected` set, so that no writer
ever writes it as a stub: `clean -o` leaves it out, `--in-place` leaves the file as it was, a record goes
to the rejects file; all of them count it and say why.
"""

from __future__ import annotations

import re

from ..document import Document, Reason
from .base import CorpusStage, DocumentStage

STAGE = "document"
# Scripts written without spaces between words: each character counts as a word.
_UNSPACED = re.compile(r"[\u0e00-\u0e7f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_WORD = re.compile(r"[^\W_]+")


def count_words(text: str) -> int:
    """Words in running text: letter or digit runs, and each character of the scripts written without spaces.

    >>> count_words("Read more »"), count_words("北京市政府今天宣布"), count_words("— · —")
    (2, 9, 0)
    """
    spaced = _UNSPACED.sub(" ", text)
    return len(_WORD.findall(spaced)) + len(_UNSPACED.findall(text))


def words_left(doc: Document, enough: int | None = None) -> int:
    """The words of the lines a document keeps; with `enough`, counted only until there are that many.

    >>> from cleaner.document import Block
    >>> doc = Document("", blocks=[Block("Three short words", 1, 0, 0, False), Block("and two", 2, 18, 0, False)])
    >>> words_left(doc), words_left(doc, 2)
    (5, 3)
    """
    left = 0
    for block in doc.blocks:
        if block.kept:
            left += count_words(block.text)
            if enough is not None and left >= enough:
                break  # the first lines of an article settle it: the rest are not read
    return left


def cleaning_removed(doc: Document) -> bool:
    """Whether cleaning took anything away: a line dropped, or a page's markup (an HTML page is never its own text).

    A text that lost nothing stays as it is however short it is, so that cleaning cleaned text changes nothing.
    """
    return bool(doc.line_hints or doc.set_aside or doc.folded or any(not block.kept for block in doc.blocks))


def too_little_left(doc: Document, min_words: int) -> Reason | None:
    """Why a document goes for having fewer than `min_words` words left, or None.

    >>> from cleaner.document import Block
    >>> doc = Document("", blocks=[Block("Share", 1, 0, 0, False, Reason("p", "social", "social")), Block("Read more", 2, 6, 0, False)])
    >>> too_little_left(doc, 3)
    Reason(stage='document', rule='min_words', category='document', detail='2 words left, fewer than min_words 3')
    >>> too_little_left(doc, 2) is None, too_little_left(Document("", blocks=[Block("Hi", 1, 0, 0, False)]), 3) is None
    (True, True)
    """
    if min_words <= 0 or not cleaning_removed(doc):
        return None
    left = words_left(doc, min_words)
    if left >= min_words:
        return None
    said = "nothing left" if left == 0 else f"{left} word{'s' if left > 1 else ''} left"
    return Reason(STAGE, "min_words", STAGE, f"{said}, fewer than min_words {min_words}")


def not_allowed(doc: Document, languages: tuple[str, ...]) -> Reason | None:
    """Why a document goes for its language, or None (no allow-list, or an allowed language).

    >>> not_allowed(Document("", language="fr"), ("de", "en"))
    Reason(stage='document', rule='languages', category='document', detail='language fr, not in languages de, en')
    """
    if not languages or doc.language in languages:
        return None
    return Reason(STAGE, "languages", STAGE, f"language {doc.language or 'und'}, not in languages {', '.join(languages)}")


def reject(doc: Document, reason: Reason) -> None:
    """Drop the document whole: its kept lines get `reason`, and it is marked never to be written."""
    doc.rejected = reason
    for block in doc.blocks:
        if block.kept:
            block.drop(reason)


class KeepWhole(DocumentStage):
    """Drops whole documents by language and by what is left, after the language is named and before dedup:
    a document that is not written must not become the first copy that later ones are dropped against."""

    name = STAGE
    runs_last = True  # judges the lines that will be written

    def __init__(self, min_words: int, languages: tuple[str, ...] = ()) -> None:
        self.min_words = min_words
        self.languages = languages

    def process(self, doc: Document) -> None:
        if doc.rejected is not None:
            return
        reason = not_allowed(doc, self.languages) or too_little_left(doc, self.min_words)
        if reason is not None:
            reject(doc, reason)


class KeepWholeAfterDedup(CorpusStage):
    """The same test of what is left, after dedup: a copy of an earlier document is emptied by dedup alone.

    A corpus stage with nothing to prepare: it runs after dedup, in the process that runs dedup.
    """

    name = STAGE

    def __init__(self, min_words: int) -> None:
        self.test = KeepWhole(min_words)

    def process(self, doc: Document) -> None:
        self.test.process(doc)
