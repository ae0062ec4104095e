"""docs/library.md: every example runs as it stands and prints what the text says it does."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from texts import P1, P2, P3

from cleaner import Cleaner

DOC = Path(__file__).resolve().parent.parent / "docs" / "library.md"


def blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.DOTALL)


def block_with(words: str) -> str:
    (found,) = [block for block in blocks() if words in block]
    return found


@pytest.fixture
def corpus_folder(tmp_path, monkeypatch) -> Path:
    """A working folder with corpus/shard.jsonl, as the examples expect."""
    (tmp_path / "corpus").mkdir()
    rows = [{"id": n, "text": f"Lindenberg Gazette weekly digest\n\n{text}"} for n, text in enumerate((P1, P2, P3))]
    rows.append({"id": 3, "text": "Skip to content"})
    (tmp_path / "corpus" / "shard.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(block: str, capsys: pytest.CaptureFixture, namespace: dict | None = None) -> str:
    exec(compile(block, str(DOC), "exec"), {"__name__": "library_md", **(namespace or {})})
    return capsys.readouterr().out


def test_one_text_or_page(capsys):
    printed = run(block_with("page = cleaner.clean("), capsys)
    assert printed.startswith("The council approved the new budget")
    assert "1 navigation navigation.skip-link 'Skip to content'" in printed
    assert "Budget passed en" in printed and "Home" not in printed.replace("Homepage", "")


def test_a_corpus(capsys):
    printed = run(block_with("for result in cleaner.clean_many(records)"), capsys, {"cleaner": Cleaner()})
    assert "a https://example.org/a The council approved" in printed and "Skip to content" not in printed
    assert "c rejected: record 2: no string field 'text'" in printed


def test_a_one_shot_stream_with_its_own_first_pass(corpus_folder, capsys):
    printed = run(block_with("def shard():"), capsys, {"cleaner": Cleaner()})
    assert printed == "3 records kept\n"  # the fourth record is all chrome: rejected with its reason


def test_hugging_face_datasets(capsys):
    pytest.importorskip("datasets")
    printed = run(block_with("from datasets import Dataset"), capsys)
    assert printed.startswith("The council approved the new budget") and "Skip to content" not in printed
    assert "Opposition members argued" in printed


def test_datatrove(corpus_folder, capsys):
    pytest.importorskip("datatrove")
    run(block_with("from cleaner.datatrove import CleanBoilerplate"), capsys)
    assert sorted(path.name for path in (corpus_folder / "cleaned").iterdir()) == ["00000.jsonl.gz"]
    assert sorted(path.name for path in (corpus_folder / "dropped").iterdir()) == ["00000.jsonl.gz"]
