"""The local engine: this machine's processes. One process for small inputs, else a pool of workers (`engines.pool`).

It yields one outcome per file and never raises for a bad file: a file that
cannot be read, decoded or cleaned becomes an outcome with an error, and the
run goes on with the rest.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager, nullcontext
from functools import partial

from ..api import Cleaner
from ..html import keeping_pages
from ..io import STDIN, InputFile
from ..stages.templates import TemplateTable
from .base import Engine
from .heap import giving_back_free_pages
from .pool import RecordPool, clean_files_in_pool, learn_templates_in_pool, load_language_model
from .units import FileOutcome, Runner, advance, clean_file, finish, progress_bar, serial_runner, text_for_templates, total_size

# Below this much input the workers' start-up (each compiles the rules, loads a language model) costs more
# than they save: measured on the 4 MB dev set, two workers took 8.9 s where one process took 6.5 s.
POOL_MIN_BYTES = 32 << 20


def learn_templates(cleaner: Cleaner, files: list[InputFile]) -> TemplateTable | None:
    """First pass: count recurring lines over the readable files (standard input can be read only once)."""
    if "templates" not in cleaner.config.stages or any(str(f.path) == STDIN for f in files):
        return None
    texts = (text for text in (text_for_templates(f) for f in files) if text is not None)
    return cleaner.learn_templates(texts)


class LocalEngine(Engine):
    """The stages on this machine: in this process with `jobs` 1, else on `jobs` worker processes.

    Files go to the workers only when there are several and at least `pool_min_bytes` of them
    (and none is standard input, which only this process can read); the output is the same.
    """

    def __init__(self, cleaner: Cleaner, jobs: int = 1, pool_min_bytes: int = POOL_MIN_BYTES) -> None:
        self.cleaner, self.jobs, self.pool_min_bytes = cleaner, jobs, pool_min_bytes

    def _pool_for(self, files: list[InputFile]) -> bool:
        return (self.jobs > 1 and len(files) > 1 and not any(str(f.path) == STDIN for f in files)
                and total_size(files) >= self.pool_min_bytes)

    def clean_files(self, files: list[InputFile], *, progress: bool = False,
                    done: frozenset[str] = frozenset()) -> Iterator[FileOutcome]:
        if self._pool_for(files):
            yield from clean_files_in_pool(self.cleaner, files, progress=progress, jobs=self.jobs, done=done)
            return
        with keeping_pages():  # the pages read to learn the templates are cleaned without reading them again
            pipeline = self.cleaner.pipeline(learn_templates(self.cleaner, files))
            todo = [item for item in files if item.name not in done]
            with progress_bar(todo, progress) as bar:
                for item in giving_back_free_pages(todo):
                    outcome = finish(pipeline, clean_file(pipeline, item))
                    advance(bar, item)
                    yield outcome

    def learn_templates(self, texts: Iterable[str]) -> TemplateTable:
        if self.jobs > 1:
            return learn_templates_in_pool(texts, self.jobs, self.cleaner.config.dedup_spill_dir,
                                           partial(load_language_model, self.cleaner))
        return self.cleaner.learn_templates(texts)

    def documents(self, templates: TemplateTable | None) -> AbstractContextManager[Runner]:
        if self.jobs > 1:
            return RecordPool(self.cleaner, self.jobs, templates)
        return nullcontext(serial_runner(self.cleaner.pipeline(templates)))
