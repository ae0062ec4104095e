"""patterns: apply the rules from `patterns/*.toml` line by line."""

from __future__ import annotations

from ..document import Document, Reason
from ..rules import RuleSet


class Patterns:
    """Drop each line a rule matches; a `paragraph` rule drops its paragraph, a `region` rule
    also records where a region starts for the heuristics stage to extend."""

    name = "patterns"

    def __init__(self, rules: RuleSet) -> None:
        self.rules = rules

    def process(self, doc: Document) -> None:
        for index, block in enumerate(doc.blocks):
            if not block.kept:
                continue
            rule = self.rules.first_match(block.text)
            if rule is None:
                continue
            reason = Reason(self.name, rule.id, rule.category)
            block.drop(reason)
            if rule.scope == "paragraph":
                for other in doc.blocks:
                    if other.paragraph == block.paragraph:
                        other.drop(reason)
            elif rule.scope == "region":
                doc.region_starts.append((index, reason))
