"""Engines: where the stages run. One interface (`base.Engine`), two implementations, chosen here.

`local.LocalEngine` runs on this machine (one process, or a pool of workers:
`pool`); `ray.RayEngine` on a Ray cluster (an optional extra). Both run the
document stages where they like and the corpus stages in this process, in input
order, with the units of work in `units`; so every engine writes the same bytes.
`heap` is the one piece of allocator policy the engines apply to their processes.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from ..api import Cleaner
from ..io import InputFile
from .base import Engine
from .local import POOL_MIN_BYTES, LocalEngine
from .ray import RayEngine
from .units import FileOutcome

ENGINES = ("local", "ray")


def open_engine(cleaner: Cleaner, *, engine: str = "local", jobs: int = 1, ray_address: str | None = None,
                pool_min_bytes: int = POOL_MIN_BYTES) -> Engine:
    """The engine named `engine`, for `cleaner`'s pipeline: `jobs` processes, or a Ray cluster at `ray_address`
    (a local Ray with `jobs` CPUs when there is none).

    >>> open_engine(Cleaner(), jobs=2).jobs
    2
    >>> open_engine(Cleaner(), engine="spark")
    Traceback (most recent call last):
    ValueError: no engine named 'spark' (local, ray)
    """
    if engine == "local":
        return LocalEngine(cleaner, jobs, pool_min_bytes)
    if engine == "ray":
        return RayEngine(cleaner, address=ray_address, jobs=None if ray_address else jobs)
    raise ValueError(f"no engine named {engine!r} ({', '.join(ENGINES)})")


def clean_files(cleaner: Cleaner, inputs: Iterable[InputFile], *, progress: bool = False, jobs: int = 1,
                pool_min_bytes: int = POOL_MIN_BYTES, done: frozenset[str] = frozenset(), engine: str = "local",
                ray_address: str | None = None) -> Iterator[FileOutcome]:
    """Clean files in the given order on the chosen engine, so corpus-wide dedup keeps the first copy.

    Two passes over the files: one to learn the lines that recur across them, one to clean.
    Files named in `done` (finished by an earlier, interrupted run) count in the first pass only.
    """
    files = list(inputs)
    with open_engine(cleaner, engine=engine, jobs=jobs, ray_address=ray_address, pool_min_bytes=pool_min_bytes) as chosen:
        yield from chosen.clean_files(files, progress=progress, done=done)
