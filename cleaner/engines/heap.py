"""How the engines' processes hold memory: large frees returned at once, free heap pages handed back between
batches, and a parent's objects left alone by the garbage collector while forked workers share them. Each one
lowers the peak of a two-worker run (docs/benchmarks.md: 2026-12-07, performance machinery).

glibc serves a block of 128 kB or more from a mapping of its own, unmapped when freed,
but raises that threshold to the size of the largest such block freed so far (up to
32 MB). After the first few merges, the dedup index's arrays of a few MB came from the
heap, and a heap whose freed blocks lie between live ones keeps its high-water mark: at
1 GB of input the parent held 180 MB of freed heap beside 150 MB in use. A fixed
threshold keeps large arrays in mappings of their own (and stops glibc moving it).

Freed blocks under the threshold stay in the heap, and glibc hands back only its top: a
process holds the most its heap ever held. Long loops hand the free pages back between
batches (`give_back_free_pages`): at 100 MB of input the process tree peaked at 383 MB
where it peaked at 409.
"""

from __future__ import annotations

import ctypes
import gc
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TypeVar

_T = TypeVar("_T")

M_MMAP_THRESHOLD = -3  # glibc's mallopt parameter (malloc.h)
OWN_MAPPING_BYTES = 256 << 10  # blocks from this size up are mapped apart: numpy arrays, not Python objects

_malloc_trim = None  # glibc's malloc_trim, once `return_large_frees` took effect in this process


def return_large_frees() -> bool:
    """Fix the C library's mmap threshold at `OWN_MAPPING_BYTES`; returns whether it could (glibc only).

    It changes how this process allocates, not what it computes: the CLI calls it for the run it
    owns, and the worker processes for themselves; a library caller decides for its own process.

    >>> return_large_frees() in (True, False)
    True
    """
    if not sys.platform.startswith("linux"):
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt  # the C library this process already has loaded
    except (OSError, AttributeError):  # not glibc (musl has no mallopt): its allocator keeps its own policy
        return False
    mallopt.argtypes, mallopt.restype = (ctypes.c_int, ctypes.c_int), ctypes.c_int
    if mallopt(M_MMAP_THRESHOLD, OWN_MAPPING_BYTES) != 1:
        return False
    global _malloc_trim  # noqa: PLW0603 - the allocator's policy is the process's, like the threshold itself
    _malloc_trim = ctypes.CDLL(None).malloc_trim
    _malloc_trim.argtypes, _malloc_trim.restype = (ctypes.c_size_t,), ctypes.c_int
    return True


def give_back_free_pages() -> None:
    """Hand the free pages inside the C heap back to the system, where `return_large_frees` took effect.

    glibc returns only the top of its heap by itself: pages freed below a live block stay with the
    process, so its size is the highest its heap ever reached, and that creeps up with every larger
    batch a long run meets. A long-running loop calls this between batches; elsewhere it does nothing.

    >>> give_back_free_pages()
    """
    if _malloc_trim is not None:
        _malloc_trim(0)


DOCUMENTS_BETWEEN = 64  # a hand-back takes some 15 ms on a 100 MB heap: a few per cent of 64 pages' cleaning


class FreePagesCounter:
    """Counts cleaned documents and hands the heap's free pages back after every `every` of them.

    How often matters little to the peak: between two hand-backs the heap holds at most its
    largest size since the last one, whatever the gap.

    >>> counter = FreePagesCounter(every=2); counter.add(1); counter.pending
    1
    >>> counter.add(1); counter.pending
    0
    """

    def __init__(self, every: int = DOCUMENTS_BETWEEN) -> None:
        self.every, self.pending = every, 0

    def add(self, documents: int) -> None:
        self.pending += documents
        if self.pending >= self.every:
            self.pending = 0
            give_back_free_pages()


def giving_back_free_pages(items: Iterable[_T], every: int = DOCUMENTS_BETWEEN) -> Iterator[_T]:
    """The items, with the heap's free pages handed back after each `every` of them (see `FreePagesCounter`).

    >>> list(giving_back_free_pages(range(3), every=2))
    [0, 1, 2]
    """
    counter = FreePagesCounter(every)
    for item in items:
        yield item
        counter.add(1)


@contextmanager
def shared_with_forks() -> Iterator[None]:
    """For the length of the block, the garbage collector leaves alone what this process holds now.

    For a process about to fork workers that share its pages (the language model, the compiled rules):
    a collection writes to every object it walks, and each such write copies a page a worker shares.

    >>> with shared_with_forks(): gc.get_freeze_count() > 0
    True
    >>> gc.get_freeze_count()
    0
    """
    gc.collect()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
