"""The command line, in-process through click's CliRunner and as the installed console script."""

from __future__ import annotations

import codecs
import json
import subprocess
from pathlib import Path

import pytest
from texts import P1, P2, P3

from cleaner import speedups

P4 = (
    "The budget also sets aside money for the public library, which has been closed on Sundays since"
    " last year, and for a new bus line that will connect the northern districts with the main station."
)
GERMAN = (
    "Der Stadtrat hat am Montag nach einer langen Debatte den neuen Haushalt beschlossen, und die"
    " Bürgermeisterin sagte, dass das Geld vor allem für die Straßen und für zwei neue Schulen verwendet werde."
)
PAGE = f"Skip to content\n{P1}\n\n{P2}\nShow more\n"
CLEAN_PAGE = f"{P1}\n\n{P2}\n"
# Another page with different text: dedup spans a whole run, so files in one run must not share lines.
PAGE_B = f"Skip to content\n{P3}\n\n{P4}\nShow more\n"
CLEAN_PAGE_B = f"{P3}\n\n{P4}\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"


def write(path: Path, data: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)
    return path


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file under a folder with its bytes and modification time."""
    return {p.relative_to(folder).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


def one_line_errors(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("cleaner: ")]


# --- clean: folders, files, report ------------------------------------------------------------


def test_clean_seeds_writes_one_output_per_seed_and_a_report(seeds_out, seed_files):
    names = sorted(p.name for p in seed_files)
    assert sorted(p.name for p in seeds_out.glob("*.txt")) == names
    report = json.loads((seeds_out / "report.json").read_text(encoding="utf-8"))
    totals = report["totals"]
    assert totals["documents"] == len(names) and totals["failed"] == 0
    assert report["errors"] == []
    assert sorted(report["files"]) == names
    # Totals are the sums of the per-file counts.
    for key in ("blocks_in", "blocks_dropped", "bytes_in", "bytes_out"):
        assert totals[key] == sum(f[key] for f in report["files"].values()), key
    for key in ("by_category", "by_stage", "by_rule"):
        summed: dict[str, int] = {}
        for per_file in report["files"].values():
            for name, count in per_file[key].items():
                summed[name] = summed.get(name, 0) + count
        assert totals[key] == summed, key
    assert sum(totals["by_category"].values()) == sum(totals["by_stage"].values()) == totals["blocks_dropped"] > 0
    assert {"donation", "newsletter", "byline", "related"} <= set(totals["by_category"])
    assert {"patterns", "heuristics"} <= set(totals["by_stage"])
    # Byte counts are real: input sizes on disk, output sizes of the written files.
    for path in seed_files:
        entry = report["files"][path.name]
        assert entry["bytes_in"] == path.stat().st_size
        assert entry["bytes_out"] == (seeds_out / path.name).stat().st_size
        assert entry["language"] == "en"
        assert entry["documents"] == 1


def test_clean_keeps_relative_paths_of_folders_and_puts_named_files_at_the_top(run_cli, tmp_path):
    tree = tmp_path / "tree"
    write(tree / "a" / "b.txt", PAGE)
    write(tree / "top.txt", P3)
    single = write(tmp_path / "elsewhere" / "deep" / "single.txt", P4)
    out = tmp_path / "OUT"
    result = run_cli("clean", tree, single, "-o", out, "--no-progress", "--language-detector", "none")
    assert result.exit_code == 0, result.output
    assert (out / "a" / "b.txt").read_text(encoding="utf-8") == CLEAN_PAGE
    assert (out / "top.txt").read_text(encoding="utf-8") == P3 + "\n"
    assert (out / "single.txt").read_text(encoding="utf-8") == P4 + "\n"
    assert not (out / "elsewhere").exists() and not (out / "tree").exists()
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert sorted(report["files"]) == ["a/b.txt", "single.txt", "top.txt"]


def test_clean_does_not_read_its_own_output_folder_back(run_cli, tmp_path):
    tree = tmp_path / "tree"
    write(tree / "page.txt", PAGE)
    for _ in range(2):
        result = run_cli("clean", tree, "-o", tree / "out", "--language-detector", "none")
        assert result.exit_code == 0, result.output
    report = json.loads((tree / "out" / "report.json").read_text(encoding="utf-8"))
    assert list(report["files"]) == ["page.txt"]
    assert not (tree / "out" / "out").exists()


def test_clean_stdin_to_stdout(run_cli):
    result = run_cli("clean", "-", "--language-detector", "none", input=PAGE)
    assert result.exit_code == 0, result.output
    assert result.stdout == CLEAN_PAGE
    assert "cleaned: 1 document(s) in, 1 out, 0 rejected, 0 failed" in result.stderr  # the summary goes to stderr, never into the data
    assert not Path("out").exists()  # no output folder was made in the working directory


def test_clean_to_stdout_with_dash_output(run_cli, tmp_path):
    page = write(tmp_path / "p.txt", PAGE)
    result = run_cli("clean", page, "-o", "-", "--language-detector", "none")
    assert result.exit_code == 0
    assert result.stdout == CLEAN_PAGE


def test_inputs_are_never_modified_without_in_place(run_cli, tmp_path, seeds_dir):
    tree = tmp_path / "in"
    for seed in sorted(seeds_dir.glob("*.txt")):
        write(tree / seed.name, seed.read_bytes())
    write(tree / "sub" / "page.txt", PAGE)
    before = snapshot(tree)
    result = run_cli("clean", tree, "-o", tmp_path / "out", "--language-detector", "none")
    assert result.exit_code == 0
    assert run_cli("check", tree).exit_code == 1
    assert run_cli("explain", tree / "sub" / "page.txt").exit_code == 0
    assert snapshot(tree) == before


def test_in_place_rewrites_prints_fixing_and_exits_1_then_0(run_cli, tmp_path):
    page = write(tmp_path / "page.txt", PAGE)
    clean_already = write(tmp_path / "clean.txt", CLEAN_PAGE_B)
    clean_before = snapshot(tmp_path)["clean.txt"]
    first = run_cli("clean", "--in-place", "--no-progress", page, clean_already, "--language-detector", "none")
    assert first.exit_code == 1
    assert first.stdout.splitlines() == [f"Fixing {page}"]
    assert page.read_text(encoding="utf-8") == CLEAN_PAGE
    assert snapshot(tmp_path)["clean.txt"] == clean_before  # an unchanged file is not rewritten
    after_first = snapshot(tmp_path)
    second = run_cli("clean", "--in-place", "--no-progress", page, clean_already, "--language-detector", "none")
    assert second.exit_code == 0, second.output
    assert "Fixing" not in second.stdout
    assert snapshot(tmp_path) == after_first
    assert not (tmp_path / "out").exists() and not Path("out").exists()


def test_in_place_refuses_standard_input(run_cli):
    result = run_cli("clean", "--in-place", "-", "--language-detector", "none", input=PAGE)
    assert result.exit_code == 1
    assert "--in-place cannot rewrite standard input" in result.stderr


def test_output_that_would_overwrite_the_input_is_refused(run_cli, tmp_path):
    tree = tmp_path / "tree"
    page = write(tree / "page.txt", PAGE)
    before = page.read_bytes()
    result = run_cli("clean", tree, "-o", tree, "--language-detector", "none")
    assert result.exit_code == 2  # a usage error, before anything is read or written
    assert "the input folder itself" in result.stderr and "--in-place" in result.stderr
    assert page.read_bytes() == before
    assert sorted(p.name for p in tree.iterdir()) == ["page.txt"]  # no report.json, no .cleaner/ among the inputs
    # A file named with its own folder as -o would still be replaced by its output: refused file by file.
    result = run_cli("clean", page, "-o", tree, "--language-detector", "none")
    assert result.exit_code == 1 and "use --in-place" in result.stderr
    assert page.read_bytes() == before


# --- explain and check ------------------------------------------------------------------------


def test_explain_shows_keep_and_drop_lines_with_reasons(run_cli, tmp_path):
    page = write(tmp_path / "page.txt", PAGE)
    result = run_cli("explain", page, "--language-detector", "none")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == f"# {page}: language und, 2 of 4 lines dropped"
    assert lines[1].split() == ["1", "DROP", "patterns/navigation.skip-link", "[navigation]", "Skip", "to", "content"]
    assert lines[2].split(None, 2) == ["2", "KEEP", P1]
    assert lines[3].split(None, 2) == ["4", "KEEP", P2]
    assert lines[4].split(None, 4)[:4] == ["5", "DROP", "patterns/navigation.button", "[navigation]"]
    assert "\x1b[" not in result.stdout  # no colour when not on a terminal


def test_explain_on_a_seed(run_cli, seeds_dir):
    seed = seeds_dir / "004_c76126b345e48b29.txt"
    result = run_cli("explain", seed)
    assert result.exit_code == 0
    assert "language en" in result.stdout.splitlines()[0]
    assert "DROP patterns/donation.letter-opening [donation]" in result.stdout
    assert "DROP heuristics/" in result.stdout
    assert "KEEP North Korea Sent More Troops and Weapons to Russia" in result.stdout


def test_explain_on_an_unreadable_file_is_a_one_line_error(run_cli, tmp_path):
    result = run_cli("explain", tmp_path / "missing.txt")
    assert result.exit_code == 1
    assert len(one_line_errors(result.stderr)) == 1 and "missing.txt" in result.stderr


def test_check_lists_boilerplate_and_exits_1_on_a_seed(run_cli, seeds_dir):
    seed = seeds_dir / "004_c76126b345e48b29.txt"
    result = run_cli("check", seed)
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines and all(line.startswith(f"{seed}:") for line in lines)
    assert f"{seed}:2: donation.call-to-action [donation]  Contribute today" in lines
    assert f"{seed}:27: newsletter.signup [newsletter]  Sign up for our free weekly newsletter" in lines
    # Then a summary on stderr, counting by category.
    assert result.stderr.strip().splitlines()[-1].startswith(f"check: {len(lines)} line(s) to remove in 1 of 1 document(s) (donation ")
    # Line numbers point at the lines they name.
    source = seed.read_text(encoding="utf-8").split("\n")
    assert "Contribute today" in source[2 - 1] and "newsletter" in source[27 - 1]


def test_check_passes_on_an_already_cleaned_file(run_cli, seeds_out):
    cleaned = seeds_out / "004_c76126b345e48b29.txt"
    result = run_cli("check", cleaned)
    assert result.exit_code == 0, result.output
    assert result.stdout == ""


def test_check_passes_on_all_cleaned_seeds_together(run_cli, seeds_out):
    # The check sees all files in one run, so corpus-wide duplicates would show here too.
    result = run_cli("check", *sorted(seeds_out.glob("*.txt")))
    assert result.exit_code == 0, result.output


# --- help and version -------------------------------------------------------------------------


HELP_SUMMARIES = {
    (): "Strip boilerplate",
    ("clean",): "Clean files and folders",
    ("explain",): "Show every line of FILE",
    ("check",): "List what cleaning would remove from PATHS",
    ("patterns",): "Work with the boilerplate rules.",
    ("patterns", "test"): "Check every rule against its examples",
}


@pytest.mark.parametrize("command", list(HELP_SUMMARIES), ids=lambda c: " ".join(c) or "main")
@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_help_works_for_each_command(run_cli, command, flag):
    result = run_cli(*command, flag)
    assert result.exit_code == 0
    usage = result.stdout.splitlines()[0]
    assert usage.startswith(" ".join(["Usage:", "main", *command]) + " [OPTIONS]")
    assert HELP_SUMMARIES[command] in result.stdout


def test_version(run_cli):
    import cleaner

    result = run_cli("--version")
    assert result.exit_code == 0
    assert result.stdout.strip() == f"cleaner, version {cleaner.__version__} ({speedups.PATH})"


def test_usage_errors_exit_2(run_cli):
    assert run_cli("clean").exit_code == 2  # no PATH
    assert run_cli("frobnicate").exit_code == 2


# --- bad input --------------------------------------------------------------------------------


def test_empty_file_gives_empty_output(run_cli, tmp_path):
    empty = write(tmp_path / "in" / "empty.txt", b"")
    result = run_cli("clean", empty, "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "empty.txt").read_bytes() == b""


def test_bad_files_are_reported_and_the_rest_still_cleaned(run_cli, tmp_path):
    tree = tmp_path / "in"
    write(tree / "a_good.txt", PAGE)
    write(tree / "b_image.txt", PNG)
    write(tree / "c_nul.txt", b"some text\x00with a NUL byte\n")
    write(tree / "d_latin1.txt", "Grüße aus Köln\n".encode("latin-1"))
    write(tree / "e_utf16.txt", codecs.BOM_UTF16_LE + PAGE_B.encode("utf-16-le"))
    write(tree / "f_good.txt", GERMAN)
    out = tmp_path / "out"
    result = run_cli("clean", tree, "-o", out, "--language-detector", "none")
    assert result.exit_code == 1
    errors = one_line_errors(result.stderr)
    assert len(errors) == 2
    for name, words in [("b_image.txt", "binary"), ("c_nul.txt", "binary")]:
        (line,) = [e for e in errors if name in e]
        assert words in line
    assert "Traceback" not in result.output
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert [e["file"] for e in report["errors"]] == ["b_image.txt", "c_nul.txt"]
    assert report["totals"]["failed"] == 2 and report["totals"]["documents"] == 4
    assert sorted(report["files"]) == ["a_good.txt", "d_latin1.txt", "e_utf16.txt", "f_good.txt"]
    # Latin-1 is read as such (by detection, as Windows-1252, its superset) and named in the report.
    assert report["files"]["d_latin1.txt"]["encoding"] == "cp1252"
    assert (out / "d_latin1.txt").read_text(encoding="utf-8") == "Grüße aus Köln\n"
    # Good files are cleaned; the UTF-16 file was decoded (and written as UTF-8); bad ones have no output.
    assert (out / "a_good.txt").read_text(encoding="utf-8") == CLEAN_PAGE
    assert (out / "e_utf16.txt").read_text(encoding="utf-8") == CLEAN_PAGE_B
    assert (out / "f_good.txt").read_text(encoding="utf-8") == GERMAN + "\n"
    assert not (out / "b_image.txt").exists() and not (out / "c_nul.txt").exists()


def test_check_reports_a_bad_file_in_one_line_and_exits_1(run_cli, tmp_path):
    bad = write(tmp_path / "bad.txt", PNG)
    result = run_cli("check", bad)
    assert result.exit_code == 1
    assert one_line_errors(result.stderr) == [f"cleaner: {bad}: binary file (NUL bytes), not text"]


@pytest.mark.parametrize("command", ["clean", "check", "explain"])
def test_a_bad_patterns_folder_is_a_one_line_error(run_cli, tmp_path, command):
    bad = tmp_path / "bad-patterns"
    write(bad / "broken.toml", 'category = "x"\n[[rule]]\nid = "x.bad"\nregex = "(unclosed"\n'
          'examples.match = ["a"]\nexamples.no_match = ["b"]\n')
    page = write(tmp_path / "page.txt", PAGE)
    result = run_cli(command, page, "--patterns", bad)
    assert result.exit_code == 2  # a usage error, not "boilerplate found"
    assert result.stdout == ""
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("cleaner: ") and "broken.toml" in line and "x.bad" in line
    assert page.read_text(encoding="utf-8") == PAGE


def test_a_custom_patterns_folder_replaces_the_shipped_rules(run_cli, tmp_path):
    folder = tmp_path / "pats"
    write(folder / "house.toml", 'category = "house"\n[[rule]]\nid = "house.opposition"\n'
          'regex = "^Opposition members"\nexamples.match = ["Opposition members said"]\n'
          'examples.no_match = ["the council"]\n')
    page = write(tmp_path / "page.txt", PAGE)
    result = run_cli("explain", page, "--patterns", folder, "--language-detector", "none")
    assert result.exit_code == 0, result.output
    assert "DROP patterns/house.opposition [house]  Opposition members" in result.stdout
    # The shipped rules are not loaded: nothing is dropped by them.
    assert "patterns/navigation." not in result.stdout


def test_config_from_pyproject_in_the_working_directory(run_cli, tmp_path):
    Path("pyproject.toml").write_text('[tool.cleaner]\nstages = ["segment"]\n', encoding="utf-8")
    page = write(tmp_path / "page.txt", PAGE)
    result = run_cli("clean", page, "-o", "-", "--language-detector", "none")
    assert result.exit_code == 0
    assert result.stdout == PAGE  # only segmentation: nothing dropped
    Path("pyproject.toml").write_text('[tool.cleaner]\nsparkle = 1\n', encoding="utf-8")
    bad = run_cli("clean", page, "-o", "-")
    assert bad.exit_code == 2  # a config error is a usage error, not "files changed"
    (line,) = bad.stderr.strip().splitlines()
    assert "sparkle" in line and "Traceback" not in bad.output


# --- known bugs -------------------------------------------------------------------------------


def test_inputs_that_map_to_the_same_output_are_not_silently_overwritten(run_cli, tmp_path):
    first = write(tmp_path / "x" / "a.txt", P1)
    second = write(tmp_path / "y" / "a.txt", P2)
    out = tmp_path / "out"
    result = run_cli("clean", first, second, "-o", out, "--language-detector", "none")
    outputs = "".join(p.read_text(encoding="utf-8") for p in out.rglob("*.txt"))
    # Either both cleaned texts survive somewhere under OUT, or the run fails naming the clash.
    assert (P1 in outputs and P2 in outputs) or (result.exit_code != 0 and "a.txt" in result.stderr)


# --- the installed console script -------------------------------------------------------------


def run_exe(exe: str, *args: str | Path, cwd: Path, input: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([exe, *map(str, args)], cwd=cwd, input=input, capture_output=True, timeout=120)


def test_script_cleans_seeds_like_the_in_process_run(cleaner_exe, tmp_path, seeds_dir, seeds_out):
    out = tmp_path / "out"
    done = run_exe(cleaner_exe, "clean", seeds_dir, "-o", out, cwd=tmp_path)
    assert done.returncode == 0, done.stderr.decode()
    assert done.stdout == b""
    assert snapshot_bytes(out) == snapshot_bytes(seeds_out)


def snapshot_bytes(folder: Path) -> dict[str, bytes]:
    return {name: data for name, (data, _) in snapshot(folder).items()}


def test_script_stdin_to_stdout(cleaner_exe, tmp_path):
    done = run_exe(cleaner_exe, "clean", "-", "--language-detector", "none", cwd=tmp_path, input=PAGE.encode())
    assert done.returncode == 0, done.stderr.decode()
    assert done.stdout.decode("utf-8") == CLEAN_PAGE
    assert b"cleaned: 1 document(s) in, 1 out" in done.stderr


def test_script_bad_input_is_one_line_without_traceback(cleaner_exe, tmp_path):
    tree = tmp_path / "in"
    write(tree / "good.txt", PAGE)
    bad = write(tree / "image.txt", PNG)
    done = run_exe(cleaner_exe, "clean", tree, "-o", tmp_path / "out", "--no-progress", cwd=tmp_path)
    assert done.returncode == 1
    stderr = done.stderr.decode()
    assert f"cleaner: {bad}: binary file (NUL bytes), not text" in stderr.splitlines()
    assert "Traceback" not in stderr
    assert (tmp_path / "out" / "good.txt").read_text(encoding="utf-8") == CLEAN_PAGE


def test_script_in_place_then_check(cleaner_exe, tmp_path):
    page = write(tmp_path / "page.txt", PAGE)
    first = run_exe(cleaner_exe, "clean", "--in-place", "--no-progress", "page.txt", cwd=tmp_path)
    assert first.returncode == 1
    assert first.stdout.decode().splitlines() == ["Fixing page.txt"]
    assert page.read_text(encoding="utf-8") == CLEAN_PAGE
    assert run_exe(cleaner_exe, "clean", "--in-place", "page.txt", cwd=tmp_path).returncode == 0
    assert run_exe(cleaner_exe, "check", "page.txt", cwd=tmp_path).returncode == 0


def test_script_version_and_help(cleaner_exe, tmp_path):
    import cleaner

    version = run_exe(cleaner_exe, "--version", cwd=tmp_path)
    assert version.returncode == 0 and version.stdout.decode().strip() == f"cleaner, version {cleaner.__version__} ({speedups.PATH})"
    helped = run_exe(cleaner_exe, "--help", cwd=tmp_path)
    assert helped.returncode == 0 and b"clean" in helped.stdout and b"check" in helped.stdout


def test_a_file_named_twice_is_cleaned_once_and_not_against_itself(tmp_path):
    from click.testing import CliRunner

    from cleaner.cli import main

    page = tmp_path / "dup.txt"
    page.write_text("\n\n".join([P1, P2, P3]) + "\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["clean", "--in-place", "--language-detector", "none", str(page), str(page)])
    assert result.exit_code in (0, 1)
    assert all(p in page.read_text(encoding="utf-8") for p in (P1, P2, P3))


def test_explain_refuses_a_folder_in_one_line(tmp_path):
    from click.testing import CliRunner

    from cleaner.cli import main

    result = CliRunner().invoke(main, ["explain", str(tmp_path)])
    assert result.exit_code == 2 and "is a folder" in result.output and "Traceback" not in result.output  # a usage error
