"""dedup for many documents at once: signed together, saved together, and deciding what one at a time decides."""

from __future__ import annotations

from dedup_texts import corpus, decisions, doc

from cleaner.dedup_store import SqliteStore
from cleaner.stages.dedup import Dedup


def test_documents_signed_a_batch_at_a_time_lose_what_they_lose_one_at_a_time():
    files = corpus(120, seed=11)
    expected = decisions(Dedup(), files)
    stage = Dedup()
    got = []
    for start in range(0, len(files), 29):
        docs = [doc(name, text) for name, text in files[start : start + 29]]
        for d in docs:
            stage.prepare(d)  # as a worker does: where the lines are, no signatures yet
        stage.prepare_batch(docs)
        stage.prefetch(docs)
        for d in docs:
            stage.process(d)
            got.extend((d.id, b.line, b.dropped.rule, b.dropped.detail) for b in d.blocks if b.dropped is not None)
    assert got == expected


def test_deferred_saves_reach_the_store_at_a_flush_and_reload_to_the_same_answers(tmp_path):
    files = corpus(60, seed=12)
    stage = Dedup(store=SqliteStore(tmp_path / "deferred.sqlite"))
    stage.defer_saves = True
    decisions(stage, files[:40])
    assert list(SqliteStore(tmp_path / "deferred.sqlite").load(stage.params())) == []  # nothing saved before the flush
    stage.flush()
    saved = [record.name for record in SqliteStore(tmp_path / "deferred.sqlite").load(stage.params())]
    assert saved == [name for name, _ in files[:40]]
    stage.close()
    one_run = decisions(Dedup(), files)
    reloaded = Dedup(store=SqliteStore(tmp_path / "deferred.sqlite"))
    assert decisions(reloaded, files[40:]) == [d for d in one_run if d[0] in {name for name, _ in files[40:]}]
