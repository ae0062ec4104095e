"""`cleaner dedup`, the dedup report and explain, with a persisted index."""

from __future__ import annotations

import json

from click.testing import CliRunner
from dedup_texts import A, B

from cleaner.cli import main

OWN = "A line that only this file has, long enough to be indexed."


def test_dedup_command_drops_the_near_copy_reports_the_cluster_and_explain_names_the_origin(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text(f"{A}\n\n{OWN}\n")
    (corpus / "b.txt").write_text(f"Words of the second file, nothing like the first.\n\n{B}\n")
    config = tmp_path / "pyproject.toml"
    config.write_text("[tool.cleaner]\ndedup_shingle_size = 1\ndedup_near_min_words = 10\n")
    index = str(tmp_path / "idx.sqlite")
    runner = CliRunner()
    result = runner.invoke(main, ["dedup", str(corpus), "-o", str(tmp_path / "out"), "--config", str(config), "--dedup-index", index])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "b.txt").read_text() == "Words of the second file, nothing like the first.\n"
    assert (tmp_path / "out" / "a.txt").read_text() == f"{A}\n\n{OWN}\n"
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    assert report["dedup"]["clusters"] == 1
    assert report["dedup"]["examples"][0] == {"first": "a.txt:1", "copies": 1, "dropped": ["b.txt:3"]}
    # explain, with the index: b.txt's paragraph repeats a.txt line 1.
    explained = runner.invoke(main, ["explain", str(corpus / "b.txt"), "--config", str(config), "--dedup-index", index, "--no-color"])
    assert explained.exit_code == 0, explained.output
    assert "DROP dedup/near_duplicate [duplicate] (first copy at a.txt:1)" in explained.output
    # A second run over the same corpus with the index: the same output.
    again = runner.invoke(main, ["dedup", str(corpus), "-o", str(tmp_path / "out2"), "--config", str(config), "--dedup-index", index])
    assert again.exit_code == 0
    assert (tmp_path / "out2" / "b.txt").read_text() == (tmp_path / "out" / "b.txt").read_text()


def test_a_broken_index_is_a_one_line_error(tmp_path):
    bad = tmp_path / "idx.sqlite"
    bad.write_text("not a database at all " * 100)
    (tmp_path / "a.txt").write_text(f"{A}\n")
    result = CliRunner().invoke(main, ["dedup", str(tmp_path / "a.txt"), "-o", str(tmp_path / "out"), "--dedup-index", str(bad)])
    assert result.exit_code == 1
    assert "not a usable dedup index" in result.output


def test_one_index_spans_record_files_and_text_files_and_the_report_counts_both(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.jsonl").write_text(json.dumps({"id": "r1", "text": f"{A}\n\n{OWN}"}) + "\n")
    (corpus / "b.txt").write_text(f"Words of the second file, nothing like the first.\n\n{A}\n")
    result = CliRunner().invoke(main, ["dedup", str(corpus), "-o", str(tmp_path / "out"), "--jobs", "1"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "b.txt").read_text() == "Words of the second file, nothing like the first.\n"
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    assert report["dedup"]["clusters"] >= 1
    assert all(example["first"].startswith("a.jsonl:r1:") and example["dropped"][0].startswith("b.txt")
               for example in report["dedup"]["examples"])
    assert not list((tmp_path / "out" / ".cleaner").glob("dedup-spill-*"))


def test_a_spill_folder_named_in_pyproject_is_the_one_used(tmp_path, monkeypatch):
    from cleaner import spill

    made = []
    new_path = spill.Spill.new_path

    def recording(self, stem):  # noqa: ANN001, ANN202
        path = new_path(self, stem)
        made.append(path.parent.parent)
        return path

    monkeypatch.setattr(spill.Spill, "new_path", recording)
    scratch = tmp_path / "scratch"
    config = tmp_path / "pyproject.toml"
    config.write_text('[tool.cleaner]\ndedup_memory_mb = 1\ndedup_spill_dir = "scratch"\n')
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    words = "river council budget school road winter harvest bridge market library station museum".split()
    for number in range(300):  # enough paragraphs for a 1 MB index to spill
        paragraphs = [" ".join(words[(number * 7 + k * 3 + i) % 12] + str(number * 10 + k) for i in range(20)) for k in range(10)]
        (corpus / f"{number:03d}.txt").write_text("\n\n".join(paragraphs) + "\n")
    result = CliRunner().invoke(main, ["dedup", str(corpus), "-o", str(tmp_path / "out"), "--config", str(config), "--jobs", "1"])
    assert result.exit_code == 0, result.output
    assert made and set(made) == {scratch}


def test_a_run_with_record_files_and_text_files_loads_its_index_once(tmp_path, monkeypatch):
    from cleaner.dedup_store import SqliteStore

    loads = []
    original = SqliteStore.load
    monkeypatch.setattr(SqliteStore, "load", lambda self, params: loads.append(self.path) or original(self, params))
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.jsonl").write_text(json.dumps({"id": None, "text": f"{A}\n\n{OWN}"}) + "\n")
    (corpus / "b.txt").write_text(f"{A}\n")
    result = CliRunner().invoke(main, ["dedup", str(corpus), "-o", str(tmp_path / "out"), "--jobs", "1"])
    assert result.exit_code == 0, result.output
    assert len(loads) == 1
    assert (tmp_path / "out" / "b.txt").read_text() == ""
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    assert report["dedup"]["examples"][0]["first"].startswith("a.jsonl:1:")  # a null id: named by its line, not "None"
