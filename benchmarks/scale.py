"""Corpus scale: throughput on 1 and N workers, and peak memory as the input grows.

usage: python benchmarks/scale.py [--sizes 20,100] [--jobs 2] [--command clean|dedup] [--only-jobs] [--ray] [--keep DIR]
                                  [--repeat N]

Builds JSONL corpora of the given sizes (MB) from the dev pages
(../shared/eval/web-dev/text, else seeds/): each copy of a page gets its
lines rotated and most long lines' words shuffled (see `build_corpus`), so most
text is new to the dedup index and some repeats. Then runs `cleaner clean CORPUS -o OUT` as a
subprocess per configuration and prints a table: seconds, MB/s, speed-up over
one worker, the peak memory of the whole process tree (proportional set size, which
counts a page shared by forked processes once, and its anonymous part: without the
page cache of the memory-mapped index files), the peak size of the
work folder (persisted dedup index, manifest and the index's spilled runs), and
whether the output bytes equal the first run's. With more than one worker it also
runs that many one-worker runs at once: the speed-up the machine itself allows, since
two processes that share nothing still slow each other down (caches, memory); and that
many busy loops at once, which touch no memory at all: what the cores themselves give
(a virtual machine's second core is not always a whole one).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEV_TEXT = ROOT.parent / "shared" / "eval" / "web-dev" / "text"


def pages() -> list[str]:
    folder = DEV_TEXT if DEV_TEXT.is_dir() else ROOT / "seeds"
    return [p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.txt"))]


def build_corpus(path: Path, megabytes: float, texts: list[str]) -> int:
    """Write a JSONL corpus of about `megabytes` MB; returns its size in bytes.

    Copy 0 of each page is the page. Later copies rotate its lines and shuffle the words of each
    line of eight words or more, except one such line in twenty, which stays as it was: so most
    text is new to the dedup index (as in a real corpus, where most paragraphs have no near copy),
    some repeats exactly, and the short lines (menus, buttons) recur across copies as a site's
    template does.
    """
    target, size, copy = megabytes * 1e6, 0, 0
    with path.open("w", encoding="utf-8") as out:
        while size < target:
            for number, text in enumerate(texts):
                rng = random.Random(copy * 100_003 + number)
                lines = [line if copy == 0 else reworded(line, rng) for line in text.split("\n")]
                shift = copy % max(1, len(lines))
                body = "\n".join(lines[shift:] + lines[:shift]) + f"\nCopy {copy} of page {number}."
                line = json.dumps({"id": f"{copy}-{number}", "text": body}, ensure_ascii=False) + "\n"
                out.write(line)
                size += len(line.encode("utf-8"))
                if size >= target:
                    break
            copy += 1
    return size


def reworded(line: str, rng: random.Random) -> str:
    """The line with its words shuffled; short lines and one long line in twenty unchanged."""
    words = line.split(" ")
    if len(words) < 8 or rng.random() < 0.05:
        return line
    rng.shuffle(words)
    return " ".join(words)


def digest(folder: Path) -> str:
    """A hash of every output file but the work folder and report (which holds timings of nothing, but paths)."""
    h = hashlib.sha256()
    for p in sorted(folder.rglob("*")):
        if p.is_file() and ".cleaner" not in p.parts and p.name != "report.json":
            h.update(p.relative_to(folder).as_posix().encode() + b"\0" + p.read_bytes())
    return h.hexdigest()[:12]


def descendants(root: int) -> list[int]:
    """`root` and every process below it (pool workers, Ray's), from the parent ids in /proc."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # gone meanwhile
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def memory_of(pids: list[int]) -> tuple[int, int]:
    """Proportional and anonymous kB of the processes together.

    Proportional (PSS): a page shared by n processes counts 1/n in each, so a forked worker's pages
    that are still the parent's count once, and the sum is what the tree holds. Anonymous: what they
    hold themselves, without the page cache of files they map (the spilled index), which the kernel
    takes back when memory runs short. Kernels without smaps_rollup give resident sizes instead.
    """
    total = anon = 0
    for pid in pids:
        try:
            rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
            fields = ("Pss:", "Pss_Anon:")
        except OSError:
            try:
                rollup = Path(f"/proc/{pid}/status").read_text()
                fields = ("VmRSS:", "RssAnon:")
            except OSError:
                continue  # gone meanwhile
        for line in rollup.splitlines():
            if line.startswith(fields[0]):
                total += int(line.split()[1])
            elif line.startswith(fields[1]):
                anon += int(line.split()[1])
    return total, anon


class Peaks:
    """Samples a process tree every `interval` seconds: the peak of its memory and of the work folder's size."""

    def __init__(self, pid: int, work: Path, interval: float = 0.25) -> None:
        self.pid, self.work, self.interval = pid, work, interval
        self.pss = self.anon = 0
        self.work_mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        tick = 0
        while not self._stop.wait(self.interval):
            pss, anon = memory_of(descendants(self.pid))
            self.pss, self.anon = max(self.pss, pss), max(self.anon, anon)
            tick += 1
            if tick % 8 == 0 and self.work.exists():  # every two seconds: walking the folder costs more
                self.work_mb = max(self.work_mb, folder_size(self.work))

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def run(command: str, corpus: Path, out: Path, *extra: str) -> tuple[float, Peaks]:
    """Seconds and the memory and work-folder peaks of one `cleaner clean` (or `cleaner dedup`) run."""
    shutil.rmtree(out, ignore_errors=True)
    started = time.perf_counter()
    process = subprocess.Popen([str(Path(sys.executable).parent / "cleaner"), command, str(corpus), "-o", str(out), "--no-progress",
                                *extra], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    peaks = Peaks(process.pid, out / ".cleaner")
    _, stderr = process.communicate()
    seconds = time.perf_counter() - started
    peaks.stop()
    if process.returncode not in (0, 1):
        sys.exit(f"cleaner failed: {stderr[-2000:]}")
    if (out / ".cleaner").exists():
        peaks.work_mb = max(peaks.work_mb, folder_size(out / ".cleaner"))
    return seconds, peaks


def folder_size(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="20,100", help="corpus sizes in MB, comma-separated")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--command", choices=["clean", "dedup"], default="clean",
                        help="what to run: the whole pipeline, or dedup alone (whose index is what grows with the corpus)")
    parser.add_argument("--only-jobs", action="store_true",
                        help="skip the one-worker run (for the memory curve on large sizes; no speed-up then)")
    parser.add_argument("--ray", action="store_true", help="also run --engine ray (pip install '.[ray]')")
    parser.add_argument("--keep", type=Path, help="build corpora and outputs here instead of a temporary folder")
    parser.add_argument("--repeat", type=int, default=1,
                        help="runs per configuration, taken in turns; the table shows the fastest (noise slows, never speeds)")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="cleaner-scale-"))
    work.mkdir(parents=True, exist_ok=True)
    texts = pages()
    print(f"{'input MB':>9} {'engine':>7} {'jobs':>5} {'seconds':>8} {'MB/s':>6} {'speed-up':>9} {'peak PSS MB':>12} "
          f"{'peak anon MB':>13} {'peak work MB':>13} {'same bytes':>11}")
    for megabytes in (float(s) for s in args.sizes.split(",")):
        corpus = work / f"corpus-{megabytes:g}MB.jsonl"
        size = build_corpus(corpus, megabytes, texts) / 1e6
        configs = ([] if args.only_jobs else [("local", 1)]) + [("local", args.jobs)] + ([("ray", args.jobs)] if args.ray else [])
        best: dict[tuple[str, int], tuple[float, Peaks, str]] = {}
        for _ in range(args.repeat):
            for engine, jobs in configs:
                out = work / f"out-{megabytes:g}-{engine}-{jobs}"
                seconds, peaks = run(args.command, corpus, out, "--jobs", str(jobs), "--engine", engine)
                if (engine, jobs) not in best or seconds < best[engine, jobs][0]:
                    best[engine, jobs] = (seconds, peaks, digest(out))
                shutil.rmtree(out, ignore_errors=True)
        base_seconds, _, base_digest = best[configs[0]]
        for engine, jobs in configs:
            seconds, peaks, output_digest = best[engine, jobs]
            same = "yes" if output_digest == base_digest else "NO"
            speed_up = f"{base_seconds / seconds:>8.2f}x" if not args.only_jobs else f"{'-':>9}"
            print(f"{size:>9.1f} {engine:>7} {jobs:>5} {seconds:>8.1f} {size / seconds:>6.2f} {speed_up} "
                  f"{peaks.pss / 1024:>12.0f} {peaks.anon / 1024:>13.0f} {peaks.work_mb:>13.1f} {same:>11}", flush=True)
        if not args.only_jobs and args.jobs > 1:
            print_ceiling(args, corpus, work, size, base_seconds)
            print_cores(args, size)
        corpus.unlink()
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


def print_ceiling(args: argparse.Namespace, corpus: Path, work: Path, size: float, one_worker: float) -> None:
    """The speed-up this machine allows: `jobs` one-worker runs at once, each alone on the corpus.

    They share nothing, so what slows each of them beside the others (caches, memory bandwidth, the
    host) is what the machine takes from any parallel run, the pool's included.
    """
    slowest = float("inf")
    for _ in range(args.repeat):
        started = time.perf_counter()
        processes = [subprocess.Popen([str(Path(sys.executable).parent / "cleaner"), args.command, str(corpus), "-o",
                                       str(work / f"ceiling-{n}"), "--no-progress", "--jobs", "1"],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for n in range(args.jobs)]
        for process in processes:
            process.wait()
        slowest = min(slowest, time.perf_counter() - started)
        for n in range(args.jobs):
            shutil.rmtree(work / f"ceiling-{n}", ignore_errors=True)
    ceiling = args.jobs * one_worker / slowest
    print(f"{size:>9.1f} {'ceiling':>7} {args.jobs:>5} {slowest:>8.1f} {args.jobs * size / slowest:>6.2f} {ceiling:>8.2f}x "
          f"  ({args.jobs} one-worker runs at once: the speed-up the machine allows)", flush=True)


# A loop of integer additions: no memory traffic, no I/O, nothing shared; a few seconds on this machine.
BUSY_LOOP = "x = 0\nfor i in range(25_000_000):\n    x += i"


def busy_seconds(processes: int) -> float:
    """Seconds `processes` busy loops take, started at once."""
    started = time.perf_counter()
    running = [subprocess.Popen([sys.executable, "-c", BUSY_LOOP]) for _ in range(processes)]
    for process in running:
        process.wait()
    return time.perf_counter() - started


def print_cores(args: argparse.Namespace, size: float) -> None:
    """What the cores give work that shares nothing, not even memory: `jobs` busy loops at once against one.

    Under 2x where the host lets both cores run at full speed only one at a time (clock boost, a core
    shared with another guest): no parallel run, the pool's or the ceiling's, can beat it.
    """
    alone = together = float("inf")
    for _ in range(max(args.repeat, 2)):
        alone = min(alone, busy_seconds(1))
        together = min(together, busy_seconds(args.jobs))
    print(f"{size:>9.1f} {'cores':>7} {args.jobs:>5} {together:>8.1f} {'':>6} {args.jobs * alone / together:>8.2f}x "
          f"  ({args.jobs} busy loops at once, no memory: the speed-up the cores give)", flush=True)


if __name__ == "__main__":
    main()
