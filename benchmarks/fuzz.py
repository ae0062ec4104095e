"""Fuzz the text, HTML and record entry points for a fixed time: count the inputs tried and the failures found.

    .venv/bin/python benchmarks/fuzz.py --seconds 120             # built-in fuzzer, mutational and structure-aware
    .venv/bin/python benchmarks/fuzz.py --seconds 300 --atheris   # coverage-guided (pip install -e ".[fuzz]")

Seeded, so that a run can be repeated. Four entry points share the time:

- text: the seeds, pages and hostile snippets (deep nesting, broken tags, entities, control characters,
  invalid UTF-8, BOMs, NUL bytes, huge lines), mutated (byte flips, insertions, deletions, splices,
  truncation, repetition), decoded with `decoding.decode` and cleaned;
- html: the same mutations, decoded with `decoding.decode_html` and cleaned with the html stage;
- html-structured: pages built from a grammar (`structure`): elements with a few to 200,000 attributes in
  every syntax the tokenizer knows, nesting from flat to 300,000 levels with unclosed, misnested and stray
  tags, tables, lists, selects and formatting elements, raw-text elements holding markup, comments, then
  encoded in a declared or undeclared charset (UTF-8, UTF-16 with and without a BOM, cp1252, Shift_JIS...)
  and often truncated at any byte, then mutated a little;
- records: JSONL files built from a grammar (`records`): good records, bad JSON, non-objects, missing
  or non-string text, a BOM, blank and CRLF lines, huge and deep values, compressed (gzip, zstd) or not,
  truncated; read with `formats.read_jsonl` and cleaned with the record cleaner.

A crash is any exception other than the one-line errors (`InputError` for undecodable bytes,
`MarkupLimit` for a page past the parser's bounds); a hang, an input that took longer than --slow
seconds; a property failure, for text, a result that is not idempotent or keeps a line that was not in
the input, for records, a record neither written nor rejected. The first few failing inputs are saved
under --crashes for replay.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fuzz_grammar import KINDS, check_records, page, records  # noqa: E402

from cleaner import Cleaner, Config  # noqa: E402
from cleaner.decoding import decode, decode_html  # noqa: E402
from cleaner.document import Document  # noqa: E402
from cleaner.html import MarkupLimit  # noqa: E402
from cleaner.io import InputError  # noqa: E402
from cleaner.stages.normalize import normalize_text  # noqa: E402

SNIPPETS = [
    b"Skip to content", b"Read more", b"Subscribe", b"Donate now", b"By Anna Smith", b"Sign up for our newsletter",
    b"The city council approved the new budget on Monday after a long debate.", b"\n", b"\n\n", b"\r\n", b"\t", b" ",
    b"\xc2\xa0", b"\xe2\x80\xa6", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\x00", b"\xff", b"\xc3", b"\xed\xa0\x80",
    b"\xf0\x9f\x98\x80", b"\xcc\x81", b"\xe2\x80\x8b", b"\xe2\x80\xae", b"<", b">", b"&", b"&amp;", b"&#0;", b"&#xD800;",
    b"&#99999999;", b"<p>", b"</p>", b"<div>", b"</div>", b"<script>", b"</script>", b"<style>", b"<!--", b"-->",
    b"<![CDATA[", b"<nav>", b"<table><tr><td>", b"<li>", b"<br>", b"<svg>", b"<template>", b"<meta charset=utf-16>",
    b"<meta charset=shift_jis>", b"<meta charset=klingon>", b'<a href="', b"<html lang='", b"* ", b"# ", b"| ",
]
PAGES = [
    b"<html><head><title>T</title></head><body><nav><a href='/'>Home</a></nav><article><h1>Budget</h1><p>"
    b"The council approved the new budget on Monday after a long debate.</p><p>The mayor said the money would "
    b"pay for road repairs.</p></article><footer>Copyright 2024</footer></body></html>",
    b"<div>" * 3000 + b"<p>deep</p>" + b"</div>" * 3000,
    b"<table>" * 500 + b"x",
    b"a" * 200_000,
]


def corpus() -> list[bytes]:
    found = [p.read_bytes() for p in sorted((ROOT / "seeds").glob("*.txt"))]
    return found + PAGES + SNIPPETS


def mutate(rng: random.Random, data: bytes, pool: list[bytes]) -> bytes:
    data = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        choice = rng.random()
        at = rng.randint(0, len(data))
        if choice < 0.25:
            data[at:at] = rng.choice(SNIPPETS)
        elif choice < 0.4 and data:
            data[min(at, len(data) - 1)] = rng.randrange(256)
        elif choice < 0.55:
            del data[at:at + rng.randint(1, 64)]
        elif choice < 0.7:
            other = rng.choice(pool)
            start = rng.randint(0, len(other))
            data[at:at] = other[start:start + rng.randint(1, 2000)]
        elif choice < 0.8:
            data = data[: rng.randint(0, len(data))]
        elif choice < 0.9:
            piece = rng.choice(SNIPPETS)
            data[at:at] = piece * rng.randint(2, 2000)
        else:
            data[at:at] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 32)))
    return bytes(data)


def kept_lines_in_input(text: str, cleaned: str) -> bool:
    rest = iter(normalize_text(text).split("\n"))
    return all(any(line == source for source in rest) for line in cleaned.split("\n") if line)


def check(cleaner: Cleaner, kind: str, data: bytes, slow: float = 30.0) -> str | None:
    """What one input does: None when all is well, "refused" for a one-line error, else the problem."""
    started = time.monotonic()
    outcome = _check(cleaner, kind, data)
    seconds = time.monotonic() - started
    if seconds > slow and (outcome is None or outcome == "refused"):
        return f"hang: {seconds:.1f} s for {len(data):,} bytes"
    return outcome


def _check(cleaner: Cleaner, kind: str, data: bytes) -> str | None:
    try:
        if kind == "records":
            return check_records(cleaner, data)
        if kind == "text":
            text = decode(data, "fuzz.txt")
            cleaned = cleaner.clean(text).text
            if cleaner.clean(cleaned).text != cleaned:
                return "not idempotent"
            if not kept_lines_in_input(text, cleaned):
                return "kept a line that is not in the input"
        else:
            page = decode_html(data, "fuzz.html")
            cleaner.pipeline().run(Document(page, "fuzz", format="html")).cleaned_text()
    except (InputError, MarkupLimit) as exc:
        if "\n" in str(exc):
            return "crash: a message of more than one line: " + str(exc)[:200]
        return "refused"
    except Exception:  # noqa: BLE001 - every other exception is a finding
        return "crash: " + traceback.format_exc(limit=3)
    return None


class Tally:
    """Counts per entry point, and the first failing inputs saved for replay."""

    def __init__(self, crashes: Path) -> None:
        self.counts = {kind: {"inputs": 0, "refused": 0, "crashes": 0, "hangs": 0, "property_failures": 0, "bytes": 0}
                       for kind in KINDS}
        self.crashes, self.saved = crashes, 0

    def add(self, kind: str, data: bytes, outcome: str | None) -> None:
        self.counts[kind]["inputs"] += 1
        self.counts[kind]["bytes"] += len(data)
        if outcome == "refused":
            self.counts[kind]["refused"] += 1
        elif outcome is not None:
            found = "crashes" if outcome.startswith("crash") else "hangs" if outcome.startswith("hang") else "property_failures"
            self.counts[kind][found] += 1
            if self.saved < 20:
                self.crashes.mkdir(parents=True, exist_ok=True)
                (self.crashes / f"{kind}-{self.saved}.bin").write_bytes(data)
                (self.crashes / f"{kind}-{self.saved}.txt").write_text(outcome, encoding="utf-8")
                self.saved += 1

    def report(self, seconds: float, **about: object) -> int:
        total = {key: sum(counts.get(key, 0) for counts in self.counts.values()) for key in self.counts["text"]}
        print(json.dumps({"seconds": round(seconds, 1), **about, **self.counts, "total": total}, indent=2), flush=True)
        return 1 if total["crashes"] or total["hangs"] or total["property_failures"] else 0


def one_input(rng: random.Random, kind: str, pool: list[bytes]) -> bytes:
    """An input for an entry point: a mutated corpus entry, or one built from a grammar and mutated a little."""
    if kind == "html-structured":
        data = page(rng)
        return mutate(rng, data, pool) if rng.random() < 0.3 else data
    if kind == "records":
        return records(rng)
    return mutate(rng, rng.choice(pool), pool)


def mutational(args: argparse.Namespace, cleaner: Cleaner, tally: Tally) -> None:
    rng = random.Random(args.seed)
    pool = corpus()
    started = time.monotonic()
    for number, kind in enumerate(args.kinds, start=1):  # an equal share of the time each
        stop = started + args.seconds * number / len(args.kinds)
        while time.monotonic() < stop:
            data = one_input(rng, kind, pool)
            tally.add(kind, data, check(cleaner, "html" if kind == "html-structured" else kind, data, args.slow))
        if args.progress:
            print(json.dumps({"after_seconds": round(time.monotonic() - started), kind: tally.counts[kind]}), file=sys.stderr, flush=True)


def coverage_guided(args: argparse.Namespace, cleaner: Cleaner, tally: Tally) -> None:
    """atheris (libFuzzer for Python), in this process: the first byte picks the entry point, the rest is the input.

    Failures are counted, not raised, so that the run goes on for its whole budget. libFuzzer ends the
    process without Python's exit handlers, so the tally is written to `args.tally` as it goes.
    """
    import tempfile

    import atheris

    seeds = Path(tempfile.mkdtemp(prefix="cleaner-fuzz-"))
    for number, data in enumerate(corpus()):
        (seeds / f"seed-{number}").write_bytes(bytes([number % 2]) + data[:4096])

    def one_input(data: bytes) -> None:
        if data:
            kind = ("text", "html")[data[0] % 2]
            outcome = check(cleaner, kind, data[1:], args.slow)
            tally.add(kind, data[1:], outcome)
            if outcome not in (None, "refused") or tally.counts[kind]["inputs"] % 100 == 0:
                args.tally.write_text(json.dumps(tally.counts), encoding="utf-8")

    atheris.instrument_all()
    atheris.Setup([sys.argv[0], f"-max_total_time={int(args.seconds)}", f"-seed={args.seed}", "-max_len=65536", str(seeds)],
                  one_input)
    atheris.Fuzz()


def run_atheris(args: argparse.Namespace, tally: Tally) -> int:
    """Run `coverage_guided` in a child process and report its tally (with libFuzzer's own count of runs)."""
    import re
    import subprocess
    import tempfile

    args.tally = Path(tempfile.mkdtemp(prefix="cleaner-fuzz-")) / "tally.json"
    started = time.monotonic()
    child = subprocess.run([sys.executable, __file__, "--atheris-child", "--tally", str(args.tally), "--seconds", str(args.seconds),
                            "--seed", str(args.seed), "--crashes", str(args.crashes), "--slow", str(args.slow)],
                           capture_output=True, text=True)
    if args.tally.exists():
        tally.counts = json.loads(args.tally.read_text(encoding="utf-8"))
    runs = re.findall(r"Done (\d+) runs", child.stderr)
    about = {"seed": args.seed, "fuzzer": "atheris", "libfuzzer_runs": int(runs[-1]) if runs else None}
    if child.returncode != 0 and not runs:
        print(child.stderr[-3000:], file=sys.stderr)
        about["fuzzer_exit"] = child.returncode
    return tally.report(time.monotonic() - started, **about)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=120.0, help="time budget, split between text and HTML")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--slow", type=float, default=30.0, help="seconds past which one input counts as a hang")
    parser.add_argument("--kinds", type=lambda value: value.split(","), default=list(KINDS),
                        help=f"entry points to fuzz, comma-separated (default: {','.join(KINDS)})")
    parser.add_argument("--progress", action="store_true", help="a line on stderr as each entry point's share ends")
    parser.add_argument("--crashes", type=Path, default=ROOT / "benchmarks" / "fuzz-crashes")
    parser.add_argument("--atheris", action="store_true",
                        help="coverage-guided with atheris (pip install atheris) instead of the built-in mutational fuzzer")
    parser.add_argument("--atheris-child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--tally", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    tally = Tally(args.crashes)
    if args.atheris:
        sys.exit(run_atheris(args, tally))
    cleaner = Cleaner(Config(language_detector="none"))
    if args.atheris_child:
        coverage_guided(args, cleaner, tally)  # libFuzzer exits the process when the budget is spent
        return
    started = time.monotonic()
    mutational(args, cleaner, tally)
    sys.exit(tally.report(time.monotonic() - started, seed=args.seed))


if __name__ == "__main__":
    main()
