"""pipeline: stages built fresh per run and run in the configured order; stats count what they did."""

from __future__ import annotations

import functools

from texts import P1, P2, P3

from cleaner.config import Config
from cleaner.document import Document
from cleaner.features import word_count
from cleaner.pipeline import Pipeline, Stats, build_stages, make_detector
from cleaner.rule_files import load_rules


@functools.cache
def shipped_rules():
    """Loaded on first use, so a broken pattern file fails these tests, not the collection of the suite."""
    return load_rules()


def pipeline(**config) -> Pipeline:
    cfg = Config(language_detector="none", **config)
    return Pipeline(build_stages(cfg, shipped_rules(), make_detector(cfg)))


def test_stages_are_built_in_config_order():
    cfg = Config(language_detector="none", min_words=0)
    assert [s.name for s in build_stages(cfg, shipped_rules(), None)] == list(cfg.stages)
    short = Config(stages=("segment", "patterns"), language_detector="none", min_words=0)
    assert [s.name for s in build_stages(short, shipped_rules(), None)] == ["segment", "patterns"]
    # The whole-document tests (stages.whole) go around dedup: before it, and after it again.
    names = [s.name for s in build_stages(Config(language_detector="none"), shipped_rules(), None)]
    assert names == [*Config().stages[:-1], "document", "dedup", "document"]


def test_each_build_gives_fresh_stage_objects():
    cfg = Config(language_detector="none")
    first, second = build_stages(cfg, shipped_rules(), None), build_stages(cfg, shipped_rules(), None)
    assert all(a is not b for a, b in zip(first, second, strict=True))


def test_make_detector_only_when_language_is_detected():
    assert make_detector(Config(language_detector="none")) is None
    assert make_detector(Config(stages=("segment",), language_detector="py3langid")) is None
    assert make_detector(Config()) is not None


def test_full_pipeline_on_a_made_up_page():
    page = "\n".join([
        "Skip to content",
        "Council Approves Budget After Long Debate",
        "",
        "3 min read",
        "Council Approves Budget After Long Debate",
        "",
        P1,
        "",
        "Sign up for our free weekly newsletter",
        "Every Friday",
        "Subscribe",
        "",
        P2,
        "",
        P3,
        "",
        "Read more",
        "Storm Closes Schools Across The Region",
    ])
    doc = pipeline().run(Document(page, "page"))
    assert doc.cleaned_text() == "\n\n".join(["Council Approves Budget After Long Debate", P1, P2, P3]) + "\n"
    labels = {b.text: b.dropped.label for b in doc.dropped_blocks()}
    assert labels["Skip to content"] == "patterns/navigation.skip-link [navigation]"
    assert labels["3 min read"] == "patterns/ui.reading-time [ui]"
    assert labels["Every Friday"] == "heuristics/newsletter.signup [newsletter]"
    assert labels["Read more"] == "patterns/related.more-link [related]"
    assert labels["Storm Closes Schools Across The Region"] == "classify/outside_main_body [boilerplate]"
    assert doc.language == "und"  # detector "none"


def test_stage_order_matters_without_heuristics_regions_are_not_extended():
    from cleaner.rules import Rule, RuleSet

    box = Rule.from_table({"id": "t.box", "phrases": ["newsletter box"], "whole": True, "drop": "region",
                           "examples": {"match": ["Newsletter box"], "no_match": ["box"]}},
                          category="newsletter", source="inline.toml")
    rules = RuleSet((box,))
    page = "\n\n".join([P1, "Newsletter box", "Email", P2, P3])
    for stages, kept in [
        (("normalize", "segment", "patterns"), [P1, "Email", P2, P3]),
        (("normalize", "segment", "patterns", "heuristics"), [P1, P2, P3]),
    ]:
        cfg = Config(stages=stages, language_detector="none")
        doc = Pipeline(build_stages(cfg, rules, None)).run(Document(page, "p"))
        assert [b.text for b in doc.kept_blocks()] == kept, stages


def test_a_pipeline_dedups_across_documents_it_runs():
    run = pipeline()
    run.run(Document(P1 + "\n\n" + P2, "a"))
    second = run.run(Document(P3 + "\n\n" + P2, "b"))
    assert [b.text for b in second.kept_blocks()] == [P3]
    assert second.blocks[1].dropped.detail == "a:3"


def test_stats_count_documents_blocks_and_drops():
    doc = pipeline().run(Document("Skip to content\n" + P1 + "\nShow more", "a"))
    stats = Stats()
    stats.add_document(doc, bytes_in=100, bytes_out=40)
    data = stats.to_dict()
    assert data["documents"] == 1 and data["failed"] == 0
    assert (data["bytes_in"], data["bytes_out"]) == (100, 40)
    assert (data["blocks_in"], data["blocks_dropped"]) == (3, 2)
    assert data["by_stage"] == {"patterns": 2}
    assert data["by_category"] == {"navigation": 2}
    assert data["by_rule"] == {"navigation.button": 1, "navigation.skip-link": 1}


def test_stats_merge_adds_up_and_sorts_keys():
    a, b = Stats(), Stats()
    a.by_category.update({"ui": 2})
    b.by_category.update({"byline": 1, "ui": 1})
    b.failed = 1
    a.merge(b)
    data = a.to_dict()
    assert data["by_category"] == {"byline": 1, "ui": 3}
    assert list(data["by_category"]) == ["byline", "ui"]
    assert data["failed"] == 1


def test_a_repeat_dropped_inside_a_document_lets_its_neighbours_settle_again():
    # The near copy at the end kept "#" between two paragraphs; once dedup drops the copy, "#" trails the
    # article, and cleaning the output would drop it. Settling again makes one clean what two cleans give.
    from cleaner import Cleaner

    cleaner = Cleaner(Config(language_detector="none"))
    text = f"{P1}\n\n#\n\n{P1.replace('evening', 'night')}\n"
    once = cleaner.clean(text).text
    assert once == f"{P1}\n"
    assert cleaner.clean(once).text == once


def test_the_feature_caches_hold_no_lines_of_earlier_documents():
    cleaner = pipeline()
    first = Document("\n\n".join(f"An earlier page's own line number {n}, long enough to be prose here." for n in range(50)))
    cleaner.run(first)
    assert word_count.cache_info().currsize == 0  # emptied after the corpus stages too
    second = Document(P1)
    cleaner.run_document(second)
    remembered = word_count.cache_info().currsize
    assert 0 < remembered <= len(P1.split("\n")) + len(second.blocks)


def test_a_document_folded_in_a_worker_gives_the_corpus_stages_what_one_process_gives():
    import pickle

    texts = [f"{P1}\n\nShare this story\n\n{P2}", f"{P3}\n\nShare this story\n\n{P2}\n\n{P1.replace('evening', 'night')}"]
    in_one_process = pipeline()
    expected = [[b.text for b in in_one_process.run(Document(t, str(n))).kept_blocks()] for n, t in enumerate(texts)]
    worker, writer = pipeline(), pipeline()
    for number, text in enumerate(texts):
        sent = pickle.loads(pickle.dumps(worker.run_document(Document(text, str(number)), fold=True)))
        assert set(sent.prepared) == {"dedup"}
        assert [b.text for b in writer.run_corpus(sent).kept_blocks()] == expected[number]
    assert word_count.cache_info().currsize == 0
