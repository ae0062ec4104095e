"""Boilerplate rules as data: one rule compiled and validated (`Rule`), and all of them matched at once (`RuleSet`).

The rules come from `patterns/*.toml` (read by `rule_files`), one file per category. Each rule names what it matches (a list of phrases or a
regular expression), whether the phrase must be the whole line, and what it
drops: the ``line``, its blank-line separated ``paragraph``, or a ``region``
that runs from the line to where the article resumes. Every rule carries
examples that must and must not match, checked by `cleaner patterns test`.

A malformed file raises `RuleError` naming the file and the rule; callers turn
that into a one-line message, never a traceback.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, fields

import regex as timed_re

from .prefilter import Linear, LooseScanner, exact_re2, hit_lines, loose_line_filter, phrase_finder, renewed
from .textcore import few_spaces, split_word_counts

SCOPES = ("line", "paragraph", "region")
# Trailing characters ignored when a phrase must be the whole line ("Subscribe!", "Read more »").
_TRAILING = " \t.,;:!?…»›>→|-–—*•·"
# List bullets as text dumps write them (w3m nests "*", "+", "o"), arrows and separators.
_BULLET_CHARS = "*•·+-–—>»›|#.,;:!?…→"
_BULLETS = re.compile(rf"^(?:[\s{re.escape(_BULLET_CHARS)}]|o(?=\s))*")


class RuleError(ValueError):
    """A pattern file or rule that cannot be used; the message names file and rule."""


class RuleTimeout(RuntimeError):
    """A rule's regular expression ran past its time budget on one line; the message names the rule."""


# Rules are user input, and Python's `re` backtracks: `(a+)+$` takes longer than the age of the universe on
# forty a's and a b. So a regex rule runs on RE2 (linear time) whenever RE2 can say exactly what it says;
# the rest (look-arounds, \b, backreferences) run on the `regex` module, which reads them as `re` does and
# stops a search past its `timeout` by itself: no signal, so it works in any thread, on any system, and
# leaves a caller's own alarms alone. A rule that runs past this budget per line fails the document with an
# error naming the rule instead of hanging the run. A line of prose takes microseconds; a linear scan of a
# 100 MB line well under the extra second per megabyte.
RULE_BUDGET_SECONDS = 1.0
RULE_BUDGET_PER_MB = 1.0
# RE2 caches the DFA states it builds for as long as an automaton lives, up to its `max_mem` (64 MB each,
# some 150 automata), and varied text keeps adding states: the rules' caches held 77 MB after the 4 MB of
# dev pages and grew on, by some 13 MB more over the next 250 MB. A rule set compiles its automata afresh
# after scanning this many characters, so their caches stay bounded however long a run or a library
# caller's process lives. A renewal costs about a second (0.3 s to compile, the rest to build the states
# again), some 3% of the time to scan this much; in exchange a process reaches its steady size within its
# first 35 MB of text and stays there. Renewing after 256 million characters let it climb for eight times
# as long first, and each climb left the C heap a little larger. A smaller `max_mem` (8 MB) bounds the
# caches too, but made scanning 9% slower: the big alternations rebuild their states over and over.
RENEW_AFTER_CHARS = 32_000_000


@dataclass(frozen=True, slots=True)
class Rule:
    """One compiled boilerplate rule.

    >>> rule = Rule.from_table({"id": "x.more", "phrases": ["show more"], "whole": True,
    ...     "drop": "line", "examples": {"match": ["Show More"], "no_match": ["Show more of it here"]}},
    ...     category="navigation", source="inline")
    >>> rule.matches("Show More »")
    True
    """

    id: str
    category: str
    scope: str
    phrases: tuple[str, ...]  # whole-line phrases as `phrase_key` gives them; empty for a regex rule
    body: str  # the pattern without anchors, for the combined prefilter
    regex: re.Pattern[str]
    linear: Linear | None  # the same pattern compiled by RE2 (see `exact_re2`), or None: `timed` runs, on a budget
    timed: timed_re.Pattern | None  # the same pattern for the `regex` module, for a regex rule RE2 cannot run
    whole: bool
    max_words: int
    must_match: tuple[str, ...]
    must_not_match: tuple[str, ...]
    source: str

    @classmethod
    def from_table(cls, table: dict, *, category: str, source: str) -> Rule:
        rule_id = table.get("id")
        where = f"{source}: rule {rule_id!r}" if rule_id else f"{source}: a rule without an id"
        if not isinstance(rule_id, str) or not re.fullmatch(r"[a-z0-9][a-z0-9_.\-]*", rule_id):
            raise RuleError(f"{where}: 'id' must be a lower-case slug like 'donation.support-us'")
        scope = table.get("drop", "line")
        if scope not in SCOPES:
            raise RuleError(f"{where}: 'drop' must be one of {', '.join(SCOPES)}, not {scope!r}")
        phrases, pattern = table.get("phrases"), table.get("regex")
        if (phrases is None) == (pattern is None):
            raise RuleError(f"{where}: give exactly one of 'phrases' (a list) or 'regex' (a string)")
        if phrases is not None:
            if not isinstance(phrases, list) or not phrases or not all(isinstance(p, str) and p.strip() for p in phrases):
                raise RuleError(f"{where}: 'phrases' must be a non-empty list of non-empty strings")
            pattern = "|".join(_phrase_regex(p) for p in sorted(phrases, key=len, reverse=True))
        if not isinstance(pattern, str) or not pattern:
            raise RuleError(f"{where}: 'regex' must be a non-empty string")
        whole = table.get("whole", False)
        if not isinstance(whole, bool):
            raise RuleError(f"{where}: 'whole' must be true or false")
        flags = re.IGNORECASE if not table.get("case_sensitive", False) else 0
        try:
            body = f"(?:{pattern})"
            regex = re.compile(rf"\A{body}\Z" if whole else body, flags)
        except re.error as exc:
            raise RuleError(f"{where}: bad regular expression: {exc}") from None
        max_words = table.get("max_words", 0)
        if not isinstance(max_words, int) or max_words < 0:
            raise RuleError(f"{where}: 'max_words' must be a whole number (0 means no limit)")
        examples = table.get("examples")
        if not isinstance(examples, dict):
            raise RuleError(f"{where}: needs [examples] with 'match' and 'no_match' lists")
        must, must_not = examples.get("match"), examples.get("no_match")
        for name, value in (("match", must), ("no_match", must_not)):
            if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
                raise RuleError(f"{where}: examples.{name} must be a non-empty list of strings")
        unknown = set(table) - {"id", "drop", "phrases", "regex", "whole", "case_sensitive", "max_words", "examples", "languages", "why"}
        if unknown:
            raise RuleError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
        keys = tuple(" ".join(p.casefold().split()) for p in phrases) if phrases is not None else ()
        # Phrase rules are escaped literals (no nested repetition): `re` is linear on them and exact.
        linear = None if phrases is not None else exact_re2(regex.pattern, regex.flags)
        timed = None
        if phrases is None:
            try:
                timed = timed_re.compile(regex.pattern, regex.flags & re.IGNORECASE)
            except timed_re.error as exc:
                raise RuleError(f"{where}: bad regular expression: {exc}") from None
        return cls(rule_id, category, scope, keys, body, regex, linear, timed, whole, max_words, tuple(must), tuple(must_not),
                   source)

    def __reduce__(self) -> tuple:
        """RE2's automata do not pickle: a copy compiles its own from the pattern (`exact_re2`).

        >>> import pickle; rule = Rule.from_table({"id": "x.share", "regex": "^share (?:on|via) \\w+$",
        ...     "examples": {"match": ["Share on X"], "no_match": ["Shared"]}}, category="social", source="inline")
        >>> copy = pickle.loads(pickle.dumps(rule)); copy.linear is not None, copy.matches("Share via email")
        (True, True)
        """
        values = {field.name: getattr(self, field.name) for field in fields(self) if field.name != "linear"}
        return (_with_automaton, (values,))

    @property
    def ignore_case(self) -> bool:
        return bool(self.regex.flags & re.IGNORECASE)

    def matches(self, line: str) -> bool:
        """Whether the rule fires on one line of normalised text."""
        if self.max_words and len(line.split()) > self.max_words:
            return False
        return self.pattern_matches(strip_decoration(line) if self.whole else line)

    def pattern_matches(self, line: str) -> bool:
        """Whether the rule's pattern matches the line, its word limit aside, its decoration already stripped
        from a line a `whole` rule is to match: the rest of `matches`."""
        if self.linear is not None and "\n" not in line:
            return self.linear.search(line)
        if not self.phrases:
            return self._search_on_budget(line)
        return bool(self.regex.match(line) if self.whole else self.regex.search(line))

    def _search_on_budget(self, line: str) -> bool:
        """The `regex` module's search, stopped with RuleTimeout past the budget; in any thread, with no signal.

        >>> rule = Rule.from_table({"id": "x.slow", "regex": "(a|aa)+b(?=x)", "examples": {"match": ["aabx"],
        ...     "no_match": ["b"]}}, category="test", source="inline")
        >>> rule.matches("a" * 80 + "c")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        cleaner.rules.RuleTimeout: rule 'x.slow' (inline) ran past its 1 s budget on a line of 81 characters ...
        """
        seconds = RULE_BUDGET_SECONDS + RULE_BUDGET_PER_MB * len(line) / 1e6
        try:
            return self.timed.search(line, timeout=seconds) is not None
        except TimeoutError:
            raise RuleTimeout(f"rule {self.id!r} ({self.source}) ran past its {seconds:.0f} s budget on a line of "
                              f"{len(line)} characters (catastrophic backtracking?); write it so that RE2 accepts it "
                              "(no look-arounds, \\b or backreferences)") from None

    def failing_examples(self) -> list[str]:
        """The examples this rule gets wrong, as messages; empty when it is right."""
        wrong = []
        for examples, expected, problem in ((self.must_match, True, "should match but does not"),
                                            (self.must_not_match, False, "should not match but does")):
            for example in examples:
                try:
                    if self.matches(example) != expected:
                        wrong.append(f"{problem}: {example!r}")
                except RuleTimeout as exc:
                    wrong.append(f"{exc}: {example!r}")
        return wrong


def _with_automaton(values: dict) -> Rule:
    """The rule of `Rule.__reduce__`, its RE2 automaton compiled again: a phrase rule has none."""
    regex = values["regex"]
    return Rule(**values, linear=None if values["phrases"] else exact_re2(regex.pattern, regex.flags))


def _phrase_regex(phrase: str) -> str:
    r"""A phrase as a regex: words must start and end at word boundaries, any whitespace between.

    >>> _phrase_regex("read more")
    '(?<!\\w)read\\s+more(?!\\w)'
    """
    body = r"\s+".join(re.escape(part) for part in phrase.split())
    return rf"(?<!\w){body}(?!\w)"


class RuleSet:
    """All rules, in a fixed order: by file name, then as written.

    Most lines match no rule. `candidate_lines` finds the only lines some rule
    may match, cheaply: whole-line phrases by a set lookup on the lines one
    automaton finds in the case-folded text, the other rules by RE2 automata
    over the lines short enough for them (long paragraphs are most of the text
    and the dearest to scan). `first_match` then tries the rules one by one on
    those lines, which keeps "first rule wins" exact.
    """

    __slots__ = ("rules", "_by_phrase", "_phrase_words", "_phrase_spaces", "_phrase_finder", "_limited", "_limited_rules",
                 "_limited_words", "_limits", "_unlimited", "_unlimited_rules", "_prechecks", "_scanned")

    def __init__(self, rules: tuple[Rule, ...]) -> None:
        self.rules = rules
        self._by_phrase: dict[str, list[int]] = {}
        for index, rule in enumerate(rules):
            if rule.whole:
                for phrase in rule.phrases:
                    self._by_phrase.setdefault(phrase, []).append(index)
        self._phrase_words = max((len(p.split()) for p in self._by_phrase), default=0)
        # Spaces a line may have and still be a phrase: the finder lets decoration and runs of spaces through.
        self._phrase_spaces = 3 * self._phrase_words
        # A bullet "o" counts only before whitespace; the finder, being loose, takes it anywhere in front.
        decoration = _BULLET_CHARS + "o"
        self._phrase_finder = phrase_finder(self._by_phrase, decoration, _TRAILING) if self._by_phrase else None
        scanned = [i for i, r in enumerate(rules) if not (r.whole and r.phrases)]
        # In order of their word limits, so that each automaton holds rules of like limits and scans only the lines
        # within the largest of them (`LooseScanner.matching_short_lines`).
        self._limited_rules = sorted((i for i in scanned if rules[i].max_words), key=lambda i: rules[i].max_words)
        self._unlimited_rules = [i for i in scanned if not rules[i].max_words]
        self._limited = LooseScanner([_scan_part(rules[i]) for i in self._limited_rules])
        self._limits = [rules[i].max_words for i in self._limited_rules]
        self._limited_words = max((rules[i].max_words for i in self._limited_rules), default=0)
        self._unlimited = LooseScanner([_scan_part(rules[i]) for i in self._unlimited_rules])
        # A scanner's hit names all the rules of its automaton. The rules that run on a budget (a backtracking
        # search, many times dearer than RE2's) are first asked, through their own loose pattern, whether they can match.
        budgeted = (i for i in scanned if rules[i].linear is None and not rules[i].phrases)
        self._prechecks = {i: check for i in budgeted if (check := loose_line_filter(*_scan_part(rules[i]))) is not None}
        self._scanned = 0

    def __reduce__(self) -> tuple:
        """Pickled as its rules; a copy compiles its own automata.

        >>> import pickle; rules = RuleSet((Rule.from_table({"id": "x.more", "phrases": ["read more"], "whole": True,
        ...     "examples": {"match": ["Read more"], "no_match": ["Read more of it"]}}, category="links", source="inline"),))
        >>> pickle.loads(pickle.dumps(rules)).first_match("Read more").id
        'x.more'
        """
        return (RuleSet, (self.rules,))

    def renew(self) -> None:
        """Compile every automaton afresh, dropping the DFA states RE2 cached; what matches never changes.

        Safe beside threads scanning with this rule set: each finishes on the automata it already holds.
        """
        if self._phrase_finder is not None:
            self._phrase_finder = renewed(self._phrase_finder)
        self._limited.renew()
        self._unlimited.renew()
        for linear in [*self._prechecks.values(), *(rule.linear for rule in self.rules)]:
            if linear is not None:
                linear.renew()
        self._scanned = 0

    def first_match(self, line: str, candidates: Iterable[int] | None = None) -> Rule | None:
        """The first rule that matches the line, or None; only `candidates` (rule indexes) are tried if given.

        >>> from cleaner.rule_files import load_rules
        >>> rules = load_rules()
        >>> rules.first_match("Skip to content").id
        'navigation.skip-link'
        """
        order = range(len(self.rules)) if candidates is None else sorted(candidates)
        prechecks = self._prechecks if "\n" not in line else {}
        # What `Rule.matches` works out of the line before its pattern, once for all the rules tried.
        words = stripped = None
        for index in order:
            rule = self.rules[index]
            if rule.max_words:
                if words is None:
                    words = len(line.split())
                if words > rule.max_words:
                    continue
            precheck = prechecks.get(index)
            if precheck is not None and not precheck.search(line):
                continue  # its loose pattern misses the line, so the rule does too
            if rule.whole and stripped is None:
                stripped = strip_decoration(line)
            if rule.pattern_matches(stripped if rule.whole else line):
                return rule
        return None

    def candidate_lines(self, text: str) -> dict[int, set[int]]:
        """For each 1-based line of `text` that some rule may match, the indexes of those rules.

        Never misses: a rule not named for a line does not match it.

        >>> from cleaner.rule_files import load_rules
        >>> sorted(load_rules().candidate_lines("Skip to content\\nxyzzy\\nRead more"))
        [1, 3]
        """
        if self._scanned >= RENEW_AFTER_CHARS:
            self.renew()
        self._scanned += len(text)
        lines = text.split("\n")
        found: dict[int, set[int]] = {}
        rules_of = self._short_line_rules(lines)
        if rules_of:
            for number in [number for number, line in enumerate(lines, start=1) if line in rules_of]:
                found[number] = set(rules_of[lines[number - 1]])  # a set of its own for each line
        for number, parts in self._unlimited.matching_lines(text).items():
            found.setdefault(number, set()).update(self._unlimited_rules[p] for p in parts)
        return found

    def _short_line_rules(self, lines: list[str]) -> dict[str, set[int]]:
        """For each distinct short line some phrase or length-limited rule may match, the indexes of those rules.

        The short text holds each line once (blank lines, menus and share bars repeat within a page, a
        fifth of its short lines' bytes), and no longer line fits either scan.
        """
        limit = max(self._limited_words, self._phrase_spaces + 1)
        short_lines = few_spaces(lines, limit)
        by_line: dict[str, set[int]] = {}
        if not short_lines:
            return by_line
        # A phrase line has at most `_phrase_spaces` spaces (`_phrase_lines` asks again of each hit): the
        # phrase finder scans only those. A length-limited rule never matches a line of more words than its
        # limit (`Rule.matches` asks first), so each of their automata scans only the lines within its rules' limits.
        max_spaces = self._phrase_spaces
        phrase_lines = few_spaces(short_lines, max_spaces + 1)  # distinct already: the same lines in the same order
        phrase_text = "\n".join(phrase_lines)
        for line_index, rules in self._phrase_lines(phrase_text, phrase_lines).items():
            by_line[phrase_lines[line_index - 1]] = rules
        word_counts = split_word_counts(short_lines)
        for line_index, parts in self._limited.matching_short_lines(short_lines, word_counts, self._limits).items():
            by_line.setdefault(short_lines[line_index - 1], set()).update(self._limited_rules[p] for p in parts)
        return by_line

    def _phrase_lines(self, text: str, lines: list[str]) -> dict[int, set[int]]:
        """The lines that are a whole-line phrase, with the rules that have it.

        Only the lines the finder hits are looked up: a line it misses has no phrase key in the table.
        """
        found: dict[int, set[int]] = {}
        if self._phrase_finder is None:
            return found
        # Case-folding never adds or removes a newline, so the folded text has the same lines.
        folded = text.casefold().encode("utf-8", "surrogatepass")
        max_spaces = self._phrase_spaces
        for number in hit_lines(self._phrase_finder, folded):
            line = lines[number - 1]
            if line.count(" ") <= max_spaces:
                indexes = self._by_phrase.get(phrase_key(line))
                if indexes:
                    found[number] = set(indexes)
        return found

    def categories(self) -> list[str]:
        return sorted({r.category for r in self.rules})


def phrase_key(line: str) -> str:
    """A line as a whole-line phrase rule sees it: trimmed of bullets and punctuation, case-folded.

    >>> phrase_key("* Read   More »")
    'read more'
    """
    return " ".join(strip_decoration(line).casefold().split())


def strip_decoration(line: str) -> str:
    """A line without the bullets before it and the punctuation after it, as whole-line rules see it.

    >>> strip_decoration("  o Read more »"), strip_decoration("+ Datenschutz"), strip_decoration("open")
    ('Read more', 'Datenschutz', 'open')
    """
    return _BULLETS.sub("", line.rstrip(_TRAILING))


def _scan_part(rule: Rule) -> tuple[str, bool]:
    """The pattern a scanner looks for to find the lines this rule may match, and its case flag."""
    if rule.whole:
        trail = re.escape(_TRAILING)
        return rf"^(?:[{trail}+#]|o\s)*(?:{rule.body})[{trail}]*$", rule.ignore_case
    return rule.body, rule.ignore_case
