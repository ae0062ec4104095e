"""`cleaner dedup` as a whole process on short paragraph records, beside datasketch doing the same work.

    .venv/bin/python benchmarks/dedup_process.py [--records 7500] [--rounds 3] [--memory-mb 25,100] [--keep DIR] [--cleaner CMD]

The corpus: one JSONL file of short records (about 730 bytes), each one paragraph of two or three
paragraphs of ../shared/eval/web-dev/text joined, a quarter of them near-duplicate edits of an earlier
record (`dedup_speed.edit`) and a twentieth exact copies. Without ../shared the benchmark says so and exits.

Timed, each as a subprocess, startup included, the best of `--rounds`:
`cleaner dedup FILE -o OUT --jobs 1` and `--jobs 2`, and a datasketch script doing the same work
(read the JSONL with orjson, `MinHash.bulk` of the same lower-cased word 2-shingles with the same 64
permutations, `MinHashLSH(threshold=0.8)` query then insert, write the records it keeps).

Fixed cost per document: `cleaner dedup --jobs 1` on files of 2,000, 8,000 and 32,000 tiny records
(one 14-word line each, all distinct); the least-squares slope of wall time against record count is
what one more document costs whatever its size, the intercept the process's startup.

Memory: peak RSS of `cleaner dedup --jobs 1` on corpora of the `--memory-mb` sizes (the same kind of records,
distinct), read from /proc as the run goes, in two parts: anonymous memory (what the process holds) and file pages
(the index's spilled runs are memory-mapped: the kernel counts the pages read in RSS, and takes them back at will).
Flat means the anonymous part does not grow with the input.
"""

from __future__ import annotations

import argparse
import json
import random
import shlex
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import numpy as np
import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent))
from dedup_speed import TEXT, dev_paragraphs, edit  # noqa: E402

CLEANER = [str(Path(sys.executable).with_name("cleaner"))]  # the installed entry point, as a user runs it (or --cleaner)
# Runs a command, prints its wall time and peak RSS as JSON: the wrapper's own startup is outside both.
WRAPPER = textwrap.dedent("""
    import json, resource, subprocess, sys, time
    started = time.perf_counter()
    code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE).returncode
    seconds = time.perf_counter() - started
    print(json.dumps({"seconds": seconds, "code": code, "rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))
""")
DATASKETCH = textwrap.dedent("""
    import re, sys
    import orjson
    from datasketch import MinHash, MinHashLSH
    WORD = re.compile(r"[^\\W_]+")
    source, target = sys.argv[1], sys.argv[2]
    with open(source, "rb") as f:
        records = [orjson.loads(line) for line in f]
    shingles = []
    for record in records:
        words = WORD.findall(record["text"].lower())
        shingles.append([" ".join(words[i : i + 2]).encode() for i in range(max(1, len(words) - 1))])
    lsh = MinHashLSH(threshold=0.8, num_perm=64)
    with open(target, "wb") as out:
        for number, (record, m) in enumerate(zip(records, MinHash.bulk(shingles, num_perm=64))):
            if not lsh.query(m):
                out.write(orjson.dumps(record) + b"\\n")
            lsh.insert(number, m)
""")


def corpus(paragraphs: list[str], count: int, seed: int) -> list[str]:
    """`count` record texts: two or three dev paragraphs joined, a quarter edited copies of earlier ones, a twentieth exact copies."""
    rng = random.Random(seed)
    vocabulary = [w for p in paragraphs[:2000] for w in p.split()]
    texts: list[str] = []
    for _ in range(count):
        roll = rng.random()
        if texts and roll < 0.05:
            texts.append(rng.choice(texts))
        elif texts and roll < 0.30:
            texts.append(edit(rng.choice(texts), rng, vocabulary))
        else:
            texts.append(" ".join(rng.sample(paragraphs, rng.choice((2, 3)))))
    return texts


def write_jsonl(path: Path, texts: list[str]) -> float:
    """Write records {"id", "text"}; returns the file's size in MB."""
    with path.open("wb") as f:
        for number, text in enumerate(texts):
            f.write(orjson.dumps({"id": number, "text": text}) + b"\n")
    return path.stat().st_size / 1e6


def measured(command: list[str]) -> dict:
    """Wall seconds and peak RSS of one run of `command` in a fresh wrapper process."""
    done = subprocess.run([sys.executable, "-c", WRAPPER, *command], capture_output=True, text=True, check=True)
    result = json.loads(done.stdout)
    if result["code"] != 0:
        raise SystemExit(f"{' '.join(command)} failed ({result['code']})")
    return result


def best_of(command: list[str], rounds: int) -> dict:
    runs = [measured(command) for _ in range(rounds)]
    return min(runs, key=lambda r: r["seconds"])


def dedup_command(source: Path, out: Path, jobs: int) -> list[str]:
    return [*CLEANER, "dedup", str(source), "-o", str(out), "--jobs", str(jobs), "--no-progress"]


def speed(work: Path, records: int, rounds: int) -> None:
    texts = corpus(dev_paragraphs(), records, 7)
    source = work / "records.jsonl"
    megabytes = write_jsonl(source, texts)
    script = work / "datasketch_dedup.py"
    script.write_text(DATASKETCH, encoding="utf-8")
    rows = {"datasketch": best_of([sys.executable, str(script), str(source), str(work / "ds.jsonl")], rounds)}
    for jobs in (1, 2):
        rows[f"cleaner --jobs {jobs}"] = best_of(dedup_command(source, work / f"out{jobs}", jobs), rounds)
    kept = sum(1 for _ in (work / "ds.jsonl").open("rb"))
    print(f"speed: {records:,} records, {megabytes:.1f} MB, best of {rounds} (datasketch kept {kept:,})")
    print("| run | seconds | MB/s | µs per record | vs datasketch | peak RSS MB |")
    print("|---|---|---|---|---|---|")
    reference = rows["datasketch"]["seconds"]
    for name, row in rows.items():
        seconds = row["seconds"]
        print(f"| {name} | {seconds:.2f} | {megabytes / seconds:.2f} | {seconds / records * 1e6:.0f} | "
              f"{reference / seconds:.2f}x | {row['rss_mb']:.0f} |")
    one, two = rows["cleaner --jobs 1"]["seconds"], rows["cleaner --jobs 2"]["seconds"]
    print(f"--jobs 2 over --jobs 1: {one / two:.2f}x")


def fixed_cost(work: Path, rounds: int) -> None:
    """The slope of wall time over the number of tiny records: one more document's cost, whatever its size."""
    rng = random.Random(3)
    words = sorted({w for p in dev_paragraphs()[:3000] for w in p.split()})
    counts, seconds = [2000, 8000, 32000], []
    for count in counts:
        source = work / f"tiny{count}.jsonl"
        write_jsonl(source, [" ".join(rng.choices(words, k=14)) for _ in range(count)])
        seconds.append(best_of(dedup_command(source, work / f"tiny{count}", 1), rounds)["seconds"])
    slope, intercept = np.polyfit(counts, seconds, 1)
    runs = ", ".join(f"{c:,}: {s:.2f} s" for c, s in zip(counts, seconds, strict=True))
    print(f"fixed cost: {slope * 1e6:.0f} µs per document (slope over {runs}); startup {intercept:.2f} s (intercept)")


def memory(work: Path, sizes_mb: list[int]) -> None:
    """Peak RSS of `cleaner dedup --jobs 1` at each input size (distinct records of the benchmark's kind)."""
    paragraphs = dev_paragraphs()
    for size in sizes_mb:
        source = work / f"mem{size}.jsonl"
        seed, written = 100, 0.0
        with source.open("wb") as f:
            while written < size:
                texts = corpus(paragraphs, 7500, seed)
                chunk = b"".join(orjson.dumps({"id": f"{seed}-{n}", "text": t}) + b"\n" for n, t in enumerate(texts))
                f.write(chunk)
                written += len(chunk) / 1e6
                seed += 1
        started = time.perf_counter()
        peaks = peak_memory(dedup_command(source, work / f"mem{size}", 1))
        seconds = time.perf_counter() - started
        print(f"memory: {written:.0f} MB in {seconds:.1f} s ({written / seconds:.1f} MB/s), peak RSS {peaks['VmRSS']} MB: "
              f"anonymous {peaks['RssAnon']} MB, file pages {peaks['RssFile']} MB")
        source.unlink()


def peak_memory(command: list[str]) -> dict[str, int]:
    """The peaks (MB) of VmRSS, RssAnon and RssFile of a command's process, read from /proc every 0.2 s."""
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peaks = {"VmRSS": 0, "RssAnon": 0, "RssFile": 0}
    while process.poll() is None:
        try:
            for line in Path(f"/proc/{process.pid}/status").read_text().splitlines():
                key, _, value = line.partition(":")
                if key in peaks:
                    peaks[key] = max(peaks[key], int(value.split()[0]) // 1024)
        except (FileNotFoundError, ProcessLookupError):
            pass
        time.sleep(0.2)
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({process.returncode})")
    return peaks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=7500)
    parser.add_argument("--rounds", type=int, default=3, help="timed rounds (the best counts)")
    parser.add_argument("--memory-mb", default="25,100", help="input sizes for peak RSS ('' to skip)")
    parser.add_argument("--no-fixed", action="store_true", help="skip the fixed-cost fit")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it (the corpus is records.jsonl)")
    parser.add_argument("--cleaner", help="the command that runs cleaner (another build, to compare)")
    args = parser.parse_args()
    if args.cleaner:
        CLEANER[:] = shlex.split(args.cleaner)
    if not TEXT.is_dir():
        raise SystemExit(f"{TEXT}: absent; this benchmark needs the web-dev text pages")
    with tempfile.TemporaryDirectory() as scratch:
        work = args.keep or Path(scratch)
        work.mkdir(parents=True, exist_ok=True)
        speed(work, args.records, args.rounds)
        if not args.no_fixed:
            fixed_cost(work, args.rounds)
        if args.memory_mb:
            memory(work, [int(s) for s in args.memory_mb.split(",")])


if __name__ == "__main__":
    main()
