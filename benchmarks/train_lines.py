"""Fit the line model (`cleaner/models/html-lines.json`) on the dev pages, and say how well it does on sites it never saw.

usage: python benchmarks/train_lines.py [--eval ../shared/eval] [--cv] [--families] [--cuts C ...] [--write [--cut C]]
       (needs the `train` extra: pip install -e '.[train]')

Every page of the three dev sets (web-dev, bodies-dev, wcxb-dev; HTML) goes through the stages before
`decide`, exactly as `cleaner clean` runs them (templates learned over the set), and each line becomes a
row of `line_features.FEATURES`. Its label comes from the gold: a line holding a must-keep string is
content and one holding a must-drop string is not (web-dev; other lines are not counted); a line whose
word trigrams are mostly in the page's main text is content (bodies-dev, wcxb-dev), weighted by its
words. Every page weighs the same.

--cv     fits on four of five folds grouped by site (`folds.py`) and cleans the fifth, five times over, then
         scores the outputs with each set's own scorer beside the stages' own verdicts: the estimate for
         pages of sites the model never saw.
--families  fits on two dev sets and scores the third: the estimate for a family of pages it never saw.
--cuts   scores --cv and --families at several cuts (the raw score above which a line is kept) from one fit each.
--write  fits on everything and writes the model file, with --cut (default 0: even odds).
--cache DIR  keeps the pages read through the stages in DIR, keyed by a digest of the package's code and rules, so
         a second run with other --params reads them back instead of cleaning 2,500 pages again.
--params JSON  LightGBM settings over PARAMETERS (e.g. '{"num_leaves": 63}'); --rounds N boosting rounds.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import pickle
import re
import subprocess
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

import numpy as np

from cleaner.api import Cleaner
from cleaner.config import Config
from cleaner.decoding import decode_html, read_bytes
from cleaner.document import Document
from cleaner.html import page_text
from cleaner.line_features import FEATURES, document_features
from cleaner.trees import Forest, from_lightgbm

ROOT = Path(__file__).resolve().parent.parent
MODEL = ROOT / "cleaner" / "models" / "html-lines.json"
FAMILIES = {"web": ("web-dev", "score.py"), "bodies": ("bodies-dev", "score_body.py"), "wcxb": ("wcxb-dev", "score_words.py")}
FOLDS = 5
# 500 rounds of 63-leaf trees at a 0.05 rate; a leaf holds at least 200 rows, leaf values shrink (L2 5), and each
# tree sees 60% of the features. On unseen sites these score as 100-row leaves with L2 1 and 80% of the features
# do (and beat 31 leaves and 300 rounds by about .005 on web and bodies); on an unseen dev family they score
# .003 higher on web-dev with both seeds tried (benchmarks.md, 2026-12-08).
PARAMETERS = dict(objective="binary", learning_rate=0.05, num_leaves=63, min_data_in_leaf=200, lambda_l2=5.0,
                  feature_fraction=0.6, bagging_fraction=0.8, bagging_freq=1, seed=1, verbose=-1, num_threads=2,
                  deterministic=True)
ROUNDS = 500
_WORD = re.compile(r"\w+")


def pages_folder(eval_dir: Path, family: str) -> Path:
    folder = eval_dir / FAMILIES[family][0]
    if family == "wcxb":  # packed: its own script unpacks it once and prints where
        return Path(subprocess.run([str(folder / "pages.sh")], capture_output=True, text=True, check=True).stdout.strip()) / "html"
    return folder / "html"


def site_fold(name: str, page: dict) -> int:
    """The fold `folds.py` puts the page in: its site (host, or name without a trailing _NN) hashed."""
    from urllib.parse import urlparse

    host = urlparse(page.get("url") or "").hostname
    if host:
        site = host.removeprefix("www.")
    else:
        stem = name.removesuffix(".txt")
        head, _, tail = stem.rpartition("_")
        site = head if head and tail.isdigit() else stem
    return int(hashlib.md5(site.encode()).hexdigest(), 16) % FOLDS


def body_labels(texts: list[str], body: str) -> tuple[list[int], list[float]]:
    """Content where most of the line's word trigrams (its words, when shorter) are in the body; weight: its words."""
    gold = _WORD.findall(body.lower())
    trigrams = {tuple(gold[i : i + 3]) for i in range(len(gold) - 2)}
    joined = f" {' '.join(gold)} "
    labels, weights = [], []
    for text in texts:
        words = _WORD.findall(text.lower())
        if len(words) >= 3:
            grams = [tuple(words[i : i + 3]) for i in range(len(words) - 2)]
            labels.append(int(sum(g in trigrams for g in grams) >= 0.5 * len(grams)))
        else:
            labels.append(int(bool(words) and f" {' '.join(words)} " in joined))
        weights.append(float(len(words)))
    return labels, weights


def string_labels(texts: list[str], keep: list[str], drop: list[str]) -> tuple[list[int], list[float]]:
    """Content if the line holds a must-keep string, not if it holds a must-drop one; other lines weigh nothing."""
    squash = lambda s: " ".join(s.split())  # noqa: E731
    keep, drop = [squash(s) for s in keep if s.strip()], [squash(s) for s in drop if s.strip()]
    labels, weights = [], []
    for text in texts:
        line = squash(text)
        if any(s in line for s in keep):
            labels.append(1), weights.append(1.0)
        elif any(s in line for s in drop):
            labels.append(0), weights.append(1.0)
        else:
            labels.append(0), weights.append(0.0)
    return labels, weights


def read_family(eval_dir: Path, family: str) -> list[dict]:
    """Every page of a dev set through the stages before `decide`: its blocks, feature rows, labels and fold."""
    folder = pages_folder(eval_dir, family)
    gold = json.loads((eval_dir / FAMILIES[family][0] / "gold.json").read_text(encoding="utf-8"))
    gold = gold.get("files", gold)
    cleaner = Cleaner(replace(Config(), stages=tuple(s for s in Config().stages if s != "decide")))
    paths = sorted(p for p in folder.glob("*.html") if p.stem + ".txt" in gold)
    html = {p: decode_html(read_bytes(p), str(p)) for p in paths}
    pipeline = cleaner.pipeline(cleaner.learn_templates(page_text(text) for text in html.values()))
    pages = []
    for path in paths:
        doc = pipeline.run_document(Document(html[path], path.name, format="html"))
        name = path.stem + ".txt"
        texts = [b.text for b in doc.blocks]
        page = gold[name]
        labels, weights = (string_labels(texts, page.get("with", []), page.get("without", [])) if family == "web"
                           else body_labels(texts, page["body"]))
        total = sum(weights) or 1.0
        pages.append(dict(family=family, name=name, fold=site_fold(name, page), rows=document_features(doc),
                          labels=np.asarray(labels), weights=np.asarray(weights) / total,
                          blocks=[(b.text, b.blank_before, b.kept) for b in doc.blocks]))
    return pages


def code_digest() -> str:
    """A digest of everything that shapes a page's rows: the package's Python code, its word lists and the rules."""
    digest = hashlib.sha256()
    for path in sorted([*(ROOT / "cleaner").rglob("*.py"), *(ROOT / "cleaner" / "wordlists").rglob("*"),
                        *(ROOT / "patterns").glob("*.toml")]):
        if path.is_file():
            digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def read_pages(eval_dir: Path, cache: Path | None) -> list[dict]:
    """Every family's pages (`read_family`), read back from `cache` when this code already wrote them there."""
    stored = cache / f"pages-{code_digest()}.pickle" if cache else None
    if stored and stored.exists():
        return pickle.loads(stored.read_bytes())
    pages = [page for family in FAMILIES for page in read_family(eval_dir, family)]
    if stored:
        stored.parent.mkdir(parents=True, exist_ok=True)
        stored.write_bytes(pickle.dumps(pages, protocol=pickle.HIGHEST_PROTOCOL))
    return pages


def fit(pages: list[dict], rounds: int | None = None, cut: float = 0.0) -> Forest:
    import lightgbm

    rounds = rounds or ROUNDS
    rows = np.vstack([p["rows"] for p in pages])
    labels = np.concatenate([p["labels"] for p in pages])
    weights = np.concatenate([p["weights"] for p in pages])
    counted = weights > 0
    data = lightgbm.Dataset(rows[counted], labels[counted], weight=weights[counted] * 1000, feature_name=list(FEATURES))
    booster = lightgbm.train(PARAMETERS, data, rounds)
    return Forest.from_dict(from_lightgbm(booster.dump_model(), list(FEATURES), cut=cut))


def write_output(folder: Path, page: dict, keep: list[bool]) -> None:
    """The page's kept lines as `Document.cleaned_text` writes them."""
    parts: list[str] = []
    gap = False
    for (text, blank, _), kept in zip(page["blocks"], keep, strict=True):
        gap = gap or blank
        if not kept:
            continue
        if parts:
            parts.append("\n\n" if gap else "\n")
        parts.append(text)
        gap = False
    (folder / page["name"]).write_text("".join(parts) + "\n" if parts else "", encoding="utf-8")


def score(eval_dir: Path, family: str, folder: Path) -> str:
    directory, scorer = FAMILIES[family]
    result = subprocess.run([sys.executable, str(eval_dir / scorer), str(eval_dir / directory / "gold.json"), str(folder)],
                            capture_output=True, text=True, check=True)
    return result.stdout.strip().splitlines()[-1]


def held_out(eval_dir: Path, pages: list[dict], splits: list, label: str, work: Path, cuts: list[float]) -> None:
    """Fit on each split's training pages, clean the others, and score every family beside the stages' verdicts,
    at each of `cuts` (the raw score above which a line is kept)."""
    for name, held in splits:
        forest = fit([p for p in pages if not held(p)])
        for page in pages:
            if held(page):
                page["scores"] = forest.scores(page["rows"])
        print(f"{label}: {name} fitted", file=sys.stderr, flush=True)
    for family in FAMILIES:
        base = work / f"{family}-stages"
        base.mkdir(exist_ok=True)
        for page in (p for p in pages if p["family"] == family):
            write_output(base, page, [kept for _, _, kept in page["blocks"]])
        print(f"{family:<7} stages      {score(eval_dir, family, base)}")
        for cut in cuts:
            model = work / f"{family}-{label}-{cut:+.2f}"
            model.mkdir(exist_ok=True)
            for page in (p for p in pages if p["family"] == family):
                keep = [s > cut for s in page["scores"]]  # a page the model would empty keeps the stages' verdicts, as in `decide`
                write_output(model, page, keep if any(keep) else [kept for _, _, kept in page["blocks"]])
            print(f"{family:<7} {label} {cut:+.2f}  {score(eval_dir, family, model)}", flush=True)


def main() -> None:
    global ROUNDS
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--eval", type=Path, default=ROOT.parent / "shared" / "eval")
    ap.add_argument("--cv", action="store_true")
    ap.add_argument("--families", action="store_true")
    ap.add_argument("--write", action="store_true")
    ap.add_argument("--cut", type=float, default=0.0, help="raw score above which a line is kept (0: even odds)")
    ap.add_argument("--cuts", type=float, nargs="*", default=None, help="cuts to score with --cv and --families")
    ap.add_argument("--cache", type=Path, default=None, help="folder to keep the pages read through the stages in")
    ap.add_argument("--params", type=json.loads, default={}, help="LightGBM settings over PARAMETERS, as JSON")
    ap.add_argument("--rounds", type=int, default=ROUNDS)
    a = ap.parse_args()
    PARAMETERS.update(a.params)
    ROUNDS = a.rounds
    pages = read_pages(a.eval, a.cache)
    print(f"{len(pages)} pages, {sum(len(p['rows']) for p in pages)} lines, {len(FEATURES)} features", file=sys.stderr)
    work = Path(tempfile.mkdtemp(prefix="cleaner-lines-"))
    cuts = a.cuts if a.cuts else [a.cut]
    if a.cv:
        held_out(a.eval, pages, [(f"fold {k + 1}", lambda p, k=k: p["fold"] == k) for k in range(FOLDS)], "cv", work, cuts)
    if a.families:
        held_out(a.eval, pages, [(f, lambda p, f=f: p["family"] == f) for f in FAMILIES], "unseen", work, cuts)
    if a.write:
        forest = fit(pages, cut=a.cut)
        MODEL.write_text(json.dumps(forest_data(forest), separators=(",", ":")) + "\n", encoding="utf-8")
        print(f"wrote {MODEL.relative_to(ROOT)}: {len(forest.roots)} trees, {len(forest.feature)} nodes", file=sys.stderr)
    print(f"outputs in {work}", file=sys.stderr)


def forest_data(forest: Forest) -> dict:
    return {"format": "cleaner-trees/1", "features": list(forest.features), "bias": forest.bias, "cut": forest.cut,
            "roots": forest.roots.tolist(), "feature": forest.feature.tolist(), "threshold": forest.threshold.tolist(),
            "left": forest.left.tolist(), "right": forest.right.tolist(), "value": forest.value.tolist()}


if __name__ == "__main__":
    main()
