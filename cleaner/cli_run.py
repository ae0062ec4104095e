"""The body of a `cleaner clean` or `cleaner dedup` run: find the inputs, clean them on an engine, write
each output where it belongs, the manifest for --resume, the report and a summary line."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import click

from . import __version__
from .api import Cleaner
from .audit import Audit, render
from .config import Config, ConfigError
from .dedup_store import StoreError
from .document import Document
from .engines import clean_files
from .engines.ray import RayUnavailable
from .engines.records import clean_records, rejects_name
from .engines.units import FileOutcome, WorkerDied
from .formats import DEFAULT_MAX_BYTES
from .io import STDIN, InputFile, find_inputs, printable, write_atomic
from .manifest import WORK_DIR, Manifest
from .pipeline import Pipeline, Stats, build_stages
from .run_report import RunEntries, write_report
from .spill import remove_stale
from .stages.dedup import Dedup
from .stages.html import METADATA_FIELDS, with_html
from .stages.templates import TemplateTable


def fail(message: str, code: int = 1) -> None:
    """Stop with a one-line error and an exit code: 1 for a failure while running, 2 for a usage or config error."""
    click.echo(f"cleaner: {printable(message)}", err=True)
    sys.exit(code)


class RunCleaner(Cleaner):
    """A Cleaner whose pipelines in one run share one dedup stage.

    A run may build several pipelines (its record files', its plain files'); with one dedup stage
    they share one index, so a paragraph repeated between a JSONL file and a text file is found,
    and the report asks that stage for the clusters of the whole run.
    """

    shared: Dedup | None = None

    def pipeline(self, templates: TemplateTable | None = None) -> Pipeline:
        if self.shared is None or "dedup" not in self.config.stages:
            pipeline = super().pipeline(templates)
            self.shared = next((s for s in pipeline.stages if isinstance(s, Dedup)), None)
            return pipeline
        # Built without a dedup stage of its own (which would load the persisted index again), then given the run's.
        names = self.config.stages
        position = names.index("dedup")
        others = replace(self.config, stages=names[:position] + names[position + 1 :])
        stages = build_stages(others, self.rules_if_applied(), self.detector, templates)
        stages.insert(position, self.shared)
        return Pipeline(with_html(stages))

    def dedup(self) -> Dedup | None:
        return self.shared


def spill_dir(out_dir: Path | None, config_path: Path | None) -> Path | None:
    """Where the dedup index spills what outgrows memory: the output's work folder, on the disk the output goes to,
    unless [tool.cleaner] names a folder (None: the configured one, else the system's temporary folder)."""
    if out_dir is None:
        return None
    remove_stale(out_dir / WORK_DIR)
    try:
        if Config.from_pyproject(config_path or Path("pyproject.toml")).dedup_spill_dir is not None:
            return None
    except ConfigError:
        return None  # make_cleaner reports it
    return out_dir / WORK_DIR


def output_folder(paths: tuple[str, ...], output: str | None, in_place: bool) -> Path | None:
    """The folder a run writes into, or None when it writes to stdout or in place.

    `output` is None when -o was not given: standard input (`-`) then goes to standard output, anything
    else to `out`. A folder that cannot be one (a file, the input folder itself, under a file or an
    unwritable folder) is a usage error, before anything is read or written.
    """
    if in_place or output == STDIN or (output is None and STDIN in paths):
        return None
    folder = Path(output or DEFAULT_OUTPUT)
    problem = output_problem(folder, paths)
    if problem:
        raise click.BadParameter(printable(problem), param_hint="'-o' / '--output'")
    return folder


DEFAULT_OUTPUT = "out"


def output_problem(folder: Path, paths: tuple[str, ...]) -> str | None:
    """Why `folder` cannot take a run's outputs, or None.

    >>> output_problem(Path(__file__), ()).endswith("exists and is not a folder")
    True
    """
    if folder.exists() and not folder.is_dir():
        return f"{folder}: exists and is not a folder"
    try:
        here = folder.resolve()
    except (OSError, RuntimeError) as exc:  # a link that loops
        return f"{folder}: cannot be used: {getattr(exc, 'strerror', None) or 'a symbolic link that loops'}"
    for given in paths:
        if given != STDIN and Path(given).is_dir() and Path(given).resolve() == here:
            return (f"{folder}: the input folder itself: the outputs would replace the inputs; "
                    "rewrite them with --in-place, or name another folder")
    parent = folder.absolute()
    while not parent.exists():
        parent = parent.parent
    if not parent.is_dir():
        return f"{folder}: cannot be made: {parent} is not a folder"
    if not os.access(parent, os.W_OK | os.X_OK):
        return f"{folder}: cannot be made: {parent} is not writable"
    return None


def make_output(folder: Path | None) -> None:
    """Make the output folder, or stop in one line (what `output_problem` cannot foresee: /proc, a full disk)."""
    if folder is None:
        return
    try:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / WORK_DIR).mkdir(exist_ok=True)
    except OSError as exc:
        fail(f"{folder}: cannot make the output folder: {exc.strerror or exc}")


def run_index(index: str | None, out_dir: Path | None, resume: bool, config_path: Path | None) -> str | None:
    """The dedup index of a run: the one asked for, else an SQLite file under OUTPUT/.cleaner/.

    Persisting it by default is what lets `--resume` finish a killed run with the same output;
    a run that does not resume starts it afresh.
    """
    if index is not None or out_dir is None:
        return index
    try:
        if Config.from_pyproject(config_path or Path("pyproject.toml")).dedup_index != "memory":
            return None  # [tool.cleaner] names one
    except ConfigError:
        return None  # make_cleaner reports it
    path = out_dir / WORK_DIR / "index.sqlite"
    if not resume:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    return str(path)


def run(cleaner: RunCleaner, paths: tuple[str, ...], output: str | None, in_place: bool, progress: bool | None,
        jobs: int | None = None, resume: bool = False, engine: str = "local", ray_address: str | None = None,
        audit: Audit | None = None, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
    """The body of `clean` and `dedup`: clean the files, write them and the report, exit 1 on errors or changes.

    Ctrl-C stops it with one line and exit code 130: every output is whole or absent (written atomically),
    and `--resume` finishes the run.
    """
    out_dir = output_folder(paths, output, in_place)
    make_output(out_dir)
    try:
        _run(cleaner, paths, out_dir, in_place, progress, jobs, resume, engine, ray_address, audit, max_bytes)
    except KeyboardInterrupt:
        finish = "; finish with the same command and --resume" if out_dir is not None else ""
        click.echo(f"\ncleaner: interrupted; the outputs written so far are complete{finish}", err=True)
        sys.exit(130)


def _run(cleaner: RunCleaner, paths: tuple[str, ...], out_dir: Path | None, in_place: bool, progress: bool | None,
         jobs: int | None, resume: bool, engine: str, ray_address: str | None, audit: Audit | None, max_bytes: int) -> None:
    skipped: list[str] = []
    found = list(find_inputs(list(paths), exclude=out_dir, keep_paths=in_place, skipped=skipped))
    if out_dir is not None:
        found = without_earlier_rejects(found)
        collision = first_collision(found, out_dir)
        if collision:
            fail(collision)
    inputs = [item for item in found if not item.is_records]
    if progress is None:
        progress = sys.stderr.isatty()
    jobs = jobs or os.cpu_count() or 1
    started = time.perf_counter()
    totals, errors, changed = Stats(), [], []
    dropped_whole = 0  # files dropped whole (`stages.whole`): not written
    for message in skipped:
        click.echo(f"cleaner: {message}", err=True)
        errors.append({"file": message.split(": ", 1)[0], "error": message})
    manifest = Manifest(out_dir) if out_dir is not None else None
    done: dict[str, dict] = {}
    if manifest is not None:
        done = manifest.finished(found) if resume else {}
        if not resume:
            manifest.reset()
    # Entries in the order of one uninterrupted run (record files first), those finished earlier in their places.
    per_file = RunEntries(out_dir / WORK_DIR if out_dir is not None else None,
                          [item.name for item in found if item.is_records] + [item.name for item in inputs], done)
    for entry in done.values():
        totals.merge(Stats.from_dict(entry))
    records = [item for item in found if item.is_records and item.name not in done]
    if records:
        try:
            clean_record_files(cleaner, records, out_dir, jobs, totals, per_file, errors, manifest, engine, ray_address, max_bytes,
                               progress)
        except (StoreError, WorkerDied, RayUnavailable) as exc:
            fail(str(exc))
    outcomes = clean_files(cleaner, inputs, progress=progress, jobs=jobs, done=frozenset(done), engine=engine, ray_address=ray_address)
    for outcome in guarded(outcomes):
        stats = Stats()
        error = outcome.error or deliver(outcome, out_dir, in_place, changed)
        if error:
            error = printable(error)
            click.echo(f"cleaner: {error}", err=True)
            errors.append({"file": outcome.input.name, "error": error})
            stats.failed = 1
        else:
            stats.add_document(outcome.doc, outcome.bytes_in, len(outcome.doc.cleaned_text().encode("utf-8")))
            entry = {**stats.to_dict(), "language": outcome.doc.language, **page_fields(outcome.doc), **file_fields(outcome.doc)}
            dropped_whole += outcome.doc.rejected is not None
            per_file.add(outcome.input.name, entry)
            if audit is not None:
                audit.add(outcome.input.name, outcome.doc)
            if manifest is not None:
                manifest.add(outcome.input, entry)
        totals.merge(stats)
    per_file.finish()
    seconds = time.perf_counter() - started
    if out_dir is not None:
        tail: dict = {"errors": errors}
        stage = cleaner.dedup()
        if stage is not None:
            tail["dedup"] = stage.clusters()
        try:
            write_report(out_dir / "report.json", {"cleaner": __version__, "totals": totals.to_dict()}, per_file, tail)
            if audit is not None:
                write_atomic(out_dir / "report.html", render(totals, audit))
        except OSError as exc:  # a full disk: the outputs written so far stay whole
            fail(f"{out_dir / 'report.json'}: cannot write the report: {exc.strerror or exc}; "
                 f"the {totals.documents} output(s) written before it are complete")
    elif audit is not None:
        click.echo("cleaner: --report-html needs an output folder (-o OUT); no report.html written", err=True)
    stage = cleaner.dedup()
    if stage is not None:
        stage.close()
    per_file.close()
    rate = totals.bytes_in / 1e6 / seconds if seconds > 0 else 0.0
    rejected = per_file.rejected + dropped_whole
    why = ", ".join(f"{count} {name}" for name, count in sorted(totals.documents_dropped.items()))
    click.echo(f"cleaned: {totals.documents + totals.failed} document(s) in, {totals.documents - rejected} out, "
               f"{rejected} rejected{f' ({why})' if why else ''}, {totals.failed} failed; "
               f"{totals.blocks_dropped} of {totals.blocks_in} lines removed; {rate:.1f} MB/s", err=True)
    if errors or changed:
        sys.exit(1)


def without_earlier_rejects(found: list[InputFile]) -> list[InputFile]:
    """The inputs less the rejects files of record files beside them (`NAME.rejects.jsonl` beside `NAME.jsonl`), each
    named in a note: an earlier run's rejects, never cleaned again (no `NAME.rejects.rejects.jsonl`, and the
    rejects of `NAME.jsonl` never land on a cleaned copy of them)."""
    rejects = {(item.path.parent, rejects_name(item.relative).as_posix()): item for item in found if item.is_records}
    kept = []
    for item in found:
        owner = rejects.get((item.path.parent, item.relative.as_posix()))
        if owner is not None:
            click.echo(f"cleaner: note: {printable(str(item.path))} is where the rejects of {printable(str(owner.path))} go; "
                       "not cleaned", err=True)
        else:
            kept.append(item)
    return kept


def first_collision(found: list[InputFile], out_dir: Path) -> str | None:
    """The first output name that two inputs would write (a cleaned file, or a record file's rejects), as an error.

    >>> a, b = InputFile(Path("x/a.html"), Path("a.txt")), InputFile(Path("y/a.txt"), Path("a.txt"))
    >>> first_collision([a, b], Path("out"))
    'out/a.txt: both x/a.html and y/a.txt would be written there; nothing was written: rename one, or name their folders'
    """
    writers: dict[str, str] = {}
    for item in found:
        names = [(item.relative, "")] + ([(rejects_name(item.relative), " (its rejects)")] if item.is_records else [])
        for relative, role in names:
            first = writers.setdefault(relative.as_posix(), f"{item.path}{role}")
            if first != f"{item.path}{role}":
                return printable(f"{out_dir / relative}: both {first} and {item.path}{role} would be written there; "
                                 "nothing was written: rename one, or name their folders")
    return None


def clean_record_files(cleaner: RunCleaner, files: list[InputFile], out_dir: Path | None, jobs: int, totals: Stats,
                       per_file: RunEntries, errors: list[dict], manifest: Manifest | None = None, engine: str = "local",
                       ray_address: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES, progress: bool = False) -> None:
    """Clean JSONL and Parquet files record by record into OUT_DIR, rejects beside them; one dedup spans the record files."""
    if out_dir is None:
        for item in files:
            error = f"{item.path}: record files are cleaned into an output folder (-o OUT), not in place or to stdout"
            click.echo(f"cleaner: {error}", err=True)
            errors.append({"file": item.name, "error": error})
            totals.failed += 1
        return
    for outcome in clean_records(cleaner, files, out_dir, jobs=jobs, engine=engine, ray_address=ray_address, max_bytes=max_bytes,
                                 progress=progress):
        item = outcome.input
        for error in ([outcome.error] if outcome.error else []) + outcome.errors:
            error = printable(error)
            click.echo(f"cleaner: {error}", err=True)
            errors.append({"file": item.name, "error": error})
        if outcome.error:
            outcome.stats.failed += 1
        entry = {**outcome.stats.to_dict(), "rejected": outcome.rejected}
        per_file.add(item.name, entry, failed_whole=outcome.error is not None)
        totals.merge(outcome.stats)
        if manifest is not None and outcome.error is None:
            manifest.add(item, entry)


def file_fields(doc: Document) -> dict:
    """What report.json says of a file beyond its counts: the codec it was read in when not UTF-8, and why it
    was dropped whole."""
    fields: dict = {}
    if "encoding" in doc.metadata:
        fields["encoding"] = doc.metadata["encoding"]
    if doc.rejected is not None:
        fields["dropped"] = f"{doc.rejected.rule}: {doc.rejected.detail}"
    return fields


def page_fields(doc: Document) -> dict:
    """The head's metadata of a page read from HTML (title, date, author, url, lang), for report.json."""
    page = {key: doc.metadata[key] for key in METADATA_FIELDS if key in doc.metadata} if doc.line_hints else {}
    return {"page": page} if page else {}


def guarded(outcomes: Iterator[FileOutcome]) -> Iterator[FileOutcome]:
    """The outcomes, stopping with a one-line error when the dedup index cannot be opened."""
    try:
        yield from outcomes
    except (StoreError, WorkerDied, RayUnavailable) as exc:
        fail(str(exc))


def deliver(outcome: FileOutcome, out_dir: Path | None, in_place: bool, changed: list[str]) -> str | None:
    """Write one cleaned file where it belongs; returns an error message instead of raising.

    A document dropped whole is never written: to a folder it is left out (an output of an earlier run
    removed), in place the file stays as it was, is named on stderr and counts as a change to make.
    """
    text = outcome.doc.cleaned_text()
    source = outcome.input.path
    rejected = outcome.doc.rejected
    try:
        if rejected is not None:
            if in_place and str(source) != STDIN:
                click.echo(f"cleaner: {printable(str(source))}: left as it was: dropped whole ({rejected.rule}: "
                           f"{rejected.detail}); edit or remove it", err=True)
                changed.append(str(source))
            elif out_dir is not None:
                target = out_dir / outcome.input.relative
                if target.is_file() and (str(source) == STDIN or target.resolve() != source.resolve()):
                    target.unlink()  # an earlier run's output of this input would say it was kept
            return None
        if out_dir is None and not in_place:
            sys.stdout.write(text)
            sys.stdout.flush()
        elif in_place:
            if str(source) == STDIN:
                return "--in-place cannot rewrite standard input"
            if outcome.input.is_html:
                return f"{source}: --in-place would replace an HTML page by its text; use -o OUT"
            if source.read_bytes() != text.encode("utf-8"):
                write_atomic(source, text)
                click.echo(f"Fixing {printable(str(source))}")
                changed.append(str(source))
        else:
            target = out_dir / outcome.input.relative
            if str(source) != STDIN and target.resolve() == source.resolve():
                return f"{source}: output would overwrite the input; use --in-place to rewrite inputs"
            write_atomic(target, text)
    except OSError as exc:
        return f"{source}: cannot write output: {exc.strerror or exc}"
    return None
