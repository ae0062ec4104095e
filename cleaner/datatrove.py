"""A datatrove pipeline step that cleans documents with cleaner (the `datatrove` extra: `pip install -e '.[datatrove]'`).

    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter
    from cleaner.datatrove import CleanBoilerplate

    LocalPipelineExecutor([JsonlReader("corpus/"), CleanBoilerplate(), JsonlWriter("cleaned/")], tasks=4).run()

Each task's documents are one `Cleaner.clean_many` stream, in order: a paragraph
repeated within a task's shard is kept once, as `cleaner clean` keeps it once
across its inputs. A document left with no text (or that cannot be cleaned) is
dropped, counted under `dropped_nothing_left` or `dropped_failed`, and written to
the `exclusion_writer` if one is given, with its reason in `filter_reason`.
"""

from __future__ import annotations

import contextlib
from collections import deque

from datatrove.data import DocumentsPipeline
from datatrove.pipeline.base import PipelineStep
from datatrove.pipeline.writers.disk_base import DiskWriter
from datatrove.utils.typeshelper import StatHints

from .api import Cleaner
from .config import Config
from .stages.templates import TemplateTable


class CleanBoilerplate(PipelineStep):
    """Replace each document's text by its cleaned text; drop the documents with nothing left.

    `config` as for `Cleaner`; `format` "auto" (pages told by their first tags), "text" or "html";
    `templates` a table from `Cleaner.learn_templates` over the corpus, to drop the lines that recur
    across it as `cleaner clean` does (a streaming step sees each document once, so it cannot learn them).
    A kept document's metadata gains `cleaner`, as a record cleaned by `cleaner clean` does (`Result.summary`):
    its language, how many lines each category lost, and where the first copies of its dropped duplicates are.
    """

    name = "🧹 cleaner"
    type = "✂️ - FORMAT"

    def __init__(self, config: Config | None = None, *, format: str = "auto",  # noqa: A002 - Cleaner.clean's word
                 templates: TemplateTable | None = None, exclusion_writer: DiskWriter | None = None) -> None:
        super().__init__()
        self.cleaner = Cleaner(config)
        self.format = format
        self.templates = templates
        self.exclusion_writer = exclusion_writer

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        if data is None:
            return
        in_flight: deque = deque()

        def texts():  # noqa: ANN202 - a generator of the documents' texts
            for doc in data:
                in_flight.append(doc)
                yield doc.text

        with self.exclusion_writer if self.exclusion_writer else contextlib.nullcontext() as writer:
            for result in self.cleaner.clean_many(texts(), templates=self.templates, format=self.format):
                doc = in_flight.popleft()
                self.stat_update(StatHints.total)
                if result.rejected:
                    self.stat_update(StatHints.dropped, "dropped_nothing_left" if result.document is not None else "dropped_failed")
                    if writer is not None:
                        doc.metadata["filter_reason"] = result.rejected
                        writer.write(doc, rank)
                    continue
                doc.text = result.text
                doc.metadata["cleaner"] = result.summary
                for category, count in result.summary["removed"].items():
                    self.stat_update(f"removed_{category}", value=count)
                self.stat_update(StatHints.forwarded)
                self.update_doc_stats(doc)
                yield doc
