"""The command line: `cleaner clean`, `explain`, `check` and `patterns test`."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from functools import partial
from pathlib import Path

import click

from . import __version__
from .audit import DEFAULT_SAMPLE, Audit, render
from .cli_inspect import CheckSummary, Inspected, check_lines, inspected
from .cli_run import RunCleaner, fail, guarded, output_folder, run, run_index, spill_dir
from .config import Config, ConfigError
from .engines.heap import return_large_frees
from .formats import DEFAULT_MAX_BYTES
from .io import find_inputs, write_atomic
from .pipeline import Stats
from .rule_files import load_rules
from .rules import RuleError
from .seed_index import committed_files
from .speedups import PATH as CORE

CONTEXT = {"help_option_names": ["-h", "--help"], "show_default": True}
CATEGORY_COLOURS = {"duplicate": "magenta", "donation": "yellow", "newsletter": "cyan", "byline": "blue"}


def index_overrides(index: str | None) -> dict:
    """Config fields for a --dedup-index value: 'memory', a redis:// URL or the path of an SQLite file.

    >>> index_overrides("redis://db:6379/1")["dedup_index"], index_overrides("idx.sqlite")["dedup_index_path"]
    ('redis', PosixPath('idx.sqlite'))
    """
    if index is None:
        return {}
    if index == "memory":
        return {"dedup_index": "memory"}
    if index.startswith(REDIS_SCHEMES):
        return {"dedup_index": "redis", "dedup_redis_url": index}
    if re.match(r"[A-Za-z][A-Za-z0-9+.-]+://", index):  # a URL of another kind must not become a local path
        raise click.BadParameter(f"{index!r}: an index is an SQLite file, a redis:// URL or 'memory'; "
                                 f"{index.split(':', 1)[0]}:// is not known", param_hint="'--dedup-index'")
    return {"dedup_index": "sqlite", "dedup_index_path": Path(index)}


REDIS_SCHEMES = ("redis://", "rediss://", "unix://")  # what redis-py's from_url takes


def make_cleaner(config_path: Path | None, patterns: Path | None, detector: str | None, index: str | None = None,
                 **overrides: object) -> RunCleaner:
    """The run's cleaner from [tool.cleaner] and the flags; a bad setting or rule stops with exit code 2 (a usage error)."""
    try:
        config = Config.from_pyproject(config_path or Path("pyproject.toml"))
        config = config.with_overrides(patterns_dir=patterns, language_detector=detector, **index_overrides(index), **overrides)
        return RunCleaner(config)
    except (ConfigError, RuleError) as exc:
        fail(str(exc), 2)
        raise AssertionError("unreachable") from None


def seed_index(index: str | None, paths: tuple[str, ...], make: Callable[[], RunCleaner]) -> None:
    """--index-committed: when the --dedup-index file does not exist yet (a fresh clone of a corpus repository),
    index the files committed under the top folders of PATHS first, not reporting them (see `seed_index`)."""
    if index is None or index == "memory" or index.startswith("redis://") or Path(index).exists():
        return
    files = committed_files(list(paths))
    if not files:
        return
    cleaner = make()
    for _ in guarded(inspected(cleaner, list(find_inputs(files, keep_paths=True)), DEFAULT_MAX_BYTES)):
        pass  # committed already: indexed as first copies, not judged
    stage = cleaner.dedup()
    if stage is not None:
        stage.close()
    click.echo(f"cleaner: indexed {len(files)} committed file(s) into {index}", err=True)


INDEX_COMMITTED = click.option(
    "--index-committed", is_flag=True,
    help="When the --dedup-index file does not exist yet, first index the files git has committed under the "
         "top folders of PATHS (a fresh clone's first pre-commit run), so a copy of one is found.")


def common_options(function):  # noqa: ANN001, ANN201 - a click decorator stack
    function = click.option("--config", "config_path", type=click.Path(dir_okay=False, exists=True, path_type=Path),
                            help="A pyproject.toml whose [tool.cleaner] sets options.  [default: ./pyproject.toml]")(function)
    function = click.option("--patterns", type=click.Path(file_okay=False, exists=True, path_type=Path),
                            help="A folder of *.toml rules to use instead of the shipped ones.")(function)
    function = click.option("--language-detector", type=click.Choice(["py3langid", "langdetect", "none"]),
                            help="How to name each document's language.  [default: py3langid]")(function)
    function = click.option("--id-field", metavar="NAME",
                            help="The field naming a record in record files.  [default: id]")(function)
    function = click.option("--text-field", metavar="NAME",
                            help="The field holding a record's text in record files (.jsonl, .parquet).  [default: text]")(function)
    function = click.option("--dedup-index", "index", metavar="PATH|URL|memory",
                            help="Keep the duplicate index between runs: an SQLite file, a redis:// URL, or 'memory' "
                                 "(this run only).  [default: dedup_index in [tool.cleaner], else memory]")(function)
    return function


def run_options(function):  # noqa: ANN001, ANN201 - a click decorator stack
    """How a run goes, the same for `clean` and `dedup`: progress, workers, resuming and the engine."""
    function = click.option("--ray-address", metavar="ADDRESS",
                            help="The Ray cluster to use (ray://HOST:10001, or 'auto').  [default: a local Ray]")(function)
    function = click.option("--engine", type=click.Choice(["local", "ray"]), default="local",
                            help="Where the stages run: processes on this machine, or a Ray cluster "
                                 "(pip install 'cleaner-corpus[ray]').")(function)
    function = click.option("--resume", is_flag=True,
                            help="Finish an interrupted run into the same OUTPUT: skip the inputs it finished.")(function)
    function = click.option("-j", "--jobs", type=click.IntRange(min=1), help="Worker processes.  [default: all cores]")(function)
    function = click.option("--progress/--no-progress", default=None,
                            help="Progress bar on stderr.  [default: when stderr is a terminal]")(function)
    return function


class Interruptible(click.Group):
    """A group whose commands stop on Ctrl-C with one line and exit code 130 (128 + SIGINT), as shells expect."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            click.echo("\ncleaner: interrupted", err=True)
            sys.exit(130)


@click.group(cls=Interruptible, context_settings=CONTEXT)
# The version names the core in use (`cleaner.speedups`): compiled, or the pure-Python fallback.
@click.version_option(__version__, prog_name="cleaner", message=f"%(prog)s, version %(version)s ({CORE})")
def main() -> None:
    """Strip boilerplate (donation banners, newsletter forms, bylines, related teasers,
    page chrome) and repeated paragraphs from web text."""
    return_large_frees()  # a long run's memory stays at what it holds (see engines.heap)


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(allow_dash=True))
@click.option("-o", "--output", type=click.Path(allow_dash=True), show_default="out, or stdout when a PATH is '-'",
              help="Folder for cleaned files and report.json; '-' writes the text to stdout.")
@click.option("--in-place", is_flag=True, help="Rewrite the input files instead (exit 1 if any changed).")
@run_options
@click.option("--max-bytes", type=click.IntRange(min=1), default=DEFAULT_MAX_BYTES, metavar="N",
              help="Stop reading a compressed record file past N bytes decompressed (a gzip bomb).")
@click.option("--report-html", is_flag=True, help="Also write OUTPUT/report.html: what was removed and why, for a browser.")
@click.option("--report-sample", type=click.IntRange(min=0), default=DEFAULT_SAMPLE, metavar="N",
              help="Documents shown in report.html, worst-hit first.")
@INDEX_COMMITTED
@common_options
def clean(paths: tuple[str, ...], output: str | None, in_place: bool, progress: bool | None, jobs: int | None, resume: bool, engine: str,
          ray_address: str | None, max_bytes: int,
          report_html: bool, report_sample: int, config_path: Path | None, patterns: Path | None, language_detector: str | None,
          index: str | None, text_field: str | None, id_field: str | None, index_committed: bool) -> None:
    """Clean files and folders (recursively) into OUTPUT, mirroring their paths.

    Takes text (.txt), HTML pages (.html, written as .txt) and record files
    (.jsonl, .jsonl.gz, .jsonl.zst, .parquet: written in the same form, each
    record keeping its fields, with a NAME.rejects.jsonl for records that could
    not be read or had nothing left). Reads standard input when a PATH is '-':
    without -o its cleaned text goes to standard output, with -o OUT to
    OUT/stdin.txt. Inside folders only regular files are read (a FIFO is named
    and skipped); a pipe named as a PATH is read once. Writes
    OUTPUT/report.json with what was removed, per stage, category and rule, for
    the run and for each file; with --report-html also OUTPUT/report.html.
    """
    out_dir = output_folder(paths, output, in_place)
    index = run_index(index, out_dir, resume, config_path)
    if index_committed:
        seed_index(index, paths, partial(make_cleaner, config_path, patterns, language_detector, index, text_field=text_field,
                                         id_field=id_field))
    cleaner = make_cleaner(config_path, patterns, language_detector, index, dedup_spill_dir=spill_dir(out_dir, config_path),
                           text_field=text_field, id_field=id_field)
    run(cleaner, paths, output, in_place, progress, jobs, resume, engine, ray_address, Audit(report_sample) if report_html else None,
        max_bytes=max_bytes)


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(allow_dash=True))
@click.option("-o", "--output", type=click.Path(allow_dash=True), show_default="out, or stdout when a PATH is '-'",
              help="Folder for the de-duplicated files and report.json; '-' writes the text to stdout.")
@click.option("--in-place", is_flag=True, help="Rewrite the input files instead (exit 1 if any changed).")
@click.option("--threshold", type=click.FloatRange(0.0, 1.0, min_open=True),
              help="Jaccard similarity that makes a near duplicate.  [default: 0.8]")
@click.option("--exact-only", is_flag=True, help="Drop exact repeats only (no MinHash pass).")
@run_options
@common_options
def dedup(paths: tuple[str, ...], output: str | None, in_place: bool, threshold: float | None, exact_only: bool, progress: bool | None,
          jobs: int | None, resume: bool, engine: str, ray_address: str | None, config_path: Path | None, patterns: Path | None,
          language_detector: str | None, index: str | None, text_field: str | None, id_field: str | None) -> None:
    """Drop repeated and nearly repeated paragraphs only (no boilerplate stages), into OUTPUT.

    The first copy in input order stays. With --dedup-index the files are also checked
    against everything indexed by earlier runs, and indexed for later ones.
    """
    out_dir = output_folder(paths, output, in_place)
    index = run_index(index, out_dir, resume, config_path)
    cleaner = make_cleaner(config_path, patterns, language_detector, index, dedup_spill_dir=spill_dir(out_dir, config_path),
                           stages=("normalize", "segment", "dedup"),
                           dedup_threshold=threshold, dedup_near=False if exact_only else None, text_field=text_field, id_field=id_field)
    run(cleaner, paths, output, in_place, progress, jobs, resume, engine, ray_address)


@main.command()
@click.argument("file", type=click.Path(allow_dash=True))
@click.option("--color/--no-color", default=None, help="Colour the output.  [default: when stdout is a terminal]")
@click.option("--html", is_flag=True, help="Also write OUTPUT/report.html: the file's lines, removed ones struck through.")
@click.option("-o", "--output", default="out", type=click.Path(file_okay=False, path_type=Path), help="Folder for report.html.")
@common_options
def explain(file: str, color: bool | None, html: bool, output: Path, config_path: Path | None, patterns: Path | None,
            language_detector: str | None, index: str | None, text_field: str | None, id_field: str | None) -> None:
    """Show every line of FILE, kept or dropped, with the stage, rule and category that dropped it.

    A record file (.jsonl, .jsonl.gz, .jsonl.zst, .parquet) is shown record by record. A duplicate names
    the file and line of the earlier copy it repeats: within FILE, or, with a persisted --dedup-index,
    anywhere in the corpus indexed so far.
    """
    cleaner = make_cleaner(config_path, patterns, language_detector, index, text_field=text_field, id_field=id_field)
    if Path(file).is_dir():
        fail(f"{file}: is a folder; explain takes one file", 2)
    stats, audit = Stats(), Audit(DEFAULT_SAMPLE)
    failed = False
    # Named as `clean` and `dedup` name it (not by its path, as check does), so that with the --dedup-index of
    # such a run the file is compared with the others, not with its own earlier entry.
    for item in guarded(inspected(cleaner, list(find_inputs([file])), DEFAULT_MAX_BYTES)):
        if item.error:
            click.echo(f"cleaner: {item.error}", err=True)
            failed = True
            continue
        show_lines(item, color)
        stats.add_document(item.doc, len(item.doc.text.encode("utf-8")), len(item.doc.cleaned_text().encode("utf-8")))
        if html:
            audit.add(Path(item.where).name, item.doc)
    if html and stats.documents:
        write_atomic(output / "report.html", render(stats, audit, f"cleaner explain {Path(file).name}"))
        click.echo(f"wrote {output / 'report.html'}", err=True)
    if failed:
        sys.exit(1)


def show_lines(item: Inspected, color: bool | None) -> None:
    """`explain`'s listing of one document: a header, then each line KEEP or DROP with its reason."""
    doc = item.doc
    whole = f"; dropped whole: {doc.rejected.rule}: {doc.rejected.detail}" if doc.rejected is not None else ""
    click.echo(f"# {item.where}: language {doc.language}, {len(doc.dropped_blocks())} of {len(doc.blocks)} lines dropped{whole}",
               color=color)
    for block in doc.blocks:
        reason = block.dropped
        if reason is None:
            line = click.style(f"{block.line:5} KEEP ", fg="green") + block.text
        else:
            where = f" (first copy at {reason.detail})" if reason.detail and reason.category == "duplicate" else ""
            tag = click.style(f"{block.line:5} DROP ", fg="red")
            label = click.style(f"{reason.label}{where}", fg=CATEGORY_COLOURS.get(reason.category, "red"))
            line = f"{tag}{label}  " + click.style(block.text, dim=True)
        click.echo(line, color=color)


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@INDEX_COMMITTED
@common_options
def check(paths: tuple[str, ...], config_path: Path | None, patterns: Path | None, language_detector: str | None,
          index: str | None, text_field: str | None, id_field: str | None, index_committed: bool) -> None:
    """List what cleaning would remove from PATHS, one line each, and exit 1 if there is any. Never writes the files.

    Prints FILE:LINE: RULE [CATEGORY]  TEXT for each line (FILE:RECORD:LINE in record files), a line for
    each document that would be dropped whole, and a summary on stderr. With a persisted --dedup-index,
    PATHS are checked against the whole indexed corpus and indexed in turn (the pre-commit hooks' way
    of seeing every batch and every earlier commit).
    """
    if index_committed:
        seed_index(index, paths, partial(make_cleaner, config_path, patterns, language_detector, index, text_field=text_field,
                                         id_field=id_field))
    cleaner = make_cleaner(config_path, patterns, language_detector, index, text_field=text_field, id_field=id_field)
    summary = CheckSummary()
    skipped: list[str] = []
    inputs = list(find_inputs(list(paths), keep_paths=True, skipped=skipped))
    for message in skipped:
        click.echo(f"cleaner: {message}", err=True)
        summary.failed += 1
    for item in guarded(inspected(cleaner, inputs, DEFAULT_MAX_BYTES)):
        if item.error:
            click.echo(f"cleaner: {item.error}", err=True)
            summary.failed += 1
            continue
        for line in check_lines(item):
            click.echo(line)
        summary.add(item.doc, item.doc.dropped_blocks())
    stage = cleaner.dedup()
    if stage is not None:
        stage.close()
    click.echo(summary.line(), err=True)
    if not summary.clean:
        sys.exit(1)


@main.group()
def patterns() -> None:
    """Work with the boilerplate rules."""


@patterns.command("test")
@click.option("--patterns", "directory", type=click.Path(file_okay=False, exists=True, path_type=Path),
              help="A folder of *.toml rules.  [default: the shipped rules]")
def patterns_test(directory: Path | None) -> None:
    """Check every rule against its examples that must and must not match."""
    try:
        rules = load_rules(directory)
    except RuleError as exc:
        fail(str(exc))
    bad = 0
    for rule in rules.rules:
        for problem in rule.failing_examples():
            click.echo(f"{rule.source}: rule {rule.id!r}: {problem}")
            bad += 1
    click.echo(f"{len(rules.rules)} rules in {len(rules.categories())} categories, {bad} failing example(s)", err=True)
    if bad:
        sys.exit(1)
