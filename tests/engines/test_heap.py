"""A long run's freed memory goes back to the system: large blocks get mappings of their own, and free
heap pages are handed back between batches."""

from __future__ import annotations

import ctypes
import subprocess
import sys

import pytest

from cleaner.engines.heap import return_large_frees

# After an 8 MB array is freed, glibc serves blocks under 8 MB from the heap; a 1 MB array then shows in
# `hblkhd` (bytes in mappings of their own) only if the threshold was fixed.
PROBE = """
import ctypes, sys
import numpy as np
from cleaner.engines.heap import return_large_frees

class MallInfo2(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in
                "arena ordblks smblks hblks hblkhd usmblks fsmblks uordblks fordblks keepcost".split()]

libc = ctypes.CDLL(None)
libc.mallinfo2.restype = MallInfo2
big = np.ones(1 << 20)  # 8 MB, mapped apart, then freed: glibc raises its threshold to 8 MB
del big
if sys.argv[1] == "fixed":
    assert return_large_frees()
before = libc.mallinfo2().hblkhd
array = np.ones(1 << 17)  # 1 MB
print(libc.mallinfo2().hblkhd - before >= array.nbytes)
"""


def glibc_has_mallinfo2() -> bool:
    try:
        return hasattr(ctypes.CDLL(None), "mallinfo2") and sys.platform.startswith("linux")
    except OSError:
        return False


@pytest.mark.skipif(not glibc_has_mallinfo2(), reason="glibc's allocator only")
@pytest.mark.parametrize(("mode", "mapped_apart"), [("default", "False"), ("fixed", "True")])
def test_a_fixed_threshold_maps_large_arrays_apart_after_a_larger_one_was_freed(mode: str, mapped_apart: str) -> None:
    result = subprocess.run([sys.executable, "-c", PROBE, mode], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == mapped_apart


def test_return_large_frees_says_whether_it_applied() -> None:
    assert return_large_frees() is glibc_has_mallinfo2()


# 64 MB of 16 kB blocks from the heap, all freed but the last (which keeps glibc from trimming the top):
# the process keeps the freed pages until someone hands them back.
FREED_PAGES = """
import sys
from cleaner.engines.heap import give_back_free_pages, return_large_frees

def resident_mb():
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * 4096 / 1e6

if sys.argv[1] == "asked":
    assert return_large_frees()
blocks = [bytearray(16 << 10) for _ in range(4096)]
del blocks[:-1]
before = resident_mb()
give_back_free_pages()
print(round(before - resident_mb()))
"""


@pytest.mark.skipif(not glibc_has_mallinfo2(), reason="glibc's allocator only")
def test_free_heap_pages_go_back_only_in_a_process_that_asked() -> None:
    def handed_back(mode: str) -> int:
        result = subprocess.run([sys.executable, "-c", FREED_PAGES, mode], capture_output=True, text=True, check=True)
        return int(result.stdout)

    assert handed_back("asked") >= 48
    assert handed_back("not asked") < 8
