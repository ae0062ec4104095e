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
from ..document import Document
from ..io import STDIN, InputError, InputFile, read_text
from ..stages.templates import TemplateTable


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
    texts = (text for text in (_read_or_none(f) for f in files) if text is not None)
    return cleaner.learn_templates(texts)


def _read_or_none(item: InputFile) -> str | None:
    try:
        return read_text(item.path)
    except InputError:
        return None  # reported by the second pass


def clean_files(cleaner: Cleaner, inputs: Iterable[InputFile], *, progress: bool = False) -> Iterator[FileOutcome]:
    """Clean files in the given order with one pipeline, so corpus-wide dedup keeps the first copy.

    Two passes over the files: one to learn the lines that recur across them, one to clean.
    """
    files = list(inputs)
    pipeline = cleaner.pipeline(learn_templates(cleaner, files))
    bar = tqdm(files, desc="cleaning", unit="file", file=sys.stderr, disable=not progress, dynamic_ncols=True)
    for item in bar:
        try:
            text = read_text(item.path)
        except InputError as exc:
            yield FileOutcome(item, None, str(exc))
            continue
        try:
            doc = pipeline.run(Document(text, item.name))
        except Exception as exc:  # noqa: BLE001 - one bad file must not stop the run
            yield FileOutcome(item, None, f"{item.path}: internal error while cleaning: {type(exc).__name__}: {exc}")
            continue
        yield FileOutcome(item, doc, None, len(text.encode("utf-8")))
