"""Pipeline stages, one module each, in the order the data flows.

A stage is a small named object with `process(doc)`, which marks blocks of the
document dropped (with a `Reason`) and never deletes them. Stages do not know
which engine runs them; the few that keep state across documents (dedup) get a
fresh instance per run from `build_stages`.
"""

from __future__ import annotations

from typing import Protocol

from ..document import Document


class Stage(Protocol):
    name: str

    def process(self, doc: Document) -> None:
        """Mark blocks of `doc` dropped, or (normalize, segment) prepare it."""
