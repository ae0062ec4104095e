"""Throughput of the text pipeline, per stage, single process, side by side with jusText.

usage: python benchmarks/text_speed.py [FOLDER] [--repeat N]

FOLDER defaults to ../shared/eval/web-dev/text when present, else seeds/. Prints a
table: MB/s for cleaner's whole text pipeline (normalize to output; the corpus-wide
dedup stage aside, as the target says), the time share of each stage, and jusText
over the same text lines (pip install '.[bench]') with the ratio between them, and a
bare per-line pass in Python (the least a line classifier does: find a line's words,
count its stop words, look at its last character): the most any per-line classifier
written in Python can reach on this machine, measured in the same run. cleaner runs with the core this install
chose (compiled where it was built) and, in a child process, with CLEANER_PURE_PYTHON=1. With --cpu every
system is timed by the CPU time of its process instead of the wall clock: on a machine shared with other work,
the wall clock counts the time others ran too, and the ratios swing from run to run.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

from cleaner import Cleaner, Config
from cleaner.document import Document
from cleaner.speedups import COMPILED, PATH

clock = time.perf_counter  # time.process_time with --cpu

ROOT = Path(__file__).resolve().parent.parent
DEV_TEXT = ROOT.parent / "shared" / "eval" / "web-dev" / "text"


def load(folder: Path) -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.txt"))]


def time_cleaner(texts: list[str], repeat: int) -> tuple[float, dict[str, float]]:
    stages = tuple(s for s in Config().stages if s != "dedup")
    cleaner = Cleaner(Config(stages=stages))
    if cleaner.detector is not None:
        # The model loads on first use (about a second): outside the timing, or the language stage carries it.
        cleaner.detector.detect("The council approved the new budget on Monday after a long debate.")
    per_stage: dict[str, float] = defaultdict(float)
    best = float("inf")
    for _ in range(repeat):
        pipeline = cleaner.pipeline(cleaner.learn_templates(texts))
        started = clock()
        for text in texts:
            doc = Document(text)
            for stage in pipeline.stages:
                t0 = clock()
                stage.process(doc)
                per_stage[stage.name] += clock() - t0
            t0 = clock()
            pipeline.settle(doc)
            doc.cleaned_text()
            per_stage["settle+output"] += clock() - t0
        best = min(best, clock() - started)
    return best, {k: v / repeat for k, v in per_stage.items()}


def time_bare_pass(texts: list[str], repeat: int) -> float:
    """Seconds for the least a per-line classifier does, in Python: words, stop words, the line's end."""
    import re

    from cleaner.stopwords import stopwords

    words, stop = re.compile(r"[^\W_]+"), stopwords("de") | stopwords("en")
    best = float("inf")
    for _ in range(repeat):
        started = clock()
        for text in texts:
            for line in text.split("\n"):
                found = words.findall(line.lower())
                _ = (len(found), sum(word in stop for word in found), line.endswith((".", "!", "?")))
        best = min(best, clock() - started)
    return best


def time_justext(texts: list[str]) -> float | None:
    try:
        import justext
    except ImportError:
        return None
    stoplist = frozenset().union(*(justext.get_stoplist(lang) for lang in ("German", "English")))
    started = clock()
    for text in texts:
        html = "<html><body>" + "".join(f"<p>{line}</p>" for line in text.split("\n") if line.strip()) + "</body></html>"
        justext.justext(html.encode("utf-8"), stoplist)
    return clock() - started


def time_pure_python(folder: Path, repeat: int) -> float:
    """Seconds of the text pipeline with the pure-Python core, timed by a child started with CLEANER_PURE_PYTHON=1."""
    cpu = ["--cpu"] if clock is time.process_time else []
    done = subprocess.run([sys.executable, __file__, str(folder), "--repeat", str(repeat), "--child", *cpu], check=True,
                          env={**os.environ, "CLEANER_PURE_PYTHON": "1"}, capture_output=True, text=True)
    return float(json.loads(done.stdout)["seconds"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folder", nargs="?", type=Path, default=DEV_TEXT if DEV_TEXT.is_dir() else ROOT / "seeds")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--cpu", action="store_true", help="time by each process's CPU time, not the wall clock")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)  # print only the seconds, as JSON
    args = parser.parse_args()
    if args.cpu:
        global clock
        clock = time.process_time
    texts = load(args.folder)
    megabytes = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    seconds, per_stage = time_cleaner(texts, args.repeat)
    if args.child:
        print(json.dumps({"seconds": seconds}))
        return
    print(f"{len(texts)} documents, {megabytes:.2f} MB from {args.folder}; {'CPU' if args.cpu else 'wall-clock'} seconds")
    print(f"{'system':<28}{'seconds':>10}{'MB/s':>10}{'vs cleaner':>12}")
    print(f"{'cleaner, ' + PATH:<28}{seconds:>10.2f}{megabytes / seconds:>10.2f}{'1.00x':>12}")
    pure = time_pure_python(args.folder, args.repeat) if COMPILED else seconds
    if COMPILED:
        print(f"{'cleaner, pure Python':<28}{pure:>10.2f}{megabytes / pure:>10.2f}{seconds / pure:>11.2f}x")
    bare = time_bare_pass(texts, args.repeat)
    print(f"{'bare per-line pass (Python)':<28}{bare:>10.2f}{megabytes / bare:>10.2f}{seconds / bare:>11.2f}x")
    justext_seconds = time_justext(texts)
    if justext_seconds is None:
        print(f"{'jusText (text lines)':<28}{'not installed: pip install .[bench]':>32}")
    else:
        ratio = justext_seconds / seconds
        print(f"{'jusText (text lines)':<28}{justext_seconds:>10.2f}{megabytes / justext_seconds:>10.2f}{1 / ratio:>11.2f}x")
        print(f"cleaner, {PATH}, is {ratio:.1f}x jusText's throughput; pure Python {justext_seconds / pure:.1f}x")
    total = sum(per_stage.values())
    print("\ntime by stage (share of cleaner's total)")
    for name, spent in sorted(per_stage.items(), key=lambda kv: -kv[1]):
        print(f"  {name:<16}{spent:>8.2f} s {100 * spent / total:>6.1f}%")


if __name__ == "__main__":
    main()
