"""The package's shape: every module imports on its own, no import cycle, and the stage contract holds."""

from __future__ import annotations

import ast
import importlib.util
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from cleaner import Cleaner, Config
from cleaner.document import Block, Document, Reason
from cleaner.pipeline import Pipeline
from cleaner.stages import CorpusStage, DocumentStage, Stage

PACKAGE = Path(__file__).resolve().parent.parent / "cleaner"
# Modules of an optional extra: importable only where it is installed.
EXTRAS = {"cleaner.datatrove": "datatrove"}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}
# Compiled modules (Cython sources): they import nothing of the package, so they close no cycle.
EXTENSIONS = {module_name(path.with_suffix(".py")) for path in sorted(PACKAGE.rglob("*.pyx"))}


def imported_by(name: str, path: Path) -> set[str]:
    """The package's modules that `name` imports anywhere in its file (at the top, in a function, under TYPE_CHECKING).

    `from .x import y` counts as importing `x`, and `x.y` too when `y` is a module of its own; `from . import y` of a
    module `y` counts as importing `y` alone (as importing any module runs its package's `__init__` first).
    """
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package
            for _ in range(node.level - 1):
                base = base.rpartition(".")[0]
            source = ".".join(filter(None, [base if node.level else "", node.module or ""]))
            targets = [f"{source}.{alias.name}" for alias in node.names]
            # `from . import x` of modules imports those modules, not the package
            if not all(target in MODULES or target in EXTENSIONS for target in targets):
                targets.append(source)
        else:
            continue
        for target in targets:
            if target in EXTENSIONS:
                continue
            while target and target not in MODULES:  # `import cleaner.x.y` names cleaner.x.y; an attribute is not a module
                target = target.rpartition(".")[0] if target.startswith("cleaner.") else ""
            if target and target != name:
                found.add(target)
    return found


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one node (Tarjan), each sorted.

    >>> cycles({"a": {"b"}, "b": {"a"}, "c": {"a"}})
    [['a', 'b']]
    """
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in sorted(graph.get(node, ())):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_import_cycle_among_the_package_modules() -> None:
    graph = {name: imported_by(name, path) for name, path in MODULES.items()}
    assert graph["cleaner.engines.records"] >= {"cleaner.engines", "cleaner.engines.units"}  # the walk sees relative imports
    assert cycles(graph) == []


def test_the_cycle_check_sees_imports_inside_functions(tmp_path: Path) -> None:
    source = tmp_path / "m.py"
    source.write_text("def late():\n    from .pool import RecordPool\n")
    assert "cleaner.engines.pool" in imported_by("cleaner.engines.records", source)


@pytest.mark.parametrize("name", sorted(MODULES))
def test_each_module_imports_alone_in_a_fresh_interpreter(name: str) -> None:
    extra = EXTRAS.get(name)
    if extra and importlib.util.find_spec(extra) is None:
        pytest.skip(f"needs the {extra} extra")
    done = subprocess.run([sys.executable, "-c", f"import {name}"], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]


def test_every_stage_a_pipeline_builds_subclasses_one_base() -> None:
    stages = Cleaner(Config(language_detector="none")).pipeline().stages
    assert stages and all(isinstance(stage, DocumentStage) != isinstance(stage, CorpusStage) for stage in stages)
    assert [s.name for s in stages if isinstance(s, CorpusStage)] == ["dedup", "document"]


def test_a_stage_must_say_what_it_does() -> None:
    class Nameless(DocumentStage):
        name = "nameless"

    with pytest.raises(TypeError):
        Nameless()  # no process: abstract
    with pytest.raises(TypeError):
        type("Both", (DocumentStage,), {"contextual": True, "runs_last": True, "name": "both", "process": lambda self, doc: None})
    with pytest.raises(TypeError, match="not a stage"):
        Pipeline([lambda doc: None])


def test_a_corpus_stage_without_preparation_or_lookups_runs_with_the_defaults() -> None:
    class CountDocuments(CorpusStage):
        name = "count"

        def __init__(self) -> None:
            self.seen = 0

        def process(self, doc: Document) -> None:
            self.seen += 1

    stage = CountDocuments()
    pipeline = Pipeline([stage])
    pipeline.prefetch([Document("a")])
    pipeline.run(pipeline.run_document(Document("a")))
    pipeline.forget_prefetched()
    assert stage.seen == 1 and isinstance(stage, Stage)


def test_document_stages_run_before_settling_or_after_it_and_corpus_stages_last() -> None:
    order: list[str] = []

    def stage(base: type, name: str, **marks: bool) -> Stage:
        return type(name, (base,), {"name": name, **marks, "process": lambda self, doc: order.append(self.name)})()

    pipeline = Pipeline([stage(CorpusStage, "corpus"), stage(DocumentStage, "last", runs_last=True),
                         stage(DocumentStage, "context", contextual=True), stage(DocumentStage, "first")])
    pipeline.run(Document("text"))
    assert order == ["context", "first", "context", "last", "corpus"]  # the settle round sees the contextual stage again


def test_the_shipped_stages_are_idempotent_deterministic_and_picklable() -> None:
    text = "\n".join(["Home | News | Sport", "Share this article", *[
        "The city council approved the new budget on Monday after a long and heated debate.",
        "The mayor said the money would pay for road repairs and two new schools next year.",
    ], "Copyright 2024 All rights reserved", "Subscribe to our newsletter"])
    cleaner = Cleaner(Config(language_detector="none"))
    once = cleaner.clean(text).text
    assert "budget" in once and "newsletter" not in once
    assert cleaner.clean(once).text == once
    assert Cleaner(Config(language_detector="none")).clean(text).text == once
    for stage in cleaner.pipeline().stages:
        copy = pickle.loads(pickle.dumps(stage))
        assert type(copy) is type(stage) and copy.name == stage.name


def test_a_stage_keeps_no_state_in_its_module() -> None:
    first, second = Cleaner(Config(language_detector="none")).pipeline(), Cleaner(Config(language_detector="none")).pipeline()
    doc = first.run(Document("A repeated paragraph of enough words to count as a duplicate for dedup.\n"))
    again = second.run(Document("A repeated paragraph of enough words to count as a duplicate for dedup.\n"))
    assert [b.kept for b in doc.blocks] == [b.kept for b in again.blocks] == [True]


def test_reasons_and_blocks_survive_pickling() -> None:
    block = Block("Share", 3, 10, 1, True, Reason("patterns", "social.share", "social", "a:1"))
    assert pickle.loads(pickle.dumps(block)) == block
