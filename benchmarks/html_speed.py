"""Accuracy and throughput on HTML pages, single process, side by side with trafilatura (and resiliparse).

usage: python benchmarks/html_speed.py [FOLDER] [--gold GOLD.json] [--repeat N] [--save DIR]

FOLDER defaults to ../shared/eval/web-dev/html, GOLD to the gold.json beside it
(pip install -e '.[bench]' for the peers). Each system reads the same page
bytes and writes NAME.txt per NAME.html; the outputs are scored with the
project's scorer. Prints F1, MB/s of HTML and the throughput ratio to
trafilatura, plus the MB/s of cleaner's own HTML-to-lines step (decoding,
parsing, the walk), which runs before the text stages. cleaner runs twice: with the core this install
chose (compiled where it was built) and, in a child process, with CLEANER_PURE_PYTHON=1.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from cleaner import Cleaner, Config
from cleaner.decoding import decode_html
from cleaner.document import Document
from cleaner.html import keeping_pages, page_text, read_page
from cleaner.speedups import COMPILED, PATH

ROOT = Path(__file__).resolve().parent.parent
DEV_HTML = ROOT.parent / "shared" / "eval" / "web-dev" / "html"
Extractor = Callable[[list[tuple[str, bytes]]], dict[str, str]]


def load(folder: Path) -> list[tuple[str, bytes]]:
    return [(p.stem, p.read_bytes()) for p in sorted(folder.glob("*.htm*"))]


def run_cleaner(pages: list[tuple[str, bytes]]) -> dict[str, str]:
    """As `cleaner clean` does it: one pipeline for the corpus (dedup across pages), templates learned first."""
    cleaner = Cleaner(Config())
    docs = [Document(decode_html(data, name), name, format="html") for name, data in pages]
    with keeping_pages():  # as `cleaner clean` in one process: the pages read for the templates are not read again
        pipeline = cleaner.pipeline(cleaner.learn_templates(page_text(d.text) for d in docs))
        return {d.id: pipeline.run(d).cleaned_text() for d in docs}


def run_lines(pages: list[tuple[str, bytes]]) -> dict[str, str]:
    """Only cleaner's HTML-to-lines step: decode, parse, walk; nothing removed but what markup shows."""
    out = {}
    for name, data in pages:
        page = read_page(decode_html(data, name))
        out[name] = "\n".join(line.text for line in page.lines if line.hints.mark is None)
    return out


def run_trafilatura(pages: list[tuple[str, bytes]]) -> dict[str, str]:
    import trafilatura

    return {name: trafilatura.extract(data) or "" for name, data in pages}


def run_resiliparse(pages: list[tuple[str, bytes]]) -> dict[str, str]:
    from resiliparse.extract.html2text import extract_plain_text
    from resiliparse.parse.encoding import bytes_to_str, detect_encoding

    return {name: extract_plain_text(bytes_to_str(data, detect_encoding(data)), main_content=True) for name, data in pages}


def score(outputs: dict[str, str], gold_path: Path | None) -> float | None:
    """F1 as ../shared/eval/score.py computes it: `with` strings found are hits, `without` strings found are misses."""
    if gold_path is None or not gold_path.is_file():
        return None
    import json

    gold = json.loads(gold_path.read_text(encoding="utf-8"))["files"]
    squash = lambda s: re.sub(r"\s+", " ", s).strip()  # noqa: E731 - the scorer's own normalisation
    tp = fn = fp = 0
    for name, strings in gold.items():
        text = squash(outputs.get(name.removesuffix(".txt"), ""))
        found = [squash(s) in text for s in strings.get("with", [])]
        tp, fn = tp + sum(found), fn + len(found) - sum(found)
        fp += sum(squash(s) in text for s in strings.get("without", []))
    precision, recall = tp / max(1, tp + fp), tp / max(1, tp + fn)
    return 2 * precision * recall / max(1e-9, precision + recall)


def timed(extract: Extractor, pages: list[tuple[str, bytes]], repeat: int) -> tuple[float, dict[str, str]]:
    best, outputs = float("inf"), {}
    for _ in range(repeat):
        started = time.perf_counter()
        outputs = extract(pages)
        best = min(best, time.perf_counter() - started)
    return best, outputs


def pure_python_run(folder: Path, repeat: int) -> Extractor:
    """cleaner with the pure-Python core: timed in a child process started with CLEANER_PURE_PYTHON=1."""

    def extract(_pages: list[tuple[str, bytes]]) -> dict[str, str]:
        """The child's outputs; its best time of `repeat` runs, without its start-up, in `extract.seconds`."""
        with tempfile.TemporaryDirectory() as scratch:
            result = Path(scratch) / "result.json"
            subprocess.run([sys.executable, __file__, str(folder), "--repeat", str(repeat), "--child-result", str(result)],
                           env={**os.environ, "CLEANER_PURE_PYTHON": "1"}, check=True)
            data = json.loads(result.read_text(encoding="utf-8"))
        extract.seconds = data["seconds"]  # type: ignore[attr-defined]
        return data["outputs"]

    extract.seconds = 0.0  # type: ignore[attr-defined]  # the child repeats; the parent runs it once
    return extract


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folder", nargs="?", type=Path, default=DEV_HTML)
    parser.add_argument("--gold", type=Path, help="gold.json  [default: beside FOLDER]")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--save", type=Path, help="write each system's outputs under SAVE/<system>/NAME.txt")
    parser.add_argument("--child-result", type=Path, help=argparse.SUPPRESS)  # the pure-Python run's child writes here
    args = parser.parse_args()
    pages = load(args.folder)
    if args.child_result:
        seconds, outputs = timed(run_cleaner, pages, args.repeat)
        args.child_result.write_text(json.dumps({"seconds": seconds, "outputs": outputs}), encoding="utf-8")
        return
    gold = args.gold or args.folder.parent / "gold.json"
    megabytes = sum(len(data) for _, data in pages) / 1e6
    print(f"{len(pages)} pages, {megabytes:.1f} MB of HTML from {args.folder}")
    systems: list[tuple[str, Extractor]] = [("trafilatura 2.3.1", run_trafilatura), (f"cleaner, {PATH}", run_cleaner)]
    if COMPILED:
        systems.append(("cleaner, pure Python", pure_python_run(args.folder, args.repeat)))
    systems += [("cleaner: HTML to lines only", run_lines), ("resiliparse", run_resiliparse)]
    rates: dict[str, float] = {}
    print(f"{'system':<30}{'F1':>7}{'seconds':>10}{'MB/s':>9}{'vs trafilatura':>16}")
    for name, extract in systems:
        try:
            seconds, outputs = timed(extract, pages, 1 if hasattr(extract, "seconds") else args.repeat)
        except ImportError as exc:
            print(f"{name:<30}  not installed ({exc.name}): pip install -e '.[bench]'")
            continue
        seconds = getattr(extract, "seconds", seconds)
        rates[name] = megabytes / seconds
        f1 = score(outputs, gold)
        base = rates.get("trafilatura 2.3.1")
        ratio = f"{rates[name] / base:.2f}x" if base else "-"
        print(f"{name:<30}{f1 if f1 is not None else float('nan'):>7.3f}{seconds:>10.2f}{rates[name]:>9.2f}{ratio:>16}")
        if args.save:
            folder = args.save / re.sub(r"\W+", "-", name)
            folder.mkdir(parents=True, exist_ok=True)
            for stem, text in outputs.items():
                (folder / f"{stem}.txt").write_text(text, encoding="utf-8")
    for name in [n for n in rates if n.startswith("cleaner, ")]:
        if "trafilatura 2.3.1" in rates:
            print(f"{name} runs at {rates[name] / rates['trafilatura 2.3.1']:.2f}x trafilatura's throughput")


if __name__ == "__main__":
    main()
