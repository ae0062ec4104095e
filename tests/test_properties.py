"""Properties over arbitrary text, plus idempotence and determinism of whole runs on the seeds."""

from __future__ import annotations

import functools
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cleaner import Cleaner, Config
from cleaner.cli import main as cli_main
from cleaner.stages.normalize import normalize_text


@functools.cache
def fast() -> Cleaner:
    """Built on first use, so a broken pattern file fails these tests, not the collection of the suite."""
    return Cleaner(Config(language_detector="none"))

# Deterministic examples: the suite must pass or fail the same way on every run.
PROPERTY = settings(max_examples=200, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])

# Pieces of boilerplate and prose, so that generated pages exercise rules, regions and headings.
PIECES = [
    "Skip to content", "Read more", "News Feed", "Show More", "Subscribe", "Dear readers,", "2 min read",
    "Sign up for our free weekly newsletter", "Support The Daily Planet!", "By Anna Smith", "Video", "8:30",
    "Council Approves Budget After Long Debate", "Minister Resigns Over Housing Plan",
    "We need your help to keep our reporting free for you.",
    "The city council approved the new budget on Monday after a long debate.",
    "The mayor said the money would pay for road repairs and two new schools.",
    "The housing minister resigned on Friday after weeks of criticism over…",
    "Der Stadtrat hat am Montag den neuen Haushalt beschlossen.", "", "  ", "\t",
]
lines = st.one_of(st.sampled_from(PIECES), st.text(max_size=80).map(lambda s: s.replace("\n", " ")))
pages = st.lists(lines, max_size=30).map("\n".join)
texts = st.one_of(st.text(max_size=400), pages)


def is_subsequence(needles: list[str], haystack: list[str]) -> bool:
    rest = iter(haystack)
    return all(any(n == h for h in rest) for n in needles)


@PROPERTY
@given(texts)
def test_clean_never_raises_and_keeps_input_lines_in_order(text):
    result = fast().clean(text)
    assert isinstance(result.text, str)
    kept = [line for line in result.text.split("\n") if line]
    assert is_subsequence(kept, normalize_text(text).split("\n"))
    assert result.text == "" or result.text.endswith("\n")
    # What was removed plus what was kept is every non-empty line of the normalised input.
    assert len(kept) + len(result.removed) == sum(1 for line in normalize_text(text).split("\n") if line.strip())


@PROPERTY
@given(texts)
def test_clean_is_idempotent(text):
    once = fast().clean(text).text
    assert fast().clean(once).text == once


@PROPERTY
@given(st.lists(st.sampled_from(PIECES[:-3]), min_size=1, max_size=8).map("\n".join))
def test_every_line_a_rule_matches_is_dropped(text):
    # The patterns stage's prefilter must never hide a line that a rule matches.
    result = fast().clean(text)
    kept = set(result.text.split("\n"))
    for line in text.split("\n"):
        if line.strip() and fast().rules.first_match(line.strip()) is not None:
            assert line.strip() not in kept


# --- whole runs on the seeds ------------------------------------------------------------------


def run_clean(runner, source, out, workdir, monkeypatch):
    monkeypatch.chdir(workdir)
    result = runner.invoke(cli_main, ["clean", str(source), "-o", str(out), "--no-progress"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    # .cleaner/ is the run's work folder (manifest, dedup index), not output.
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file() and ".cleaner" not in p.parts}


def test_cleaning_the_cleaned_seeds_changes_nothing(runner, seeds_out, tmp_path, monkeypatch):
    cleaned = {p.name: p.read_bytes() for p in seeds_out.glob("*.txt")}
    source = tmp_path / "cleaned"
    source.mkdir()
    for name, data in cleaned.items():
        (source / name).write_bytes(data)
    again = run_clean(runner, source, tmp_path / "again", tmp_path, monkeypatch)
    assert {k: v for k, v in again.items() if k != "report.json"} == cleaned
    report = json.loads(again["report.json"])
    assert report["totals"]["blocks_dropped"] == 0


def test_two_runs_give_byte_identical_outputs_and_reports(runner, seeds_dir, seeds_out, tmp_path, monkeypatch):
    first = {p.relative_to(seeds_out).as_posix(): p.read_bytes() for p in seeds_out.rglob("*") if p.is_file() and ".cleaner" not in p.parts}
    second = run_clean(runner, seeds_dir, tmp_path / "second", tmp_path, monkeypatch)
    assert second == first
    assert "report.json" in second


def test_report_holds_nothing_time_or_machine_dependent(seeds_out, seeds_dir):
    text = (seeds_out / "report.json").read_text(encoding="utf-8")
    report = json.loads(text)
    assert set(report) == {"cleaner", "totals", "files", "errors", "dedup"}
    for key in ("seconds", "time", "started", "elapsed", "rate", "host"):
        assert f'"{key}"' not in text
    assert str(seeds_out) not in text and str(seeds_dir) not in text
