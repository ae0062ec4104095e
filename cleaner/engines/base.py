"""The engine interface: where the stages run, never what they do.

An engine runs the document stages wherever it likes (this process, a pool of
worker processes, a Ray cluster's actors) and the corpus stages in this
process, over the results in input order; so every engine writes the same
bytes. Stages never know which engine runs them. `engines.open_engine` chooses
one; `engines.local.LocalEngine` and `engines.ray.RayEngine` are the two.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager

from ..io import InputFile
from ..stages.templates import TemplateTable
from .units import FileOutcome, Runner


class Engine(ABC):
    """Runs one cleaner's pipeline over files or documents; use it as a context manager.

    What the engine holds (worker processes, a connection to a cluster) lives as long as the
    `with` block. Each method gives its results in input order, and the same results on every engine.
    """

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    @abstractmethod
    def clean_files(self, files: list[InputFile], *, progress: bool = False,
                    done: frozenset[str] = frozenset()) -> Iterator[FileOutcome]:
        """One outcome per file, in order: the lines that recur across the files learned first (when the
        templates stage runs), then each file cleaned. Files named in `done` count in the first pass only."""

    @abstractmethod
    def learn_templates(self, texts: Iterable[str]) -> TemplateTable:
        """The lines that recur across `texts` (`stages.templates`); the same table on every engine."""

    @abstractmethod
    def documents(self, templates: TemplateTable | None) -> AbstractContextManager[Runner]:
        """A `units.Runner` for the length of the block: documents in, cleaned (or Failed) out, in order."""
