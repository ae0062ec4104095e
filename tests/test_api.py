"""The library API: Cleaner(config).clean(text) -> Result, and the streaming clean_many."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from texts import P1, P2, P3

import cleaner
from cleaner import Cleaner, Config, RemovedBlock, Result

GERMAN = (
    "Der Stadtrat hat am Montag nach einer langen Debatte den neuen Haushalt beschlossen, und die"
    " Bürgermeisterin sagte, dass das Geld vor allem für die Straßen und für zwei neue Schulen verwendet werde."
)
PAGE = "Skip to content\n" + P1 + "\n\n" + P2 + "\nShow more"


def test_public_names():
    assert cleaner.Cleaner is Cleaner and cleaner.Config is Config
    assert {"Cleaner", "Config", "Result", "RemovedBlock"} <= set(cleaner.__all__)
    assert isinstance(cleaner.__version__, str)


def test_clean_returns_text_removed_and_language(default_cleaner):
    result = default_cleaner.clean(PAGE)
    assert isinstance(result, Result)
    assert result.text == P1 + "\n\n" + P2 + "\n"
    assert result.removed == (
        RemovedBlock(1, "Skip to content", "patterns", "navigation.skip-link", "navigation"),
        RemovedBlock(5, "Show more", "patterns", "navigation.button", "navigation"),
    )
    assert result.language == "en"


def test_clean_names_the_language(default_cleaner):
    assert default_cleaner.clean(GERMAN).language == "de"
    assert default_cleaner.clean("Hallo").language == "und"


def test_clean_of_empty_text(fast_cleaner):
    result = fast_cleaner.clean("")
    assert (result.text, result.removed) == ("", ())


def test_clean_looks_for_duplicates_within_one_call_only(fast_cleaner):
    first = fast_cleaner.clean(P1)
    second = fast_cleaner.clean(P1)
    assert first.text == second.text == P1 + "\n"


def test_clean_many_dedups_across_the_stream(fast_cleaner):
    results = list(fast_cleaner.clean_many([P1 + "\n\n" + P2, P3 + "\n\n" + P2]))
    assert results[0].text == P1 + "\n\n" + P2 + "\n"
    assert results[1].text == P3 + "\n"
    (dup,) = results[1].removed
    assert (dup.stage, dup.rule, dup.category, dup.detail) == ("dedup", "exact_duplicate", "duplicate", "0:3")
    assert [r.id for r in results] == ["0", "1"]


def test_clean_many_streams_lazily_from_a_generator(fast_cleaner):
    pulled: list[int] = []

    def records():
        for number, text in enumerate([P1, P2, P3]):
            pulled.append(number)
            yield text

    stream = fast_cleaner.clean_many(records())
    assert pulled == []  # nothing is read before the first result is asked for
    with pytest.warns(UserWarning, match="one-shot iterator"):  # no first pass for the template lines
        first = next(stream)
    assert first.text == P1 + "\n"
    assert pulled == [0]  # the first result came before the generator was exhausted
    assert [r.text for r in stream] == [P2 + "\n", P3 + "\n"]
    assert pulled == [0, 1, 2]


def test_clean_many_takes_dicts_and_carries_other_fields(fast_cleaner):
    records = [
        {"id": "a", "text": PAGE, "url": "https://example.org/a", "meta": {"n": 1}},
        {"text": P3, "url": "https://example.org/b"},
    ]
    first, second = fast_cleaner.clean_many(records)
    assert first.id == "a"
    assert first.text == P1 + "\n\n" + P2 + "\n"
    assert first.metadata["url"] == "https://example.org/a" and first.metadata["meta"] == {"n": 1}
    assert "text" not in first.metadata
    assert second.id == "1"  # no id field: its position in the stream
    assert second.metadata == {"url": "https://example.org/b"}
    # The caller's records are not changed.
    assert records[0]["text"] == PAGE


def test_clean_many_uses_configured_fields():
    custom = Cleaner(Config(language_detector="none", text_field="body", id_field="key"))
    (result,) = custom.clean_many([{"key": "k1", "body": PAGE, "lang": "en"}])
    assert (result.id, result.text) == ("k1", P1 + "\n\n" + P2 + "\n")
    assert result.metadata == {"key": "k1", "lang": "en"}


def test_a_bad_record_is_rejected_with_its_reason_and_the_stream_goes_on(fast_cleaner):
    records = [{"id": "x", "body": "no text field"}, {"text": None}, b"\xff\xfe\x00", 42, {"text": "Skip to content"}, P1]
    results = list(fast_cleaner.clean_many(records))
    assert [r.rejected for r in results] == [
        "record 0: no string field 'text'", "record 1: no string field 'text'", "record 2: invalid UTF-16 at byte 2",
        "record 3: a int, not text or bytes", "nothing left after cleaning: navigation 1", ""]
    assert results[0].metadata == {"id": "x", "body": "no text field"}  # nothing of a rejected record is lost
    assert [r.text for r in results] == ["", "", "", "", "", P1 + "\n"]
    assert [r.id for r in results] == ["x", "1", "2", "3", "4", "5"]  # its own id, else its position


def test_a_document_a_stage_fails_on_is_rejected_and_the_stream_goes_on(tmp_path):
    (tmp_path / "user.toml").write_text('category = "user"\n[[rule]]\nid = "user.slow"\nregex = \'\'\'(a|aa)+b(?=x)\'\'\'\n'
                                        'examples.match = ["aabx"]\nexamples.no_match = ["b"]\n', encoding="utf-8")
    slow = Cleaner(Config(language_detector="none", patterns_dir=tmp_path))
    evil, good = slow.clean_many(["a" * 60 + "bc", P1], templates=None)
    assert evil.text == "" and "rule 'user.slow'" in evil.rejected and "budget" in evil.rejected
    assert good.text == P1 + "\n" and not good.rejected


def test_two_cleaners_share_no_state():
    a = Cleaner(Config(language_detector="none"))
    b = Cleaner(Config(language_detector="none"))
    assert a.rules is not b.rules
    list(a.clean_many([P1]))
    # b has never seen P1, nor has a second stream of a.
    assert next(b.clean_many([P1])).text == P1 + "\n"
    assert next(a.clean_many([P1])).text == P1 + "\n"


def test_two_streams_of_one_cleaner_are_independent(fast_cleaner):
    one, two = fast_cleaner.clean_many([P1, P1]), fast_cleaner.clean_many([P1])
    assert next(one).text == P1 + "\n"
    assert next(two).text == P1 + "\n"
    assert next(one).text == ""  # the second copy within stream one


def _signature(result: Result) -> tuple:
    return result.text, result.removed, result.language


@pytest.mark.parametrize("detector", ["py3langid", "langdetect"])
def test_one_cleaner_used_from_threads_matches_sequential(detector, seed_files):
    shared = Cleaner(Config(language_detector=detector))
    texts = [p.read_text(encoding="utf-8") for p in seed_files] + [PAGE, GERMAN, P1, ""]
    texts = texts * 2
    sequential = [_signature(shared.clean(t)) for t in texts]
    with ThreadPoolExecutor(max_workers=8) as pool:
        threaded = list(pool.map(lambda t: _signature(shared.clean(t)), texts))
    assert threaded == sequential
    assert {s[2] for s in sequential} >= {"en", "de", "und"}


def test_config_rejects_bad_values():
    from cleaner.config import ConfigError

    with pytest.raises(ConfigError, match="unknown stage"):
        Config(stages=("segment", "sparkle"))
    with pytest.raises(ConfigError, match="segment"):
        Config(stages=("normalize",))
    with pytest.raises(ConfigError, match="language_detector"):
        Config(language_detector="magic")
    with pytest.raises(ConfigError, match="dedup_min_words"):
        Config(dedup_min_words=0)


def test_a_rules_folder_may_be_given_as_a_string(tmp_path, repo_root):
    (tmp_path / "navigation.toml").write_bytes((repo_root / "patterns" / "navigation.toml").read_bytes())
    only_navigation = Cleaner(Config(language_detector="none", patterns_dir=str(tmp_path)))
    assert only_navigation.clean("Skip to content\n" + P1).text == P1 + "\n"
    assert {rule.category for rule in only_navigation.rules.rules} == {"navigation"}
