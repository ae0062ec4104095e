"""Fast prefilters for the rules: RE2 versions of Python patterns that never miss a match.

Python's `re` tries a big alternation at every position of the text, about a
microsecond each; RE2 scans it as one automaton, some 60 times faster here. A
prefilter only has to be loose (it may find lines no rule matches; the rules
then decide on those lines with Python's `re`), so the translation drops what
RE2 lacks or reads differently instead of emulating it: look-arounds and `\\b`
go, and the ASCII-only `\\w`, `\\d` become their Unicode classes.
"""

from __future__ import annotations

import bisect
import re

import re2

# Replacements inside and outside a character class for escapes RE2 reads as ASCII-only.
_CLASS_ESCAPES = {"w": r"\pL\pN_", "d": r"\pN"}
_BARE_ESCAPES = {"w": r"[\pL\pN_]", "d": r"\pN", "b": ""}
_LOOKAROUND = re.compile(r"\(\?<?[!=]")


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
        if char == "[" and not in_class:
            in_class = True
            out.append(char)
            if pattern.startswith("^", index + 1):
                out.append("^")
                index += 1
            if pattern.startswith("]", index + 1):
                out.append("\\]")
                index += 1
        elif char == "]" and in_class:
            in_class = False
            out.append(char)
        else:
            out.append(char)
        index += 1
    return "".join(out)


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


class LooseScanner:
    """Finds the lines of a text where any of some patterns may match.

    Patterns RE2 accepts (after `loosen`) go into one RE2 automaton that never
    matches across a newline; the rest into one Python alternation.

    >>> scanner = LooseScanner([(r"(?<!\\w)read\\s+more", True), (r"(?<=x)y", False)])
    >>> sorted(scanner.matching_lines("a\\nRead more\\nxy"))
    [2, 3]
    """

    __slots__ = ("_fast", "_slow")

    def __init__(self, parts: list[tuple[str, bool]]) -> None:
        options = re2.Options()
        options.max_mem = 64 << 20  # room for a few hundred phrases in one automaton
        options.never_nl = True  # so that one match never hides the next line's
        options.never_capture = True
        options.log_errors = False
        accepted, refused = [], []
        for pattern, ignore_case in parts:
            loose = f"(?{'i' if ignore_case else ''}:{loosen(pattern)})"
            try:
                re2.compile(loose, options)
            except re2.error:
                refused.append(f"(?{'i' if ignore_case else '-i'}:{pattern})")
                continue
            accepted.append(loose)
        self._fast = re2.compile("|".join(accepted), options) if accepted else None
        self._slow = re.compile("|".join(refused), re.MULTILINE) if refused else None

    def matching_lines(self, text: str) -> set[int]:
        """1-based numbers of the lines of `text` where some pattern may match."""
        starts: list[int] | None = None
        found: set[int] = set()
        if self._fast is not None:
            for hit in self._fast.finditer(text):
                starts = starts or _line_starts(text)
                found.add(bisect.bisect_right(starts, hit.start()))
        if self._slow is not None:
            starts = starts or _line_starts(text)
            position = 0
            while (hit := self._slow.search(text, position)) is not None:
                number = bisect.bisect_right(starts, hit.start())
                found.add(number)
                # Resume at the next line: a match that spills over a newline must not hide the next line's own.
                if number >= len(starts):
                    break
                position = starts[number]
        return found


def _line_starts(text: str) -> list[int]:
    return [0, *(m.end() for m in re.finditer("\n", text))]
