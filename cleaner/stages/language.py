"""language: name the document's language once, from a sample of its kept text.

Detectors sit behind one small interface. py3langid is the default: deterministic
and about 20x faster than langdetect, which stays available with a fixed seed
held by its own factory (never the global one).
"""

from __future__ import annotations

from typing import Protocol

from ..document import Document
from ..features import looks_like_code, word_count
from .base import DocumentStage

SAMPLE_CHARS = 500  # measured: the same label as 1,000 and 2,000 characters on the dev pages, at less cost
MIN_CHARS = 50  # shorter text is noise to every detector ("Hello" comes out as Finnish)
UNDETERMINED = "und"  # ISO 639 code for "could not tell"


class Detector(Protocol):
    def detect(self, text: str) -> str: ...


class Py3LangidDetector:
    """py3langid's model, loaded on first use: a process that never detects (the parent of worker
    processes, which only runs dedup) never pays the second it takes.

    Its byte automaton is walked with numpy (`fast_langid`), which gives exactly py3langid's label.
    """

    def __init__(self) -> None:
        self._identifier = None
        self._walker = None

    def detect(self, text: str) -> str:
        if self._identifier is None:
            from py3langid.langid import MODEL_FILE, LanguageIdentifier

            from .fast_langid import Walker

            self._identifier = LanguageIdentifier.from_model_file(MODEL_FILE)
            self._walker = Walker.of(self._identifier)
        if self._walker is not None:
            label = self._walker.classify(text)
            if label is not None:
                return label
        return str(self._identifier.classify(text)[0])


class LangdetectDetector:
    def __init__(self, seed: int = 0) -> None:
        from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory

        self._factory = DetectorFactory()
        self._factory.load_profile(PROFILES_DIRECTORY)
        self._factory.seed = seed

    def detect(self, text: str) -> str:
        from langdetect.lang_detect_exception import LangDetectException

        detector = self._factory.create()
        detector.append(text)
        try:
            return str(detector.detect())
        except LangDetectException:
            return UNDETERMINED


DETECTORS = {"py3langid": Py3LangidDetector, "langdetect": LangdetectDetector}


def sample_text(doc: Document) -> str:
    """About SAMPLE_CHARS characters of the document's longest kept lines that are not code.

    Menus and scripts say little about the language, and leaked scripts read as English.
    """
    lines = [b.text for b in doc.blocks if b.kept and word_count(b.text) >= 4 and not looks_like_code(b.text)]
    chosen: list[str] = []
    size = 0
    for text in sorted(lines, key=len, reverse=True):
        if size >= SAMPLE_CHARS:
            break
        chosen.append(text)
        size += len(text)
    return "\n".join(chosen)[:SAMPLE_CHARS]


class Language(DocumentStage):
    name = "language"
    runs_last = True  # named from the text that is written

    def __init__(self, detector: Detector | None) -> None:
        self.detector = detector

    def process(self, doc: Document) -> None:
        text = sample_text(doc)
        if self.detector is None or len(text) < MIN_CHARS:
            doc.language = UNDETERMINED
            return
        doc.language = self.detector.detect(text)
