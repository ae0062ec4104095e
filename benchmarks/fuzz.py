"""Fuzz the text and HTML entry points for a fixed time: count the inputs tried and the failures found.

    .venv/bin/python benchmarks/fuzz.py --seconds 120

A mutational fuzzer, seeded so that a run can be repeated: it starts from the seeds, pages built from
boilerplate and prose, and hostile snippets (deep nesting, broken tags, entities, control characters,
invalid UTF-8, BOMs, NUL bytes, huge lines), and mutates them (byte flips, insertions, deletions, splices,
truncation, repetition). Each input goes through what a file goes through: the bytes are decoded (as text
with `io.decode`, as a page with `io.decode_html`), then cleaned. A crash is any exception other than the
one-line `InputError` for undecodable bytes; a property failure, for text, a result that is not idempotent
or keeps a line that was not in the input. The first few failing inputs are saved under --crashes for replay.
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

from cleaner import Cleaner, Config  # noqa: E402
from cleaner.document import Document  # noqa: E402
from cleaner.io import InputError, decode, decode_html  # noqa: E402
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=120.0, help="time budget, split between text and HTML")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--crashes", type=Path, default=ROOT / "benchmarks" / "fuzz-crashes")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    cleaner = Cleaner(Config(language_detector="none"))
    pool = corpus()
    counts = {kind: {"inputs": 0, "refused": 0, "crashes": 0, "property_failures": 0} for kind in ("text", "html")}
    saved = 0
    started = time.monotonic()
    for kind in ("text", "html"):
        stop = started + args.seconds * (0.5 if kind == "text" else 1.0)
        while time.monotonic() < stop:
            data = mutate(rng, rng.choice(pool), pool)
            counts[kind]["inputs"] += 1
            try:
                if kind == "text":
                    text = decode(data, "fuzz.txt")
                    cleaned = cleaner.clean(text).text
                    problem = None
                    if cleaner.clean(cleaned).text != cleaned:
                        problem = "not idempotent"
                    elif not kept_lines_in_input(text, cleaned):
                        problem = "kept a line that is not in the input"
                else:
                    page = decode_html(data, "fuzz.html")
                    doc = cleaner.pipeline().run(Document(page, "fuzz", format="html"))
                    doc.cleaned_text()
                    problem = None
            except InputError as exc:
                counts[kind]["refused"] += 1
                assert "\n" not in str(exc)
                continue
            except Exception:  # noqa: BLE001 - every other exception is a finding
                problem = "crash: " + traceback.format_exc(limit=3)
            if problem is not None:
                counts[kind]["crashes" if problem.startswith("crash") else "property_failures"] += 1
                if saved < 20:
                    args.crashes.mkdir(parents=True, exist_ok=True)
                    (args.crashes / f"{kind}-{saved}.bin").write_bytes(data)
                    (args.crashes / f"{kind}-{saved}.txt").write_text(problem, encoding="utf-8")
                    saved += 1
    elapsed = time.monotonic() - started
    total = {key: counts["text"][key] + counts["html"][key] for key in counts["text"]}
    print(json.dumps({"seconds": round(elapsed, 1), "seed": args.seed, **counts, "total": total}, indent=2))
    sys.exit(1 if total["crashes"] or total["property_failures"] else 0)


if __name__ == "__main__":
    main()
