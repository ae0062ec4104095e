"""rules: the shipped rules pass their own examples; malformed pattern files fail loudly, naming file and rule."""

from __future__ import annotations

import signal
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from texts import P1

import cleaner.rules as rules_module
from cleaner.document import Document
from cleaner.rule_files import default_patterns_dir, load_file, load_rules
from cleaner.rules import Rule, RuleError, RuleSet, RuleTimeout
from cleaner.stages.patterns import Patterns
from cleaner.stages.segment import Segment


def _load_shipped() -> tuple[RuleSet | None, str | None]:
    # Loaded at import for the per-rule parametrisation; a broken file must fail a test, not the collection.
    try:
        return load_rules(), None
    except RuleError as exc:
        return None, str(exc)


SHIPPED, SHIPPED_ERROR = _load_shipped()
SHIPPED_RULES = SHIPPED.rules if SHIPPED is not None else ()

GOOD_RULE = '''
[[rule]]
id = "{id}"
phrases = ["click here"]
whole = true
drop = "line"
examples.match = ["Click here"]
examples.no_match = ["Click here to read the full judgment of the court."]
'''


def write(directory: Path, name: str, text: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


def good_file(rule_id: str = "test.click", category: str = "test") -> str:
    return f'category = "{category}"\n' + GOOD_RULE.format(id=rule_id)


# --- the shipped rules ------------------------------------------------------------------------


def test_shipped_rules_load():
    assert SHIPPED_ERROR is None, SHIPPED_ERROR


def test_shipped_rules_come_from_the_default_patterns_folder(repo_root):
    assert SHIPPED is not None, SHIPPED_ERROR
    folder = default_patterns_dir()
    files = sorted(folder.glob("*.toml"))
    assert files
    assert {Path(r.source).name for r in SHIPPED.rules} == {p.name for p in files}
    # From a checkout (editable install) that folder is the repository's patterns/.
    assert {p.name for p in files} == {p.name for p in (repo_root / "patterns").glob("*.toml")}
    assert len(SHIPPED.rules) >= 20
    assert {"byline", "donation", "navigation", "newsletter", "promo", "related", "ui"} <= set(SHIPPED.categories())


@pytest.mark.parametrize("rule", SHIPPED_RULES, ids=lambda r: r.id)
def test_shipped_rule_passes_its_own_examples(rule: Rule):
    assert rule.must_match and rule.must_not_match
    assert rule.failing_examples() == []


@pytest.mark.parametrize("rule", SHIPPED_RULES, ids=lambda r: r.id)
def test_shipped_rule_is_named_after_its_file_and_category(rule: Rule):
    assert Path(rule.source).stem == rule.category
    assert rule.id.startswith(rule.category + ".")


def test_shipped_rule_ids_are_unique():
    assert SHIPPED is not None, SHIPPED_ERROR
    ids = [r.id for r in SHIPPED.rules]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("rule", SHIPPED_RULES, ids=lambda r: r.id)
def test_every_match_example_is_dropped_by_the_patterns_stage(rule: Rule):
    # The stage's prefilter must never hide a line that a rule matches.
    for example in rule.must_match:
        doc = Document(example, "x")
        Segment().process(doc)
        Patterns(SHIPPED).process(doc)
        assert doc.blocks[0].dropped is not None, example
        assert SHIPPED.first_match(example) is not None


def test_first_match_follows_file_then_written_order():
    assert SHIPPED is not None, SHIPPED_ERROR
    first = SHIPPED.first_match("Skip to content")
    assert first is not None and first.id == "navigation.skip-link"
    assert SHIPPED.first_match("The council met on Tuesday to discuss the budget.") is None


def test_failing_examples_reports_both_directions():
    rule = Rule.from_table({"id": "t.x", "phrases": ["more"], "whole": True,
                            "examples": {"match": ["less"], "no_match": ["More"]}}, category="t", source="t.toml")
    problems = rule.failing_examples()
    assert problems == ["should match but does not: 'less'", "should not match but does: 'More'"]


def test_a_valid_custom_folder_loads(tmp_path):
    write(tmp_path, "test.toml", good_file())
    rules = load_rules(tmp_path)
    assert [r.id for r in rules.rules] == ["test.click"]
    assert isinstance(rules, RuleSet)


# --- malformed pattern files ------------------------------------------------------------------

BAD_FILES = {
    "invalid-toml": ('category = "test"\n[[rule]\nid = "x"\n', "not valid TOML"),
    "missing-category": (GOOD_RULE.format(id="test.click"), "category"),
    "missing-id": ('category = "test"\n' + GOOD_RULE.replace('id = "{id}"\n', ""), "without an id"),
    "bad-regex": ('category = "test"\n[[rule]]\nid = "test.bad-regex"\nregex = "(unclosed"\n'
                  'examples.match = ["a"]\nexamples.no_match = ["b"]\n', "bad regular expression"),
    "bad-scope": (good_file().replace('drop = "line"', 'drop = "page"'), "'drop'"),
    "missing-examples": ('category = "test"\n[[rule]]\nid = "test.no-examples"\nphrases = ["x"]\n', "examples"),
    "empty-examples": (good_file().replace('examples.match = ["Click here"]', "examples.match = []"), "examples.match"),
    "unknown-key": (good_file().replace('whole = true', 'whole = true\nwhle = true'), "whle"),
    "phrases-and-regex": (good_file().replace('whole = true', 'whole = true\nregex = "x"'), "exactly one"),
    "duplicate-id-in-file": (good_file() + GOOD_RULE.format(id="test.click"), "used twice"),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_malformed_file_raises_rule_error_naming_file_and_rule(tmp_path, case):
    text, expected = BAD_FILES[case]
    path = write(tmp_path, "broken.toml", text)
    with pytest.raises(RuleError) as caught:
        load_rules(tmp_path)
    message = str(caught.value)
    assert str(path) in message
    assert expected in message
    assert "\n" not in message  # one line, for the CLI's one-line error
    if case not in ("invalid-toml", "missing-category", "missing-id"):
        # The rule is named by its id.
        assert "'test." in message
    # load_file alone says the same.
    with pytest.raises(RuleError):
        load_file(path)


def test_duplicate_id_across_files_names_both_files(tmp_path):
    write(tmp_path, "a.toml", good_file("shared.id", "a"))
    second = write(tmp_path, "b.toml", good_file("shared.id", "b"))
    with pytest.raises(RuleError) as caught:
        load_rules(tmp_path)
    message = str(caught.value)
    assert str(second) in message and "'shared.id'" in message
    assert str(tmp_path / "a.toml") in message


def test_empty_or_missing_folder_is_an_error(tmp_path):
    with pytest.raises(RuleError, match="no \\*.toml"):
        load_rules(tmp_path)
    with pytest.raises(RuleError, match="not found"):
        load_rules(tmp_path / "missing")


# --- `cleaner patterns test` ------------------------------------------------------------------


def test_cli_patterns_test_passes_on_shipped_rules(run_cli):
    result = run_cli("patterns", "test")
    assert result.exit_code == 0, result.output
    assert "0 failing example(s)" in result.stderr
    assert result.stdout == ""


def test_cli_patterns_test_on_a_bad_folder_is_a_one_line_error(run_cli, tmp_path):
    bad = tmp_path / "bad"
    path = write(bad, "broken.toml", BAD_FILES["bad-regex"][0])
    result = run_cli("patterns", "test", "--patterns", bad)
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("cleaner: ") and str(path) in lines[0] and "test.bad-regex" in lines[0]
    assert "Traceback" not in result.output


def test_cli_patterns_test_lists_a_rule_whose_example_fails(run_cli, tmp_path):
    folder = tmp_path / "pats"
    text = good_file("test.wrong").replace('examples.match = ["Click here"]', 'examples.match = ["Tap here"]')
    path = write(folder, "test.toml", text)
    result = run_cli("patterns", "test", "--patterns", folder)
    assert result.exit_code == 1
    assert f"{path}: rule 'test.wrong': should match but does not: 'Tap here'" in result.stdout
    assert "1 failing example(s)" in result.stderr
    assert "Traceback" not in result.output


def test_first_match_with_prechecks_agrees_with_every_rule_tried_in_order() -> None:
    """The loose pre-check skips only rules that do not match: first_match equals the plain first rule that matches."""
    rules = load_rules()
    assert rules._prechecks  # the shipped rules have budgeted ones
    lines = [example for rule in rules.rules for example in (*rule.must_match, *rule.must_not_match)]
    for line in lines:
        expected = next((rule for rule in rules.rules if rule.matches(line)), None)
        assert rules.first_match(line) == expected, line


def test_candidate_lines_name_every_copy_of_a_repeated_line() -> None:
    rules = load_rules()
    found = rules.candidate_lines("Skip to content\nxyzzy\n\nSkip to content\nRead more\nxyzzy")
    assert sorted(found) == [1, 4, 5]
    assert found[1] == found[4] and found[1] is not found[4]


def test_a_rule_set_renews_its_automata_after_scanning_its_budget_and_matches_the_same(monkeypatch) -> None:
    """RE2 keeps the DFA states it builds while an automaton lives; renewal compiles fresh ones, nothing else changes."""
    import cleaner.rules as rules_module

    rules = load_rules()
    text = "\n".join(example for rule in rules.rules for example in (*rule.must_match, *rule.must_not_match))
    lines = text.split("\n")

    def decisions() -> list[str | None]:
        found = rules.candidate_lines(text)
        return [getattr(rules.first_match(lines[n - 1], found[n]), "id", None) if n in found else None
                for n in range(1, len(lines) + 1)]

    monkeypatch.setattr(rules_module, "RENEW_AFTER_CHARS", 2 * len(text))
    finder, scanners = rules._phrase_finder, list(rules._limited._fast)
    linears = [rule.linear._compiled for rule in rules.rules if rule.linear is not None]
    before = decisions()  # scanned once: under the budget
    assert rules._phrase_finder is finder and rules._limited._fast == scanners
    assert decisions() == before  # twice: still under
    assert decisions() == before  # three times: over, so renewed first
    assert rules._phrase_finder is not finder
    assert all(new is not old for (_, new), (_, old) in zip(rules._limited._fast, scanners, strict=True))
    assert all(rule.linear._compiled is not old for rule, old in zip([r for r in rules.rules if r.linear], linears, strict=True))
    assert rules._scanned == len(text)  # counting starts again from the renewal


# --- the time budget of rules RE2 cannot run: no signal, any thread ---------------------------------------------

COPYRIGHT = "© 2024 Example Corp. All rights reserved."  # footer.copyright: a rule with look-arounds, run on a budget


def test_a_budgeted_rule_runs_on_the_shipped_rules():
    rule = load_rules().first_match(COPYRIGHT)
    assert rule.id == "footer.copyright" and rule.linear is None  # so the tests below exercise the budget


@pytest.mark.skipif(not hasattr(signal, "SIGALRM"), reason="a POSIX alarm")
def test_a_callers_alarm_and_handler_survive_cleaning(fast_cleaner):
    handler = signal.getsignal(signal.SIGALRM)
    signal.alarm(600)
    try:
        assert fast_cleaner.clean(COPYRIGHT + "\n" + P1).text == P1 + "\n"
        remaining = signal.alarm(0)
    finally:
        signal.alarm(0)
    assert remaining > 0  # still pending: cleaning did not cancel it
    assert signal.getsignal(signal.SIGALRM) is handler


def test_rules_need_no_interval_timer(monkeypatch):
    """As on Windows, where the signal module has no setitimer."""
    for name in ("setitimer", "ITIMER_REAL", "SIGALRM", "alarm"):
        monkeypatch.delattr(signal, name, raising=False)
    rules = load_rules()
    assert rules.first_match(COPYRIGHT).id == "footer.copyright"


def test_the_budget_holds_in_any_thread(monkeypatch):
    monkeypatch.setattr(rules_module, "RULE_BUDGET_SECONDS", 0.05)
    rule = Rule.from_table({"id": "user.slow", "regex": "(a|aa)+b(?=x)", "examples": {"match": ["aabx"], "no_match": ["b"]}},
                           category="user", source="user.toml")
    with ThreadPoolExecutor(1) as pool:
        future = pool.submit(rule.matches, "a" * 30 + "c")  # a second and more of backtracking, well past 0.05
        with pytest.raises(RuleTimeout, match="'user.slow' \\(user.toml\\) ran past its"):
            future.result()
