"""patterns: apply the rules from `patterns/*.toml` line by line."""

from __future__ import annotations

from ..document import Block, Document, Reason
from ..rules import RuleSet
from .base import DocumentStage


class Patterns(DocumentStage):
    """Drop each line a rule matches; a `paragraph` rule drops its paragraph, a `region` rule
    also records where a region starts for the heuristics stage to extend."""

    name = "patterns"

    def __init__(self, rules: RuleSet) -> None:
        self.rules = rules

    def process(self, doc: Document) -> None:
        candidates = self.rules.candidate_lines(doc.text)
        if not candidates:
            return
        for index, block in enumerate(doc.blocks):
            if not block.kept or block.line not in candidates:
                continue
            rule = self.rules.first_match(block.text, candidates[block.line])
            if rule is None:
                continue
            reason = Reason(self.name, rule.id, rule.category)
            block.drop(reason)
            if rule.scope == "paragraph":
                drop_paragraph(doc.blocks, index, reason)
            elif rule.scope == "region":
                doc.region_starts.append((index, reason))


def drop_paragraph(blocks: list[Block], index: int, reason: Reason) -> None:
    """Drop the blank-line separated paragraph around blocks[index] (its blocks are contiguous)."""
    paragraph = blocks[index].paragraph
    low = index
    while low > 0 and blocks[low - 1].paragraph == paragraph:
        low -= 1
    high = index
    while high + 1 < len(blocks) and blocks[high + 1].paragraph == paragraph:
        high += 1
    for block in blocks[low : high + 1]:
        block.drop(reason)
