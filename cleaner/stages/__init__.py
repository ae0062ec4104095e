"""Pipeline stages, one module each, in the order the data flows.

Every stage subclasses `DocumentStage` (needs only its own document) or
`CorpusStage` (holds state across documents: dedup); `stages.base` writes the
contract down. Stages do not know which engine runs them; the few that keep
state across documents get a fresh instance per run from `pipeline.build_stages`.
"""

from __future__ import annotations

from .base import CorpusStage, DocumentStage, Stage

__all__ = ["CorpusStage", "DocumentStage", "Stage"]
