"""Many workers give the same output as one: order, dedup and templates decided by input order alone."""

from __future__ import annotations

import random
from pathlib import Path

from conftest import SEEDS_DIR
from texts import P1, P2, P3

from cleaner import Cleaner, Config
from cleaner.document import Document
from cleaner.engines import clean_files
from cleaner.io import find_inputs


def corpus(folder: Path, documents: int = 40) -> Path:
    """Made-up pages sharing a menu and a footer, with paragraphs planted again in later pages."""
    rng = random.Random(7)
    words = "river council budget school road winter harvest bridge market library station museum".split()
    planted = [P1, P2, P3]
    for number in range(documents):
        own = [" ".join(rng.choice(words) for _ in range(14)).capitalize() + "." for _ in range(3)]
        body = own + [rng.choice(planted)] if number % 3 == 0 else own
        page = ["Home", "News", "Sport", f"Story number {number} of the day", *body, "Donate now", "Imprint"]
        (folder / f"page{number:03}.txt").write_text("\n".join(page) + "\n", encoding="utf-8")
    return folder


def outputs(folder: Path, jobs: int) -> list[tuple[str, str | None, str | None]]:
    cleaner = Cleaner(Config(language_detector="none"))
    found = clean_files(cleaner, find_inputs([str(folder)]), jobs=jobs, pool_min_bytes=0)
    return [(o.input.name, o.doc.cleaned_text() if o.doc else None, o.error) for o in found]


def test_two_workers_write_what_one_writes_on_the_seeds() -> None:
    assert outputs(SEEDS_DIR, 2) == outputs(SEEDS_DIR, 1)


def test_two_workers_keep_the_same_first_copies_of_planted_duplicates(tmp_path: Path) -> None:
    folder = corpus(tmp_path)
    one, two = outputs(folder, 1), outputs(folder, 2)
    assert two == one
    texts = [text for _, text, _ in one]
    assert sum(P1 in text for text in texts) == 1  # the first copy only
    assert not any("Imprint" in text for text in texts)  # a template learned across the corpus


def test_a_bad_file_in_a_worker_is_an_outcome_not_a_crash(tmp_path: Path) -> None:
    folder = corpus(tmp_path, documents=6)
    (folder / "page002.txt").write_bytes(b"ok \x00\x01 binary, not text")
    found = outputs(folder, 2)
    assert [name for name, _, error in found if error] == ["page002.txt"]
    assert len(found) == 6


def test_record_files_come_out_the_same_from_a_pool(tmp_path: Path) -> None:
    import json

    from cleaner.engines.pool import RecordPool
    from cleaner.engines.records import RecordCleaner
    from cleaner.io import InputFile

    (tmp_path / "pages").mkdir()
    folder = corpus(tmp_path / "pages")
    lines = [json.dumps({"id": p.stem, "text": p.read_text()}) for p in sorted(folder.iterdir())]
    source = tmp_path / "c.jsonl"
    source.write_text("\n".join(lines[:20] + ["{bad"] + lines[20:]) + "\n")
    cleaner = Cleaner(Config(language_detector="none"))
    item = InputFile(source, Path("c.jsonl"))
    serial = RecordCleaner(cleaner.pipeline(), "text", "id", 1 << 30).clean_file(item, tmp_path / "one")
    with RecordPool(cleaner, 2, None) as runner:
        pooled = RecordCleaner(runner, "text", "id", 1 << 30).clean_file(item, tmp_path / "two")
    assert (tmp_path / "two" / "c.jsonl").read_bytes() == (tmp_path / "one" / "c.jsonl").read_bytes()
    assert (tmp_path / "two" / "c.rejects.jsonl").read_bytes() == (tmp_path / "one" / "c.rejects.jsonl").read_bytes()
    assert pooled.rejected == serial.rejected >= 1


def test_the_cli_writes_the_same_bytes_with_one_job_and_two(runner, tmp_path: Path) -> None:
    import gzip
    import json

    from cleaner.cli import main

    folder = corpus(tmp_path / "in") if (tmp_path / "in").mkdir() is None else None
    records = [json.dumps({"id": n, "text": f"{P1 if n % 2 else P2}\nDonate now\n{P3}"}) for n in range(30)]
    (folder / "shard.jsonl.gz").write_bytes(gzip.compress(("\n".join(records) + "\n").encode()))
    written = []
    for jobs in (1, 2):
        out = tmp_path / f"out{jobs}"
        result = runner.invoke(main, ["clean", str(folder), "-o", str(out), "--jobs", str(jobs), "--language-detector", "none"])
        assert result.exit_code == 0, result.output
        # .cleaner/ is the run's work folder (manifest, dedup index), not output.
        files = [p for p in sorted(out.rglob("*")) if p.is_file() and ".cleaner" not in p.parts]
        written.append({p.relative_to(out).as_posix(): p.read_bytes() for p in files})
    assert written[0] == written[1]
    assert "shard.jsonl.gz" in written[0] and "shard.rejects.jsonl.gz" in written[0]


def test_workers_prepare_dedup_signatures_that_the_parent_consumes() -> None:
    from cleaner.document import Document
    from cleaner.engines.units import per_document_config

    cleaner = Cleaner(Config(language_detector="none"))
    worker = Cleaner(per_document_config(cleaner.config)).pipeline()
    parent = cleaner.pipeline()
    first, second = (worker.run_document(Document(f"{P1}\n{P2}", name)) for name in ("a", "b"))
    assert "dedup" in first.prepared and "dedup" in second.prepared
    parent.run_corpus(first)
    parent.run_corpus(second)
    assert first.prepared == {} and second.prepared == {}
    assert second.cleaned_text() == "" and first.cleaned_text() == f"{P1}\n{P2}\n"


def test_templates_learned_on_workers_equal_those_learned_here() -> None:
    from cleaner.engines.pool import learn_templates_in_pool
    from cleaner.stages.templates import TemplateTable

    texts = [f"Home\nNews\n{P1}\nImprint {n % 3}" for n in range(200)]
    pooled = learn_templates_in_pool(iter(texts), 2)
    here = TemplateTable.learn(texts)
    assert (pooled.documents, pooled.document_counts) == (here.documents, here.document_counts)


def test_a_task_given_to_the_templates_pass_runs_meanwhile_and_its_error_stays_its_own() -> None:
    import threading

    from cleaner.engines.pool import learn_templates_in_pool

    texts = [f"Home\nNews\n{P1}" for _ in range(20)]
    ran_on: list[str] = []
    table = learn_templates_in_pool(iter(texts), 2, while_waiting=lambda: ran_on.append(threading.current_thread().name))
    assert ran_on == ["cleaner-meanwhile"] and table.documents == 20

    def broken() -> None:
        raise OSError("model file unreadable")

    assert learn_templates_in_pool(iter(texts), 2, while_waiting=broken).documents == 20


def test_the_collector_leaves_the_parents_objects_alone_only_while_the_workers_live() -> None:
    import gc

    from cleaner.engines.pool import RecordPool

    cleaner = Cleaner(Config(language_detector="none"))
    before = gc.get_freeze_count()
    with RecordPool(cleaner, 2, None) as runner:
        assert gc.get_freeze_count() > before
        docs = list(runner([Document(f"{P1}\n{P2}", "a"), None, Document(P1, "b")]))
    assert gc.get_freeze_count() == before
    assert docs[1] is None and docs[2].cleaned_text() == ""


def test_workers_pipeline_shares_the_parents_rules_and_model() -> None:
    from cleaner.engines.units import per_document_config

    cleaner = Cleaner(Config())
    worker = cleaner.with_config(per_document_config(cleaner.config))
    assert worker.config.dedup_index == "memory"
    assert worker.rules is cleaner.rules and worker.detector is cleaner.detector
    assert cleaner.with_config(Config(language_detector="none")).detector is None


def test_batches_windows_and_shards_of_any_size_give_the_same_records(tmp_path: Path, monkeypatch) -> None:
    import json

    from cleaner.engines import pool, units
    from cleaner.engines.records import clean_records
    from cleaner.io import find_inputs

    rng = random.Random(3)
    words = "river council budget school road winter harvest bridge market library station museum".split()
    texts = []
    for number in range(90):  # pages sharing a menu, with planted paragraphs again and again
        own = [" ".join(rng.choice(words) for _ in range(14)).capitalize() + "." for _ in range(2)]
        texts.append("\n".join(["Home", "News", *own, rng.choice([P1, P2, P3]), f"Page {number}", "Imprint"]))
    records = [json.dumps({"id": n, "text": text}) for n, text in enumerate(texts)]

    def cleaned(name: str, parts: int, jobs: int) -> list[str]:
        folder = tmp_path / name / "in"
        folder.mkdir(parents=True)
        size = -(-len(records) // parts)
        for part in range(parts):
            (folder / f"part{part}.jsonl").write_text("\n".join(records[part * size : (part + 1) * size]) + "\n")
        cleaner = Cleaner(Config(language_detector="none"))
        out = tmp_path / name / "out"
        list(clean_records(cleaner, list(find_inputs([str(folder)])), out, jobs=jobs, max_bytes=1 << 30))
        lines = [line for path in sorted(out.glob("part*.jsonl")) if "rejects" not in path.name for line in path.read_text().splitlines()]
        return [json.loads(line)["text"] for line in lines]

    expected = cleaned("one", parts=1, jobs=1)
    assert sum(P1 in text for text in expected) == 1  # the planted paragraph's first copy only
    monkeypatch.setattr(pool, "RECORD_BATCH", 5)
    monkeypatch.setattr(units, "CORPUS_WINDOW", 3)
    assert cleaned("small", parts=1, jobs=2) == expected
    assert cleaned("split", parts=4, jobs=2) == expected


def test_a_ctrl_c_while_workers_are_forked_is_held_and_raised_after():
    import os
    import signal

    import pytest

    from cleaner.engines.pool import interrupts_held

    # As in a process started from a terminal (one started in the background by a shell inherits SIGINT ignored).
    inherited = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        reached_the_end_of_the_block = False
        with pytest.raises(KeyboardInterrupt):
            with interrupts_held():
                os.kill(os.getpid(), signal.SIGINT)
                reached_the_end_of_the_block = True
        assert reached_the_end_of_the_block
        assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    finally:
        signal.signal(signal.SIGINT, inherited)
