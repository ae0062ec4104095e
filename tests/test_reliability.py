"""Hostile input (issue 7): every kind of broken file gives a correct result or a one-line error naming it, and the run goes on.

Each case runs the real CLI (in-process) on a folder holding the bad file beside a good one: the good one must
still be cleaned, the bad one named in one line on stderr and in report.json, and the exit code must say whether
anything failed. docs/reliability.md lists these tests by name.
"""

from __future__ import annotations

import codecs
import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import zstandard
from texts import P1, P2, P3

from cleaner import Cleaner, Config
from cleaner.decoding import read_text

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89" + bytes(range(256))
GOOD = "The harbour board met on Thursday and agreed, after a long discussion, to repair the old north pier this summer.\n"
# Stages whose result on these small files is easy to state: no classifier, no corpus-wide dedup.
PYPROJECT = '[tool.cleaner]\nstages = ["normalize", "segment", "patterns"]\nlanguage_detector = "none"\n'
# The biggest inputs run at full size with CLEANER_BIG=1 (about a minute each); the suite runs a tenth of them.
BIG = bool(os.environ.get("CLEANER_BIG"))


def run_folder(run_cli, tmp_path: Path, files: dict[str, bytes], *args: str):
    """Clean a folder with `files` plus good.txt; returns (result, out folder, report)."""
    Path("pyproject.toml").write_text(PYPROJECT, encoding="utf-8")  # the CLI's working directory (run_cli)
    source = tmp_path / "in"
    source.mkdir(exist_ok=True)
    (source / "good.txt").write_text(GOOD, encoding="utf-8")
    for name, data in files.items():
        (source / name).write_bytes(data)
    out = tmp_path / "out"
    result = run_cli("clean", source, "-o", out, "--language-detector", "none", "--no-progress", "--jobs", "1", *args)
    assert "Traceback" not in result.output
    assert (out / "good.txt").read_text(encoding="utf-8") == GOOD  # the run went on with the rest
    return result, out, json.loads((out / "report.json").read_text(encoding="utf-8"))


def assert_one_line_error(result, report: dict, name: str, *words: str) -> str:
    assert result.exit_code == 1, result.output
    lines = [line for line in result.stderr.splitlines() if line.startswith("cleaner: ") and name in line]
    assert len(lines) >= 1, result.stderr
    for word in words:
        assert word in lines[0], lines[0]
    assert any(e["file"] == name for e in report["errors"]), report["errors"]
    return lines[0]


# --- bad text files ---------------------------------------------------------------------------------------------


def test_empty_file(run_cli, tmp_path):
    result, out, _ = run_folder(run_cli, tmp_path, {"empty.txt": b""})
    assert result.exit_code == 0 and (out / "empty.txt").read_bytes() == b""


def test_only_whitespace(run_cli, tmp_path):
    result, out, _ = run_folder(run_cli, tmp_path, {"blank.txt": b" \n\t\n\r\n\xc2\xa0\n\n   "})
    assert result.exit_code == 0 and (out / "blank.txt").read_bytes() == b""


@pytest.mark.parametrize("data", [PNG, b"some text\x00with NUL bytes\x00\x01\x02"], ids=["png", "nul"])
def test_binary_file(run_cli, tmp_path, data):
    result, out, report = run_folder(run_cli, tmp_path, {"binary.txt": data})
    assert_one_line_error(result, report, "binary.txt", "binary")
    assert not (out / "binary.txt").exists()


def test_text_that_is_no_encoding_names_file_and_line(run_cli, tmp_path, monkeypatch):
    monkeypatch.setattr("cleaner.decoding.detect_text_charset", lambda data: None)  # nothing reads the bytes as text
    result, _, report = run_folder(run_cli, tmp_path, {"bad.txt": b"fine\nstill fine\nbroken \xff\xfe here\n"})
    assert_one_line_error(result, report, "bad.txt", "bad.txt:3:", "UTF-8")


@pytest.mark.parametrize("encoding,bom", [("utf-16-le", codecs.BOM_UTF16_LE), ("utf-16-be", codecs.BOM_UTF16_BE),
                                          ("utf-16-le", b""), ("utf-16-be", b"")],
                         ids=["le-bom", "be-bom", "le-no-bom", "be-no-bom"])
def test_utf16_with_and_without_bom(run_cli, tmp_path, encoding, bom):
    text = f"{P3}\n\nGrüße aus Köln, Привет, 東京.\n"
    result, out, _ = run_folder(run_cli, tmp_path, {"wide.txt": bom + text.encode(encoding)})
    assert result.exit_code == 0, result.output
    assert "Grüße aus Köln, Привет, 東京." in (out / "wide.txt").read_text(encoding="utf-8")


def test_windows_1252_and_mixed_encodings(run_cli, tmp_path):
    cp1252 = "Der Stadtrat hat am Montag den Haushalt beschlossen – für Straßen und Schulen.\n".encode("cp1252")
    mixed = "Erste Zeile in UTF-8: Grüße.\n".encode() + "Zweite in Windows-1252: Grüße.\n".encode("cp1252")
    result, out, report = run_folder(run_cli, tmp_path, {"cp1252.txt": cp1252, "mixed.txt": mixed})
    assert result.exit_code == 0, result.output
    assert (out / "cp1252.txt").read_text(encoding="utf-8") == cp1252.decode("cp1252")
    # Line by line: the UTF-8 line stays UTF-8, the other is read in the codec detected on it.
    assert (out / "mixed.txt").read_text(encoding="utf-8") == "Erste Zeile in UTF-8: Grüße.\nZweite in Windows-1252: Grüße.\n"
    assert report["files"]["cp1252.txt"]["encoding"] == "cp1252" and report["files"]["mixed.txt"]["encoding"] == "cp1252"
    assert "encoding" not in report["files"]["good.txt"]  # UTF-8, the usual case, goes unsaid


def test_a_100_mb_single_line(tmp_path):
    # The hostile part of one huge line is every per-line scan (decoding, normalisation, the rules and their prefilter).
    path = tmp_path / "line.txt"
    path.write_bytes(b"The council approved the budget on Monday, and the mayor said so. " * 1_600_000)
    line = read_text(path)
    assert len(line) > 100_000_000
    result = Cleaner(Config(language_detector="none", stages=("normalize", "segment", "patterns"))).clean(line)
    assert result.text == line.rstrip() + "\n"


def test_a_long_single_line_through_every_stage(fast_cleaner):
    words = f"{P1} {P2} {P3}".split()
    line = " ".join(words[i % len(words)] for i in range(20_000_000 if BIG else 2_000_000))
    assert len(line) > (100_000_000 if BIG else 10_000_000)
    result = fast_cleaner.clean(line)
    assert result.text in ("", line + "\n")


def test_millions_of_tiny_lines(tmp_path):
    count = 10_000_000 if BIG else 1_000_000
    path = tmp_path / "lines.txt"
    path.write_bytes(b"ab\n" * count)
    result = Cleaner(Config(language_detector="none", stages=("normalize", "segment", "patterns"))).clean(read_text(path))
    assert result.text.count("\n") == count and len(result.removed) == 0


# --- compressed and record files ------------------------------------------------------------------------------


def records(n: int = 300) -> bytes:
    return b"".join(json.dumps({"id": i, "text": f"Record {i}: {P1}"}).encode() + b"\n" for i in range(n))



def corrupt(data: bytes) -> bytes:
    middle = len(data) // 2
    return data[:middle] + bytes(b ^ 0x5A for b in data[middle:middle + 64]) + data[middle + 64:]


@pytest.mark.parametrize("kind", ["gz-truncated", "gz-corrupt", "zst-truncated", "zst-corrupt"])
def test_truncated_or_corrupt_compressed_file(run_cli, tmp_path, kind):
    body = records(2000)
    packed = gzip.compress(body) if kind.startswith("gz") else zstandard.ZstdCompressor().compress(body)
    data = packed[: len(packed) // 2] if kind.endswith("truncated") else corrupt(packed)
    name = "shard.jsonl.gz" if kind.startswith("gz") else "shard.jsonl.zst"
    result, out, report = run_folder(run_cli, tmp_path, {name: data})
    # A damaged stream either fails to decompress or decompresses to garbled lines: either way the file is named.
    line = assert_one_line_error(result, report, name)
    if kind.endswith("truncated"):
        assert "truncated" in line  # a cut is named as one, gzip or zstd
    else:
        assert "corrupt or truncated" in line or "not valid JSON" in line
    assert (out / name).exists()  # the records before the damage are kept, the damage is in the rejects file
    rejects = out / name.replace(".jsonl", ".rejects.jsonl")
    assert rejects.exists()


def test_gzip_bomb_stops_at_the_configured_limit(run_cli, tmp_path):
    bomb = gzip.compress(b'{"text": "' + b"a" * 50_000_000 + b'"}\n', 9)
    assert len(bomb) < 100_000
    result, _, report = run_folder(run_cli, tmp_path, {"bomb.jsonl.gz": bomb}, "--max-bytes", "1000000")
    assert_one_line_error(result, report, "bomb.jsonl.gz", "more than 1000000 bytes once decompressed", "--max-bytes")


def test_malformed_jsonl_lines_are_named_and_the_rest_go_on(run_cli, tmp_path):
    lines = [json.dumps({"id": 1, "text": P1}), "{not json", json.dumps({"id": 3, "body": P2}), json.dumps({"id": 4, "text": 5}),
             "[1, 2]", json.dumps({"id": 6, "text": P3})]
    result, out, report = run_folder(run_cli, tmp_path, {"c.jsonl": ("\n".join(lines) + "\n").encode()})
    assert result.exit_code == 1
    expected = [(2, "not valid JSON"), (3, "no string field 'text'"), (4, "no string field 'text'"), (5, "a JSON list, not an object")]
    for number, words in expected:
        assert any(f"c.jsonl:{number}: {words}" in line for line in result.stderr.splitlines()), (number, result.stderr)
    kept = [json.loads(line)["id"] for line in (out / "c.jsonl").read_bytes().splitlines()]
    assert kept == [1, 6]
    rejected = [json.loads(line)["source"].rsplit(":", 1)[1] for line in (out / "c.rejects.jsonl").read_bytes().splitlines()]
    assert rejected == ["2", "3", "4", "5"]  # nothing lost: every record is kept or rejected with its reason


def test_malformed_and_deeply_nested_html(run_cli, tmp_path):
    pages = {
        "malformed.html": b"<p>a<div><p></li></table><td>x<<>>&&;&#99999999;<a href='" + P1.encode(),
        "nested.html": b"<div>" * 200_000 + f"<p>{P2}</p>".encode() + b"</div>" * 200_000,
        "unclosed.html": b"<html><body><table><tr><td>" * 5_000 + P3.encode(),
    }
    result, out, report = run_folder(run_cli, tmp_path, pages)
    assert result.exit_code == 0, result.output
    assert P2 in (out / "nested.txt").read_text(encoding="utf-8")
    for name in pages:  # each written, or dropped whole for too little text (the prose in a broken attribute)
        output = name.replace(".html", ".txt")
        assert (out / output).exists() or report["files"][output]["dropped"].startswith("min_words: "), output


# --- user rules -------------------------------------------------------------------------------------------------


def rule_file(folder: Path, regex: str, rule_id: str = "user.slow") -> Path:
    folder.mkdir(exist_ok=True)
    path = folder / "user.toml"
    path.write_text(f"category = \"user\"\n[[rule]]\nid = \"{rule_id}\"\nregex = '''{regex}'''\n"
                    "examples.match = [\"aaabx\"]\nexamples.no_match = [\"zzz\"]\n", encoding="utf-8")
    return path


def test_a_catastrophic_regex_that_re2_accepts_runs_in_linear_time(run_cli, tmp_path):
    patterns = tmp_path / "patterns"
    rule_file(patterns, r"^(a+)+b$")
    first = "a" * 5000 + "c ends this line of several words"
    result, out, _ = run_folder(run_cli, tmp_path, {"evil.txt": f"{first}\naaab\n".encode()}, "--patterns", patterns)
    # (Python's re would take longer than the age of the universe on the first line.)
    assert result.exit_code == 0, result.output
    assert (out / "evil.txt").read_text() == first + "\n"


def test_a_catastrophic_regex_that_re2_refuses_fails_the_file_naming_the_rule(run_cli, tmp_path):
    patterns = tmp_path / "patterns"
    rule = rule_file(patterns, r"(a|aa)+b(?=x)")  # the look-ahead keeps it off RE2; exponential in any backtracking engine
    result, out, report = run_folder(run_cli, tmp_path, {"evil.txt": b"a" * 60 + b"bc\n"}, "--patterns", patterns)
    line = assert_one_line_error(result, report, "evil.txt", "'user.slow'", str(rule), "budget")
    assert "RE2" in line


def test_a_malformed_rule_file_is_rejected_before_any_input_is_touched(run_cli, tmp_path):
    patterns = tmp_path / "patterns"
    rule = rule_file(patterns, r"(unclosed", rule_id="user.broken")
    source = tmp_path / "in"
    source.mkdir()
    (source / "a.txt").write_text(GOOD)
    Path("pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    result = run_cli("clean", source, "-o", tmp_path / "out", "--patterns", patterns)
    assert result.exit_code == 2  # a configuration error
    assert result.stderr.strip().splitlines() == [f"cleaner: {rule}: rule 'user.broken': bad regular expression: "
                                                  + result.stderr.split("bad regular expression: ")[1].strip()]
    assert not (tmp_path / "out").exists()


# --- files and names ------------------------------------------------------------------------------------------


def test_symlinks_are_not_followed_out_of_the_input_root(run_cli, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("A private note that must never be read by a run over another folder.\n")
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "inside-link-target.txt").write_text(P3 + "\n")
    source = tmp_path / "in"
    source.mkdir()
    (source / "leak.txt").symlink_to(secret)
    (source / "folder").symlink_to(outside, target_is_directory=True)
    (source / "own.txt").write_text(P2 + "\n")
    (source / "alias.txt").symlink_to(source / "own.txt")  # inside the root: cleaned once
    result, out, report = run_folder(run_cli, tmp_path, {})
    assert result.exit_code == 0
    assert sorted(report["files"]) in (["alias.txt", "good.txt"], ["good.txt", "own.txt"])
    assert not (out / "leak.txt").exists() and not (out / "folder").exists()


def test_odd_file_names(run_cli, tmp_path):
    names = {"a..dots..txt": b"", "new\nline.txt": P1.encode(), os.fsdecode(b"latin-\xe9.txt"): P2.encode(),
             "..": None}
    source = tmp_path / "in"
    source.mkdir()
    for name, data in names.items():
        if data is not None:
            (source / name).write_bytes(data)
    (source / "bad\nname.txt").write_bytes(b"\xfe\xfd not text \x00\x01")
    result, out, report = run_folder(run_cli, tmp_path, {})
    line = assert_one_line_error(result, report, "bad\\nname.txt", "binary")
    assert "\n" not in line
    assert (out / "new\nline.txt").read_text() == P1 + "\n"
    assert (out / os.fsdecode(b"latin-\xe9.txt")).read_text() == P2 + "\n"
    assert {"new\\nline.txt", "latin-\\xe9.txt", "a..dots..txt"} <= set(report["files"])


def test_output_inside_the_input_tree_is_not_read_back(run_cli, tmp_path):
    source = tmp_path / "in"
    source.mkdir()
    (source / "a.txt").write_text(GOOD)
    Path("pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    for _ in range(2):
        result = run_cli("clean", source, "-o", source / "out", "--language-detector", "none", "--jobs", "1")
        assert result.exit_code == 0
    report = json.loads((source / "out" / "report.json").read_text())
    assert sorted(report["files"]) == ["a.txt"]
    assert (source / "a.txt").read_text() == GOOD


def test_disk_full_leaves_earlier_outputs_intact_and_says_so(run_cli, tmp_path, monkeypatch):
    import cleaner.formats
    import cleaner.io

    source = tmp_path / "in"
    source.mkdir()
    for n in range(6):
        (source / f"p{n}.txt").write_text(f"Page {n}. {P1}\n", encoding="utf-8")
    real_fsync, calls = os.fsync, []

    def full_after_three(fd: int) -> None:
        calls.append(fd)
        if len(calls) > 3:
            raise OSError(28, "No space left on device")
        real_fsync(fd)

    class FullDisk:  # the `os` that the writers see (outputs; the report): writes fail from the fourth on
        fsync = staticmethod(full_after_three)

        def __getattr__(self, name: str) -> object:
            return getattr(os, name)

    monkeypatch.setattr(cleaner.io, "os", FullDisk())
    monkeypatch.setattr(cleaner.formats, "os", FullDisk())
    out = tmp_path / "out"
    Path("pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    result = run_cli("clean", source, "-o", out, "--language-detector", "none", "--jobs", "1")
    assert result.exit_code == 1 and "Traceback" not in result.output
    errors = [line for line in result.stderr.splitlines() if line.startswith("cleaner: ")]
    assert sum("No space left on device" in line for line in errors) == 4  # p3, p4, p5 and the report
    assert "report.json" in errors[-1] and "3 output(s) written before it are complete" in errors[-1]
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == ["p0.txt", "p1.txt", "p2.txt"]
    assert all((out / f"p{n}.txt").read_text() == f"Page {n}. {P1}\n" for n in range(3))
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]


# --- properties across processes ------------------------------------------------------------------------------

CHILD = """
import json, sys
from hypothesis import given, settings, strategies as st
from cleaner import Cleaner, Config
cleaner = Cleaner(Config(language_detector="none"))
texts = []
@settings(max_examples=150, derandomize=True, database=None, deadline=None)
@given(st.lists(st.one_of(st.text(max_size=60), st.sampled_from(sys.argv[1:])), max_size=12).map("\\n".join))
def collect(text):
    texts.append(text)
collect()
print(json.dumps([cleaner.clean(t).text for t in texts] + [cleaner.clean_many([{"id": "a", "text": t} for t in sys.argv[1:] * 2])
                  and [r.text for r in cleaner.clean_many([{"id": str(i), "text": t} for i, t in enumerate(sys.argv[1:] * 2)])]]))
"""


def test_deterministic_across_processes_with_different_hash_seeds(repo_root):
    pieces = ["Skip to content", "Read more", P1, P2, "Donate now", "By Anna Smith", "Sign up for our newsletter"]
    outputs = []
    for seed in ("0", "1", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run([sys.executable, "-c", CHILD, *pieces], capture_output=True, env=env, cwd=repo_root, timeout=300)
        assert done.returncode == 0, done.stderr.decode()
        outputs.append(done.stdout)
    assert outputs[0] == outputs[1] == outputs[2]
    assert len(json.loads(outputs[0])) > 100
