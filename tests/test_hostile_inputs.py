"""Hostile inputs, round two (issue 25): runs that hung, lost data or printed a traceback on inputs the other tests
did not hold. Each test failed before its fix; docs/reliability.md lists them by name.

Inputs that used to hang run the installed script under a timeout, so that a regression fails instead of hanging.
"""

from __future__ import annotations

import gzip
import json
import os
import random
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest
from selectolax.lexbor import LexborHTMLParser
from texts import P1, P2, P3

from cleaner.document import Document
from cleaner.html import MarkupLimit, read_page
from cleaner.html.limits import MAX_ATTRIBUTES, MAX_FORMATTING, bounded, check_markup, limit_depth
from cleaner.stages.html import ReadHtml

GOOD = f"{P1}\n\n{P2}\n"
FLAGS = ("--no-progress", "--language-detector", "none")


def run_exe(exe: str, *args: str | Path, cwd: Path, input: bytes | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([exe, *map(str, args)], cwd=cwd, input=input, capture_output=True, timeout=timeout)


def folder_with(tmp_path: Path, files: dict[str, bytes | str]) -> Path:
    source = tmp_path / "in"
    source.mkdir(exist_ok=True)
    (source / "good.txt").write_text(GOOD, encoding="utf-8")
    for name, data in files.items():
        (source / name).write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return source


def one_line_errors(stderr: bytes | str) -> list[str]:
    text = stderr.decode() if isinstance(stderr, bytes) else stderr
    assert "Traceback" not in text, text
    return [line for line in text.splitlines() if line.startswith("cleaner: ")]


# --- 1. a FIFO in a folder -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("command", [("clean", "-o", "OUT"), ("clean", "-o", "OUT", "--jobs", "2"), ("check",)],
                         ids=["clean", "clean-jobs-2", "check"])
def test_a_fifo_in_a_folder_is_named_and_skipped(cleaner_exe, tmp_path, command):
    source = folder_with(tmp_path, {})
    os.mkfifo(source / "p.txt")  # reading it would wait for a writer forever
    args = [tmp_path / "out" if part == "OUT" else part for part in command]
    flags = FLAGS if command[0] == "clean" else FLAGS[1:]
    done = run_exe(cleaner_exe, args[0], source, *args[1:], *flags, cwd=tmp_path, timeout=60)
    errors = one_line_errors(done.stderr)
    assert any("p.txt" in line and "FIFO" in line and "skipped" in line for line in errors), errors
    assert done.returncode == 1
    if command[0] == "clean":
        assert (tmp_path / "out" / "good.txt").read_text(encoding="utf-8") == GOOD
        report = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
        assert any("p.txt" in entry["file"] for entry in report["errors"])


# --- 2. a pipe named as an input -------------------------------------------------------------------------------------


def test_a_fifo_named_as_an_input_is_read_once(cleaner_exe, tmp_path):
    fifo = tmp_path / "page.txt"
    os.mkfifo(fifo)

    def write() -> None:  # the writer of `<(cat page.txt)`: once, then gone
        with open(fifo, "wb") as pipe:
            pipe.write(GOOD.encode("utf-8"))

    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    done = run_exe(cleaner_exe, "clean", fifo, "-o", tmp_path / "out", *FLAGS, cwd=tmp_path, timeout=60)
    assert done.returncode == 0, done.stderr.decode()
    assert (tmp_path / "out" / "page.txt").read_text(encoding="utf-8") == GOOD


def test_dev_stdin_as_an_input_is_read_once(cleaner_exe, tmp_path):
    done = run_exe(cleaner_exe, "clean", "/dev/stdin", "-o", tmp_path / "out", *FLAGS, cwd=tmp_path, input=GOOD.encode())
    assert done.returncode == 0, done.stderr.decode()
    assert (tmp_path / "out" / "stdin").read_text(encoding="utf-8") == GOOD


# --- 3. output names never collide -----------------------------------------------------------------------------------


def test_the_rejects_of_a_record_file_never_land_on_another_output(run_cli, tmp_path):
    good = json.dumps({"id": 1, "text": GOOD})
    source = folder_with(tmp_path, {"x.jsonl": good + "\n{broken\n", "x.rejects.jsonl": json.dumps({"id": 2, "text": P3}) + "\n"})
    out = tmp_path / "out"
    result = run_cli("clean", source, "-o", out, *FLAGS)
    assert "x.rejects.jsonl" in result.stderr and "not cleaned" in result.stderr
    rejects = [json.loads(line) for line in (out / "x.rejects.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [entry["raw"] for entry in rejects] == ["{broken"]  # x.jsonl's rejected record, not overwritten
    # Cleaning the output folder again: its rejects files stay what they are, and make no rejects of rejects.
    again = tmp_path / "again"
    run_cli("clean", out, "-o", again, *FLAGS)
    assert not list(again.rglob("*.rejects.rejects.jsonl"))
    assert (again / "x.jsonl").exists() and not (again / "x.rejects.jsonl").exists()


def test_two_inputs_with_one_output_name_are_refused_before_anything_is_written(run_cli, tmp_path):
    source = folder_with(tmp_path, {"page.html": f"<p>{P3}</p>", "page.txt": P3})
    out = tmp_path / "out"
    result = run_cli("clean", source, "-o", out, *FLAGS)
    assert result.exit_code == 1
    errors = one_line_errors(result.stderr)
    assert len(errors) == 1 and "page.txt" in errors[0] and "page.html" in errors[0] and "nothing was written" in errors[0]
    assert not (out / "good.txt").exists() and not (out / "report.json").exists()


# --- 4. one page must not stall a run ----------------------------------------------------------------------------------


def attributes(count: int) -> str:
    return "<div " + " ".join(f"a{i}=x" for i in range(count)) + f">{P1}</div>"


def test_an_element_with_200000_attributes_fails_in_one_line_and_the_run_goes_on(cleaner_exe, tmp_path):
    source = folder_with(tmp_path, {"attributes.html": attributes(200_000)})  # 2.3 MB: more than 300 s before
    started = time.monotonic()
    done = run_exe(cleaner_exe, "clean", source, "-o", tmp_path / "out", *FLAGS, cwd=tmp_path, timeout=120)
    assert time.monotonic() - started < 60
    errors = one_line_errors(done.stderr)
    assert done.returncode == 1 and any("attributes.html" in e and "200,000 attributes" in e for e in errors), errors
    report = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    assert [e["file"] for e in report["errors"]] == ["attributes.txt"]
    assert (tmp_path / "out" / "good.txt").read_text(encoding="utf-8") == GOOD


def test_the_attribute_bound_counts_as_the_tokenizer_does():
    check_markup(attributes(MAX_ATTRIBUTES))  # at the bound: parsed
    slashed = "<div/" + "/".join(f"a{i}" for i in range(30_000)) + ">"  # `/` separates attributes, as a space does
    for hidden in (slashed, attributes(30_000).replace("=x", '=">"'), "<div " + "".join(f'a{i}="x"' for i in range(30_000)) + ">",  # glued
                   "<! bogus '>" + attributes(30_000) + "'", "<!-- x --!>" + attributes(30_000)):  # after comments that end early
        with pytest.raises(MarkupLimit, match="30,000 attributes"):
            check_markup(hidden)
    with pytest.raises(MarkupLimit, match="30,000 attributes"):  # inside <svg> a <textarea> holds markup (fuzz run E: 95 s)
        check_markup("<svg><textarea>" + attributes(30_000))
    script = "<script>" + "for(i=0;i<n " + "a " * 5000 + "</script>"  # a script's text is not markup
    check_markup(script + f"<p>{P1}</p>")


def test_a_page_over_the_size_bound_is_refused():
    with pytest.raises(MarkupLimit, match="characters of HTML"):
        check_markup("<p>" + "x" * 100, max_chars=50)


def test_a_page_of_more_lines_than_the_bound_is_refused_before_the_text_stages():
    # 500,000 one-word lines (4.5 MB) took the stages after the parser 80 s (the fuzz run's "hang").
    started = time.monotonic()
    with pytest.raises(MarkupLimit, match="150,000 lines"):
        ReadHtml().process(Document("<ul>" + "<option>x" * 150_000, format="html"))
    assert time.monotonic() - started < 10


def test_stray_end_tags_do_not_hide_deep_nesting():
    # `</p>` closes no <font>: counted as closing, it let 40,000 fonts nest and took the parser 10 s.
    page = "<font>x</p>" * 40_000
    started = time.monotonic()
    lines = read_page(page).lines
    assert time.monotonic() - started < 10
    assert len(lines) >= 39_000


# --- 6. past the depth cap, blocks keep their line breaks ---------------------------------------------------------


def test_past_the_depth_cap_paragraphs_keep_their_line_breaks():
    lines = read_page("<div><p>a paragraph of its own\n" * 50_000).lines
    assert len(lines) == 50_000  # was 498 lines, the last one 3.85 MB
    assert max(len(line.text) for line in lines) == len("a paragraph of its own")


def test_below_the_depth_cap_a_page_is_left_as_it_is():
    page = "<div><p>x</p></div>" * 30_000
    assert limit_depth(page) is page


# --- 5. one-line errors instead of tracebacks --------------------------------------------------------------------------


def test_an_output_that_is_a_file_is_a_usage_error(run_cli, tmp_path):
    source = folder_with(tmp_path, {})
    (tmp_path / "taken").write_text("x")
    result = run_cli("clean", source, "-o", tmp_path / "taken", *FLAGS)
    assert result.exit_code == 2 and "exists and is not a folder" in result.stderr


def test_an_output_under_an_unwritable_folder_is_a_usage_error(run_cli, tmp_path, monkeypatch):
    source = folder_with(tmp_path, {})
    locked = tmp_path / "locked"
    locked.mkdir()
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda path, mode: Path(path) != locked and real_access(path, mode))  # root may write anyway
    result = run_cli("clean", source, "-o", locked / "out", *FLAGS)
    assert result.exit_code == 2 and "is not writable" in result.stderr
    assert not (locked / "out").exists()


def test_an_output_folder_that_cannot_be_made_is_one_line(run_cli, tmp_path, monkeypatch):
    source = folder_with(tmp_path, {})

    def refuse(self: Path, *args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "mkdir", refuse)
    result = run_cli("clean", source, "-o", tmp_path / "out", *FLAGS)
    assert result.exit_code == 1
    assert one_line_errors(result.stderr) == [f"cleaner: {tmp_path / 'out'}: cannot make the output folder: Permission denied"]


@pytest.mark.skipif(not Path("/proc/self").exists(), reason="needs /proc")
def test_an_output_under_proc_is_one_line(run_cli, tmp_path):
    result = run_cli("clean", folder_with(tmp_path, {}), "-o", "/proc/x", *FLAGS)
    assert result.exit_code in (1, 2) and len(one_line_errors(result.stderr) or [result.stderr]) == 1


@pytest.mark.parametrize("command", ["clean", "dedup", "explain"])
def test_a_symlink_loop_named_on_the_command_line_is_one_line(run_cli, tmp_path, command):
    loop = tmp_path / "loop.txt"
    loop.symlink_to(loop)
    args = ("-o", tmp_path / "out", "--no-progress") if command != "explain" else ()
    result = run_cli(command, loop, *args, "--language-detector", "none")
    assert result.exit_code == 1
    errors = one_line_errors(result.stderr)
    assert len(errors) == 1 and "loop.txt" in errors[0] and "symbolic links" in errors[0], errors


def test_a_symlink_loop_inside_a_folder_is_named(run_cli, tmp_path):
    source = folder_with(tmp_path, {})
    (source / "loop.txt").symlink_to(source / "loop.txt")
    result = run_cli("clean", source, "-o", tmp_path / "out", *FLAGS)
    errors = one_line_errors(result.stderr)
    assert result.exit_code == 1 and any("loop.txt" in e and "loops" in e for e in errors), errors
    assert (tmp_path / "out" / "good.txt").read_text(encoding="utf-8") == GOOD


# --- 7, 8. the summary and report.json agree ---------------------------------------------------------------------------


def summary_counts(stderr: str) -> tuple[int, ...]:
    line = next(line for line in stderr.splitlines() if line.startswith("cleaned: "))
    words = line.replace(",", "").replace(";", "").split()
    return int(words[1]), int(words[4]), int(words[6]), int(words[8])  # in, out, rejected, failed


def test_a_record_file_that_fails_as_a_whole_counts_once_in_the_summary(run_cli, tmp_path):
    source = folder_with(tmp_path, {"broken.parquet": b"PAR1 not really parquet PAR1",
                                    "ok.jsonl": json.dumps({"id": 1, "text": GOOD}) + "\n"})
    result = run_cli("clean", source, "-o", tmp_path / "out", *FLAGS)
    report = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    totals = report["totals"]
    rejected = sum(entry.get("rejected", 0) for entry in report["files"].values())
    # good.txt and ok.jsonl's record in and out, broken.parquet failed (was: "-1 rejected").
    assert summary_counts(result.stderr) == (totals["documents"] + totals["failed"], totals["documents"] - rejected, rejected,
                                             totals["failed"]) == (3, 2, 0, 1)


def test_one_dropped_duplicate_is_counted_once(run_cli, tmp_path):
    source = tmp_path / "in"
    source.mkdir()
    for name in ("a.txt", "b.txt"):
        (source / name).write_text(P1 + "\n", encoding="utf-8")
    run_cli("clean", source, "-o", tmp_path / "out", *FLAGS)
    report = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    assert report["totals"]["by_category"] == {"duplicate": 1}
    assert report["dedup"]["clusters"] == 1 and report["dedup"]["dropped"] == 1
    assert report["dedup"]["examples"] == [{"first": "a.txt:1", "copies": 1, "dropped": ["b.txt:1"]}]


# --- 9. --resume writes the report of one run ------------------------------------------------------------------------------


def test_resume_with_nothing_left_writes_the_same_report(run_cli, tmp_path):
    (tmp_path / "in" / "sub").mkdir(parents=True)
    source = folder_with(tmp_path, {"a.txt": P2, "z.txt": P3, "m.jsonl": json.dumps({"id": 1, "text": P1}) + "\n",
                                    "sub/b.txt": P1 + " More.\n"})
    out = tmp_path / "out"
    run_cli("clean", source, "-o", out, *FLAGS)
    whole = (out / "report.json").read_bytes()
    (out / "report.json").unlink()
    result = run_cli("clean", source, "-o", out, "--resume", *FLAGS)
    assert result.exit_code == 0, result.output
    # The same bytes up to the dedup section, which lists the duplicate groups of the part this run cleaned.
    resumed = (out / "report.json").read_bytes()
    assert resumed.split(b'"dedup"')[0] == whole.split(b'"dedup"')[0]
    assert list(json.loads(resumed)["files"]) == ["m.jsonl", "a.txt", "good.txt", "sub/b.txt", "z.txt"]


# --- 10. Ctrl-C ------------------------------------------------------------------------------------------------------------------


def test_ctrl_c_with_two_jobs_exits_130_in_one_line_and_leaves_nothing_half_written(cleaner_exe, tmp_path):
    source = tmp_path / "in"
    source.mkdir()
    words = f"{P1} {P2} {P3}".split()
    for shard in range(6):
        with gzip.open(source / f"shard-{shard}.jsonl.gz", "wt", encoding="utf-8") as handle:
            for number in range(4000):
                # Word salad of the paragraphs' words, a different draw each: records that stay, so the run writes all along.
                draw = random.Random(shard * 4000 + number)
                text = " ".join(draw.choice(words) for _ in range(60)) + f" {shard}-{number}."
                handle.write(json.dumps({"id": number, "text": text}) + "\n")
    out = tmp_path / "out"
    process = subprocess.Popen([cleaner_exe, "clean", source, "-o", out, "--jobs", "2", *FLAGS], cwd=tmp_path,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
                               # as from a terminal: a shell's background job (a CI step, say) inherits SIGINT ignored
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.monotonic() + 120
    while not list(out.glob(".*.tmp")) and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)  # until an output is being written
    os.killpg(process.pid, signal.SIGINT)  # what the terminal does: the whole group, workers included
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 130, stderr.decode()
    lines = one_line_errors(stderr)
    assert lines == ["cleaner: interrupted; the outputs written so far are complete; finish with the same command and --resume"]
    assert not [p for p in out.rglob("*") if p.name.endswith(".tmp")]
    resumed = run_exe(cleaner_exe, "clean", source, "-o", out, "--jobs", "2", "--resume", *FLAGS, cwd=tmp_path, timeout=300)
    assert resumed.returncode == 0, resumed.stderr.decode()
    assert sorted(p.name for p in out.glob("shard-*") if "rejects" not in p.name) == [f"shard-{n}.jsonl.gz" for n in range(6)]


# --- found by the fuzz run --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("depth", [300, 1000])
def test_a_record_nested_deeper_than_can_be_written_goes_to_the_rejects_with_its_bytes(run_cli, tmp_path, depth):
    deep = b'{"id": 2, "text": "x", "tree": ' + b"[" * depth + b"]" * depth + b"}"
    lines = [json.dumps({"id": 1, "text": GOOD}).encode(), deep, json.dumps({"id": 3, "text": P3}).encode()]
    source = folder_with(tmp_path, {"deep.jsonl": b"\n".join(lines) + b"\n"})
    result = run_cli("clean", source, "-o", tmp_path / "out", *FLAGS)  # was a traceback: orjson writes 254 levels at most
    errors = one_line_errors(result.stderr)
    assert result.exit_code == 1 and any("deep.jsonl:2:" in e and "nested more than" in e for e in errors), errors
    written = [json.loads(line)["id"] for line in (tmp_path / "out" / "deep.jsonl").read_text(encoding="utf-8").splitlines()]
    rejected = [json.loads(line) for line in (tmp_path / "out" / "deep.rejects.jsonl").read_text(encoding="utf-8").splitlines()]
    assert written == [1, 3] and [entry["raw"].encode() for entry in rejected] == [deep]


def test_formatting_elements_left_open_are_not_reopened_in_every_block():
    # The parser re-opens each formatting element left open in every block after it: 2,000 <b> before 2,000 blocks
    # (47 kB) made 4,000,000 elements, 70 MB of tree.
    page = "<div>" + "".join(f"<b id=b{i}>" for i in range(2000)) + "</div>" + "<div>x</div>" * 2000
    tree = LexborHTMLParser(bounded(page))
    assert len(tree.css("b")) <= (MAX_FORMATTING + 1) * 2001
    assert len(read_page(page).lines) == 2000


def test_past_the_depth_cap_raw_text_stays_raw_text():
    # Taking a <script> (or <noframes>...) tag out past the cap turned its content into markup: code became lines
    # of text, and an element of 80,000 attributes hidden in it reached the parser (259 s).
    hidden = "<hr/" + "/".join(f"a{i}" for i in range(80_000)) + ">"
    page = ("<div>" * 1100 + f"<script>var secret = 1; /* {hidden} */</script>"
            + f"<p>{P1}</p>" + "<br>" * 20_000 + "</div>" * 1100)
    started = time.monotonic()
    lines = [line.text for line in read_page(page).lines]
    assert time.monotonic() - started < 20
    assert P1 in lines and not any("secret" in line or "a79999" in line for line in lines)


# --- decided: a BOM before JSONL, -o and -, unknown index schemes -------------------------------------------------------------


def test_a_jsonl_file_that_starts_with_a_bom_keeps_its_first_record(run_cli, tmp_path):
    source = folder_with(tmp_path, {"bom.jsonl": b"\xef\xbb\xbf" + json.dumps({"id": 1, "text": GOOD}).encode() + b"\n"})
    result = run_cli("clean", source, "-o", tmp_path / "out", *FLAGS)
    assert result.exit_code == 0, result.output
    record = json.loads((tmp_path / "out" / "bom.jsonl").read_text(encoding="utf-8"))
    assert record["id"] == 1 and record["text"] == GOOD


def test_stdin_with_an_output_folder_goes_to_the_folder(run_cli, tmp_path):
    result = run_cli("clean", "-", "-o", tmp_path / "out", *FLAGS, input=GOOD)
    assert result.exit_code == 0 and result.stdout == ""
    assert (tmp_path / "out" / "stdin.txt").read_text(encoding="utf-8") == GOOD
    assert run_cli("clean", "-", *FLAGS, input=GOOD).stdout == GOOD  # without -o: to standard output


@pytest.mark.parametrize("index", ["ftp://x", "s3://bucket/index", "file:///tmp/x.sqlite"])
def test_an_index_url_of_an_unknown_kind_is_a_usage_error(run_cli, tmp_path, index):
    result = run_cli("clean", folder_with(tmp_path, {}), "-o", tmp_path / "out", "--dedup-index", index, *FLAGS)
    assert result.exit_code == 2 and "is not known" in result.stderr
    assert not Path("ftp:").exists() and not (tmp_path / "out").exists()
