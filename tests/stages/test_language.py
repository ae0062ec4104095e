"""language: one language per document from a sample of its kept text; 'und' when it cannot tell."""

from __future__ import annotations

import langdetect
import pytest

from cleaner.document import Document, Reason
from cleaner.stages.language import UNDETERMINED, LangdetectDetector, Language, Py3LangidDetector
from cleaner.stages.segment import segment_text

GERMAN = (
    "Der Stadtrat hat am Montag nach einer langen Debatte den neuen Haushalt beschlossen. "
    "Die Bürgermeisterin sagte, das Geld werde für die Reparatur von Straßen und für zwei neue Schulen verwendet."
)
ENGLISH = "The city council approved the new budget on Monday after a long debate about schools and roads."
FRENCH = "Le conseil municipal a adopté lundi le nouveau budget après un long débat sur les écoles et les routes."


@pytest.fixture(scope="module", params=["py3langid", "langdetect"])
def detector(request):
    return {"py3langid": Py3LangidDetector, "langdetect": LangdetectDetector}[request.param]()


def language_of(detector, text: str) -> str:
    doc = Document(text, "doc", blocks=segment_text(text))
    Language(detector).process(doc)
    return doc.language


def test_german_paragraph_is_german(detector):
    assert language_of(detector, GERMAN) == "de"


def test_other_languages(detector):
    assert language_of(detector, ENGLISH) == "en"
    assert language_of(detector, FRENCH) == "fr"


@pytest.mark.parametrize("text", ["", "Hallo", "Hello world", "Jetzt spenden\nMehr anzeigen"])
def test_short_text_is_undetermined(detector, text):
    assert language_of(detector, text) == UNDETERMINED == "und"


def test_no_detector_means_undetermined():
    assert language_of(None, GERMAN) == "und"


def test_only_kept_text_is_sampled(detector):
    # A German article under a long English boilerplate line: the dropped line must not decide.
    text = f"{ENGLISH} {ENGLISH}\n{GERMAN}"
    doc = Document(text, "doc", blocks=segment_text(text))
    doc.blocks[0].drop(Reason("patterns", "x", "ui"))
    Language(detector).process(doc)
    assert doc.language == "de"


def test_detection_is_deterministic(detector):
    # Mixed, ambiguous text is where an unseeded langdetect flips between answers.
    mixed = "Die Regierung und the council discuss le budget, la escuela und die Straße again today."
    first = language_of(detector, mixed)
    assert all(language_of(detector, mixed) == first for _ in range(15))


def test_langdetect_instances_agree_and_leave_the_global_seed_alone():
    before = langdetect.detector_factory.DetectorFactory.seed
    mixed = "Die Regierung und the council discuss le budget, la escuela und die Straße again today."
    answers = {LangdetectDetector().detect(mixed) for _ in range(3)}
    assert len(answers) == 1
    assert langdetect.detector_factory.DetectorFactory.seed == before
