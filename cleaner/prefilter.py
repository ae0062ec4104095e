"""RE2 versions of the rules' Python patterns: loose prefilters that never miss a match, and exact ones.

Python's `re` tries a big alternation at every position of the text, about a
microsecond each; RE2 scans it as an automaton, many times faster. A prefilter
only has to be loose (it may pass lines no rule matches; the rules then decide
on those lines with Python's `re`), so the translation drops what RE2 lacks or
reads differently instead of emulating it: look-arounds and `\\b` go, the
ASCII-only `\\w`, `\\d` become their Unicode classes, and whole-text anchors
become line anchors. `exact_re2` instead translates a pattern only where RE2 can
say exactly what Python's `re` says, so that a user's rule runs in linear time.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import lru_cache

import re2

from .textcore import lines_within

# Replacements inside and outside a character class for escapes RE2 reads differently.
_CLASS_ESCAPES = {"w": r"\pL\pN_", "d": r"\pN"}
# Patterns are written for one line; the scan runs over many lines at once, with ^ and $ per line.
_BARE_ESCAPES = {"w": r"[\pL\pN_]", "d": r"\pN", "b": "", "A": "^", "Z": "$", "z": "$"}
_LOOKAROUND = re.compile(r"\(\?<?[!=]")
# A counted repetition with an upper bound ("{0,40}", "{2,60}", Python's "{,5}"): the filter drops the bound.
_BOUNDED = re.compile(r"\{(\d*),(\d+)\}")
PATTERNS_PER_AUTOMATON = 6  # measured: six scan about four times faster than 75 in one automaton


def loosen(pattern: str) -> str:
    r"""A pattern that matches wherever `pattern` does, in syntax RE2 accepts (best effort).

    >>> loosen(r"(?<!\w)read\s+more(?!\w)")
    'read\\s+more'
    >>> loosen(r"[\w'-]+\d")
    "[\\pL\\pN_'-]+\\pN"
    """
    out: list[str] = []
    index, in_class = 0, False
    while index < len(pattern):
        char = pattern[index]
        if char == "\\" and index + 1 < len(pattern):
            escaped = pattern[index + 1]
            table = _CLASS_ESCAPES if in_class else _BARE_ESCAPES
            out.append(table.get(escaped, char + escaped))
            index += 2
            continue
        if not in_class and _LOOKAROUND.match(pattern, index):
            index = _skip_group(pattern, index)
            continue
        bounded = None if in_class else _BOUNDED.match(pattern, index)
        if bounded:
            out.append(relax_bound(bounded.group(1)))
            index = bounded.end()
            continue
        if char == "[" and not in_class:
            in_class = True
            index = _open_class(pattern, index, out)
        elif char == "]" and in_class:
            in_class = False
            out.append(char)
        else:
            out.append(char)
        index += 1
    return "".join(out)


def relax_bound(low: str) -> str:
    """The quantifier that replaces `{low,high}`: at least `low` repeats, as many more as there are.

    Each repeat a bound allows is a counter the automaton carries in its states; scanning many lines
    with `.{0,40}` inside builds thousands of them, which cost more than the few extra lines a
    looser filter passes on to the exact rules (they decide anyway).

    >>> relax_bound(""), relax_bound("0"), relax_bound("1"), relax_bound("2")
    ('*', '*', '+', '{2,}')
    """
    if low in ("", "0"):
        return "*"
    return "+" if low == "1" else f"{{{int(low)},}}"


def _open_class(pattern: str, index: int, out: list[str]) -> int:
    """Copy the `[` at `index` with a negating `^` and a leading literal `]` (which RE2 wants escaped);
    returns the index of the last character copied.

    >>> out = []; _open_class("[]a]", 0, out), "".join(out)
    (1, '[\\\\]')
    """
    out.append("[")
    if pattern.startswith("^", index + 1):
        out.append("^")
        index += 1
    if pattern.startswith("]", index + 1):
        out.append("\\]")
        index += 1
    return index


def _skip_group(pattern: str, start: int) -> int:
    """Index just past the group opening at `start` (escapes and classes respected)."""
    depth, index, in_class = 0, start, False
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            index += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return index + 1
        index += 1
    return index


def scan_options() -> re2.Options:
    """RE2 options for scanning many lines at once."""
    options = re2.Options()
    options.max_mem = 64 << 20
    options.never_nl = True  # so that one match never hides the next line's
    options.never_capture = True
    options.log_errors = False
    return options


class LooseScanner:
    """Finds, for each line of a text, which of some patterns may match it.

    Patterns RE2 accepts (after `loosen`) go into small RE2 automata that never
    match across a newline and read ^ and $ per line; a hit names its
    automaton's few patterns. The rest may match any line: they are named for
    every line, and the rules decide, each on its time budget (`rules.Rule`).
    Running them here, on every line and on no budget, would let a rule that
    backtracks catastrophically hang the run.

    >>> scanner = LooseScanner([(r"(?<!\\w)read\\s+more", True), (r"(\\w)\\1", False)])
    >>> scanner.matching_lines("a\\nRead more\\nzoo")
    {2: {0, 1}, 1: {1}, 3: {1}}
    """

    __slots__ = ("_fast", "_slow")

    def __init__(self, parts: list[tuple[str, bool]]) -> None:
        options = scan_options()
        accepted: list[tuple[int, str]] = []
        self._slow: list[tuple[int, re.Pattern[str]]] = []
        for number, (pattern, ignore_case) in enumerate(parts):
            loose = loose_pattern(pattern, ignore_case)
            if loose is not None:
                accepted.append((number, loose))
            else:
                self._slow.append((number, re.compile(pattern, re.IGNORECASE if ignore_case else 0)))
        # Several small automata scan faster than one big one, whose DFA runs out of memory.
        self._fast: list[tuple[frozenset[int], re2._Regexp]] = []
        for start in range(0, len(accepted), PATTERNS_PER_AUTOMATON):
            chunk = accepted[start : start + PATTERNS_PER_AUTOMATON]
            automaton = compile_automaton("(?m)" + "|".join(loose for _, loose in chunk), options)
            self._fast.append((frozenset(number for number, _ in chunk), automaton))

    def renew(self) -> None:
        """Compile the automata afresh, dropping the DFA states they cached (see `renewed`)."""
        self._fast = [(numbers, renewed(automaton)) for numbers, automaton in self._fast]

    def matching_lines(self, text: str) -> dict[int, set[int]]:
        """For each 1-based line number where some pattern may match, the indexes of those patterns."""
        found: dict[int, set[int]] = {}
        if self._fast:
            # Encoded once here: given a str, re2 would encode the whole text again for every automaton.
            data = text.encode("utf-8")
            for numbers, automaton in self._fast:
                for line_number in hit_lines(automaton, data):
                    found.setdefault(line_number, set()).update(numbers)
        if self._slow:
            slow = {number for number, _ in self._slow}
            for line_number in range(1, text.count("\n") + 2):
                found.setdefault(line_number, set()).update(slow)
        return found


    def matching_short_lines(self, lines: list[str], word_counts: list[int], limits: list[int]) -> dict[int, set[int]]:
        """As `matching_lines` of the lines joined by newlines, for patterns that can only match a line of at most
        `limits[p]` words (`word_counts`, as `len(line.split())` counts them): a longer line is named for none.

        Each automaton scans only the lines within the largest limit of its patterns (rules of like limits
        share one), so that the rules for short lines never read the long ones.

        >>> scanner = LooseScanner([("more", True), ("read", True)])
        >>> scanner.matching_short_lines(["Read more", "more and more and more"], [2, 5], [5, 2])
        {1: {0, 1}, 2: {0, 1}}
        """
        found: dict[int, set[int]] = {}
        within: dict[int, tuple[list[int], bytes]] = {}  # by word limit: the lines within it, and their text
        for numbers, automaton in self._fast:
            limit = max(limits[number] for number in numbers)
            if limit not in within:
                chosen, text = lines_within(lines, word_counts, limit)
                within[limit] = (chosen, text.encode("utf-8"))
            chosen, data = within[limit]
            if not chosen:
                continue
            for line_number in hit_lines(automaton, data):
                found.setdefault(chosen[line_number - 1] + 1, set()).update(numbers)
        for number, _ in self._slow:
            for index, count in enumerate(word_counts):
                if count <= limits[number]:
                    found.setdefault(index + 1, set()).add(number)
        return found


def loose_pattern(pattern: str, ignore_case: bool) -> str | None:
    """`pattern` loosened for RE2 with its case flag, or None where RE2 rejects it or it would pass every line.

    >>> loose_pattern(r"(?<!\\w)more", True), loose_pattern(r"(?=x)", False), loose_pattern(r"(?P<a>x)(?P=a)", False)
    ('(?i:more)', None, None)
    """
    automaton = _loose_automaton(pattern, ignore_case)
    return None if automaton is None else automaton.pattern


def loose_line_filter(pattern: str, ignore_case: bool) -> Linear | None:
    """The loosened pattern as a test of one line (no newline in it): False only where `pattern` cannot match.

    >>> loose_line_filter(r"^(?:read)\\s+more(?!\\w)$", True).search("Read  more"), loose_line_filter("(?=x)", False)
    (True, None)
    """
    automaton = _loose_automaton(pattern, ignore_case)
    return None if automaton is None else Linear(automaton)


def _loose_automaton(pattern: str, ignore_case: bool) -> re2._Regexp | None:
    """The loosened pattern compiled once, for both callers above; None where it is of no use as a filter."""
    loose = f"(?{'i' if ignore_case else ''}:{loosen(pattern)})"
    try:
        automaton = compile_automaton(loose, scan_options())
    except re2.error:
        return None
    # Loosened to nothing (a pattern of look-aheads) it would pass every line: no use as a filter.
    return automaton if automaton.search("") is None else None


def compile_automaton(pattern: str, options: re2.Options) -> re2._Regexp:
    """`re2.compile` without its memo: an automaton of our own, whose DFA states go when we drop it.

    `re2.compile` keeps the last 128 automata it made, by pattern and options, process-wide: an
    automaton that one of them shares stays alive, states and all, after its owner lets it go.

    >>> compile_automaton("a+b", scan_options()) is not compile_automaton("a+b", scan_options())
    True
    """
    return re2._Regexp(pattern, options)


def renewed(automaton: re2._Regexp) -> re2._Regexp:
    """The same automaton compiled afresh, without the DFA states the old one has cached (see `RuleSet.renew`).

    >>> automaton = compile_automaton("a+b", scan_options())
    >>> fresh = renewed(automaton)
    >>> fresh is not automaton, fresh.pattern == automaton.pattern, fresh.options.max_mem == automaton.options.max_mem
    (True, True, True)
    """
    return compile_automaton(automaton.pattern, automaton.options)


def hit_lines(automaton: re2._Regexp, data: bytes) -> Iterator[int]:
    """The 1-based numbers of the lines of UTF-8 `data` where the automaton matches, each once, in order.

    A match never spans a newline (`never_nl`), so its start names its line.

    >>> list(hit_lines(re2.compile("(?m)^a|b"), "a\\nbb b\\nc\\nab".encode()))
    [1, 2, 4]

    After a hit the search goes on from the next line: the rest of a hit line can only hit it again.
    RE2's matcher is called on the bytes directly (no match objects), as `Linear.search` does.
    """
    match = getattr(automaton, "_regexp", None)
    anchor = getattr(getattr(re2, "_Anchor", None), "UNANCHORED", None)
    if match is None or anchor is None:
        yield from _hit_lines_by_finditer(automaton, data)
        return
    match = match.Match
    line, counted, position, end = 1, 0, 0, len(data)
    while position <= end:
        start = match(anchor, data, position, end)[0][0]
        if start < 0:
            return
        line += data.count(b"\n", counted, start)
        yield line
        following = data.find(b"\n", start)
        if following < 0:
            return
        counted = position = following + 1
        line += 1


def _hit_lines_by_finditer(automaton: re2._Regexp, data: bytes) -> Iterator[int]:
    """`hit_lines` through the wrapper's `finditer`, for an re2 module without the matcher it calls."""
    line, counted, last = 1, 0, 0
    for hit in automaton.finditer(data):
        start = hit.start()
        line += data.count(b"\n", counted, start)
        counted = start
        if line != last:
            yield line
            last = line


def phrase_finder(phrases: Iterable[str], before: str, after: str) -> re2._Regexp:
    """An automaton over case-folded text for lines that may be one of `phrases` plus decoration.

    `phrases` are case-folded, their words separated by single spaces. The
    automaton hits every line that, case-folded, is characters of `before`,
    then a phrase with any whitespace between and around its words, then
    characters of `after` (it may hit more). Case-folding the text first makes
    it exact where RE2's own case-insensitivity is not ("STRAẞE" folds to "strasse").

    >>> finder = phrase_finder(["read more", "home"], "*", ".")
    >>> list(hit_lines(finder, "* Read\\xa0 More...\\nhomeless\\n home".casefold().encode()))
    [1, 3]
    """
    space = "".join(f"\\x{{{ord(c):x}}}" for c in _whitespace()) + r"\p{Z}"
    words = (phrase.split(" ") for phrase in phrases)
    core = "|".join(f"[{space}]+".join(re.escape(word) for word in phrase) for phrase in words)
    around = (_class_chars(before), _class_chars(after))
    return compile_automaton(f"(?m)^[{space}{around[0]}]*(?:{core})[{space}{around[1]}]*$", scan_options())


def _class_chars(chars: str) -> str:
    """Characters spelled out for an RE2 character class."""
    return "".join(f"\\x{{{ord(c):x}}}" for c in chars)


@lru_cache(maxsize=1)
def _whitespace() -> str:
    """What str.split() and Python's \\s take for whitespace, "\\n" aside; RE2's \\s is ASCII only.

    >>> "\\xa0" in _whitespace() and "\\u3000" in _whitespace() and "\\n" not in _whitespace()
    True
    """
    # Every whitespace character lies in the Basic Multilingual Plane; \p{Z} also covers any new one.
    return "".join(c for c in map(chr, range(0x10000)) if c.isspace() and c != "\n")


_RE2_CLASS = {"w": r"\pL\pN_", "d": r"\p{Nd}", "D": r"\P{Nd}", "Z": None, "b": None, "B": None, "A": None, "W": None, "S": None}
_RE2_BARE = {"w": r"[\pL\pN_]", "W": r"[^\pL\pN_]", "d": r"\p{Nd}", "D": r"\P{Nd}", "Z": r"\z", "A": r"\A", "b": None, "B": None}
_GROUP_RE2_LACKS = re.compile(r"\(\?(?:<?[!=]|P=|#|\()")  # look-arounds, named backreferences, comments, conditionals


def exact_re2(pattern: str, flags: int) -> Linear | None:
    r"""The pattern compiled by RE2 with the meaning Python's `re` gives it, or None where RE2 cannot say that.

    Python's \w, \d and \s are Unicode classes, RE2's ASCII ones: they are spelled out. Look-arounds,
    \b (a look-around too), backreferences and `re`-only syntax give None.

    >>> exact_re2(r"read\s+more\d", re.IGNORECASE).search("READ MORE٣")
    True
    >>> exact_re2(r"(?<!\w)more", 0) is None, exact_re2(r"(\w)\1", 0) is None
    (True, True)
    """
    if flags & ~(re.IGNORECASE | re.UNICODE) or _GROUP_RE2_LACKS.search(pattern):
        return None
    space = "".join(f"\\x{{{ord(c):x}}}" for c in _whitespace() + "\n")
    out: list[str] = []
    index, in_class = 0, False
    while index < len(pattern):
        char = pattern[index]
        if char == "\\" and index + 1 < len(pattern):
            escaped = pattern[index + 1]
            if escaped.isdigit() and escaped != "0":
                return None  # a backreference
            if escaped in "sS":
                if in_class and escaped == "S":
                    return None
                out.append(space if in_class else (f"[{space}]" if escaped == "s" else f"[^{space}]"))
            elif escaped in _RE2_BARE or escaped in _RE2_CLASS:
                replacement = (_RE2_CLASS if in_class else _RE2_BARE).get(escaped)
                if replacement is None:
                    return None
                out.append(replacement)
            else:
                out.append(char + escaped)
            index += 2
            continue
        if char == "[" and not in_class:
            in_class = True
            index = _open_class(pattern, index, out)
        elif char == "[" and in_class:
            out.append("\\[")  # a literal in Python (with a FutureWarning), a nested class to nobody else
        elif char == "]" and in_class:
            in_class = False
            out.append(char)
        else:
            out.append(char)
        index += 1
    options = scan_options()
    options.never_nl = False
    options.never_capture = True
    options.case_sensitive = not flags & re.IGNORECASE
    try:
        return Linear(compile_automaton("".join(out), options))
    except re2.error:
        return None


class Linear:
    """A pattern compiled by RE2, asked only whether it matches somewhere in a line.

    Calls RE2's matcher on the UTF-8 bytes directly: the `re`-like `search` of the wrapper also maps
    byte offsets back to characters and builds a match object, which costs three times the match.
    """

    __slots__ = ("_compiled", "_match", "_anchor")

    def __init__(self, compiled: re2._Regexp) -> None:
        self._compiled = compiled
        self._match = getattr(compiled, "_regexp", None)
        self._anchor = getattr(getattr(re2, "_Anchor", None), "UNANCHORED", None)
        if self._match is None or self._anchor is None:
            self._match = None

    def renew(self) -> None:
        """Compile the pattern afresh, dropping the DFA states RE2 cached (see `renewed`)."""
        self._compiled = renewed(self._compiled)
        if self._match is not None:
            self._match = self._compiled._regexp

    def search(self, line: str) -> bool:
        if self._match is None:
            return self._compiled.search(line) is not None
        data = line.encode("utf-8", "surrogatepass")
        return self._match.Match(self._anchor, data, 0, len(data))[0] != (-1, -1)
