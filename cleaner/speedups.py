"""The core kernels, compiled or pure Python: chosen once per process, the same bytes out either way.

The compiled module (`_speedups`, built from `_speedups.pyx` where the install found a C compiler) is used when it
imports and CLEANER_PURE_PYTHON is not 1; otherwise the pure-Python twins (`_speedups_pure`) are. Where the
compiled module is missing without being asked for that, one line on stderr says so: the output is the same,
only slower.

>>> PATH in ("compiled core", "pure Python"), callable(forest_scores)
(True, True)
"""

from __future__ import annotations

import importlib
import os
import sys
from types import ModuleType

FORCE_PURE = "CLEANER_PURE_PYTHON"


def choose_kernels(compiled: str, pure: str) -> tuple[ModuleType, bool]:
    """The module `compiled` of this package and True where it imports and CLEANER_PURE_PYTHON is not 1, else its
    pure-Python twin `pure` and False.

    >>> choose_kernels("_no_such_module", "_speedups_pure")[1]
    False
    """
    twin = importlib.import_module(f"{__package__}.{pure}")
    if os.environ.get(FORCE_PURE) == "1":
        return twin, False
    try:
        return importlib.import_module(f"{__package__}.{compiled}"), True
    except ImportError:
        return twin, False


def choose_core() -> tuple[ModuleType, bool]:
    """The kernels' module and whether it is the compiled one (see the module's docstring)."""
    core, compiled = choose_kernels("_speedups", "_speedups_pure")
    if not compiled and os.environ.get(FORCE_PURE) != "1":
        print(f"cleaner: the compiled core is not built; running the pure-Python path (same output, slower; "
              f"{FORCE_PURE}=1 chooses it without this note)", file=sys.stderr)
    return core, compiled


_core, COMPILED = choose_core()
PATH = "compiled core" if COMPILED else "pure Python"

char_counts = _core.char_counts
forest_scores = _core.forest_scores
