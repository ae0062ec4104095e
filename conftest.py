"""Collection of the doctests under cleaner/: a module of an optional extra is skipped where its extra is not installed."""

import importlib.util

collect_ignore = [] if importlib.util.find_spec("datatrove") else ["cleaner/datatrove.py"]
