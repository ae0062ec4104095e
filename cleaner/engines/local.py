"""The local engine: runs the pipeline over input files in order, in this process.

It yields one outcome per file and never raises for a bad file: a file that
cannot be read, decoded or cleaned becomes an outcome with an error, and the
run goes on with the rest.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from tqdm import tqdm

from ..api import Cleaner
from ..dedup_store import StoreError
from ..document import Document
from ..html import MarkupLimit, page_text
from ..io import STDIN, InputError, InputFile, decode_html, is_regular, read_bytes, read_text_and_codec
from ..pipeline import Pipeline
from ..rules import RuleTimeout
from ..stages.templates import TemplateTable
from .heap import giving_back_free_pages


@dataclass(slots=True)
class FileOutcome:
    """A file after the pipeline: its document, or the one-line error that stopped it."""

    input: InputFile
    doc: Document | None
    error: str | None
    bytes_in: int = 0


def learn_templates(cleaner: Cleaner, files: list[InputFile]) -> TemplateTable | None:
    """First pass: count recurring lines over the readable files (standard input can be read only once)."""
    if "templates" not in cleaner.config.stages or any(str(f.path) == STDIN for f in files):
        return None
    texts = (text for text in (text_for_templates(f) for f in files) if text is not None)
    return cleaner.learn_templates(texts)


def text_for_templates(item: InputFile) -> str | None:
    """A file's text as the templates pass counts it; None for a file it cannot read, or can read only once (a pipe:
    its one reading is the cleaning pass's)."""
    if not is_regular(item.path):
        return None
    try:
        document = read_document(item)
        # A page's lines as the text stages will see them: templates are lines that recur across documents.
        return page_text(document.text) if document.format == "html" else document.text
    except (InputError, MarkupLimit):
        return None  # reported by the second pass
    except Exception:  # noqa: BLE001 - a page the parser chokes on is reported by the second pass
        return None


def read_document(item: InputFile) -> Document:
    """The file as a document: text decoded as text, a page decoded with its charset and left for the html stage.

    A text file read in another codec than UTF-8 names it in the metadata's `encoding` (for report.json).
    """
    if item.is_html:
        return Document(decode_html(read_bytes(item.path), str(item.path)), item.name, format="html")
    text, codec = read_text_and_codec(item.path)
    return Document(text, item.name, metadata={} if codec == "utf-8" else {"encoding": codec})


def clean_file(pipeline: Pipeline, item: InputFile) -> FileOutcome:
    """Read one file and run the per-document stages on it; any failure becomes the outcome's error."""
    try:
        doc = read_document(item)
    except InputError as exc:
        return FileOutcome(item, None, str(exc))
    size = len(doc.text.encode("utf-8"))  # before the html stage replaces a page by its lines
    try:
        doc = pipeline.run_document(doc)
    except RecursionError:
        return FileOutcome(item, None, f"{item.path}: too deeply nested to clean")
    except MarkupLimit as exc:
        return FileOutcome(item, None, f"{item.path}: page not parsed: {exc}")
    except RuleTimeout as exc:
        return FileOutcome(item, None, f"{item.path}: {exc}")
    except Exception as exc:  # noqa: BLE001 - one bad file must not stop the run
        return FileOutcome(item, None, f"{item.path}: internal error while cleaning: {type(exc).__name__}: {exc}")
    return FileOutcome(item, doc, None, size)


# Below this much input the workers' start-up (each compiles the rules, loads a language model) costs more
# than they save: measured on the 4 MB dev set, two workers took 8.9 s where one process took 6.5 s.
POOL_MIN_BYTES = 32 << 20


def clean_files(
    cleaner: Cleaner, inputs: Iterable[InputFile], *, progress: bool = False, jobs: int = 1, pool_min_bytes: int = POOL_MIN_BYTES,
    done: frozenset[str] = frozenset(), engine: str = "local", ray_address: str | None = None,
) -> Iterator[FileOutcome]:
    """Clean files in the given order, so corpus-wide dedup keeps the first copy.

    Two passes over the files: one to learn the lines that recur across them, one to clean.
    With `jobs` > 1 both passes run in a pool of processes (`engines.pool`); the output is the same.
    Files named in `done` (finished by an earlier, interrupted run) count in the first pass only.
    `engine="ray"` runs the same on a Ray cluster (`engines.ray`), with the same output.
    """
    files = list(inputs)
    if engine == "ray":
        from .ray import RayEngine

        with RayEngine(cleaner, address=ray_address, jobs=None if ray_address else jobs) as on_ray:
            yield from on_ray.clean_files(files, progress=progress, done=done)
        return
    if jobs > 1 and len(files) > 1 and not any(str(f.path) == STDIN for f in files) and _total_size(files) >= pool_min_bytes:
        from .pool import clean_files_in_pool

        yield from clean_files_in_pool(cleaner, files, progress=progress, jobs=jobs, done=done)
        return
    pipeline = cleaner.pipeline(learn_templates(cleaner, files))
    todo = [item for item in files if item.name not in done]
    with progress_bar(todo, progress) as bar:
        for item in giving_back_free_pages(todo):
            outcome = clean_file(pipeline, item)
            if outcome.doc is not None:
                try:
                    pipeline.run_corpus(outcome.doc)
                except StoreError:
                    raise  # the index is gone: every later file would fail the same way; the CLI stops in one line
                except Exception as exc:  # noqa: BLE001 - one bad file must not stop the run
                    outcome = FileOutcome(item, None, f"{item.path}: internal error in dedup: {type(exc).__name__}: {exc}")
            advance(bar, item)
            yield outcome


def progress_bar(files: list[InputFile], enabled: bool, desc: str = "cleaning") -> tqdm:
    """A bar on stderr counting input bytes (so it shows MB/s) and, beside it, documents."""
    return tqdm(total=_total_size(files), desc=desc, unit="B", unit_scale=True, unit_divisor=1000, file=sys.stderr,
                disable=not enabled or not files, dynamic_ncols=True, postfix={"documents": 0})


def advance(bar: tqdm, item: InputFile) -> None:
    """Count one finished file on the bar."""
    if bar.disable:
        return
    bar.update(_total_size([item]))
    bar.set_postfix(documents=int(bar.postfix.split("=")[1]) + 1 if bar.postfix else 1, refresh=False)


def _total_size(files: list[InputFile]) -> int:
    total = 0
    for item in files:
        try:
            total += item.path.stat().st_size
        except OSError:
            continue  # reported when the file is read
    return total
