"""Word lists as regular expressions that test each character once.

Python's `re` tries the branches of an alternation one after the other and,
under IGNORECASE, cannot skip a branch by its first letter: a list of forty
job titles costs forty attempts at every position of a line. Written as a trie
("com(?:ment(?:s)?|plaint)"), the same words cost one attempt per letter the
line shares with some word. The language is the same, so every match, search
and lookaround around it gives the same answer.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_END = ""  # the trie key that marks the end of a word (no character is empty)


def word_alternation(words: Iterable[str], suffix: str = "") -> str:
    """A non-capturing group matching exactly the strings `word + suffix` (`suffix` a regular expression).

    >>> word_alternation(["comment", "comments", "complaint", "reply"])
    '(?:com(?:ment(?:s)?|plaint)|reply)'
    >>> word_alternation(["head of", "author"], r"\\w*")
    '(?:author(?:\\\\w*)|head\\\\ of(?:\\\\w*))'
    """
    suffix = f"(?:{suffix})" if suffix else ""  # one atom, whatever alternation it holds
    trie: dict[str, dict] = {}
    for word in words:
        if not word:
            raise ValueError("an empty word would match everywhere")
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[_END] = {}
    if not trie:
        raise ValueError("no words: the group would match nothing")  # fail loudly on an emptied list
    return f"(?:{_continuations(trie, suffix)})"


def _continuations(node: dict[str, dict], suffix: str) -> str:
    """The alternation of what may follow the prefix that leads to `node`, each word closed by `suffix`."""
    branches = [re.escape(char) + _after(child, suffix) for char, child in sorted(node.items()) if char != _END]
    if _END in node and suffix:
        branches.append(suffix)
    return "|".join(branches)


def _after(node: dict[str, dict], suffix: str) -> str:
    """The expression after one character: the suffix where only a word ends, else a group (optional
    where a word also ends there and no suffix must follow)."""
    if set(node) == {_END}:
        return suffix
    branches = [char for char in node if char != _END]
    inner = _continuations(node, suffix)
    if _END in node and not suffix:
        return f"(?:{inner})?"
    return inner if len(branches) == 1 and _END not in node else f"(?:{inner})"
