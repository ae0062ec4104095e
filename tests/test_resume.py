"""A run killed with SIGKILL, then `--resume`d, writes exactly what an uninterrupted run writes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

from engines.test_pool import corpus


def outputs(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*.txt"))}


def finished(out: Path) -> int:
    manifest = out / ".cleaner" / "manifest.jsonl"
    return len(manifest.read_bytes().splitlines()) if manifest.exists() else 0


def test_kill_minus_nine_then_resume_equals_one_run(cleaner_exe: str, tmp_path: Path) -> None:
    source = tmp_path / "in"
    source.mkdir()
    corpus(source, documents=400)
    args = [cleaner_exe, "clean", str(source), "--jobs", "1", "--no-progress", "--language-detector", "none"]
    whole = subprocess.run([*args, "-o", str(tmp_path / "whole")], capture_output=True, timeout=300)
    assert whole.returncode == 0, whole.stderr.decode()

    out = tmp_path / "killed"
    process = subprocess.Popen([*args, "-o", str(out)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while finished(out) < 40 and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert 0 < finished(out) < 400, "the run was not killed in the middle; make the corpus bigger"
    # A file being written when the kill came stays under its hidden temporary name, never its final one.
    assert all(not name.endswith(".tmp") for name in outputs(out))
    assert all(name in outputs(tmp_path / "whole") for name in outputs(out))

    resumed = subprocess.run([*args, "-o", str(out), "--resume"], capture_output=True, timeout=300)
    assert resumed.returncode == 0, resumed.stderr.decode()
    assert outputs(out) == outputs(tmp_path / "whole")
    totals = [json.loads((folder / "report.json").read_text())["totals"] for folder in (out, tmp_path / "whole")]
    assert totals[0] == totals[1]


def test_a_fresh_run_into_the_same_folder_forgets_the_last_one(cleaner_exe: str, tmp_path: Path) -> None:
    first_source, second_source = tmp_path / "a", tmp_path / "b"
    first_source.mkdir()
    second_source.mkdir()
    corpus(first_source, documents=6)
    for page in first_source.iterdir():  # the same pages under other names
        (second_source / f"copy-{page.name}").write_bytes(page.read_bytes())
    report = tmp_path / "out" / "report.json"
    totals = []
    for source in (first_source, second_source):
        args = [cleaner_exe, "clean", str(source), "-o", str(tmp_path / "out"), "--no-progress", "--language-detector", "none"]
        assert subprocess.run(args, capture_output=True, timeout=120).returncode == 0
        totals.append(json.loads(report.read_text())["totals"])
    # Had the persisted index survived, every paragraph of the copies would repeat the first run's.
    assert totals[1] == totals[0]
