"""Documents dropped whole (min_words, languages): never written as stubs, counted in report.json and explained;
and the command-line items of issue 24 around them: record files in check and explain, --text-field, the
names check and --in-place give files."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from texts import P1, P2, P3

GERMAN = ("Der Stadtrat hat am Montag nach einer langen Debatte den neuen Haushalt beschlossen, und die"
          " Bürgermeisterin sagte, dass das Geld vor allem für die Straßen und für zwei neue Schulen verwendet werde.")
CHROME = "Skip to content\nShow more\n"  # nothing but page chrome: cleaning leaves nothing
ONE_WORD_LEFT = "Skip to content\nAnnouncements\nShow more\n"


def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


def test_emptied_and_near_empty_documents_are_not_written_but_counted(run_cli, tmp_path):
    tree = tmp_path / "in"
    write(tree / "a.txt", f"Skip to content\n{P1}\n")
    write(tree / "b.txt", CHROME)
    write(tree / "c.txt", ONE_WORD_LEFT)
    write(tree / "d.txt", "Hello there\n")  # short, but cleaning takes nothing from it: it stays as it is
    out = tmp_path / "out"
    write(out / "b.txt", "an earlier run's output of b.txt")
    result = run_cli("clean", tree, "-o", out, "--language-detector", "none")
    assert result.exit_code == 0, result.output
    assert (out / "a.txt").read_text(encoding="utf-8") == P1 + "\n"
    assert not (out / "b.txt").exists() and not (out / "c.txt").exists()
    assert (out / "d.txt").read_text(encoding="utf-8") == "Hello there\n"
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["totals"]["documents_dropped"] == {"min_words": 2}
    assert report["files"]["b.txt"]["dropped"] == "min_words: nothing left, fewer than min_words 3"
    assert report["files"]["c.txt"]["dropped"] == "min_words: 1 word left, fewer than min_words 3"
    assert "4 document(s) in, 2 out, 2 rejected (2 min_words)" in result.stderr


def test_min_words_zero_writes_whatever_is_left(run_cli, tmp_path):
    Path("pyproject.toml").write_text("[tool.cleaner]\nmin_words = 0\n", encoding="utf-8")
    page = write(tmp_path / "c.txt", ONE_WORD_LEFT)
    result = run_cli("clean", page, "-o", tmp_path / "out", "--language-detector", "none")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "c.txt").read_text(encoding="utf-8") == "Announcements\n"


def test_in_place_leaves_a_file_with_too_little_left_as_it_was(run_cli, tmp_path):
    page = write(tmp_path / "c.txt", ONE_WORD_LEFT)
    result = run_cli("clean", "--in-place", page, "--language-detector", "none")
    assert result.exit_code == 1
    assert page.read_text(encoding="utf-8") == ONE_WORD_LEFT
    assert f"cleaner: {page}: left as it was: dropped whole (min_words: 1 word left, fewer than min_words 3)" in result.stderr
    assert "Fixing" not in result.stdout


def test_explain_and_check_say_a_document_is_dropped_whole(run_cli, tmp_path):
    page = write(tmp_path / "c.txt", ONE_WORD_LEFT)
    explained = run_cli("explain", page, "--language-detector", "none")
    assert "dropped whole: min_words: 1 word left" in explained.stdout.splitlines()[0]
    assert "DROP document/min_words [document]  Announcements" in explained.stdout
    checked = run_cli("check", page, "--language-detector", "none")
    assert checked.exit_code == 1
    assert f"{page}: dropped whole: min_words: 1 word left, fewer than min_words 3" in checked.stdout.splitlines()
    assert "1 to drop whole (1 min_words)" in checked.stderr


def test_languages_allow_list_drops_the_others(run_cli, tmp_path):
    Path("pyproject.toml").write_text('[tool.cleaner]\nlanguages = ["en"]\n', encoding="utf-8")
    tree = tmp_path / "in"
    write(tree / "en.txt", f"{P1}\n\n{P2}\n")
    write(tree / "de.txt", GERMAN + "\n")
    out = tmp_path / "out"
    result = run_cli("clean", tree, "-o", out)
    assert result.exit_code == 0, result.output
    assert (out / "en.txt").exists() and not (out / "de.txt").exists()
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["files"]["de.txt"]["dropped"] == "languages: language de, not in languages en"
    assert report["totals"]["documents_dropped"] == {"languages": 1}


def test_languages_without_a_detector_is_a_config_error(run_cli, tmp_path):
    Path("pyproject.toml").write_text('[tool.cleaner]\nlanguages = ["en"]\nlanguage_detector = "none"\n', encoding="utf-8")
    result = run_cli("clean", write(tmp_path / "a.txt", P1), "-o", tmp_path / "out")
    assert result.exit_code == 2
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("cleaner: ") and "languages" in line


def test_records_dropped_whole_go_to_rejects_with_the_reason(run_cli, tmp_path):
    lines = [{"id": 1, "text": P1}, {"id": 2, "text": ONE_WORD_LEFT}]
    shard = write(tmp_path / "in" / "s.jsonl", "".join(json.dumps(r) + "\n" for r in lines))
    out = tmp_path / "out"
    result = run_cli("clean", shard.parent, "-o", out, "--language-detector", "none")
    assert result.exit_code == 0, result.output
    assert [json.loads(line)["id"] for line in (out / "s.jsonl").read_text().splitlines()] == [1]
    (reject,) = [json.loads(line) for line in (out / "s.rejects.jsonl").read_text().splitlines()]
    assert reject["reason"].startswith("dropped whole: 1 word left, fewer than min_words 3")


def test_text_field_names_the_records_text(run_cli, tmp_path):
    shard = write(tmp_path / "in" / "s.jsonl", json.dumps({"body": f"Skip to content\n{P1}\n", "url": "u"}) + "\n")
    out = tmp_path / "out"
    result = run_cli("clean", shard.parent, "-o", out, "--language-detector", "none", "--text-field", "body")
    assert result.exit_code == 0, result.output
    (record,) = [json.loads(line) for line in (out / "s.jsonl").read_text().splitlines()]
    assert record["body"] == P1 + "\n" and record["url"] == "u"


def test_check_and_explain_read_compressed_record_files_as_records(run_cli, tmp_path):
    records = [{"id": "a", "text": f"Skip to content\n{P1}\n"}, {"id": "b", "text": f"{P2}\n{P1}\n"}]
    shard = write(tmp_path / "s.jsonl.gz", gzip.compress("".join(json.dumps(r) + "\n" for r in records).encode()))
    checked = run_cli("check", shard, "--language-detector", "none")
    assert checked.exit_code == 1, checked.output
    assert f"{shard}:1:1: navigation.skip-link [navigation]  Skip to content" in checked.stdout.splitlines()
    assert any(line.startswith(f"{shard}:2:2: exact_duplicate [duplicate] (copy of {shard}:a:2)") for line in checked.stdout.splitlines())
    explained = run_cli("explain", shard, "--language-detector", "none")
    assert explained.exit_code == 0, explained.output
    headers = [line for line in explained.stdout.splitlines() if line.startswith("# ")]
    assert [h.split(":")[:2] for h in headers] == [[f"# {shard}", "1"], [f"# {shard}", "2"]]
    assert "binary" not in explained.output


def test_check_names_files_by_their_paths_so_two_of_one_name_are_two(run_cli, tmp_path):
    first = write(tmp_path / "x" / "a.txt", f"{P1}\n\n{P3}\n")
    second = write(tmp_path / "y" / "a.txt", f"{P2}\n\n{P3}\n")
    result = run_cli("check", first, second, "--language-detector", "none", "--dedup-index", tmp_path / "index.sqlite")
    assert result.exit_code == 1
    assert f"{second}:3: exact_duplicate [duplicate] (copy of {first}:3)" in result.stdout
    assert (tmp_path / "index.sqlite").exists()
