"""The Ray engine writes exactly what the local engine writes (a local Ray with two CPUs)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import SEEDS_DIR
from texts import P1, P2, P3

from cleaner import Cleaner, Config
from cleaner.engines import clean_files
from cleaner.engines.records import RecordCleaner
from cleaner.io import InputFile, find_inputs

from .test_pool import corpus

ray = pytest.importorskip("ray")


@pytest.fixture(scope="module", autouse=True)
def local_ray():
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield
    ray.shutdown()


def outputs(folder: Path, engine: str) -> list[tuple[str, str | None, str | None]]:
    cleaner = Cleaner(Config(language_detector="none"))
    found = clean_files(cleaner, find_inputs([str(folder)]), engine=engine)
    return [(o.input.name, o.doc.cleaned_text() if o.doc else None, o.error) for o in found]


def test_ray_writes_what_the_local_engine_writes_on_the_seeds() -> None:
    assert outputs(SEEDS_DIR, "ray") == outputs(SEEDS_DIR, "local")


def test_ray_keeps_the_same_first_copies_of_planted_duplicates(tmp_path: Path) -> None:
    folder = corpus(tmp_path, documents=300)
    (folder / "page150.txt").write_bytes(b"ok \x00\x01 binary, not text")
    local, on_ray = outputs(folder, "local"), outputs(folder, "ray")
    assert on_ray == local
    assert sum(P1 in (text or "") for _, text, _ in local) == 1
    assert [name for name, _, error in on_ray if error] == ["page150.txt"]


def test_record_files_on_ray_match_the_local_engine(tmp_path: Path) -> None:
    from cleaner.engines.ray import RayEngine

    lines = [json.dumps({"id": n, "text": f"{(P1, P2, P3)[n % 3]}\nDonate now\nStory {n} of the day was long enough."}) for n in range(50)]
    source = tmp_path / "r.jsonl"
    source.write_text("\n".join(lines[:10] + ["{broken"] + lines[10:]) + "\n")
    item = InputFile(source, Path("r.jsonl"))
    cleaner = Cleaner(Config(language_detector="none"))
    RecordCleaner(cleaner.pipeline(), "text", "id", 1 << 30).clean_file(item, tmp_path / "local")
    with RayEngine(cleaner) as engine:
        RecordCleaner(engine, "text", "id", 1 << 30).clean_file(item, tmp_path / "ray")
    for name in ("r.jsonl", "r.rejects.jsonl"):
        assert (tmp_path / "ray" / name).read_bytes() == (tmp_path / "local" / name).read_bytes()


def test_dedup_keys_live_on_bucket_actors_during_a_run_and_come_back_after(tmp_path: Path) -> None:
    from cleaner.engines.ray import RayEngine, RemoteRuns
    from cleaner.spill import SortedRuns
    from cleaner.stages.dedup import Dedup

    folder = corpus(tmp_path, documents=60)
    with RayEngine(Cleaner(Config(language_detector="none"))) as engine:
        outcomes = list(engine.clean_files(list(find_inputs([str(folder)]))))
        index = next(s for s in engine.corpus.stages if isinstance(s, Dedup)).index
        assert isinstance(index.near, RemoteRuns) and isinstance(index.exact, RemoteRuns)
        held = (len(index.near), len(index.exact))
        assert held[0] > 0 and held[1] > 0
    assert isinstance(index.near, SortedRuns) and (len(index.near), len(index.exact)) == held
    assert sum(P1 in (o.doc.cleaned_text() if o.doc else "") for o in outcomes) == 1


def test_bucket_actors_remove_their_spill_folders_when_the_engine_closes(tmp_path: Path) -> None:
    from cleaner.engines.ray import RayEngine

    with RayEngine(Cleaner(Config(language_detector="none"))) as engine:
        # As spilling a run would: the actor's spill folder made on its node (the driver's here).
        folders = [Path(ray.get(b.__ray_call__.remote(lambda self: str(self.runs.spill.new_path("run").parent)))) for b in engine.buckets]
        assert folders and all(folder.is_dir() for folder in folders)
    assert not any(folder.exists() for folder in folders)
