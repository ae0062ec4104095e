"""The seed scrapes cleaned by the CLI score F1 = 1.000 against tests/data/seeds-gold.json.

The scorer below follows the project's evaluation script: whitespace squashed; a
'with' string found is a true positive, missing a false negative; a 'without'
string found is a false positive; each 'corpus_once' string may appear at most
once in the concatenated outputs. A missing output file counts as empty.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@dataclass
class Score:
    tp: int = 0
    fn: int = 0
    fp: int = 0
    tn: int = 0
    once_violations: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def score(gold: dict, out_dir: Path) -> Score:
    result = Score()
    corpus = []
    for name, expected in sorted(gold["files"].items()):
        path = out_dir / name
        text = squash(path.read_text(encoding="utf-8", errors="replace")) if path.exists() else ""
        if not path.exists():
            result.misses.append(f"{name}: no output file")
        corpus.append(text)
        for s in expected.get("with", []):
            if squash(s) in text:
                result.tp += 1
            else:
                result.fn += 1
                result.misses.append(f"{name}: LOST {s[:90]}")
        for s in expected.get("without", []):
            if squash(s) in text:
                result.fp += 1
                result.misses.append(f"{name}: KEPT {s[:90]}")
            else:
                result.tn += 1
    whole = "\n".join(corpus)
    for s in gold.get("corpus_once", []):
        copies = whole.count(squash(s))
        if copies > 1:
            result.once_violations += 1
            result.misses.append(f"corpus: {copies} copies of {s[:80]}")
    return result


# --- the scorer itself, on made-up data -------------------------------------------------------


def test_scorer_counts_with_without_and_corpus_once(tmp_path):
    gold = {
        "files": {
            "a.txt": {"with": ["the  article\nbody", "lost line"], "without": ["Subscribe now", "Donate"]},
            "b.txt": {"with": ["anything"], "without": []},
        },
        "corpus_once": ["repeated bio", "unique line"],
    }
    (tmp_path / "a.txt").write_text("The article body\nSubscribe now\nrepeated bio\nunique line\n")
    (tmp_path / "c.txt").write_text("repeated bio")  # not in gold: not read
    result = score(gold, tmp_path)
    # "the article body" is case-sensitive: not found.
    assert (result.tp, result.fn, result.fp, result.tn) == (0, 3, 1, 1)
    assert "b.txt: no output file" in result.misses
    (tmp_path / "b.txt").write_text("anything goes, repeated bio")
    result = score(gold, tmp_path)
    assert (result.tp, result.fn, result.fp, result.tn) == (1, 2, 1, 1)
    assert result.once_violations == 1
    assert round(result.precision, 3) == 0.5 and round(result.recall, 3) == 0.333
    assert round(result.f1, 3) == 0.4


# --- the seeds --------------------------------------------------------------------------------


def test_seeds_score_f1_one_with_no_corpus_once_violation(seeds_out, gold_path):
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    result = score(gold, seeds_out)
    assert result.misses == []
    assert result.f1 == 1.0
    assert result.once_violations == 0
    assert result.tp == sum(len(g.get("with", [])) for g in gold["files"].values())
    assert result.tn == sum(len(g.get("without", [])) for g in gold["files"].values())


def test_gold_names_every_seed(seed_files, gold_path):
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    assert sorted(gold["files"]) == sorted(p.name for p in seed_files)


def test_gold_strings_are_in_the_raw_seeds(seed_files, gold_path):
    # The gold is about these seeds: every with/without string is present before cleaning,
    # so F1 = 1 means the cleaner kept and dropped them, not that the gold is stale.
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    for path in seed_files:
        raw = squash(path.read_text(encoding="utf-8"))
        for s in gold["files"][path.name].get("with", []) + gold["files"][path.name].get("without", []):
            assert squash(s) in raw, (path.name, s)


def test_corpus_once_strings_repeat_in_the_raw_seeds(seed_files, gold_path):
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    whole = "\n".join(squash(p.read_text(encoding="utf-8")) for p in seed_files)
    assert any(whole.count(squash(s)) > 1 for s in gold.get("corpus_once", []))
