"""The core kernels, compiled or pure Python: chosen once per process, the same bytes out either way.

The compiled module (`_speedups`, built from `_speedups.pyx` where the install found a C compiler) is used when it
imports and CLEANER_PURE_PYTHON is not 1; otherwise the pure-Python twins (`_speedups_pure`) are. Where the
compiled module is missing without being asked for that, one line on stderr says so: the output is the same,
only slower.

>>> PATH in ("compiled core", "pure Python"), callable(forest_scores)
(True, True)
"""

from __future__ import annotations

import os
import sys
from types import ModuleType

FORCE_PURE = "CLEANER_PURE_PYTHON"


def choose_core() -> tuple[ModuleType, bool]:
    """The kernels' module and whether it is the compiled one (see the module's docstring)."""
    from . import _speedups_pure

    if os.environ.get(FORCE_PURE) == "1":
        return _speedups_pure, False
    try:
        from . import _speedups  # type: ignore[attr-defined]
    except ImportError:
        print(f"cleaner: the compiled core is not built; running the pure-Python path (same output, slower; "
              f"{FORCE_PURE}=1 chooses it without this note)", file=sys.stderr)
        return _speedups_pure, False
    return _speedups, True


_core, COMPILED = choose_core()
PATH = "compiled core" if COMPILED else "pure Python"

char_counts = _core.char_counts
forest_scores = _core.forest_scores
