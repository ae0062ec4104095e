"""Faults mid-run (issue 7): a worker killed, the Redis index stopped. The run says so in one line, no partial
file is left under its final name, and `--resume` then writes exactly what one clean run writes (bytes lost: 0).

The kill -9 of the whole run is tests/test_resume.py::test_kill_minus_nine_then_resume_equals_one_run.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import time
from pathlib import Path

import pytest
from engines.test_pool import corpus
from stages.test_dedup_persist import free_port


def outputs(folder: Path) -> dict[str, bytes]:
    """Every output file (the work folder and temporaries aside), by relative path."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and ".cleaner" not in p.parts and not p.name.endswith(".tmp")}


def comparable(folder: Path) -> dict:
    """The outputs with report.json parsed and its `dedup` section left out: that one lists the duplicate
    groups of the last run only (a resumed run's are those of its own part), while totals and files cover the whole."""
    found = outputs(folder)
    report = json.loads(found.pop("report.json"))
    report.pop("dedup", None)
    return {**found, "report.json": report}


def finished(out: Path) -> int:
    manifest = out / ".cleaner" / "manifest.jsonl"
    return len(manifest.read_bytes().splitlines()) if manifest.exists() else 0


def assert_no_partial_file(out: Path, whole: Path) -> None:
    """Whatever a killed run left under a final name is byte-identical to the clean run's file."""
    reference = outputs(whole)
    for name, data in outputs(out).items():
        if name != "report.json":
            assert data == reference[name], f"{name} is partial"


def children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(c) for c in (task / "children").read_text().split()]
    return found


def shards(folder: Path, files: int = 6, records: int = 150) -> None:
    """Record files whose records repeat paragraphs across files, so dedup order matters."""
    rng = random.Random(5)
    words = "river council budget school road winter harvest bridge market library station museum".split()
    shared = [" ".join(rng.choice(words) for _ in range(20)).capitalize() + "." for _ in range(30)]
    for number in range(files):
        lines = []
        for i in range(records):
            own = " ".join(rng.choice(words) for _ in range(18)).capitalize() + "."
            lines.append(json.dumps({"id": f"{number}-{i}", "text": f"{own}\n\n{rng.choice(shared)}\nDonate now"}))
        (folder / f"shard{number}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_a_worker_killed_mid_run_then_resume_equals_one_run(cleaner_exe: str, tmp_path: Path) -> None:
    source = tmp_path / "in"
    source.mkdir()
    shards(source)
    args = [cleaner_exe, "clean", str(source), "--jobs", "2", "--no-progress", "--language-detector", "none"]
    whole = subprocess.run([*args, "-o", str(tmp_path / "whole")], capture_output=True, timeout=300)
    assert whole.returncode == 0, whole.stderr.decode()

    out = tmp_path / "killed"
    process = subprocess.Popen([*args, "-o", str(out)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while finished(out) < 1 and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    workers = children(process.pid) if process.poll() is None else []
    assert workers, "the run finished before a worker could be killed; make the shards bigger"
    os.kill(workers[0], signal.SIGKILL)
    _, stderr = process.communicate(timeout=120)
    lines = stderr.decode().strip().splitlines()
    assert process.returncode == 1
    assert lines[-1].startswith("cleaner: a worker process died") and "Traceback" not in stderr.decode()
    assert 0 < finished(out) < 6
    assert_no_partial_file(out, tmp_path / "whole")

    resumed = subprocess.run([*args, "-o", str(out), "--resume"], capture_output=True, timeout=300)
    assert resumed.returncode == 0, resumed.stderr.decode()
    assert comparable(out) == comparable(tmp_path / "whole")  # bytes lost: 0


@pytest.fixture
def redis_server(tmp_path: Path):
    """Start (and restart) a redis-server on a free loopback port that keeps its data on disk."""
    pytest.importorskip("redis")
    server = shutil_which("redis-server")
    port = free_port()
    processes = []

    def start() -> subprocess.Popen:
        process = subprocess.Popen([server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "yes",
                                    "--appendfsync", "always", "--dir", str(tmp_path)],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        processes.append(process)
        import redis

        for _ in range(200):
            try:
                redis.Redis(port=port).ping()
                return process
            except redis.exceptions.ConnectionError:
                time.sleep(0.05)
        pytest.skip("redis-server did not start")

    yield port, start
    for process in processes:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)


def shutil_which(name: str) -> str:
    import shutil

    found = shutil.which(name)
    if found is None:
        pytest.skip(f"{name} is not installed")
    return found


def test_the_redis_index_stopped_mid_run_then_resume_equals_one_run(cleaner_exe: str, tmp_path: Path, redis_server) -> None:
    port, start = redis_server
    server = start()
    source = tmp_path / "in"
    source.mkdir()
    corpus(source, documents=300)
    args = [cleaner_exe, "clean", str(source), "--jobs", "1", "--no-progress", "--language-detector", "none"]
    whole = subprocess.run([*args, "-o", str(tmp_path / "whole"), "--dedup-index", f"redis://127.0.0.1:{port}/1"],
                           capture_output=True, timeout=300)
    assert whole.returncode == 0, whole.stderr.decode()

    out, index = tmp_path / "stopped", f"redis://127.0.0.1:{port}/0"
    process = subprocess.Popen([*args, "-o", str(out), "--dedup-index", index], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while finished(out) < 30 and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    server.kill()  # SIGKILL: what it had acknowledged is on disk (appendfsync always)
    server.wait(timeout=10)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 1, stderr.decode()
    last = stderr.decode().strip().splitlines()[-1]
    assert last.startswith("cleaner: lost the redis dedup index") and "--resume" in last, stderr.decode()
    assert "Traceback" not in stderr.decode()
    assert 0 < finished(out) < 300
    assert_no_partial_file(out, tmp_path / "whole")

    start()  # the same data folder: the index is back as it was
    resumed = subprocess.run([*args, "-o", str(out), "--dedup-index", index, "--resume"], capture_output=True, timeout=300)
    assert resumed.returncode == 0, resumed.stderr.decode()
    assert comparable(out) == comparable(tmp_path / "whole")  # bytes lost: 0
