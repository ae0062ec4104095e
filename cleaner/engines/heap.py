"""Make the C library give large freed blocks back to the system at once, so a long run holds only what it uses.

glibc serves a block of 128 kB or more from a mapping of its own, unmapped when freed,
but raises that threshold to the size of the largest such block freed so far (up to
32 MB). After the first few merges, the dedup index's arrays of a few MB came from the
heap, and a heap whose freed blocks lie between live ones keeps its high-water mark: at
1 GB of input the parent held 180 MB of freed heap beside 150 MB in use. A fixed
threshold keeps large arrays in mappings of their own (and stops glibc moving it).
"""

from __future__ import annotations

import ctypes
import sys

M_MMAP_THRESHOLD = -3  # glibc's mallopt parameter (malloc.h)
OWN_MAPPING_BYTES = 256 << 10  # blocks from this size up are mapped apart: numpy arrays, not Python objects


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
    return mallopt(M_MMAP_THRESHOLD, OWN_MAPPING_BYTES) == 1
