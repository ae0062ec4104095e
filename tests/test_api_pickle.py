"""A Cleaner pickles, works in spawned workers and in `datasets.map` (a stable fingerprint), and sets nothing
process-wide: no signal handler, no alarm, no allocator setting."""

from __future__ import annotations

import multiprocessing
import pickle
import subprocess
import sys
import textwrap
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path

import pytest
from texts import P1, P2, P3

TEXTS = ["Skip to content\n" + P1, f"<nav><a href=/>Home</a></nav><p>{P2}</p>", P3 + "\nShow more", b"Share this\n" + P1.encode()]


def signature(results: list) -> list[tuple]:
    return [(r.text, r.removed, r.language, r.rejected) for r in results]


def test_a_cleaner_pickles_small_and_cleans_the_same_after(default_cleaner):
    data = pickle.dumps(default_cleaner)
    assert len(data) < 1 << 20  # the rules' text and the config, no compiled automata nor language model
    copy = pickle.loads(data)
    assert copy.config == default_cleaner.config
    assert signature([copy.clean(t) for t in TEXTS]) == signature([default_cleaner.clean(t) for t in TEXTS])
    assert signature(copy.clean_many(TEXTS)) == signature(default_cleaner.clean_many(TEXTS))


def test_an_unpickled_cleaner_serves_threads_at_once(default_cleaner):
    expected = signature([default_cleaner.clean(t) for t in TEXTS * 4])
    fresh = pickle.loads(pickle.dumps(default_cleaner))  # its rules and model are built by whichever thread comes first
    with ThreadPoolExecutor(8) as pool:
        assert signature(pool.map(fresh.clean, TEXTS * 4)) == expected


def test_a_cleaner_works_in_a_spawn_pool(default_cleaner):
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as pool:
        spawned = list(pool.map(default_cleaner.clean, TEXTS))
    assert signature(spawned) == signature([default_cleaner.clean(t) for t in TEXTS])


def run_fresh(code: str, cwd: Path) -> str:
    """Run Python code in a new interpreter (nothing inherited from this one) and give what it printed."""
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=300, cwd=cwd)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_datasets_fingerprints_a_cleaning_function_the_same_in_every_run(tmp_path):
    pytest.importorskip("datasets")
    code = f"""
        import warnings
        warnings.simplefilter("error")  # datasets warns when it cannot hash a function, and then never caches
        from datasets import Dataset
        from datasets.fingerprint import Hasher
        from cleaner import Cleaner, Config

        cleaner = Cleaner(Config(language_detector="none"))

        def clean_text(example):
            return {{"text": cleaner.clean(example["text"]).text}}

        pages = Dataset.from_dict({{"text": {[P1, "Skip to content"]!r}}})
        print(Hasher.hash(clean_text), Hasher.hash(cleaner))
        print(pages.map(clean_text, cache_file_name={str(tmp_path / "cache.arrow")!r})._fingerprint)
    """
    first, second = run_fresh(code, tmp_path), run_fresh(code, tmp_path)
    assert first == second and len(first.split()) == 3


def test_the_library_sets_nothing_process_wide(tmp_path):
    printed = run_fresh(cwd=tmp_path, code=f"""
        import signal, sys
        signal.alarm(600)
        from cleaner import Cleaner, Config
        cleaner = Cleaner(Config())
        cleaner.clean("© 2024 Example Corp. All rights reserved.\\n" + {P1!r})  # a rule with a time budget
        list(cleaner.clean_many([{P1!r}, {P2!r}]))
        heap = sys.modules.get("cleaner.engines.heap")
        print(signal.alarm(0) > 0, signal.getsignal(signal.SIGALRM) is signal.SIG_DFL,
              heap is None or heap._malloc_trim is None)
    """)
    assert printed.split() == ["True", "True", "True"]
