"""decide: a model's verdict on every line of a page, taking the other stages' verdicts as evidence.

The stages before it each see one kind of evidence: a rule's words, the markup's class names, a line's
length and stopwords, its neighbours, the lines recurring across the corpus. Where they disagree, or
where one fires on the wrong page (a related-article list is the page's content on a listing page),
hand-set precedence gets it wrong in ways no single rule can fix. So the last per-document step
weighs all of it at once: a forest of boosted trees (`cleaner.trees`) over `line_features.FEATURES`,
fitted on hand-labelled pages of many sites by `benchmarks/train_lines.py`, keeps or drops each line.
A line it keeps stays whatever dropped it before; a line it drops goes as `decide/line_model`.

It judges pages read from HTML, where markup gives it most to go on; text dumps keep the stages' verdicts.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path

from ..document import Document, Reason
from ..line_features import FEATURES, document_features
from ..trees import Forest, ModelFileError
from .base import DocumentStage

STAGE = "decide"
LINE_MODEL = Reason(STAGE, "line_model", "boilerplate")
HTML_MODEL = "html-lines.json"


@lru_cache(maxsize=4)
def packaged_model(name: str) -> Forest:
    """A model shipped in `cleaner/models`, read once per process (it is never changed)."""
    path = Path(str(resources.files("cleaner") / "models" / name))
    forest = Forest.load(path)
    if forest.features != FEATURES:
        raise ModelFileError(f"{path}: fitted on other features than this version computes; refit it")
    return forest


class Decide(DocumentStage):
    """Keep or drop every line of a page read from HTML by the line model's score (`tests/stages/test_decide.py`
    runs it on whole pages; on its own, without the stages whose verdicts it weighs, it has nothing to go on).

    >>> Decide().forest.features == FEATURES, LINE_MODEL.label
    (True, 'decide/line_model [boilerplate]')
    """

    name = STAGE
    runs_last = True  # after settling and after the html stage's content box: it sees every verdict

    def __init__(self, forest: Forest | None = None) -> None:
        self.forest = forest or packaged_model(HTML_MODEL)

    def process(self, doc: Document) -> None:
        if not doc.line_hints or not doc.blocks:
            return
        forest = self.forest
        keep = [score > forest.cut for score in forest.scores(document_features(doc))]
        if not any(keep):
            return  # a page it would empty (a lone paragraph, unlike the pages it learned from) keeps the stages' verdicts
        for block, kept in zip(doc.blocks, keep, strict=True):
            if kept:
                if not block.kept:
                    block.dropped = None
            elif block.kept:
                block.drop(LINE_MODEL)
