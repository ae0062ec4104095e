"""cleaner[datatrove]: the CleanBoilerplate step in a datatrove pipeline, run by datatrove's local executor."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from texts import P1, P2, P3

pytest.importorskip("datatrove")

from datatrove.executor import LocalPipelineExecutor  # noqa: E402 - after the skip
from datatrove.pipeline.readers import JsonlReader  # noqa: E402
from datatrove.pipeline.writers import JsonlWriter  # noqa: E402

from cleaner import Cleaner, Config  # noqa: E402
from cleaner.datatrove import CleanBoilerplate  # noqa: E402

SHARED = "Lindenberg Gazette weekly digest"


def records(seed_files: list[Path]) -> list[dict]:
    texts = [f"{SHARED}\n\n{path.read_text(encoding='utf-8')}" for path in seed_files]
    texts += [f"{SHARED}\n\nSkip to content\n{P1}", f"{P2}\n{SHARED}", "Skip to content", f"{P1}\n\n{P3}"]
    return [{"id": f"r{n}", "text": text} for n, text in enumerate(texts)]


def write_jsonl(path: Path, rows: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")


def read_jsonl(folder: Path, pattern: str = "*.jsonl*") -> list[dict]:
    rows = []
    for path in sorted(folder.glob(pattern)):
        opener = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rt", encoding="utf-8") as handle:
            rows += [json.loads(line) for line in handle]
    return rows


def total(stat: int | dict) -> int:
    """A count in datatrove's stats.json: a number, or a table with its total."""
    return stat["total"] if isinstance(stat, dict) else stat


def test_the_step_cleans_a_corpus_as_cleaner_clean_does(tmp_path, seed_files, run_cli):
    rows = records(seed_files)
    write_jsonl(tmp_path / "in" / "corpus.jsonl", rows)
    run_cli("clean", tmp_path / "in" / "corpus.jsonl", "-o", tmp_path / "cli", "--no-progress")
    by_cli, rejected_by_cli = read_jsonl(tmp_path / "cli", "corpus.jsonl"), read_jsonl(tmp_path / "cli", "corpus.rejects.jsonl")

    config = Config(language_detector="none")
    templates = Cleaner(config).learn_templates(row["text"] for row in rows)
    LocalPipelineExecutor([
        JsonlReader(str(tmp_path / "in")),
        CleanBoilerplate(config, templates=templates, exclusion_writer=JsonlWriter(str(tmp_path / "dropped"), compression=None)),
        JsonlWriter(str(tmp_path / "out"), compression=None),
    ], tasks=1, logging_dir=str(tmp_path / "logs")).run()

    kept = read_jsonl(tmp_path / "out")
    assert [row["id"] for row in kept] == [row["id"] for row in by_cli]
    assert [row["text"] for row in kept] == [row["text"] for row in by_cli]
    assert [row["metadata"]["cleaner"]["removed"] for row in kept] == [row["cleaner"]["removed"] for row in by_cli]
    dropped = read_jsonl(tmp_path / "dropped")
    assert [(row["id"], row["metadata"]["filter_reason"]) for row in dropped] == [
        (row["record"]["id"], row["reason"]) for row in rejected_by_cli]
    assert dropped  # the corpus has a record with nothing left
    stats = json.loads((tmp_path / "logs" / "stats.json").read_text())
    counts = next(step["stats"] for step in stats if step["name"].endswith(CleanBoilerplate.name))
    assert (total(counts["dropped_nothing_left"]), total(counts["forwarded"])) == (len(dropped), len(kept))


def test_the_step_runs_in_worker_processes(tmp_path, seed_files):
    rows = records(seed_files)
    write_jsonl(tmp_path / "in" / "a.jsonl", rows[:5])
    write_jsonl(tmp_path / "in" / "b.jsonl", rows[5:])
    LocalPipelineExecutor([
        JsonlReader(str(tmp_path / "in")),
        CleanBoilerplate(Config(language_detector="none")),
        JsonlWriter(str(tmp_path / "out"), output_filename="${rank}.jsonl", compression=None),
    ], tasks=2, workers=2, logging_dir=str(tmp_path / "logs")).run()  # the step is pickled to each worker

    cleaner = Cleaner(Config(language_detector="none"))
    for rank, shard in enumerate((rows[:5], rows[5:])):
        expected = [r.text for r in cleaner.clean_many([row["text"] for row in shard], templates=None) if not r.rejected]
        assert expected
        assert [row["text"] for row in read_jsonl(tmp_path / "out", f"{rank:05d}.jsonl")] == expected
