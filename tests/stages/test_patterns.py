"""patterns: rules from patterns/*.toml applied line by line, with line, paragraph and region scopes."""

from __future__ import annotations

from cleaner.document import Document, Reason
from cleaner.rule_files import load_rules
from cleaner.rules import Rule, RuleSet
from cleaner.stages.patterns import Patterns
from cleaner.stages.segment import Segment

EXAMPLES = {"match": ["x"], "no_match": ["y"]}


def rule(rule_id: str, scope: str = "line", category: str = "test", **table) -> Rule:
    return Rule.from_table({"id": rule_id, "drop": scope, "examples": EXAMPLES, **table},
                           category=category, source="inline.toml")


def run(rules: RuleSet, text: str) -> Document:
    doc = Document(text, "doc")
    Segment().process(doc)
    Patterns(rules).process(doc)
    return doc


def dropped(doc: Document) -> dict[str, str]:
    return {b.text: b.dropped.rule for b in doc.blocks if b.dropped is not None}


def test_line_scope_drops_only_the_matching_line():
    rules = RuleSet((rule("t.button", phrases=["click here"], whole=True),))
    doc = run(rules, "Intro sentence one.\nClick here\nAfter the button.\n\nNext paragraph.")
    assert dropped(doc) == {"Click here": "t.button"}
    block = doc.blocks[1]
    assert block.dropped == Reason("patterns", "t.button", "test")
    assert doc.region_starts == []


def test_paragraph_scope_drops_the_whole_blank_line_paragraph_and_nothing_else():
    rules = RuleSet((rule("t.promo", "paragraph", phrases=["special offer"]),))
    text = "Article line one.\n\nFirst promo line\nA special offer for you\nLast promo line\n\nArticle line two."
    doc = run(rules, text)
    assert dropped(doc) == {"First promo line": "t.promo", "A special offer for you": "t.promo",
                            "Last promo line": "t.promo"}
    assert [b.text for b in doc.kept_blocks()] == ["Article line one.", "Article line two."]


def test_region_scope_drops_its_line_and_records_where_the_region_starts():
    rules = RuleSet((rule("t.box", "region", category="newsletter", phrases=["newsletter box"]),))
    doc = run(rules, "Article line one.\n\nNewsletter box\nform field\n\nArticle line two.")
    assert dropped(doc) == {"Newsletter box": "t.box"}
    # The stage records the start; extending the region is the heuristics stage's job.
    assert doc.region_starts == [(1, Reason("patterns", "t.box", "newsletter"))]
    assert doc.blocks[2].kept


def test_first_rule_in_order_wins():
    rules = RuleSet((rule("t.first", phrases=["menu"]), rule("t.second", regex="men.")))
    assert dropped(run(rules, "Main menu")) == {"Main menu": "t.first"}


def test_a_block_dropped_earlier_is_not_matched_again():
    rules = RuleSet((rule("t.box", "region", phrases=["box"]),))
    doc = Document("box", "doc")
    Segment().process(doc)
    earlier = Reason("heuristics", "repeated_line", "duplicate")
    doc.blocks[0].drop(earlier)
    Patterns(rules).process(doc)
    assert doc.blocks[0].dropped == earlier
    assert doc.region_starts == []


def test_whole_line_rules_ignore_bullets_and_trailing_punctuation_but_not_extra_words():
    rules = RuleSet((rule("t.sub", phrases=["subscribe"], whole=True),))
    doc = run(rules, "Subscribe!\n• Subscribe\nSubscribe »\nSubscribe to the idea that less is more.")
    assert [b.text for b in doc.kept_blocks()] == ["Subscribe to the idea that less is more."]


def test_max_words_limits_a_rule_to_short_lines():
    rules = RuleSet((rule("t.short", regex="donate", max_words=4),))
    doc = run(rules, "Please donate today\nShe decided to donate a kidney to her brother last year.")
    assert dropped(doc) == {"Please donate today": "t.short"}


def test_shipped_rules_on_made_up_lines():
    text = "Skip to content\nThe council met on Tuesday to discuss the budget.\nRead more\n3 min read\nRelated articles"
    doc = run(load_rules(), text)
    reasons = {b.text: (b.dropped.rule, b.dropped.category) for b in doc.dropped_blocks()}
    assert reasons == {
        "Skip to content": ("navigation.skip-link", "navigation"),
        "Read more": ("related.more-link", "related"),
        "3 min read": ("ui.reading-time", "ui"),
        "Related articles": ("related.list-heading", "related"),
    }
    # "Read more" closes a teaser and drops only itself; a list heading opens a region.
    assert [i for i, _ in doc.region_starts] == [4]


# --- groups in rule patterns -----------------------------------------------------------------
# Patterns RE2 cannot compile (backreferences) take the prefilter's slow path; joined into one
# alternation their groups would be renumbered or clash. Each must work on its own.


def test_a_rule_with_a_backreference_fires_after_another_backreference_rule():
    first = rule("t.abcab", regex=r"(ab)c\1")
    doubled = rule("t.doubled", regex=r"\b(\w+) \1\b")
    assert doubled.matches("hello hello")
    doc = run(RuleSet((first, doubled)), "abcab\nhello hello\nhello world")
    assert dropped(doc) == {"abcab": "t.abcab", "hello hello": "t.doubled"}


def test_rules_with_the_same_named_group_load_together():
    rules = RuleSet((rule("t.a", regex=r"(?P<n>\d+) (?P=n) points"),
                     rule("t.b", regex=r"(?P<n>\w+) (?P=n) goals")))
    assert dropped(run(rules, "7 7 goals\n3 3 points\n3 4 goals")) == {"7 7 goals": "t.b", "3 3 points": "t.a"}
