"""Pattern files into a rule set: `patterns/*.toml` read, parsed and checked, one file per category.

A malformed file raises `RuleError` naming the file and the rule; callers turn
that into a one-line message, never a traceback.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from importlib import resources
from pathlib import Path

from .rules import Rule, RuleError, RuleSet


def load_file(path: Path) -> list[Rule]:
    """Load and compile one pattern file; raises RuleError naming the file and rule."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RuleError(f"{path}: cannot read: {exc}") from None
    return parse_file(text, str(path))


def parse_file(text: str, source: str) -> list[Rule]:
    """Compile the rules of one pattern file's text; `source` names it in messages. Raises RuleError.

    >>> [r.id for r in parse_file('category = "x"\\n[[rule]]\\nid = "x.a"\\nphrases = ["a"]\\n'
    ...     'examples = {match = ["a"], no_match = ["b"]}', "x.toml")]
    ['x.a']
    """
    try:
        table = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RuleError(f"{source}: not valid TOML: {exc}") from None
    category = table.get("category")
    if not isinstance(category, str) or not category:
        raise RuleError(f"{source}: needs a top-level 'category = \"...\"'")
    tables = table.get("rule")
    if not isinstance(tables, list) or not tables:
        raise RuleError(f"{source}: needs at least one [[rule]]")
    rules = [Rule.from_table(t, category=category, source=source) for t in tables]
    seen: set[str] = set()
    for rule in rules:
        if rule.id in seen:
            raise RuleError(f"{source}: rule {rule.id!r}: the id is used twice")
        seen.add(rule.id)
    return rules


def default_patterns_dir() -> Path:
    """The rules shipped with cleaner: inside the installed package, or `patterns/` of a checkout."""
    packaged = Path(str(resources.files("cleaner"))) / "patterns"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / "patterns"


def pattern_sources(directory: Path | str | None = None) -> tuple[tuple[str, str], ...]:
    """The `*.toml` files of a patterns directory (default: the shipped rules) as (path, text), by file name:
    what a rule set is built from, and all a pickled `Cleaner` carries of its rules.

    >>> sources = pattern_sources(); sources[0][0].endswith(".toml") and "[[rule]]" in sources[0][1]
    True
    """
    directory = Path(directory) if directory else default_patterns_dir()
    if not directory.is_dir():
        raise RuleError(f"{directory}: patterns directory not found")
    sources = []
    for path in sorted(directory.glob("*.toml")):
        try:
            sources.append((str(path), path.read_text(encoding="utf-8")))
        except (OSError, UnicodeDecodeError) as exc:
            raise RuleError(f"{path}: cannot read: {exc}") from None
    if not sources:
        raise RuleError(f"{directory}: no *.toml pattern files")
    return tuple(sources)


def rules_from_sources(sources: Iterable[tuple[str, str]]) -> RuleSet:
    """The rule set of pattern files given as (path, text), in that order; raises RuleError naming file and rule."""
    rules: list[Rule] = []
    ids: dict[str, str] = {}
    for source, text in sources:
        for rule in parse_file(text, source):
            if rule.id in ids:
                raise RuleError(f"{source}: rule {rule.id!r}: the id is also used in {ids[rule.id]}")
            ids[rule.id] = source
            rules.append(rule)
    return RuleSet(tuple(rules))


def load_rules(directory: Path | None = None) -> RuleSet:
    """Load every `*.toml` under a patterns directory (default: the shipped rules)."""
    return rules_from_sources(pattern_sources(directory))
