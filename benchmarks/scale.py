"""Corpus scale: throughput on 1 and N workers, and peak memory as the input grows.

usage: python benchmarks/scale.py [--sizes 20,100] [--jobs 2] [--ray] [--keep DIR]

Builds JSONL corpora of the given sizes (MB) from the dev pages
(../shared/eval/web-dev/text, else seeds/): each copy of a page gets its
paragraphs rotated and a copy number, so pages stay realistic and the dedup
stage has near copies to find. Then runs `cleaner clean CORPUS -o OUT` as a
subprocess per configuration and prints a table: seconds, MB/s, speed-up over
one worker, peak RSS of the largest process, the size of the work folder
(persisted dedup index and manifest), and whether the output bytes equal the
one-worker run's.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEV_TEXT = ROOT.parent / "shared" / "eval" / "web-dev" / "text"


def pages() -> list[str]:
    folder = DEV_TEXT if DEV_TEXT.is_dir() else ROOT / "seeds"
    return [p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.txt"))]


def build_corpus(path: Path, megabytes: float, texts: list[str]) -> int:
    """Write a JSONL corpus of about `megabytes` MB; returns its size in bytes."""
    target, size, copy = megabytes * 1e6, 0, 0
    with path.open("w", encoding="utf-8") as out:
        while size < target:
            for number, text in enumerate(texts):
                lines = text.split("\n")
                shift = copy % max(1, len(lines))
                body = "\n".join(lines[shift:] + lines[:shift]) + f"\nCopy {copy} of page {number}."
                line = json.dumps({"id": f"{copy}-{number}", "text": body}, ensure_ascii=False) + "\n"
                out.write(line)
                size += len(line.encode("utf-8"))
                if size >= target:
                    break
            copy += 1
    return size


def digest(folder: Path) -> str:
    """A hash of every output file but the work folder and report (which holds timings of nothing, but paths)."""
    h = hashlib.sha256()
    for p in sorted(folder.rglob("*")):
        if p.is_file() and ".cleaner" not in p.parts and p.name != "report.json":
            h.update(p.relative_to(folder).as_posix().encode() + b"\0" + p.read_bytes())
    return h.hexdigest()[:12]


def run(corpus: Path, out: Path, *extra: str) -> tuple[float, float]:
    """Seconds and peak RSS (MB) of one `cleaner clean` run."""
    shutil.rmtree(out, ignore_errors=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    done = subprocess.run([str(Path(sys.executable).parent / "cleaner"), "clean", str(corpus), "-o", str(out), "--no-progress", *extra],
                          capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode not in (0, 1):
        sys.exit(f"cleaner failed: {done.stderr[-2000:]}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    # ru_maxrss of children is the largest ever seen: a run that stays below the last one's shows as that.
    return seconds, max(peak, before) / 1024


def folder_size(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="20,100", help="corpus sizes in MB, comma-separated")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--ray", action="store_true", help="also run --engine ray (pip install '.[ray]')")
    parser.add_argument("--keep", type=Path, help="build corpora and outputs here instead of a temporary folder")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="cleaner-scale-"))
    work.mkdir(parents=True, exist_ok=True)
    texts = pages()
    print(f"{'input MB':>9} {'engine':>10} {'jobs':>5} {'seconds':>9} {'MB/s':>7} {'speed-up':>9} {'peak RSS MB':>12} "
          f"{'work MB':>8} {'same bytes':>11}")
    for megabytes in (float(s) for s in args.sizes.split(",")):
        corpus = work / f"corpus-{megabytes:g}MB.jsonl"
        size = build_corpus(corpus, megabytes, texts) / 1e6
        configs = [("local", 1), ("local", args.jobs)] + ([("ray", args.jobs)] if args.ray else [])
        base_seconds, base_digest = None, None
        for engine, jobs in configs:
            out = work / f"out-{megabytes:g}-{engine}-{jobs}"
            seconds, peak = run(corpus, out, "--jobs", str(jobs), "--engine", engine)
            base_seconds = base_seconds or seconds
            base_digest = base_digest or digest(out)
            same = "yes" if digest(out) == base_digest else "NO"
            work_mb = folder_size(out / ".cleaner") if (out / ".cleaner").exists() else 0.0
            print(f"{size:>9.1f} {engine:>10} {jobs:>5} {seconds:>9.1f} {size / seconds:>7.2f} {base_seconds / seconds:>8.2f}x "
                  f"{peak:>12.0f} {work_mb:>8.1f} {same:>11}", flush=True)
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
