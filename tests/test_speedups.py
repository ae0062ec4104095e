"""The two cores: every compiled kernel and its pure-Python twin give the same results, bit for bit, and
`cleaner clean` writes the same bytes with either. Where the compiled core is not built, the side-by-side tests
skip (CI builds it and checks that it did: .ci/run)."""

from __future__ import annotations

import math
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from texts import P1, P2, P3

from cleaner import Cleaner, Config, speedups
from cleaner import _speedups_pure as pure
from cleaner.document import Document
from cleaner.line_features import document_features
from cleaner.stages.decide import HTML_MODEL, packaged_model
from cleaner.trees import Forest

try:
    from cleaner import _speedups as compiled
except ImportError:
    compiled = None
needs_compiled = pytest.mark.skipif(compiled is None, reason="the compiled core is not built here")
TWINS = ("char_counts", "forest_scores")
PROPERTY = settings(max_examples=300, deadline=None, derandomize=True)


def kernels(module: object) -> set[str]:
    return {name for name in dir(module) if not name.startswith("_") and callable(getattr(module, name))
            and getattr(getattr(module, name), "__module__", None) == module.__name__}


@needs_compiled
def test_every_compiled_kernel_has_a_pure_twin_of_the_same_name_and_docstring():
    assert kernels(compiled) == kernels(pure) == set(TWINS)
    for name in TWINS:
        assert getattr(compiled, name).__doc__ == getattr(pure, name).__doc__, name


def test_the_chosen_core_is_named_and_forced_pure_by_the_setting():
    assert speedups.PATH == ("compiled core" if speedups.COMPILED else "pure Python")
    assert all(getattr(speedups, name) is getattr(speedups._core, name) for name in TWINS)
    env = {**os.environ, "CLEANER_PURE_PYTHON": "1"}
    done = subprocess.run([sys.executable, "-c", "from cleaner import speedups; print(speedups.PATH)"], env=env,
                          capture_output=True, text=True, check=True)
    assert (done.stdout, done.stderr) == ("pure Python\n", "")


def test_a_missing_compiled_core_is_said_once_on_stderr_and_the_pure_one_runs():
    hide = ("import sys\n"
            "class Hide:\n"
            "    def find_spec(self, name, path=None, target=None):\n"
            "        if name == 'cleaner._speedups':\n"
            "            raise ImportError(name)\n"
            "sys.meta_path.insert(0, Hide())\n"
            "from cleaner import speedups, trees, line_features\n"
            "import cleaner.speedups\n"
            "print(speedups.PATH)\n")
    env = {k: v for k, v in os.environ.items() if k != "CLEANER_PURE_PYTHON"}
    done = subprocess.run([sys.executable, "-c", hide], env=env, capture_output=True, text=True, check=True)
    assert done.stdout == "pure Python\n"
    assert len(done.stderr.splitlines()) == 1 and "pure-Python" in done.stderr and "CLEANER_PURE_PYTHON=1" in done.stderr


# --- char_counts ---------------------------------------------------------------------------------


@needs_compiled
def test_char_counts_agree_on_every_code_point():
    for start in range(0, sys.maxunicode + 1, 4096):
        chars = [chr(c) for c in range(start, min(start + 4096, sys.maxunicode + 1))]
        assert list(map(compiled.char_counts, chars)) == list(map(pure.char_counts, chars)), hex(start)


@needs_compiled
@PROPERTY
@given(st.text())
def test_char_counts_agree_on_any_text(text):
    assert compiled.char_counts(text) == pure.char_counts(text)


@needs_compiled
@pytest.mark.parametrize("text", ["", " ", "_", "Straße İstanbul ΣΊΣΥΦΟΣ", "٣٤٥ ½ ² Ⅻ", "A\u0301\u200d👍🏽", P1, "\x00\n\t"])
def test_char_counts_agree_on_odd_text(text):
    assert compiled.char_counts(text) == pure.char_counts(text)


# --- forest_scores -------------------------------------------------------------------------------


def walk_arrays(forest: Forest) -> tuple:
    feature, threshold, children = forest._walk
    return forest.roots, feature, threshold, children, forest.value, forest.bias, forest.depth


PAGE = ("<html><head><title>Budget passes</title></head><body><nav><a href='/'>Home</a> | <a href='/n'>News</a></nav>"
        f"<article><h1>Budget passes</h1><p>{P1}</p><p>{P2}</p><ul><li>Roads: 12.5m</li><li>Schools: 8m</li></ul>"
        f"<p>{P3}</p></article><aside><h3>Most read</h3><p>Mayor opens the new bridge</p></aside>"
        "<footer><p>© 2026 The Daily Example. All rights reserved.</p></footer></body></html>")


@needs_compiled
def test_forest_scores_agree_on_a_real_pages_rows():
    forest = packaged_model(HTML_MODEL)
    stages = tuple(s for s in Config().stages if s not in ("decide", "dedup"))
    doc = Cleaner(Config(stages=stages, language_detector="none")).pipeline().run(Document(PAGE, "page", format="html"))
    rows = np.ascontiguousarray(document_features(doc))
    assert len(rows) > 5
    assert compiled.forest_scores(rows, *walk_arrays(forest)) == pure.forest_scores(rows, *walk_arrays(forest))
    noisy = rows + np.random.default_rng(7).normal(0, 2, rows.shape)
    assert compiled.forest_scores(noisy, *walk_arrays(forest)) == pure.forest_scores(noisy, *walk_arrays(forest))


@st.composite
def forests_and_rows(draw: st.DrawFn) -> tuple[Forest, np.ndarray]:
    """A random forest over a few features, and rows whose values often sit exactly on its thresholds."""
    width = draw(st.integers(1, 4))
    thresholds = draw(st.lists(st.floats(-5, 5, allow_nan=False).map(lambda x: float(np.float32(x))), min_size=1, max_size=6))
    data: dict = {"format": "cleaner-trees/1", "features": [f"f{i}" for i in range(width)], "bias": draw(st.floats(-3, 3)),
                  "cut": 0.0, "roots": [], "feature": [], "threshold": [], "left": [], "right": [], "value": []}

    def add(depth: int) -> int:
        at = len(data["feature"])
        for key in ("feature", "threshold", "left", "right", "value"):
            data[key].append(0)
        if depth == 0 or draw(st.booleans()):
            data["feature"][at], data["value"][at] = -1, draw(st.floats(-4, 4, allow_nan=False))
            return at
        data["feature"][at] = draw(st.integers(0, width - 1))
        data["threshold"][at] = draw(st.sampled_from(thresholds))
        data["left"][at] = add(depth - 1)
        data["right"][at] = add(depth - 1)
        return at

    for _ in range(draw(st.integers(1, 8))):
        data["roots"].append(add(draw(st.integers(0, 5))))
    value = st.one_of(st.sampled_from(thresholds), st.floats(-6, 6), st.sampled_from([math.inf, -math.inf, math.nan]))
    rows = draw(st.lists(st.lists(value, min_size=width, max_size=width), min_size=1, max_size=12))
    return Forest.from_dict(data), np.array(rows, dtype=np.float64)


@needs_compiled
@PROPERTY
@given(forests_and_rows())
def test_forest_scores_agree_on_random_forests(forest_rows):
    forest, rows = forest_rows
    assert compiled.forest_scores(rows, *walk_arrays(forest)) == pure.forest_scores(rows, *walk_arrays(forest))


@needs_compiled
def test_forest_scores_agree_for_any_row_count_and_a_walk_cut_short():
    """The compiled walk takes rows four at a time until all four reach leaves: the rows left over, and a `depth`
    below a tree's height (the walk stops on an inner node, as the pure twin's does), come out the same."""
    forest = packaged_model(HTML_MODEL)
    rows = np.random.default_rng(11).normal(0, 3, (9, len(forest.features)))
    roots, feature, threshold, children, value, bias, depth = walk_arrays(forest)
    for count in range(10):
        for steps in (0, 1, 3, depth, depth + 5):
            part = np.ascontiguousarray(rows[:count])
            assert (compiled.forest_scores(part, roots, feature, threshold, children, value, bias, steps)
                    == pure.forest_scores(part, roots, feature, threshold, children, value, bias, steps))


def test_rows_narrower_than_the_forests_features_are_refused_by_both_cores():
    forest = packaged_model(HTML_MODEL)
    with pytest.raises(ValueError, match="at least"):
        forest.scores(np.zeros((2, len(forest.features) - 1)))


# --- whole runs ------------------------------------------------------------------------------------


def test_both_cores_write_the_same_bytes_for_the_sample_pages(cleaner_exe, tmp_path, seeds_dir, repo_root):
    source = tmp_path / "in"
    source.mkdir()
    for path in [*sorted(seeds_dir.glob("*.txt")), *sorted((repo_root / "tests" / "data").rglob("*.txt"))]:
        (source / path.name).write_bytes(path.read_bytes())
    (source / "page.html").write_text(PAGE, encoding="utf-8")
    (source / "listing.html").write_text(PAGE.replace("<article>", "<main><ul>").replace("</article>", "</ul></main>"), encoding="utf-8")
    written = {}
    for pure_path in ("0", "1"):
        out = tmp_path / f"out-{pure_path}"
        env = {**os.environ, "CLEANER_PURE_PYTHON": pure_path}
        done = subprocess.run([cleaner_exe, "clean", str(source), "-o", str(out), "--no-progress"], env=env,
                              capture_output=True, timeout=300)
        assert done.returncode == 0, done.stderr.decode()
        written[pure_path] = {p.name: p.read_bytes() for p in sorted(out.glob("*")) if p.is_file()}
    assert len(written["0"]) == len(list(source.iterdir())) + 1  # a text per input, and report.json
    assert written["0"] == written["1"]


def test_the_pure_core_is_used_in_this_process_when_asked(monkeypatch):
    monkeypatch.setenv("CLEANER_PURE_PYTHON", "1")
    core, is_compiled = speedups.choose_core()
    assert core is pure and not is_compiled
    assert Path(pure.__file__).name == "_speedups_pure.py"
