"""Parity of the two cores: `cleaner clean` with the compiled core and with the pure-Python one writes the same bytes.

usage: python benchmarks/parity.py [FOLDER ...] [--wcxb] [--jobs N] [--keep DIR]

FOLDER defaults to the dev sets next to the repository (../shared/eval/web-dev and bodies-dev, html and text);
--wcxb adds wcxb-dev's html and text (unpacked by its pages.sh). Each folder is cleaned twice by the installed
`cleaner` in a subprocess, once as installed and once with CLEANER_PURE_PYTHON=1, and every file written (the
cleaned texts and report.json) is compared byte for byte. Exit 0 when all match; 1 naming the files that differ;
2 when the compiled core is not built (two pure-Python runs would prove nothing).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT.parent / "shared" / "eval"
DEV_SETS = ("web-dev/html", "web-dev/text", "bodies-dev/html", "bodies-dev/text")
PATHS = {"compiled": "0", "pure": "1"}  # CLEANER_PURE_PYTHON for each run


def cleaner_command() -> list[str]:
    """The console script beside this interpreter (as installed), else the one on PATH."""
    beside = Path(sys.executable).parent / "cleaner"
    found = str(beside) if beside.is_file() else shutil.which("cleaner")
    if not found:
        sys.exit("parity: the `cleaner` command is not installed")
    return [found]


def path_in_use(pure: str) -> str:
    """What `cleaner --version` names as its core with CLEANER_PURE_PYTHON set to `pure`."""
    env = {**os.environ, "CLEANER_PURE_PYTHON": pure}
    done = subprocess.run([*cleaner_command(), "--version"], env=env, capture_output=True, text=True, check=True)
    return done.stdout.strip()


def written(folder: Path) -> dict[str, bytes]:
    """The files a run wrote, by path relative to its output folder (its own .cleaner state aside)."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and ".cleaner" not in p.relative_to(folder).parts}


def differences(left: dict[str, bytes], right: dict[str, bytes]) -> list[str]:
    """The names present in only one of two runs, or with other bytes.

    >>> differences({"a.txt": b"x", "b.txt": b"y"}, {"a.txt": b"x", "b.txt": b"z", "c.txt": b""})
    ['b.txt', 'c.txt']
    """
    return sorted(name for name in left.keys() | right.keys() if left.get(name) != right.get(name))


def clean(source: Path, out: Path, pure: str, jobs: int) -> float:
    """Seconds `cleaner clean SOURCE -o OUT` took with CLEANER_PURE_PYTHON set to `pure`; fails loudly on an error."""
    env = {**os.environ, "CLEANER_PURE_PYTHON": pure}
    started = time.perf_counter()
    done = subprocess.run([*cleaner_command(), "clean", str(source), "-o", str(out), "-j", str(jobs), "--no-progress"],
                          env=env, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"parity: cleaner clean {source} exited {done.returncode}:\n{done.stderr[-2000:]}")
    return time.perf_counter() - started


def wcxb_folders() -> list[Path]:
    """wcxb-dev's html and text folders, unpacked by its own script."""
    unpacked = subprocess.run([str(EVAL / "wcxb-dev" / "pages.sh")], capture_output=True, text=True, check=True).stdout.strip()
    return [Path(unpacked) / "html", Path(unpacked) / "text"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folders", nargs="*", type=Path)
    parser.add_argument("--wcxb", action="store_true", help="also wcxb-dev's html and text")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--keep", type=Path, help="keep the outputs under KEEP/<path>/<folder> (default: a temporary folder)")
    args = parser.parse_args()
    folders = args.folders or [EVAL / name for name in DEV_SETS]
    if args.wcxb:
        folders += wcxb_folders()
    compiled = path_in_use("0")
    if "compiled core" not in compiled:
        print(f"parity: the compiled core is not built ({compiled}); install with a C compiler first", file=sys.stderr)
        return 2
    print(f"{compiled} against {path_in_use('1')}")
    failed = 0
    with tempfile.TemporaryDirectory(prefix="cleaner-parity-") as scratch:
        base = args.keep or Path(scratch)
        for folder in folders:
            name = "-".join(folder.parts[-2:])
            outputs, seconds = {}, {}
            for path, pure in PATHS.items():
                out = base / path / name
                shutil.rmtree(out, ignore_errors=True)
                seconds[path] = clean(folder, out, pure, args.jobs)
                outputs[path] = written(out)
            differing = differences(outputs["compiled"], outputs["pure"])
            timing = ", ".join(f"{path} {s:.1f} s" for path, s in seconds.items())
            verdict = "identical" if not differing else f"{len(differing)} DIFFER: {', '.join(differing[:5])}"
            print(f"{name:<18}{len(outputs['compiled']):>6} files  {verdict}  ({timing})")
            failed += bool(differing)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
