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
from ..io import InputError, InputFile, read_text


@dataclass(slots=True)
class FileOutcome:
    """A file after the pipeline: its document, or the one-line error that stopped it."""

    input: InputFile
    doc: Document | None
    error: str | None
    bytes_in: int = 0


def clean_files(cleaner: Cleaner, inputs: Iterable[InputFile], *, progress: bool = False) -> Iterator[FileOutcome]:
    """Clean files in the given order with one pipeline, so corpus-wide dedup keeps the first copy."""
    pipeline = cleaner.pipeline()
    files = list(inputs)
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
